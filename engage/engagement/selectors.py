"""Reads of engagement planning, shaped for the pages, the API, the feeds and other apps.

``candidate_slots`` loads every activity that could clash with something in a date window in
two queries; ``clashes_for`` and ``clash_map`` run the pure rules of
``engage.engagement.clashes`` over them. The ``*_for_user`` helpers answer 404 for what a user
may not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from engage.accounts.models import Role
from engage.accounts.permissions import Capability, has_capability
from engage.council.models import Officer, PartnerPerson, Team
from engage.engagement import calendar_version
from engage.engagement.clashes import Clash, Names, Rules, Slot, find_clashes
from engage.engagement.models import (
    AcceptedWarning,
    Activity,
    Attendance,
    CalendarFeed,
    Registration,
    TopicLevelHint,
)
from engage.market.audience import Audience, Segment, contact_segments
from engage.market.models import Contact, Level, Locality, ServiceType

Status = Activity.Status

#: Activities that hold a place on the calendar and so can clash with others. A draft is its
#: author's until it is submitted; a cancelled activity holds nothing.
CALENDAR_HOLDING = (
    Status.SUBMITTED,
    Status.APPROVED,
    Status.PUBLISHED,
    Status.HELD,
    Status.EVALUATED,
    Status.CLOSED,
)
#: What providers and partners may see of an activity.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.HELD, Status.EVALUATED, Status.CLOSED)

LEVEL_FIELDS = {
    Level.OWNER: "for_owners",
    Level.MANAGER: "for_managers",
    Level.WORKER: "for_workers",
}


def clash_rules() -> Rules:
    """The clash thresholds a council configured (settings)."""
    return Rules(
        warning_working_days=settings.ENGAGE_CLASH_WARNING_WORKING_DAYS,
        min_notice_weeks=settings.ENGAGE_MIN_NOTICE_WEEKS,
        forum_notice_months=settings.ENGAGE_FORUM_NOTICE_MONTHS,
    )


def with_details(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """Activities with everything a list or a detail page shows, in a fixed number of queries."""
    return queryset.select_related(
        "lead_officer__user", "lead_officer__team", "facilitator__user", "venue"
    ).prefetch_related(
        Prefetch("audience_service_types", queryset=ServiceType.objects.order_by("position")),
        Prefetch("audience_localities", queryset=Locality.objects.order_by("name")),
        "required_teams",
    )


def slot_for(activity: Activity, *, teams: Sequence[Team] | None = None) -> Slot:
    """The clash engine's view of a saved activity (prefetch the audience and teams on lists;
    ``teams``: its required teams, already read)."""
    if teams is None:
        teams = list(activity.required_teams.all())
    return Slot(
        id=activity.pk,
        title=activity.title,
        kind=activity.kind,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        audience=activity.audience(),
        team_ids=frozenset(t.pk for t in teams),
    )


def _margin() -> timedelta:
    # Enough calendar days to hold the warning window's working days over weekends and the
    # longest run of bank holidays.
    return timedelta(days=settings.ENGAGE_CLASH_WARNING_WORKING_DAYS * 2 + 7)


def candidate_slots(*, start: datetime, end: datetime) -> tuple[list[Slot], Names]:
    """Every activity holding a place on the calendar near ``start``–``end`` (two queries).

    The window is widened by the clash warning window. Returns the slots and the names of the
    service types, localities and teams they mention (for the messages).
    """
    others, _, names = _load_slots(start=start, end=end, also=())
    return others, names


def _load_slots(
    *, start: datetime, end: datetime, also: Iterable[int]
) -> tuple[list[Slot], dict[int, Slot], Names]:
    """``candidate_slots``, and in the same two queries the slots of the activities ``also``
    (whatever their status or dates: a page's own activities, drafts included).

    Returns the candidates, every loaded slot by id, and the names.
    """
    low, high = start - _margin(), end + _margin()
    also_ids = sorted(set(also))
    window = Q(starts_at__lt=high, ends_at__gt=low, status__in=CALENDAR_HOLDING)
    rows = list(
        Activity.objects.filter(window | Q(pk__in=also_ids)).values_list(
            "pk",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "for_owners",
            "for_managers",
            "for_workers",
            "tier_one_only",
            "status",
        )
    )
    through_window = Q(
        activity__starts_at__lt=high,
        activity__ends_at__gt=low,
        activity__status__in=CALENDAR_HOLDING,
    ) | Q(activity_id__in=also_ids)
    text = CharField()
    number = IntegerField()
    types = (
        Activity.audience_service_types.through._default_manager.filter(through_window)
        .order_by()
        .values_list(
            "activity_id",
            Value("t", output_field=text),
            "servicetype__slug",
            "servicetype__name",
            Value(0, output_field=number),
        )
    )
    localities = (
        Activity.audience_localities.through._default_manager.filter(through_window)
        .order_by()
        .values_list(
            "activity_id",
            Value("l", output_field=text),
            "locality__slug",
            "locality__name",
            Value(0, output_field=number),
        )
    )
    teams = (
        Activity.required_teams.through.objects.filter(through_window)
        .order_by()
        .values_list(
            "activity_id",
            Value("r", output_field=text),
            Cast("team_id", text),
            "team__name",
            "team__officers_out_at_once",
        )
    )
    details: dict[int, dict[str, set[str]]] = {}
    type_names: dict[str, str] = {}
    locality_names: dict[str, str] = {}
    team_names: dict[int, str] = {}
    team_capacity: dict[int, int] = {}
    if rows:
        for activity_id, dimension, key, label, capacity in types.union(
            localities, teams, all=True
        ):
            details.setdefault(activity_id, {"t": set(), "l": set(), "r": set()})[dimension].add(
                key
            )
            if dimension == "t":
                type_names[key] = label
            elif dimension == "l":
                locality_names[key] = label
            else:
                team_names[int(key)] = label
                team_capacity[int(key)] = capacity
    candidates = []
    by_id = {}
    for pk, title, kind, starts_at, ends_at, owners, managers, workers, tier_one, status in rows:
        found = details.get(pk, {"t": set(), "l": set(), "r": set()})
        levels = {
            level
            for level, chosen in (
                (Level.OWNER, owners),
                (Level.MANAGER, managers),
                (Level.WORKER, workers),
            )
            if chosen
        }
        slot = Slot(
            id=pk,
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            audience=Audience(
                service_types=frozenset(found["t"]),
                levels=frozenset(str(level) for level in levels),
                localities=frozenset(found["l"]),
                tier_one_only=tier_one,
            ),
            team_ids=frozenset(int(t) for t in found["r"]),
        )
        by_id[pk] = slot
        if status in CALENDAR_HOLDING and starts_at < high and ends_at > low:
            candidates.append(slot)
    names = Names(
        service_types=type_names,
        localities=locality_names,
        teams=team_names,
        team_capacity=team_capacity,
    )
    return candidates, by_id, names


def reference_names(base: Names | None = None) -> Names:
    """Names of every service type and locality (one query), merged with ``base``'s teams and
    their capacities."""
    text = CharField()
    rows = (
        ServiceType.objects.order_by()
        .values_list("slug", "name", Value("t", output_field=text))
        .union(
            Locality.objects.order_by().values_list("slug", "name", Value("l", output_field=text)),
            all=True,
        )
    )
    types: dict[str, str] = {}
    localities: dict[str, str] = {}
    for slug, name, dimension in rows:
        (types if dimension == "t" else localities)[slug] = name
    return Names(
        service_types=types,
        localities=localities,
        teams=dict(base.teams) if base else {},
        team_capacity=dict(base.team_capacity) if base else {},
    )


def with_teams(names: Names, teams: Iterable[Team]) -> Names:
    """``names`` with the names and capacities of ``teams`` added (those of a slot's own
    teams, which the calendar around it may not mention)."""
    teams = list(teams)
    if not teams:
        return names
    return Names(
        service_types=names.service_types,
        localities=names.localities,
        teams={**{t.pk: t.name for t in teams}, **names.teams},
        team_capacity={**names.team_capacity, **{t.pk: t.officers_out_at_once for t in teams}},
    )


def notice_from(activity: Activity, today: date | None = None) -> date | None:
    """When providers learn of the activity: its publication, or today while unpublished.

    ``None`` (no notice rule) for cancelled activities and published ones without a date.
    """
    today = today or timezone.localdate()
    if activity.status in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED):
        return today
    if activity.status == Status.CANCELLED or activity.published_at is None:
        return None
    return timezone.localdate(activity.published_at)


def clashes_for_slot(slot: Slot, *, notice: date | None, teams: Iterable[Team] = ()) -> list[Clash]:
    """Clashes of a saved or proposed activity against the calendar (three queries).

    ``teams`` are the slot's required teams (for their names and capacities)."""
    others, names = candidate_slots(start=slot.starts_at, end=slot.ends_at)
    merged = with_teams(reference_names(names), teams)
    return find_clashes(slot, others, rules=clash_rules(), notice_from=notice, names=merged)


def clashes_for(activity: Activity) -> list[Clash]:
    """Every clash and warning of a saved activity (none once it is cancelled)."""
    if activity.status == Status.CANCELLED:
        return []
    teams = list(activity.required_teams.all())
    return clashes_for_slot(
        slot_for(activity, teams=teams), notice=notice_from(activity), teams=teams
    )


@dataclass(frozen=True)
class ClashReport:
    """An activity's clashes, split the way the pages and approval need them."""

    clashes: list[Clash]
    warnings: list[Clash]
    accepted: dict[str, AcceptedWarning]

    @property
    def open_warnings(self) -> list[Clash]:
        return [w for w in self.warnings if w.key not in self.accepted]

    @property
    def blocking(self) -> bool:
        return bool(self.clashes or self.open_warnings)

    @property
    def marker(self) -> str:
        """'clash', 'warning' or '' for the calendar."""
        if self.clashes:
            return "clash"
        if self.open_warnings:
            return "warning"
        return ""


def report_for(activity: Activity) -> ClashReport:
    found = clashes_for(activity)
    accepted = {a.clash_key: a for a in activity.accepted_warnings.select_related("accepted_by")}
    return ClashReport(
        clashes=[c for c in found if not c.is_warning],
        warnings=[c for c in found if c.is_warning],
        accepted=accepted,
    )


#: How long a page's clash reports stay cached (a new calendar version replaces them sooner).
CLASH_CACHE_SECONDS = 3600


def clash_map(activities: Sequence[Activity]) -> dict[int, ClashReport]:
    """Clash reports for many activities at once (a fixed number of queries, whatever their
    number; one when cached).

    The activities need only their own fields: their audiences and teams are loaded with the
    candidates they are compared with. The clashes are cached under the calendar's version
    (``calendar_version``), today's date and the rules; accepted warnings are read fresh.
    """
    live = [a for a in activities if a.status != Status.CANCELLED]
    if not live:
        return {}
    today = timezone.localdate()
    rules = clash_rules()
    ids = sorted(a.pk for a in live)
    found_by_id = calendar_version.cached(
        ("clashes", today, rules, tuple(settings.ENGAGE_CLOSURE_DATES), ids),
        lambda: _clashes_of(live, rules=rules, today=today),
        timeout=CLASH_CACHE_SECONDS,
    )
    accepted: dict[int, dict[str, AcceptedWarning]] = {}
    for row in AcceptedWarning.objects.filter(activity__in=ids):
        accepted.setdefault(row.activity_id, {})[row.clash_key] = row
    return {
        pk: ClashReport(
            clashes=[c for c in found if not c.is_warning],
            warnings=[c for c in found if c.is_warning],
            accepted=accepted.get(pk, {}),
        )
        for pk, found in found_by_id.items()
    }


def _clashes_of(live: Sequence[Activity], *, rules: Rules, today: date) -> dict[int, list[Clash]]:
    """Every clash of each of ``live`` (three queries)."""
    start = min(a.starts_at for a in live)
    end = max(a.ends_at for a in live)
    others, slots, names = _load_slots(start=start, end=end, also=[a.pk for a in live])
    names = reference_names(names)
    margin = _margin()
    found_by_id = {}
    for activity in live:
        # Each activity is compared with what ``clashes_for`` would load for it alone: the
        # activities within the warning margin of its own dates, not of the whole page's.
        # Its own slot (teams included) was loaded with the others, so the names hold its
        # teams' names and capacities too.
        low, high = activity.starts_at - margin, activity.ends_at + margin
        found_by_id[activity.pk] = find_clashes(
            slots[activity.pk],
            [o for o in others if o.starts_at < high and o.ends_at > low],
            rules=rules,
            notice_from=notice_from(activity, today),
            names=names,
        )
    return found_by_id


# --- Who may see what -----------------------------------------------------------------------


def activities_for_user(user: Any) -> QuerySet[Activity]:
    """The activities ``user`` may see on the calendar: staff all, councillors all but drafts."""
    if not has_capability(user, Capability.CALENDAR_VIEW):
        return Activity.objects.none()
    if user.role == Role.COUNCILLOR:
        return Activity.objects.exclude(status=Status.DRAFT)
    return Activity.objects.all()


def get_activity_for_user(user: Any, pk: int) -> Activity:
    """One activity ``user`` may see, with its details; 404 otherwise."""
    activity = with_details(activities_for_user(user)).filter(pk=pk).first()
    if activity is None:
        raise Http404("No such activity")
    return activity


def is_owner(user: Any, activity: Activity) -> bool:
    """The PEM, the activity's author and its lead officer look after an activity."""
    if has_capability(user, Capability.ACTIVITY_APPROVE):
        return True
    if not has_capability(user, Capability.ACTIVITY_PROPOSE):
        return False
    lead_user_id = activity.lead_officer.user_id if activity.lead_officer else None
    return user.pk in (activity.created_by_id, lead_user_id)


def can_edit(user: Any, activity: Activity) -> bool:
    """Its owners (``is_owner``) may edit an activity until it is held."""
    if activity.status not in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED):
        return False
    return is_owner(user, activity)


