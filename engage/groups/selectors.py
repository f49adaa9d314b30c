"""Reads of the groups register, shaped for the pages and the API (no N+1 on any list)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import add
from typing import Any, TypedDict, Unpack

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from engage.accounts.permissions import Capability, require
from engage.core import data_versions
from engage.engagement.models import Activity
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    GroupKind,
    GroupStatus,
    MaturityAssessment,
    Meeting,
    MeetingSession,
    TermsOfReference,
    TermsState,
)
from engage.groups.terms_diff import TextComparison, compare_texts
from engage.market.models import Locality

#: The data version (``engage.core.data_versions``) of what the register and a group's page
#: cache: the register's rows and counts (groups, their terms, latest maturity, owners,
#: localities and associations), a group's lists (its teams,
#: invited partners, streams and audience, and their names) and its maturity assessments (and
#: who made them). Bumped by every save and delete of those models and every change of the
#: group's many-to-many fields (``connect_pages_version``); bulk writes must bump it themselves
#: (none does outside the demo data, which calls ``data_versions.forget_all``).
PAGES_VERSION = "groups-pages"


def connect_pages_version() -> None:
    """Watch what ``PAGES_VERSION`` covers (from ``GroupsConfig.ready``)."""
    from engage.accounts.models import User
    from engage.council.models import Officer, PartnerOrganisation, Team
    from engage.groups.models import ForumStream
    from engage.market.models import Association, ServiceType

    data_versions.watch(
        PAGES_VERSION,
        (
            EngagementGroup,
            TermsOfReference,
            MaturityAssessment,
            Officer,
            Association,
            Team,
            PartnerOrganisation,
            ForumStream,
            ServiceType,
            Locality,
            User,
        ),
        m2m=[
            getattr(EngagementGroup, name).through
            for name in (
                "required_teams",
                "invited_partners",
                "streams",
                "audience_service_types",
                "audience_localities",
            )
        ],
    )


# --- Meetings ---------------------------------------------------------------------------------

#: A meeting that took place (or, published and past, is taken to have): counted as held.
COUNTED_STATUSES = (
    Activity.Status.PUBLISHED,
    Activity.Status.HELD,
    Activity.Status.EVALUATED,
    Activity.Status.CLOSED,
)
#: A meeting whose attendance was recorded: held, evaluated or closed.


def year_ago(now: datetime) -> datetime:
    """The start of "the last 12 months" before ``now``."""
    return now - timedelta(days=365)


@dataclass(frozen=True)
class MeetingFigures:
    """A group's meetings in the last 12 months and its next meeting, as the register shows them.

    ``recorded`` is kept for the API's shape: meetings are recorded in Engage, so it is True.
    """

    recorded: bool
    last_12_months: int | None
    next_meeting_on: date | None

    NOT_RECORDED = "Not yet recorded"

    @property
    def last_12_months_label(self) -> str:
        if not self.recorded or self.last_12_months is None:
            return self.NOT_RECORDED
        return str(self.last_12_months)

    @property
    def next_meeting_label(self) -> str:
        if not self.recorded:
            return self.NOT_RECORDED
        if self.next_meeting_on is None:
            return "None planned"
        return f"{self.next_meeting_on:%-d %b %Y}"


def with_meeting_figures(
    groups: QuerySet[EngagementGroup], *, now: datetime | None = None
) -> QuerySet[EngagementGroup]:
    """Annotate ``meetings_recorded``, ``meetings_last_12_months`` and ``next_meeting_on``.

    The one place the register and the API read meeting figures from (two subqueries).
    Meetings in the last 12 months are those that started in the 365 days before now and were
    published, held, evaluated or closed (never cancelled, never unpublished plans); the next
    meeting is the earliest one starting from now that is not cancelled.
    """
    now = now or timezone.now()
    held = (
        Meeting.objects.filter(
            group=OuterRef("pk"),
            activity__starts_at__gte=year_ago(now),
            activity__starts_at__lt=now,
            activity__status__in=COUNTED_STATUSES,
        )
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    upcoming = (
        Meeting.objects.filter(group=OuterRef("pk"), activity__starts_at__gte=now)
        .exclude(activity__status=Activity.Status.CANCELLED)
        .order_by("activity__starts_at")
        .values("activity__starts_at")[:1]
    )
    return groups.annotate(
        meetings_recorded=Value(True, output_field=BooleanField()),
        meetings_last_12_months=Coalesce(
            Subquery(held, output_field=IntegerField()), Value(0), output_field=IntegerField()
        ),
        next_meeting_at=Subquery(upcoming, output_field=DateTimeField()),
    )


def meeting_figures(group: EngagementGroup) -> MeetingFigures:
    """The figures of a group read through ``with_meeting_figures``."""
    next_at = getattr(group, "next_meeting_at", None)
    return MeetingFigures(
        recorded=bool(getattr(group, "meetings_recorded", False)),
        last_12_months=getattr(group, "meetings_last_12_months", None),
        next_meeting_on=timezone.localtime(next_at).date() if next_at else None,
    )


def meeting_figures_of(meetings: Iterable[Meeting], *, now: datetime) -> MeetingFigures:
    """The figures of ``with_meeting_figures`` (the same rule) worked out from a group's
    meetings already loaded with their activity's start and status (``group_meetings``), for
    a page that lists them anyway."""
    return _figures_from(((m.activity.starts_at, m.activity.status) for m in meetings), now)


def meeting_figures_by_group(
    group_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, MeetingFigures]:
    """The figures of ``with_meeting_figures`` (the same rule) of each of ``group_ids``, from
    one query of their meetings' starts and statuses: cheaper than the two subqueries for the
    rows of one page."""
    now = now or timezone.now()
    ids = list(group_ids)
    meetings: dict[int, list[tuple[datetime, str]]] = {pk: [] for pk in ids}
    for group_id, starts_at, status in Meeting.objects.filter(group_id__in=ids).values_list(
        "group_id", "activity__starts_at", "activity__status"
    ):
        meetings[group_id].append((starts_at, status))
    return {pk: _figures_from(rows, now) for pk, rows in meetings.items()}


def _figures_from(meetings: Iterable[tuple[datetime, str]], now: datetime) -> MeetingFigures:
    """``MeetingFigures`` from a group's meetings as (start, activity status)."""
    since = year_ago(now)
    held = 0
    next_at: datetime | None = None
    for starts_at, status in meetings:
        if starts_at < now:
            if starts_at >= since and status in COUNTED_STATUSES:
                held += 1
        elif status != Activity.Status.CANCELLED and (next_at is None or starts_at < next_at):
            next_at = starts_at
    return MeetingFigures(
        recorded=True,
        last_12_months=held,
        next_meeting_on=timezone.localtime(next_at).date() if next_at else None,
    )


