"""Reads of meetings, agendas, forward plans, notes and actions, scoped to the user.

Officers (``GROUPS_VIEW``) see every group's forward plan, meetings and actions. A provider
user sees only the groups meant for them (the group's audience includes one of their market
segments): the accepted and scheduled items of those groups' forward plans and their own
proposals (with any decline reason), and the published notes of their meetings. Everything is
fetched through the ``get_*_for_user`` helpers here, which answer 404 for anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from engage.accounts.models import Role
from engage.accounts.permissions import Capability, has_capability
from engage.engagement.models import Activity, Attendance
from engage.groups.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionUpdate,
    EngagementGroup,
    ForwardPlanEvent,
    ForwardPlanItem,
    GroupStatus,
    ItemStatus,
    Meeting,
    MeetingNotes,
    NotesRevision,
)
from engage.market.audience import Segment, contact_segments
from engage.market.models import Contact
from engage.portal.access import contact_for, segments_for

T = TypeVar("T")

#: Item statuses every provider the group is for may see (others see only their own).
PUBLIC_ITEM_STATUSES = (ItemStatus.ACCEPTED, ItemStatus.SCHEDULED, ItemStatus.DONE)

#: Meetings whose activity is cancelled are not "the next meeting".
_LIVE_ACTIVITY = ~Q(activity__status=Activity.Status.CANCELLED)


# --- Which groups are meant for a provider --------------------------------------------------


def groups_for_contact(
    contact: Contact, *, segments: frozenset[Segment] | None = None
) -> list[EngagementGroup]:
    """The groups (not closed nor only proposed) whose audience includes ``contact``.

    A fixed number of queries: the groups come with their audience prefetched and are matched
    in memory against the contact's segments (pass ``segments`` when they are known already).
    """
    if segments is None:
        segments = contact_segments(contact)
    if not segments:
        return []
    statuses = (GroupStatus.ACTIVE, GroupStatus.PAUSED)
    candidates = list(EngagementGroup.objects.filter(status__in=statuses).order_by("name", "pk"))
    # The audiences' slugs of every candidate in one query (two prefetches cost more).
    slugs: dict[tuple[int, int], set[str]] = {}
    for group_id, slug, dimension in _audience_slugs(statuses):
        slugs.setdefault((group_id, dimension), set()).add(slug)
    empty: frozenset[str] = frozenset()
    return [
        g
        for g in candidates
        if any(
            g.audience_with(
                service_types=frozenset(slugs.get((g.pk, _SERVICE_TYPES), empty)),
                localities=frozenset(slugs.get((g.pk, _LOCALITIES), empty)),
            ).includes(segment)
            for segment in segments
        )
    ]


_SERVICE_TYPES, _LOCALITIES = 1, 2
#: The columns of each half of ``_audience_slugs`` (``dimension`` is annotated).
_SLUG_FIELDS = (
    ("engagementgroup_id", "servicetype__slug", "dimension"),
    ("engagementgroup_id", "locality__slug", "dimension"),
)


def _audience_slugs(statuses: tuple[str, ...]) -> QuerySet[Any, tuple[int, str, int]]:
    """(group id, slug, ``_SERVICE_TYPES`` or ``_LOCALITIES``) of the audiences of the groups
    of ``statuses``."""
    types = (
        EngagementGroup.audience_service_types.through.objects.filter(
            engagementgroup__status__in=statuses
        )
        .annotate(dimension=Value(_SERVICE_TYPES))
        .values_list(*_SLUG_FIELDS[0])
    )
    localities = (
        EngagementGroup.audience_localities.through.objects.filter(
            engagementgroup__status__in=statuses
        )
        .annotate(dimension=Value(_LOCALITIES))
        .values_list(*_SLUG_FIELDS[1])
    )
    return types.union(localities, all=True)


def _remembered(user: Any, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, remembered on the user object for the rest of the request (the portal
    home's panels and an API answer's resolvers ask the same question many times)."""
    memo = user.__dict__.setdefault("_groups_memo", {}) if user is not None else {}
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])


def portal_contact(user: Any) -> Contact | None:
    """The provider user's contact (``portal.access.contact_for``), once per request."""
    return _remembered(user, "contact", lambda: contact_for(user))


def groups_for_user(user: Any) -> list[EngagementGroup]:
    """The groups meant for a provider user (``groups_for_contact``), once per request."""
    contact = portal_contact(user)
    if contact is None:
        return []
    return _remembered(
        user, "groups", lambda: groups_for_contact(contact, segments=segments_for(contact))
    )


def cached_groups_for_user(user: Any) -> list[EngagementGroup]:
    """``groups_for_user``, from the cache when another provider user of the same segments of
    the market asked already (under the portal's groups version, which every write of groups
    and their audiences bumps); later calls of ``groups_for_user`` in the request use it."""
    from engage.core import data_versions
    from engage.portal import panel_versions
    from engage.portal.access import segment_key

    contact = portal_contact(user)
    if contact is None:
        return []

    def compute() -> list[EngagementGroup]:
        segments = segments_for(contact)
        return data_versions.cached(
            panel_versions.GROUPS,
            ("groups-for-segments", segment_key(segments)),
            lambda: groups_for_contact(contact, segments=segments),
            timeout=panel_versions.TIMEOUT,
        )

    return _remembered(user, "groups", compute)