def _user_pk(user: Any) -> int:
    return int(getattr(user, "pk", None) or 0)


def contact_of(user: Any) -> Contact | None:
    """The provider contact a provider user signs in as."""
    return (
        Contact.objects.filter(user_id=_user_pk(user), is_active=True)
        .select_related("provider")
        .first()
    )


def partner_of(user: Any) -> PartnerPerson | None:
    return PartnerPerson.objects.filter(user_id=_user_pk(user)).first()


# --- Calendar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarFilters:
    locality: str = ""
    service_type: str = ""
    level: str = ""
    team: str = ""
    status: str = ""
    kind: str = ""
    structure: str = ""  # "agreed" or "ad-hoc"
    #: One engagement group's meetings (its id), or None for any.
    group: int | None = None
    mine: bool = False


def calendar_filter_choices() -> dict[str, list[tuple[Any, str]]]:
    """The calendar filters' choices: active localities, service types and teams (slug, name)
    and the engagement groups that still meet (id, name).

    Cached under the calendar's version, which every write of these models replaces.
    """
    return calendar_version.cached("filters", _filter_choices, timeout=CLASH_CACHE_SECONDS)


def _filter_choices() -> dict[str, list[tuple[Any, str]]]:
    from engage.council.models import Team
    from engage.groups.models import EngagementGroup, GroupStatus

    return {
        "localities": list(Locality.objects.filter(is_active=True).values_list("slug", "name")),
        "service_types": list(
            ServiceType.objects.filter(is_active=True).values_list("slug", "name")
        ),
        "teams": list(Team.objects.filter(is_active=True).values_list("slug", "name")),
        "groups": list(
            EngagementGroup.objects.filter(status__in=(GroupStatus.ACTIVE, GroupStatus.PAUSED))
            .order_by("name")
            .values_list("pk", "name")
        ),
    }