#: What a row of a group's meetings shows of its activity (the ``meeting_rows`` tag).
MEETING_ROW_FIELDS = (
    "group_id",
    "activity__starts_at",
    "activity__ends_at",
    "activity__status",
    "activity__online_link",
    "activity__venue__name",
)


def group_meetings(group: EngagementGroup) -> QuerySet[Meeting]:
    """The group's meetings, latest first, with the activity and venue fields their rows show
    and their number of sessions (one query)."""
    return (
        Meeting.objects.filter(group=group)
        .select_related("activity", "activity__venue")
        .only(*MEETING_ROW_FIELDS)
        .annotate(session_count=Count("sessions"))
        .order_by("-activity__starts_at", "-pk")
    )


def meetings_for_api(group: EngagementGroup) -> QuerySet[Meeting]:
    """The group's meetings, latest first, with sessions and attendance counts (fixed queries)."""
    return (
        Meeting.objects.filter(group=group)
        .select_related("activity", "activity__venue")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=MeetingSession.objects.select_related("stream").prefetch_related(
                    "audience_service_types"
                ),
            )
        )
        .annotate(
            attended_count=Count(
                "activity__attendances", filter=Q(activity__attendances__attended=True)
            )
        )
        .order_by("-activity__starts_at", "-pk")
    )


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    """One meeting of a group ``user`` may see, with its group and activity; 404 otherwise."""
    require(user, Capability.GROUPS_VIEW)
    meeting = (
        Meeting.objects.select_related("group", "group__owner", "activity", "activity__venue")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def meeting_sessions(meeting: Meeting) -> QuerySet[MeetingSession]:
    return (
        MeetingSession.objects.filter(meeting=meeting)
        .select_related("stream")
        .prefetch_related("audience_service_types", "audience_localities")
        .order_by("starts_at", "position", "pk")
    )


# --- Groups ---------------------------------------------------------------------------------


def _maturity_total() -> Any:
    return reduce(add, (F(d.score_field) for d in DIMENSIONS))


def _terms_state(review_due: str, today: date) -> Case:
    """The ``TermsState`` of a group from its approved version's review date (an annotation)."""
    return Case(
        When(**{f"{review_due}__isnull": True}, then=Value(TermsState.NONE.value)),
        When(**{f"{review_due}__lt": today}, then=Value(TermsState.REVIEW_OVERDUE.value)),
        default=Value(TermsState.CURRENT.value),
        output_field=CharField(),
    )


def _approved_terms() -> FilteredRelation:
    """The group's approved version of its terms of reference (at most one, by constraint), as
    a join."""
    return FilteredRelation(
        "terms_of_reference",
        condition=Q(terms_of_reference__status=TermsOfReference.Status.APPROVED),
    )


def register_totals(*, today: date | None = None) -> dict[str, int]:
    """The register's headline counts of open groups: all, without approved terms, and with a
    review overdue (one query of one column; the same terms state as
    ``with_register_figures``), cached under ``PAGES_VERSION`` for the day."""
    today = today or timezone.localdate()
    return data_versions.cached(
        PAGES_VERSION, ("register-totals", today), lambda: _register_totals(today), timeout=3600
    )


def cached_register_rows(rows: Any) -> list[Any]:
    """The groups of one page of the register (``rows``: ``register(...)`` sliced), cached under
    ``PAGES_VERSION`` and keyed by the page's SQL (its filters, order, slice and day). Their
    meeting figures are not part of it: they change as meetings start
    (``meeting_figures_by_group``)."""
    return data_versions.cached_rows(PAGES_VERSION, rows, timeout=3600)


def cached_register_count(**filters: str) -> int:
    """``register_count(**filters)`` for today, cached under ``PAGES_VERSION``."""
    today = timezone.localdate()
    return data_versions.cached(
        PAGES_VERSION,
        ("register-count", sorted(filters.items()), today),
        lambda: register_count(today=today, **filters),
        timeout=3600,
    )


def locality_choices() -> list[dict[str, str]]:
    """The active localities (slug and name, by name) for the register's filter, cached under
    ``PAGES_VERSION``."""
    return data_versions.cached(
        PAGES_VERSION,
        ("locality-choices",),
        lambda: [
            {"slug": slug, "name": name}
            for slug, name in Locality.objects.filter(is_active=True).values_list("slug", "name")
        ],
        timeout=3600,
    )


def _register_totals(today: date) -> dict[str, int]:
    states = Counter(
        EngagementGroup.objects.exclude(status=GroupStatus.CLOSED)
        .annotate(
            approved_terms=_approved_terms(),
            terms_state=_terms_state("approved_terms__review_due", today),
        )
        .values_list("terms_state", flat=True)
    )
    return {
        "groups": states.total(),
        "without_terms": states[TermsState.NONE.value],
        "overdue": states[TermsState.REVIEW_OVERDUE.value],
    }


def with_register_figures(
    groups: QuerySet[EngagementGroup], *, today: date | None = None, maturity: bool = True
) -> QuerySet[EngagementGroup]:
    """Annotate each group's terms of reference state and latest maturity (two joins, two
    subqueries; ``maturity=False``: the terms only, for a page that shows no latest maturity).

    ``terms_state`` is a ``TermsState`` value: current (an approved version whose review date
    has not passed), review-overdue (approved, review date passed) or none (never approved).
    """
    today = today or timezone.localdate()
    # A group has at most one approved version and one draft (database constraints), so each
    # is one left join rather than a subquery per column.
    groups = groups.annotate(
        approved_terms=_approved_terms(),
        draft_terms=FilteredRelation(
            "terms_of_reference",
            condition=Q(terms_of_reference__status=TermsOfReference.Status.DRAFT),
        ),
        terms_version=F("approved_terms__version"),
        terms_approved_on=F("approved_terms__approved_on"),
        terms_review_due=F("approved_terms__review_due"),
        terms_draft_version=F("draft_terms__version"),
        terms_state=_terms_state("approved_terms__review_due", today),
    )
    if not maturity:
        return groups
    latest = MaturityAssessment.objects.filter(group=OuterRef("pk")).order_by("-assessed_on", "-pk")
    return groups.annotate(
        maturity_total=Subquery(
            latest.annotate(score_total=_maturity_total()).values("score_total")[:1],
            output_field=IntegerField(),
        ),
        maturity_assessed_on=Subquery(latest.values("assessed_on")[:1]),
    )


def register(
    *,
    search: str = "",
    kind: str = "",
    locality_slug: str = "",
    status: str = "",
    terms_state: str = "",
    today: date | None = None,
    with_meetings: bool = True,
) -> QuerySet[EngagementGroup]:
    """Every group for the register, filtered, with what each row shows already loaded
    (``with_meetings=False``: but the meeting figures, read for a page's rows by
    ``meeting_figures_by_group``)."""
    groups = _register_filters(
        EngagementGroup.objects.select_related("locality", "owner__user", "association"),
        search=search,
        kind=kind,
        locality_slug=locality_slug,
        status=status,
    )
    groups = with_register_figures(groups, today=today)
    if with_meetings:
        groups = with_meeting_figures(groups)
    if terms_state in TermsState.values:
        groups = groups.filter(Q(terms_state=terms_state))
    elif terms_state:
        groups = groups.none()
    return groups


class RegisterFilters(TypedDict, total=False):
    """The register's filters that apply to the groups alone (``_register_filters``)."""

    search: str
    kind: str
    locality_slug: str
    status: str


def register_count(
    *, terms_state: str = "", today: date | None = None, **filters: Unpack[RegisterFilters]
) -> int:
    """How many groups ``register`` lists with the same filters: without a terms filter, a
    count of the groups alone (the register's joins, at most one approved and one draft
    version of terms a group, and its subqueries add no rows)."""
    if terms_state:
        return register(terms_state=terms_state, today=today, **filters).count()
    return _register_filters(EngagementGroup.objects.all(), **filters).count()


def _register_filters(
    groups: QuerySet[EngagementGroup],
    *,
    search: str = "",
    kind: str = "",
    locality_slug: str = "",
    status: str = "",
) -> QuerySet[EngagementGroup]:
    """``groups`` filtered as the register's search, kind, locality and status ask."""
    if search:
        groups = groups.filter(Q(name__icontains=search) | Q(purpose__icontains=search))
    if kind in GroupKind.values:
        groups = groups.filter(kind=kind)
    elif kind:
        groups = groups.none()
    if locality_slug:
        groups = groups.filter(locality__slug=locality_slug)
    if status in GroupStatus.values:
        groups = groups.filter(status=status)
    elif status:
        groups = groups.none()
    return groups


def groups_visible_to(user: Any) -> QuerySet[EngagementGroup]:
    """The groups ``user`` may see: every group for those who may see groups (403 otherwise)."""
    require(user, Capability.GROUPS_VIEW)
    return EngagementGroup.objects.all()


def get_group_for_user(
    user: Any, pk: int, *, with_meetings: bool = True, for_overview: bool = False
) -> EngagementGroup:
    """One group, with everything its page shows loaded; 404 when it is not one ``user`` sees.

    ``with_meetings=False`` leaves out the meeting figures (``with_meeting_figures``), for a
    page that works them out from the meetings it loads anyway (``meeting_figures_of``).
    ``for_overview=True`` leaves out the latest maturity (the overview reads the assessments,
    ``maturity_trend``) and the many-to-many fields (it reads them as ``GroupLists``; the
    standards read the invited partners themselves when they work compliance out again).
    """
    groups = groups_visible_to(user).select_related(
        "locality", "owner__user", "owner__team", "association", "created_by"
    )
    if not for_overview:  # (the overview reads its lists and assessments, both cached)
        groups = groups.prefetch_related(
            "required_teams",
            "invited_partners",
            "streams",
            "audience_service_types",
            "audience_localities",
        )
    groups = with_register_figures(groups, maturity=not for_overview)
    if with_meetings:
        groups = with_meeting_figures(groups)
    try:
        return groups.get(pk=pk)
    except EngagementGroup.DoesNotExist:
        raise Http404("No such group") from None


@dataclass(frozen=True)
class GroupLists:
    """What a group's overview shows of its many-to-many fields, as columns (cheaper to read
    than the related objects): names, in the related models' own order."""

    required_teams: list[str]
    #: (organisation id, name)
    invited_partners: list[tuple[int, str]]
    #: (name, is the networking overlap)
    streams: list[tuple[str, bool]]
    audience_service_types: list[str]
    audience_localities: list[str]


def group_lists(group: EngagementGroup) -> GroupLists:
    """The names of the group's teams that must attend, invited partners, streams and audience
    (four small queries on the through tables, and the invited partners prefetched, see
    ``get_group_for_user``), cached under ``PAGES_VERSION``."""
    return data_versions.cached(
        PAGES_VERSION, ("group-lists", group.pk), lambda: _group_lists(group), timeout=3600
    )


def _group_lists(group: EngagementGroup) -> GroupLists:
    through = {
        name: getattr(EngagementGroup, name).through.objects.filter(engagementgroup_id=group.pk)
        for name in (
            "required_teams",
            "streams",
            "audience_service_types",
            "audience_localities",
        )
    }
    return GroupLists(
        required_teams=list(
            through["required_teams"].order_by("team__name").values_list("team__name", flat=True)
        ),
        invited_partners=[(p.pk, p.name) for p in group.invited_partners.all()],
        streams=list(
            through["streams"]
            .order_by("forumstream__position", "forumstream__name")
            .values_list("forumstream__name", "forumstream__is_overlap")
        ),
        audience_service_types=list(
            through["audience_service_types"]
            .order_by("servicetype__position", "servicetype__name")
            .values_list("servicetype__name", flat=True)
        ),
        audience_localities=list(
            through["audience_localities"]
            .order_by("locality__name")
            .values_list("locality__name", flat=True)
        ),
    )


def may_manage_group(user: Any, group: EngagementGroup) -> bool:
    """Whether ``user`` may change ``group`` and its terms and assessments.

    Those who run groups (``GROUPS_MANAGE``) may; so may the owner of a group.
    """
    from engage.accounts.permissions import has_capability

    if has_capability(user, Capability.GROUPS_MANAGE):
        return True
    officer_id = getattr(getattr(user, "officer", None), "pk", None)
    return officer_id is not None and group.owner_id == officer_id and user.is_active


def audience_summary(
    group: EngagementGroup, lists: GroupLists | None = None
) -> list[tuple[str, str]]:
    """The group's audience as (dimension, description) rows (from ``lists``, or the
    prefetched many-to-many)."""
    if lists is not None:
        types, localities = lists.audience_service_types, lists.audience_localities
    else:
        types = [t.name for t in group.audience_service_types.all()]
        localities = [loc.name for loc in group.audience_localities.all()]
    levels = [
        label
        for chosen, label in (
            (group.for_owners, "owners and directors"),
            (group.for_managers, "care managers"),
            (group.for_workers, "care workers"),
        )
        if chosen
    ]
    providers = "Tier One providers only" if group.tier_one_only else "All providers"
    return [
        ("Services", ", ".join(types) if types else "All service types"),
        ("People", (", ".join(levels) if levels else "All levels").capitalize()),
        ("Localities", ", ".join(localities) if localities else "All localities"),
        ("Providers", providers),
    ]


# --- Terms of reference ---------------------------------------------------------------------


def terms_versions(group: EngagementGroup) -> QuerySet[TermsOfReference]:
    """All versions of a group's terms, newest first, with who created and approved them."""
    return (
        TermsOfReference.objects.filter(group=group)
        .select_related("created_by", "approved_by")
        .order_by("-version")
    )


def get_terms_version(group: EngagementGroup, version: int) -> TermsOfReference:
    """One version of ``group``'s terms (the group is already the user's); 404 if none."""
    terms = terms_versions(group).filter(version=version).first()
    if terms is None:
        raise Http404("No such version")
    return terms


def previous_version(terms: TermsOfReference) -> TermsOfReference | None:
    """The version before ``terms`` (the highest lower number), if there is one."""
    return (
        TermsOfReference.objects.filter(group_id=terms.group_id, version__lt=terms.version)
        .select_related("created_by", "approved_by")
        .order_by("-version")
        .first()
    )


def approved_terms(group: EngagementGroup) -> TermsOfReference | None:
    """The group's approved version (current or overdue for review), if it has one."""
    return terms_versions(group).filter(status=TermsOfReference.Status.APPROVED).first()


def open_draft(group: EngagementGroup) -> TermsOfReference | None:
    return terms_versions(group).filter(status=TermsOfReference.Status.DRAFT).first()


def compare_versions(
    older: TermsOfReference, newer: TermsOfReference, *, whole: bool = False
) -> TextComparison:
    """What changed in the text from ``older`` to ``newer`` (``whole``: every line shown)."""
    return compare_texts(older.body, newer.body, context=-1 if whole else 2)


# --- Maturity -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaturityTrend:
    """A group's assessments, oldest first, and which way its average has moved."""

    assessments: tuple[MaturityAssessment, ...]

    @property
    def latest(self) -> MaturityAssessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def change(self) -> float | None:
        """The latest average less the one before (``None`` with fewer than two)."""
        if len(self.assessments) < 2:
            return None
        return round(self.assessments[-1].average - self.assessments[-2].average, 1)

    @property
    def direction(self) -> str:
        change = self.change
        if change is None:
            return "Not enough assessments yet"
        if change > 0:
            return "Improving"
        if change < 0:
            return "Declining"
        return "Steady"

    def table_rows(self) -> list[dict[str, Any]]:
        """One row per dimension and one for the average, a value per assessment (oldest first)."""
        rows: list[dict[str, Any]] = [
            {
                "dimension": d,
                "is_average": False,
                "values": [a.score(d) for a in self.assessments],
            }
            for d in DIMENSIONS
        ]
        rows.append(
            {
                "dimension": None,
                "is_average": True,
                "values": [a.average for a in self.assessments],
            }
        )
        return rows

    def chart_data(self) -> dict[str, Any]:
        """Labels and one series per dimension plus the average, for the chart script."""
        return {
            "labels": [f"{a.assessed_on:%b %Y}" for a in self.assessments],
            "series": [
                {"label": "Average", "values": [a.average for a in self.assessments]},
                *(
                    {"label": d.short_label, "values": [a.score(d) for a in self.assessments]}
                    for d in DIMENSIONS
                ),
            ],
        }


def maturity_trend(group: EngagementGroup) -> MaturityTrend:
    """The group's assessments in date order (one query), cached under ``PAGES_VERSION``."""
    return data_versions.cached(
        PAGES_VERSION, ("maturity-trend", group.pk), lambda: _maturity_trend(group), timeout=3600
    )


def _maturity_trend(group: EngagementGroup) -> MaturityTrend:
    assessments = (
        MaturityAssessment.objects.filter(group=group)
        .select_related("assessed_by")
        .order_by("assessed_on", "pk")
    )
    return MaturityTrend(tuple(assessments))


def get_assessment(group: EngagementGroup, pk: int) -> MaturityAssessment:
    assessment = (
        MaturityAssessment.objects.filter(group=group, pk=pk).select_related("assessed_by").first()
    )
    if assessment is None:
        raise Http404("No such assessment")
    return assessment