def group_ids_for_user(user: Any) -> set[int] | None:
    """Ids of the groups a provider user may see; ``None`` for officers (who see all)."""
    if has_capability(user, Capability.GROUPS_VIEW):
        return None
    return {g.pk for g in groups_for_user(user)}


def may_read_meetings(user: Any) -> bool:
    return has_capability(user, Capability.GROUPS_VIEW) or has_capability(
        user, Capability.PORTAL_USE
    )


def get_group_for_forward_plan(user: Any, pk: int) -> EngagementGroup:
    """The group whose forward plan ``user`` may read; 404 when not one meant for them."""
    allowed = group_ids_for_user(user)
    if (allowed is not None and pk not in allowed) or not may_read_meetings(user):
        raise Http404("No such group")
    group = EngagementGroup.objects.select_related("owner__user").filter(pk=pk).first()
    if group is None:
        raise Http404("No such group")
    return group


# --- Forward plan ---------------------------------------------------------------------------


def _items() -> QuerySet[ForwardPlanItem]:
    return ForwardPlanItem.objects.select_related(
        "proposed_by", "proposer_contact__provider", "meeting__activity", "group"
    )


#: The order of a forward plan: what waits on a decision first, what is done or declined last.
_STATUS_ORDER = Case(
    *(When(status=s, then=Value(n)) for n, s in enumerate(ItemStatus.values)),
    output_field=IntegerField(),
)


def forward_plan(group: EngagementGroup, *, status: str = "") -> QuerySet[ForwardPlanItem]:
    """The group's forward plan for officers: proposed, accepted and scheduled items first
    (soonest meeting first), then done and declined ones, latest meeting first."""
    items = _items().filter(group=group)
    if status:
        items = items.filter(status=status)
    return items.annotate(status_order=_STATUS_ORDER).order_by(
        "status_order",
        F("meeting__activity__starts_at").desc(nulls_first=True),
        "-created_at",
        "pk",
    )


def forward_plan_for_provider(
    group: EngagementGroup, contact: Contact
) -> QuerySet[ForwardPlanItem]:
    """What a provider sees of a group's forward plan: the public items and their own."""
    return (
        _items()
        .filter(group=group)
        .filter(Q(status__in=PUBLIC_ITEM_STATUSES) | Q(proposer_contact=contact))
        .order_by("status", "-updated_at", "pk")
    )


def visible_items(user: Any, group: EngagementGroup) -> QuerySet[ForwardPlanItem]:
    """The group's items ``user`` may read (the group already checked)."""
    if has_capability(user, Capability.GROUPS_VIEW):
        return forward_plan(group)
    contact = portal_contact(user)
    if contact is None:
        return ForwardPlanItem.objects.none()
    return forward_plan_for_provider(group, contact)