def _audience_dimension_matches(through: Any, field: str, slug: str) -> Q:
    """The activity's audience includes ``slug`` in one dimension (empty means all)."""
    rows = through.objects.filter(activity_id=OuterRef("pk"))
    return ~Exists(rows) | Exists(rows.filter(**{f"{field}__slug": slug}))


def filter_activities(
    queryset: QuerySet[Activity], filters: CalendarFilters, user: Any = None
) -> QuerySet[Activity]:
    """Narrow ``queryset`` to the activities whose audience reaches the filtered segment."""
    if filters.locality:
        queryset = queryset.filter(
            _audience_dimension_matches(
                Activity.audience_localities.through, "locality", filters.locality
            )
        )
    if filters.service_type:
        queryset = queryset.filter(
            _audience_dimension_matches(
                Activity.audience_service_types.through, "servicetype", filters.service_type
            )
        )
    if filters.level in LEVEL_FIELDS:
        queryset = queryset.filter(
            Q(for_owners=False, for_managers=False, for_workers=False)
            | Q(**{LEVEL_FIELDS[Level(filters.level)]: True})
        )
    if filters.team:
        required = Activity.required_teams.through.objects.filter(
            activity_id=OuterRef("pk"), team__slug=filters.team
        )
        queryset = queryset.filter(Exists(required) | Q(lead_officer__team__slug=filters.team))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.structure == "agreed":
        queryset = queryset.filter(within_agreed_structure=True)
    elif filters.structure == "ad-hoc":
        queryset = queryset.filter(within_agreed_structure=False)
    if filters.group is not None:
        queryset = queryset.filter(meeting__group_id=filters.group)
    if filters.mine and user is not None:
        queryset = queryset.filter(Q(created_by=user) | Q(lead_officer__user=user))
    return queryset


