"""The review's standards for engagement groups, measured: a compliance score with reasons.

For each group: meetings in the last 12 months against its frequency target; meeting dates
published at least its horizon ahead; every team that must attend present at each held meeting;
invited partners present; notes sent within ``GROUPS_NOTES_DUE_WORKING_DAYS`` working days; an
evaluation run for each meeting; provider-contributed forward plan items.

``compliance_for(groups)`` reads everything in a fixed number of queries whatever the number of
groups and meetings; ``assess`` is pure (it takes the read data), so each rule is tested
directly. The notes are read with the meetings; three standards read other parts of the
product through one function each (``evaluations_by_meeting``, ``jadedness_by_group``,
``provider_items_by_group``): a meeting or group missing from what they return is "not
measured", never a failure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache, cached_property, lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from engage.core import data_versions
from engage.core.working_days import add_working_days, local_date
from engage.engagement.models import HELD_STATUSES, Activity, Attendance
from engage.groups.models import (
    EngagementGroup,
    ForwardPlanItem,
    GroupStatus,
    Meeting,
)
from engage.groups.selectors import COUNTED_STATUSES, year_ago
from engage.groups.services import add_months


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not-met"
    NOT_MEASURED = "not-measured"
    NOT_APPLICABLE = "not-applicable"

    @property
    def label(self) -> str:
        return {
            "met": "Met",
            "not-met": "Not met",
            "not-measured": "Not measured",
            "not-applicable": "Does not apply",
        }[self.value]


@dataclass(frozen=True)
class StandardResult:
    key: str
    title: str
    outcome: Outcome
    reason: str
    #: Specific failings (a missing team at a meeting, a late set of notes), for the page.
    details: tuple[str, ...] = ()

    @property
    def is_measured(self) -> bool:
        return self.outcome in (Outcome.MET, Outcome.NOT_MET)


@dataclass(frozen=True)
class Compliance:
    group_id: int
    results: tuple[StandardResult, ...]

    # Counted once: the standards page sorts by them and shows them for every group.
    @cached_property
    def met(self) -> int:
        return sum(1 for r in self.results if r.outcome == Outcome.MET)

    @cached_property
    def measured(self) -> int:
        return sum(1 for r in self.results if r.is_measured)

    @property
    def score_label(self) -> str:
        """ "4 of 5 standards met" (or that none could be measured)."""
        if not self.measured:
            return "No standard could be measured yet"
        return f"{self.met} of {self.measured} standards met"

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.measured) if self.measured else None

    @property
    def failing(self) -> tuple[StandardResult, ...]:
        return tuple(r for r in self.results if r.outcome == Outcome.NOT_MET)


# --- What a standard reads ------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFacts:
    """One meeting of a group as the standards see it."""

    pk: int
    starts_at: datetime
    status: str
    #: (team id, team name) of the teams that must attend.
    required_teams: tuple[tuple[int, str], ...] = ()
    #: Teams with at least one officer who attended.
    teams_present: frozenset[int] = frozenset()
    #: Partner organisations with at least one person who attended.
    partners_present: frozenset[int] = frozenset()

    @property
    def day(self) -> date:
        return local_date(self.starts_at)


@dataclass(frozen=True)
class GroupFacts:
    """What the standards read about one group."""

    pk: int
    frequency_target: int
    horizon_months: int
    #: (organisation id, name) of the invited partners.
    invited_partners: tuple[tuple[int, str], ...]
    meetings: tuple[MeetingFacts, ...]
    notes_sent_at: Mapping[int, datetime | None] = field(default_factory=dict)
    evaluated: Mapping[int, bool] = field(default_factory=dict)
    #: Provider-contributed forward plan items in the last 12 months; None: not measured.
    provider_items: int | None = None
    #: Why attendance or scores are falling ("" if they are not); None: fewer than three held
    #: meetings, so not measured.
    jadedness: str | None = None
    #: The group's status label when it is not meeting (proposed, paused, closed); "" if it is.
    not_meeting: str = ""


# --- Seams to other parts of the product (wired as they arrive) ------------------------------


def evaluations_by_meeting(activity_by_meeting: Mapping[int, int]) -> dict[int, bool]:
    """Whether an evaluation was sent out for each meeting (given as meeting id: its activity
    id): a key for every meeting asked about. One query, on the invitations alone: a meeting
    is evaluated when its activity has at least one evaluation invitation (the feedback app's
    ``EvaluationSummary.invitations > 0``)."""
    from engage.feedback.models import EvaluationInvitation

    invited = set(
        EvaluationInvitation.objects.filter(activity_id__in=list(activity_by_meeting.values()))
        .order_by()
        .values_list("activity_id", flat=True)
        .distinct()
    )
    return {pk: activity_id in invited for pk, activity_id in activity_by_meeting.items()}


@cache
def _trend_figures() -> QuerySet[Meeting, dict[str, Any]]:
    """The feedback app's trend figures of held meetings, as the columns a trend point reads
    (rows, not model instances). Built once: it depends on nothing but the schema, building
    its six subqueries costs more than running them for a few meetings, and each use filters a
    clone (the queryset itself is never evaluated)."""
    from engage.feedback.selectors import POINT_FIELDS, held_meetings

    rows: QuerySet[Meeting, dict[str, Any]] = held_meetings().values("group_id", *POINT_FIELDS)
    return rows


def jadedness_by_group(last: Sequence[int]) -> dict[int, str]:
    """Why each group is flagged as jaded (attendance or usefulness fell at each of its last
    three held meetings): "" when it is not, no key with fewer than three held meetings.
    ``last`` is the ids of each group's last three held meetings (or all, with fewer). One
    query: the feedback app's trend figures of those meetings only (the signal never looks
    further back)."""
    from engage.feedback.selectors import meeting_point_from_values, signal_from

    points: dict[int, list[Any]] = defaultdict(list)
    if last:
        for row in _trend_figures().filter(pk__in=last):
            points[row["group_id"]].append(meeting_point_from_values(row))
    reasons: dict[int, str] = {}
    for group_id, group_points in points.items():
        if len(group_points) < 3:
            continue
        signal = signal_from(group_id, group_points)
        reasons[group_id] = signal.reason if signal is not None else ""
    return reasons


def provider_items_by_group(group_ids: Iterable[int], since: datetime) -> dict[int, int]:
    """Forward plan items proposed by providers through the portal since ``since``, per group:
    a key for every group asked about. One query."""
    return _provider_items(group_ids, since)[0]


def _provider_items(
    group_ids: Iterable[int], since: datetime
) -> tuple[dict[int, int], datetime | None]:
    """``provider_items_by_group`` and when the oldest item counted was made (None: none)."""
    ids = list(group_ids)
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    oldest: datetime | None = None
    for group_id, n, first in (
        ForwardPlanItem.objects.filter(
            group_id__in=ids, proposer_contact__isnull=False, created_at__gte=since
        )
        .values("group_id")
        .annotate(n=Count("pk"), first=Min("created_at"))
        .values_list("group_id", "n", "first")
    ):
        counts[group_id] = n
        oldest = first if oldest is None else min(oldest, first)
    return counts, oldest


# --- The rules (pure) -----------------------------------------------------------------------


def times(n: int) -> str:
    return {0: "no times", 1: "once", 2: "twice"}.get(n, f"{n} times")


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def frequency(facts: GroupFacts, now: datetime) -> StandardResult:
    if facts.not_meeting:
        return StandardResult(
            "frequency",
            "Meets often enough",
            Outcome.NOT_APPLICABLE,
            f"The group is {facts.not_meeting}.",
        )
    since = year_ago(now)
    held = [
        m for m in facts.meetings if since <= m.starts_at < now and m.status in COUNTED_STATUSES
    ]
    target = facts.frequency_target
    reason = (
        f"Met {times(len(held))} in the last 12 months against a target of {target}."
        if held
        else f"Has not met in the last 12 months; the target is {target}."
    )
    outcome = Outcome.MET if len(held) >= target else Outcome.NOT_MET
    return StandardResult("frequency", "Meets often enough", outcome, reason)


def horizon(facts: GroupFacts, now: datetime) -> StandardResult:
    """The furthest published meeting date reaches the horizon, less one interval between
    meetings (a group meeting 3 times a year publishing a year ahead has its last published
    date at least 8 months ahead: the next would fall beyond the horizon)."""
    today = local_date(now)
    horizon_end = add_months(today, facts.horizon_months)
    interval = timedelta(days=365 // max(1, facts.frequency_target))
    due_until = horizon_end - interval
    published = [
        m.day
        for m in facts.meetings
        if m.starts_at >= now and m.status == Activity.Status.PUBLISHED
    ]
    title = "Dates published far enough ahead"
    if facts.not_meeting:
        return StandardResult(
            "horizon", title, Outcome.NOT_APPLICABLE, f"The group is {facts.not_meeting}."
        )
    if not published:
        return StandardResult(
            "horizon",
            title,
            Outcome.NOT_MET,
            f"No future meeting dates are published; they are due to {_day(due_until)}.",
        )
    furthest = max(published)
    if furthest >= due_until:
        reason = (
            f"Dates are published to {_day(furthest)}, covering the "
            f"{facts.horizon_months} months ahead."
        )
        return StandardResult("horizon", title, Outcome.MET, reason)
    return StandardResult(
        "horizon",
        title,
        Outcome.NOT_MET,
        f"Dates are published only to {_day(furthest)}; they are due to {_day(due_until)}.",
    )


def _held(facts: GroupFacts, now: datetime) -> list[MeetingFacts]:
    since = year_ago(now)
    return sorted(
        (m for m in facts.meetings if since <= m.starts_at < now and m.status in HELD_STATUSES),
        key=lambda m: m.starts_at,
    )


def teams_present(facts: GroupFacts, now: datetime) -> StandardResult:
    title = "Every team that must attend was there"
    held = [m for m in _held(facts, now) if m.required_teams]
    if not held:
        return StandardResult(
            "teams",
            title,
            Outcome.NOT_APPLICABLE
            if not any(m.required_teams for m in facts.meetings)
            else Outcome.NOT_MEASURED,
            "No held meeting in the last 12 months with teams that must attend.",
        )
    details = []
    for meeting in held:
        missing = [name for pk, name in meeting.required_teams if pk not in meeting.teams_present]
        if missing:
            details.append(f"{_day(meeting.day)}: {', '.join(missing)} missing")
    if not details:
        count = len(held)
        reason = f"Every team that must attend was at all {count} held meeting{'s' if count != 1 else ''}."
        return StandardResult("teams", title, Outcome.MET, reason)
    short = len(details)
    reason = (
        f"A team that must attend was missing at {short} of {len(held)} held meetings: "
        + "; ".join(details)
        + "."
    )
    return StandardResult("teams", title, Outcome.NOT_MET, reason, tuple(details))


def partners_present(facts: GroupFacts, now: datetime) -> StandardResult:
    title = "Partners attend"
    if not facts.invited_partners:
        return StandardResult(
            "partners", title, Outcome.NOT_APPLICABLE, "The group invites no partners."
        )
    held = _held(facts, now)
    if not held:
        return StandardResult(
            "partners", title, Outcome.NOT_MEASURED, "No held meeting in the last 12 months."
        )
    invited = {pk for pk, _ in facts.invited_partners}
    absent = [m for m in held if not (m.partners_present & invited)]
    if not absent:
        return StandardResult(
            "partners",
            title,
            Outcome.MET,
            f"An invited partner attended each of the {len(held)} held meetings.",
        )
    details = tuple(f"{_day(m.day)}: no invited partner attended" for m in absent)
    return StandardResult(
        "partners",
        title,
        Outcome.NOT_MET,
        f"No invited partner attended {len(absent)} of {len(held)} held meetings: "
        + ", ".join(_day(m.day) for m in absent)
        + ".",
        details,
    )


@lru_cache(maxsize=4096)
def _notes_late_from(day: date, due_days: int, closures: tuple[str, ...]) -> date:
    """The first day on which the notes of a meeting held on ``day`` are late: more than
    ``due_days`` working days after it is on or after the working day after the last one
    allowed (counted forward a few days, not back to the meeting). ``closures``, the council's
    closure dates, are part of the key so that a change of them is seen."""
    return add_working_days(day, due_days + 1)


def notes_sent(facts: GroupFacts, now: datetime, due_days: int) -> StandardResult:
    title = f"Notes sent within {due_days} working days"
    held = [m for m in _held(facts, now) if m.pk in facts.notes_sent_at]
    if not held:
        return StandardResult(
            "notes", title, Outcome.NOT_MEASURED, "Meeting notes are not recorded in Engage yet."
        )
    details = []
    today = local_date(now)
    closures = tuple(getattr(settings, "ENGAGE_CLOSURE_DATES", ()))
    for meeting in held:
        sent = facts.notes_sent_at[meeting.pk]
        late_from = _notes_late_from(meeting.day, due_days, closures)
        if sent is None:
            if today >= late_from:
                details.append(f"{_day(meeting.day)}: notes not sent")
        elif local_date(sent) >= late_from:
            details.append(f"{_day(meeting.day)}: notes sent {_day(local_date(sent))}")
    if not details:
        return StandardResult(
            "notes",
            title,
            Outcome.MET,
            f"Notes of all {len(held)} held meetings were sent in time.",
        )
    return StandardResult(
        "notes",
        title,
        Outcome.NOT_MET,
        f"Notes were late for {len(details)} of {len(held)} held meetings: "
        + "; ".join(details)
        + ".",
        tuple(details),
    )


def evaluated(facts: GroupFacts, now: datetime) -> StandardResult:
    title = "Every meeting evaluated"
    held = [m for m in _held(facts, now) if m.pk in facts.evaluated]
    if not held:
        return StandardResult(
            "evaluation", title, Outcome.NOT_MEASURED, "Evaluations are not recorded in Engage yet."
        )
    missed = [m for m in held if not facts.evaluated[m.pk]]
    if not missed:
        return StandardResult(
            "evaluation", title, Outcome.MET, f"All {len(held)} held meetings were evaluated."
        )
    details = tuple(f"{_day(m.day)}: not evaluated" for m in missed)
    return StandardResult(
        "evaluation",
        title,
        Outcome.NOT_MET,
        f"{len(missed)} of {len(held)} held meetings were not evaluated: "
        + ", ".join(_day(m.day) for m in missed)
        + ".",
        details,
    )


def provider_items(facts: GroupFacts) -> StandardResult:
    title = "Providers contribute to the forward plan"
    if facts.provider_items is None:
        return StandardResult(
            "forward-plan",
            title,
            Outcome.NOT_MEASURED,
            "The forward plan is not recorded in Engage yet.",
        )
    if facts.provider_items:
        n = facts.provider_items
        return StandardResult(
            "forward-plan",
            title,
            Outcome.MET,
            f"Providers proposed {n} item{'s' if n != 1 else ''} in the last 12 months.",
        )
    return StandardResult(
        "forward-plan",
        title,
        Outcome.NOT_MET,
        "Providers proposed no forward plan items in the last 12 months.",
    )


def holding_up(facts: GroupFacts) -> StandardResult:
    """The jadedness signal: attendance and usefulness did not fall at each of the last three
    held meetings."""
    title = "Attendance and scores holding up"
    if facts.jadedness is None:
        return StandardResult(
            "jadedness", title, Outcome.NOT_MEASURED, "Fewer than three meetings held."
        )
    if facts.jadedness:
        return StandardResult("jadedness", title, Outcome.NOT_MET, facts.jadedness)
    return StandardResult(
        "jadedness",
        title,
        Outcome.MET,
        "Neither attendance nor the usefulness score fell at each of the last three meetings.",
    )


def assess(facts: GroupFacts, *, now: datetime, notes_due_days: int) -> Compliance:
    """Every standard for one group (pure: everything it needs is in ``facts``)."""
    return Compliance(
        facts.pk,
        (
            frequency(facts, now),
            horizon(facts, now),
            teams_present(facts, now),
            partners_present(facts, now),
            notes_sent(facts, now, notes_due_days),
            evaluated(facts, now),
            holding_up(facts),
            provider_items(facts),
        ),
    )


# --- Reading the facts (fixed queries) -----------------------------------------------------


def group_facts(groups: Sequence[EngagementGroup], *, now: datetime) -> dict[int, GroupFacts]:
    """The facts of ``groups``.

    A fixed number of queries whatever the number of groups, reading columns rather than
    model instances: the meetings (the last 12 months, all future ones and every held one,
    with when their notes were sent), their required teams, the officers and partners who
    attended, the groups' invited partners (prefetched, or one query), and the seams.
    """
    return _facts_and_when_they_change(groups, now=now)[0]


def _facts_and_when_they_change(
    groups: Sequence[EngagementGroup], *, now: datetime
) -> tuple[dict[int, GroupFacts], datetime | None]:
    """``group_facts``, and the first moment from ``now`` at which the same data would be read
    differently (None: never, on the same day): a meeting read starts (it is then past) or
    leaves the last 12 months, or so does the oldest provider item counted. Apart from the
    day (``local_date(now)``) the facts depend on ``now`` only through those comparisons."""
    group_ids = [g.pk for g in groups]
    since = year_ago(now)
    rows = (
        Meeting.objects.filter(group_id__in=group_ids)
        .filter(Q(activity__starts_at__gte=since) | Q(activity__status__in=HELD_STATUSES))
        .exclude(activity__status=Activity.Status.CANCELLED)
        .order_by("activity__starts_at", "pk")
        .values_list(
            "pk",
            "group_id",
            "activity_id",
            "activity__starts_at",
            "activity__status",
            "notes__sent_at",
        )
    )
    meetings = []
    # When each meeting's notes were first sent (None: not sent, whether or not a draft
    # exists), read with the meetings rather than by a query of their own.
    notes: dict[int, datetime | None] = {}
    # Each group's held meetings of all time, oldest first: the jadedness signal reads the last
    # three.
    held_by_group: dict[int, list[int]] = defaultdict(list)
    # What is read as "in the last 12 months" stays so until ``window`` after it.
    window = now - since
    changes: list[datetime] = []
    for row in rows:
        pk, group_id, _, starts_at, status, sent_at = row
        changes.extend(moment for moment in (starts_at, starts_at + window) if moment >= now)
        if status in HELD_STATUSES:
            held_by_group[group_id].append(pk)
        if starts_at >= since:
            meetings.append(row)
            notes[pk] = sent_at
    activity_ids = [activity_id for _, _, activity_id, _, _, _ in meetings]
    required: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for activity_id, team_id, team_name in (
        Activity.required_teams.through.objects.filter(activity_id__in=activity_ids)
        .order_by("team__name", "team_id")
        .values_list("activity_id", "team_id", "team__name")
    ):
        required[activity_id].append((team_id, team_name))
    held_activity_ids = [
        activity_id
        for _, _, activity_id, starts_at, status, _ in meetings
        if starts_at < now and status in HELD_STATUSES
    ]
    teams_by_activity: dict[int, set[int]] = defaultdict(set)
    partners_by_activity: dict[int, set[int]] = defaultdict(set)
    present = Attendance.objects.filter(
        activity_id__in=held_activity_ids, attended=True, kind__in=("officer", "partner")
    ).values_list("activity_id", "officer__team_id", "partner__organisation_id")
    for activity_id, team_id, organisation_id in present:
        if team_id:
            teams_by_activity[activity_id].add(team_id)
        if organisation_id:
            partners_by_activity[activity_id].add(organisation_id)
    evaluations = evaluations_by_meeting({pk: activity_id for pk, _, activity_id, *_ in meetings})
    items, oldest_item = _provider_items(group_ids, since)
    if oldest_item is not None:
        changes.append(oldest_item + window)
    jaded = jadedness_by_group([pk for pks in held_by_group.values() for pk in pks[-3:]])
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if all("invited_partners" in getattr(g, "_prefetched_objects_cache", {}) for g in groups):
        for group in groups:
            partners[group.pk] = [(p.pk, p.name) for p in group.invited_partners.all()]
    else:
        for group_id, organisation_id, name in (
            EngagementGroup.invited_partners.through.objects.filter(
                engagementgroup_id__in=group_ids
            )
            .order_by("partnerorganisation__name", "partnerorganisation_id")
            .values_list(
                "engagementgroup_id", "partnerorganisation_id", "partnerorganisation__name"
            )
        ):
            partners[group_id].append((organisation_id, name))
    by_group: dict[int, list[MeetingFacts]] = defaultdict(list)
    for pk, group_id, activity_id, starts_at, status, _ in meetings:
        by_group[group_id].append(
            MeetingFacts(
                pk=pk,
                starts_at=starts_at,
                status=status,
                required_teams=tuple(required.get(activity_id, ())),
                teams_present=frozenset(teams_by_activity.get(activity_id, ())),
                partners_present=frozenset(partners_by_activity.get(activity_id, ())),
            )
        )
    facts = {
        group.pk: GroupFacts(
            pk=group.pk,
            frequency_target=group.frequency_target,
            horizon_months=group.publication_horizon_months,
            invited_partners=tuple(partners.get(group.pk, ())),
            meetings=tuple(by_group.get(group.pk, ())),
            notes_sent_at=notes,
            evaluated=evaluations,
            provider_items=items.get(group.pk),
            jadedness=jaded.get(group.pk),
            not_meeting=group.get_status_display().lower()
            if group.status in (GroupStatus.PROPOSED, GroupStatus.PAUSED, GroupStatus.CLOSED)
            else "",
        )
        for group in groups
    }
    return facts, min(changes, default=None)


def notes_due_days() -> int:
    return int(settings.GROUPS_NOTES_DUE_WORKING_DAYS)


#: The data version (``engage.core.data_versions``) of everything the standards read; see
#: ``connect``.
DATA_VERSION = "groups-standards"
#: Cached results are checked against the version and the time on every use; the timeout
#: only frees memory.
CACHE_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class _Cached:
    """Compliance worked out at ``computed_at``, which holds until ``changes_at`` (None: all
    day; the day is part of the key)."""

    computed_at: datetime
    changes_at: datetime | None
    compliance: dict[int, Compliance]


def compliance_for(
    groups: Sequence[EngagementGroup] | QuerySet[EngagementGroup], *, now: datetime | None = None
) -> dict[int, Compliance]:
    """Each group's compliance with the standards, by group id (fixed queries, or one).

    Cached under the ``groups-standards`` data version, which every write to what the facts
    are read from bumps (``connect``), keyed by the groups, the day and the settings read, and
    used only at a time on which the facts read the same (``_facts_and_when_they_change``).
    """
    now = now or timezone.now()
    groups = list(groups)
    due = notes_due_days()

    def compute() -> _Cached:
        facts, changes_at = _facts_and_when_they_change(groups, now=now)
        return _Cached(
            now, changes_at, {pk: assess(f, now=now, notes_due_days=due) for pk, f in facts.items()}
        )

    def usable(found: _Cached) -> bool:
        return found.computed_at <= now and (found.changes_at is None or now < found.changes_at)

    closures = tuple(str(day) for day in getattr(settings, "ENGAGE_CLOSURE_DATES", ()))
    parts = ("compliance", tuple(g.pk for g in groups), local_date(now), due, closures)
    found = data_versions.cached(DATA_VERSION, parts, compute, timeout=CACHE_TIMEOUT, usable=usable)
    return found.compliance


def connect() -> None:
    """Bump the standards' data version on every save and delete of what ``group_facts`` and
    the seams read, and every change of the many-to-many fields they read (from
    ``GroupsConfig.ready``). Bulk writes send no signals: their writers call
    ``data_versions.bump(DATA_VERSION)`` themselves (the feedback services' invitations,
    responses and answers); the demo data calls ``data_versions.forget_all()``."""
    from engage.council.models import Officer, PartnerOrganisation, PartnerPerson, Team
    from engage.engagement.models import Registration
    from engage.feedback.models import (
        EvaluationAnswer,
        EvaluationInvitation,
        EvaluationQuestion,
        EvaluationResponse,
    )
    from engage.groups.models import MeetingNotes

    data_versions.watch(
        DATA_VERSION,
        (
            # The groups (targets, horizon, status) and their meetings, with notes.
            EngagementGroup,
            Meeting,
            Activity,
            MeetingNotes,
            # Teams that must attend and who attended (officers' teams, partners' bodies).
            Team,
            Attendance,
            Officer,
            PartnerPerson,
            PartnerOrganisation,
            # Evaluations and the jadedness signal's figures.
            Registration,
            EvaluationInvitation,
            EvaluationResponse,
            EvaluationAnswer,
            EvaluationQuestion,
            # Provider items on the forward plan.
            ForwardPlanItem,
        ),
        m2m=(EngagementGroup.invited_partners.through, Activity.required_teams.through),
    )


@dataclass
class StandardTally:
    """One standard across groups: how many groups met it, did not, or could not be measured."""

    key: str
    title: str
    met: int = 0
    not_met: int = 0
    other: int = 0


def standards_overview(compliances: Iterable[Compliance]) -> list[StandardTally]:
    """Per standard across ``compliances``, in the order of the standards."""
    rows: dict[str, StandardTally] = {}
    for compliance in compliances:
        for result in compliance.results:
            row = rows.setdefault(result.key, StandardTally(result.key, result.title))
            if result.outcome == Outcome.MET:
                row.met += 1
            elif result.outcome == Outcome.NOT_MET:
                row.not_met += 1
            else:
                row.other += 1
    return list(rows.values())