def get_item_for_user(user: Any, group: EngagementGroup, pk: int) -> ForwardPlanItem:
    item = (
        visible_items(user, group)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ForwardPlanEvent.objects.select_related(
                    "by", "from_meeting__activity", "to_meeting__activity"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def status_counts(group: EngagementGroup) -> dict[str, int]:
    rows = (
        ForwardPlanItem.objects.filter(group=group)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def upcoming_meetings(group: EngagementGroup) -> QuerySet[Meeting]:
    """The group's meetings not yet over and not cancelled, soonest first."""
    return (
        Meeting.objects.filter(group=group, activity__ends_at__gte=timezone.now())
        .filter(_LIVE_ACTIVITY)
        .select_related("activity")
        .order_by("activity__starts_at", "pk")
    )


def next_meeting_after(meeting: Meeting) -> Meeting | None:
    """The group's first meeting starting after ``meeting`` (not cancelled)."""
    return (
        Meeting.objects.filter(
            group_id=meeting.group_id, activity__starts_at__gt=meeting.activity.starts_at
        )
        .filter(_LIVE_ACTIVITY)
        .select_related("activity")
        .order_by("activity__starts_at", "pk")
        .first()
    )


# --- Meetings -------------------------------------------------------------------------------


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "group__owner__user", "activity__venue", "activity__lead_officer__user", "notes"
    )


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    """A meeting ``user`` may read: officers any; providers those of their groups; else 404."""
    if not may_read_meetings(user):
        raise Http404("No such meeting")
    meeting = _meetings().filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    allowed = group_ids_for_user(user)
    if allowed is not None:
        notes = getattr(meeting, "notes", None)
        if meeting.group_id not in allowed or notes is None or not notes.is_published:
            raise Http404("No such meeting")
    return meeting


def agenda(meeting: Meeting) -> list[ForwardPlanItem]:
    """The meeting's agenda in order, each item with its actions."""
    return list(
        _items()
        .filter(meeting=meeting)
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner__user"))
        )
        .order_by("agenda_position", "pk")
    )


def meeting_actions(meeting: Meeting) -> list[Action]:
    return list(
        Action.objects.filter(meeting=meeting)
        .select_related("owner__user", "agenda_item")
        .order_by("due_on", "pk")
    )


def unscheduled_items(group: EngagementGroup) -> list[ForwardPlanItem]:
    """Accepted items of the group waiting for a meeting (to add to an agenda)."""
    return list(_items().filter(group=group, status=ItemStatus.ACCEPTED).order_by("created_at"))


@dataclass(frozen=True)
class AttendanceCounts:
    contacts: int
    officers: int
    partners: int
    councillors: int
    apologies: int

    @property
    def total(self) -> int:
        return self.contacts + self.officers + self.partners + self.councillors


def attendance_counts(meeting: Meeting) -> AttendanceCounts:
    """Who came to the meeting, by kind of person, and apologies (one query)."""
    kind = Attendance.Kind
    figures = Attendance.objects.filter(activity_id=meeting.activity_id).aggregate(
        contacts=Count("pk", filter=Q(attended=True, kind=kind.CONTACT)),
        officers=Count("pk", filter=Q(attended=True, kind=kind.OFFICER)),
        partners=Count("pk", filter=Q(attended=True, kind=kind.PARTNER)),
        councillors=Count("pk", filter=Q(attended=True, kind=kind.COUNCILLOR)),
        apologies=Count("pk", filter=Q(apologies=True)),
    )
    return AttendanceCounts(**figures)


# --- Notes ----------------------------------------------------------------------------------


def notes_of(meeting: Meeting) -> MeetingNotes | None:
    return getattr(meeting, "notes", None) if hasattr(meeting, "notes") else None


def notes_sent_at(meeting: Meeting) -> datetime | None:
    """When the meeting's notes were first sent out, if they were (for the standards)."""
    return MeetingNotes.objects.filter(meeting=meeting).values_list("sent_at", flat=True).first()


def revisions(notes: MeetingNotes) -> QuerySet[NotesRevision]:
    return notes.revisions.select_related("by").order_by("-number")


def published_notes_for(user: Any, *, limit: int = 5) -> list[tuple[int, str, datetime | None]]:
    """The latest published notes of meetings of the provider user's groups, as what the
    portal home shows of them: (meeting id, group name, meeting start)."""
    group_ids = [g.pk for g in groups_for_user(user)]
    return list(
        MeetingNotes.objects.filter(meeting__group_id__in=group_ids, published_at__isnull=False)
        .values_list("meeting_id", "meeting__group__name", "meeting__activity__starts_at")
        .order_by("-meeting__activity__starts_at")[:limit]
    )


# --- Actions --------------------------------------------------------------------------------


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related("owner__user", "group", "meeting__activity", "agenda_item")


def group_actions(group: EngagementGroup, *, status: str = "") -> QuerySet[Action]:
    actions = _actions().filter(group=group)
    if status == "overdue":
        actions = overdue(actions)
    elif status == "open":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    elif status:
        actions = actions.filter(status=status)
    return actions.order_by("status", "due_on", "pk")


def overdue(actions: QuerySet[Action], today: date | None = None) -> QuerySet[Action]:
    """Open actions due before ``today`` (UK date)."""
    return actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today or timezone.localdate())


def actions_owned_by(user: Any, *, status: str = "") -> QuerySet[Action]:
    """The actions of the officer ``user`` signs in as."""
    actions = _actions().filter(owner__user_id=getattr(user, "pk", None) or 0)
    if status == "overdue":
        actions = overdue(actions)
    elif status == "open":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    elif status:
        actions = actions.filter(status=status)
    return actions.order_by("due_on", "pk")


def get_action_for_user(user: Any, pk: int) -> Action:
    """An action ``user`` may read (officers who see groups), with its history; 404 otherwise."""
    if not has_capability(user, Capability.GROUPS_VIEW):
        raise Http404("No such action")
    action = (
        _actions()
        .select_related("group__owner__user")
        .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.select_related("by")))
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def may_update_action(user: Any, action: Action) -> bool:
    """The action's owner, the owner of its group, and the Provider Engagement Manager."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role == Role.PEM:
        return True
    officer_id = getattr(getattr(user, "officer", None), "pk", None)
    if officer_id is None:
        return False
    group_owner_id = action.group.owner_id if action.group_id and action.group else None
    return officer_id in (action.owner_id, group_owner_id)


def open_actions_for(user: Any, *, limit: int = 5) -> list[tuple[Any, ...]]:
    """Open actions of published meetings of the provider user's groups (the portal's view),
    as what the portal home shows of them: (title, status, due on, owner id, owner's name,
    owner's name as typed, meeting id, group name)."""
    group_ids = [g.pk for g in groups_for_user(user)]
    return list(
        Action.objects.filter(
            meeting__group_id__in=group_ids,
            meeting__notes__published_at__isnull=False,
            status__in=OPEN_ACTION_STATUSES,
        )
        .values_list(
            "title",
            "status",
            "due_on",
            "owner_id",
            "owner__user__full_name",
            "owner_name",
            "meeting_id",
            "meeting__group__name",
        )
        .order_by("due_on", "pk")[:limit]
    )