def activities_between(
    queryset: QuerySet[Activity], start: datetime, end: datetime
) -> QuerySet[Activity]:
    """Activities overlapping ``start``–``end``, soonest first."""
    return queryset.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at", "pk")


# --- Provider contacts and partners ---------------------------------------------------------


def meant_for(activity: Activity, segments: Iterable[Segment]) -> bool:
    audience = activity.audience()
    return any(audience.includes(segment) for segment in segments)


def places_of(contact: Contact) -> dict[int, str]:
    """The contact's place (registered or waiting) on each activity, by activity id."""
    return dict(
        Registration.objects.filter(contact=contact)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("activity_id", "status")
    )


def events_for_contact(
    contact: Contact, *, upcoming_only: bool = True, places: dict[int, str] | None = None
) -> list[Activity]:
    """Published events meant for ``contact`` (their segments), or that they registered for.

    A fixed number of queries, with their audience and venue loaded. Pass ``places`` (from
    ``places_of``) when the caller needs them too, to save loading them twice.
    """
    return list(
        events_for_contact_queryset(
            contact, upcoming_only=upcoming_only, places=places
        ).prefetch_related(
            Prefetch("audience_service_types", queryset=ServiceType.objects.order_by("position")),
            Prefetch("audience_localities", queryset=Locality.objects.order_by("name")),
        )
    )


def events_for_contact_queryset(
    contact: Contact,
    *,
    upcoming_only: bool = True,
    places: dict[int, str] | None = None,
    segments: frozenset[Segment] | None = None,
) -> QuerySet[Activity]:
    """``events_for_contact`` as a queryset (soonest first, venue joined): the audience is
    matched against the contact's segments in SQL, so it can be counted and sliced. Pass
    ``segments`` (``contact_segments``) when the caller has them already."""
    if segments is None:
        segments = contact_segments(contact)
    registered_ids = set(places_of(contact) if places is None else places)
    queryset = Activity.objects.filter(
        status__in=PUBLIC_STATUSES, kind__in=_gathering_kinds()
    ).select_related("venue")
    if upcoming_only:
        queryset = queryset.filter(ends_at__gte=timezone.now(), status=Status.PUBLISHED)
    return queryset.filter(_meant_for_any(segments) | Q(pk__in=sorted(registered_ids)))


def _meant_for_any(segments: Iterable[Segment]) -> Q:
    """SQL for ``meant_for``: the activity's audience includes one of ``segments``.

    Each dimension of an audience is empty (everyone) or must hold the segment's value; the
    segments are grouped by level, Tier One and service type so that the localities of one
    group are a single ``IN``.
    """
    localities_by_group: dict[tuple[str, bool, str], set[str]] = {}
    for segment in segments:
        key = (segment.level, segment.tier_one, segment.service_type)
        localities_by_group.setdefault(key, set()).add(segment.locality)
    types = Activity.audience_service_types.through.objects.filter(activity_id=OuterRef("pk"))
    places = Activity.audience_localities.through.objects.filter(activity_id=OuterRef("pk"))
    every_level = Q(for_owners=False, for_managers=False, for_workers=False)
    matched = Q(pk__in=[])
    for (level, tier_one, service_type), localities in sorted(
        localities_by_group.items(), key=lambda item: item[0]
    ):
        condition = (~Exists(types) | Exists(types.filter(servicetype__slug=service_type))) & (
            ~Exists(places) | Exists(places.filter(locality__slug__in=sorted(localities)))
        )
        field = LEVEL_FIELDS.get(Level(level)) if level in Level.values else None
        condition &= (every_level | Q(**{field: True})) if field else every_level
        if not tier_one:
            condition &= Q(tier_one_only=False)
        matched |= condition
    return matched


def _gathering_kinds() -> list[str]:
    from engage.engagement.modes import GATHERING_KINDS

    return sorted(GATHERING_KINDS)


def get_event_for_contact(contact: Contact, pk: int) -> Activity:
    """A published (or past) event meant for ``contact``; 404 otherwise."""
    activity = with_details(Activity.objects.filter(status__in=PUBLIC_STATUSES, pk=pk)).first()
    if activity is None or not activity.is_gathering:
        raise Http404("No such event")
    own = Registration.objects.filter(activity=activity, contact=contact).exists()
    if not own and not meant_for(activity, contact_segments(contact)):
        raise Http404("No such event")
    return activity


def registration_counts(activity_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Registered and waiting counts per activity (one query)."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Registration.objects.filter(activity_id__in=list(activity_ids))
        .exclude(status=Registration.Status.CANCELLED)
        .values("activity_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["activity_id"], {"registered": 0, "waiting": 0})[row["status"]] = row[
            "n"
        ]
    return counts


def live_registration(activity: Activity, contact: Contact) -> Registration | None:
    return (
        Registration.objects.filter(activity=activity, contact=contact)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def registrations_of_organisation(activity: Activity, contact: Contact) -> QuerySet[Registration]:
    """The places at ``activity`` held by people of ``contact``'s own provider."""
    return (
        Registration.objects.filter(activity=activity, contact__provider_id=contact.provider_id)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("contact")
        .order_by("created_at", "pk")
    )


def registrations_for(activity: Activity) -> QuerySet[Registration]:
    """Every registration of an activity with its contact and provider (officers' view)."""
    return Registration.objects.filter(activity=activity).select_related(
        "contact__provider", "registered_by"
    )


def activities_for_partner(person: PartnerPerson) -> QuerySet[Activity]:
    """Activities ``person`` is invited to, once published (cancelled ones too, so they know)."""
    return with_details(
        Activity.objects.filter(invited_partners=person).filter(
            status__in=(*PUBLIC_STATUSES, Status.CANCELLED)
        )
    ).order_by("starts_at", "pk")


# --- Feeds -----------------------------------------------------------------------------------


def feed_window_start() -> datetime:
    return timezone.now() - timedelta(days=settings.ENGAGE_FEED_PAST_DAYS)


def public_feed_activities(audience: Audience) -> list[Activity]:
    """Published (and past) events whose audience overlaps the requested segment."""
    queryset = with_details(
        Activity.objects.filter(
            status__in=PUBLIC_STATUSES,
            kind__in=_gathering_kinds(),
            ends_at__gte=feed_window_start(),
        )
    )
    return [a for a in queryset if a.audience().overlaps(audience)]


def contact_feed_activities(contact: Contact) -> list[Activity]:
    """What a provider contact's private feed holds: events meant for them or theirs."""
    segments = contact_segments(contact)
    registered = set(
        Registration.objects.filter(contact=contact)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("activity_id", flat=True)
    )
    queryset = with_details(
        Activity.objects.filter(
            status__in=(*PUBLIC_STATUSES, Status.CANCELLED),
            kind__in=_gathering_kinds(),
            ends_at__gte=feed_window_start(),
        ).exclude(status=Status.CANCELLED, published_at__isnull=True)
    )
    return [a for a in queryset if a.pk in registered or meant_for(a, segments)]


def officer_feed_activities(officer: Officer) -> QuerySet[Activity]:
    """An officer's private feed: what they lead or facilitate, and what their team must attend."""
    return with_details(
        Activity.objects.filter(ends_at__gte=feed_window_start())
        .filter(
            Q(lead_officer=officer) | Q(facilitator=officer) | Q(required_teams=officer.team_id)
        )
        .exclude(status=Status.DRAFT)
        .exclude(status=Status.CANCELLED, published_at__isnull=True)
        .distinct()
    ).order_by("starts_at", "pk")


def feed_by_token(token: str) -> CalendarFeed | None:
    if not token:
        return None
    return (
        CalendarFeed.objects.filter(token=token)
        .select_related("contact__provider", "officer__team", "officer__user")
        .first()
    )


# --- Home panels -----------------------------------------------------------------------------


def needing_action(user: Any) -> QuerySet[Activity]:
    """Activities ``user`` leads or wrote that wait on them: to submit, publish, mark held,
    evaluate or close."""
    now = timezone.now()
    mine = Q(created_by=user) | Q(lead_officer__user=user)
    waiting = (
        Q(status=Status.DRAFT)
        | Q(status=Status.APPROVED)
        | Q(status=Status.PUBLISHED, ends_at__lt=now)
        | Q(status=Status.HELD)
        | Q(status=Status.EVALUATED)
    )
    return (
        Activity.objects.filter(mine)
        .filter(waiting)
        .select_related("lead_officer__user")
        .order_by("starts_at", "pk")
    )


def awaiting_approval() -> QuerySet[Activity]:
    return (
        Activity.objects.filter(status=Status.SUBMITTED)
        .select_related("lead_officer__user")
        .order_by("submitted_at", "pk")
    )


def suggested_levels(topic: str) -> list[TopicLevelHint]:
    """The topic-to-level hints whose keyword appears in ``topic`` (one query)."""
    words = topic.lower()
    if not words.strip():
        return []
    return [hint for hint in TopicLevelHint.objects.all() if hint.keyword.lower() in words]


def annotate_status_counts(queryset: QuerySet[Activity]) -> dict[str, int]:
    return {
        row["status"]: row["n"]
        for row in queryset.values("status").annotate(n=Count("pk")).order_by()
    }


def contacts_who_came(activity: Activity) -> int:
    """How many provider contacts were recorded as having come to ``activity``."""
    return Attendance.objects.filter(
        activity=activity, kind=Attendance.Kind.CONTACT, attended=True
    ).count()
