"""The year planner's Django side: from the database to a `Problem`, runs, pins and acceptance.

`build_problem` translates chosen engagement groups, the calendar, team capacity and leave,
bank and school holidays and the PEM's pins into the pure planner's `Problem` (the pure
modules never import Django). `start_plan_run` records a run and queues it; `execute_plan_run`
(the Celery task's body) solves it and stores the proposals; `accept_plan` turns a run's
proposals into published meetings exactly once.
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from engage.accounts.models import User
from engage.accounts.permissions import Capability, require
from engage.core.audit import acting_as
from engage.core.working_days import bank_holidays, is_working_day
from engage.council.models import MAX_OFFICERS_OUT_AT_ONCE
from engage.council.models import Team as CouncilTeam
from engage.engagement import services as engagement_services
from engage.engagement.clashes import LONDON, Slot
from engage.engagement.models import Activity
from engage.engagement.models import Venue as VenueModel
from engage.engagement.modes import is_gathering
from engage.engagement.selectors import CALENDAR_HOLDING, candidate_slots, report_for
from engage.groups.models import EngagementGroup, GroupKind, Meeting
from engage.groups.services import schedule_meeting
from engage.market.audience import Audience
from engage.market.models import Level, Locality, ServiceType
from engage.planner.models import (
    MAX_TIME_LIMIT_SECONDS,
    PlannerSettings,
    PlanPin,
    PlanRun,
    ProposedMeeting,
    SchoolHoliday,
    TeamLeave,
)
from engage.planner.problem import (
    FixedActivity,
    Plan,
    Problem,
    Segment,
    Series,
    Team,
    TimeSlot,
    Venue,
    Weights,
    dates_between,
    describe_weekdays,
    twelve_months_after,
)

#: The times of day a group's meetings may start at, and how long they last.
MORNING = TimeSlot(time(10, 0), 120)
AFTERNOON = TimeSlot(time(14, 0), 120)
#: Forums and the Tier One group meet midweek (Tuesday to Thursday); other groups any weekday
#: (Mondays and Fridays cost more, see the weights).
MIDWEEK = frozenset({1, 2, 3})
MIDWEEK_KINDS = frozenset({GroupKind.PROVIDER_FORUM, GroupKind.TIER_ONE})
#: People expected at a meeting, for the size of room it needs.
EXPECTED_ATTENDANCE = {GroupKind.PROVIDER_FORUM: 40, GroupKind.TIER_ONE: 20}
DEFAULT_EXPECTED_ATTENDANCE = 15
#: Spacing bounds around the even gap of a group's target (52 / target weeks).
MIN_GAP_SHARE = 0.7
MAX_GAP_SHARE = 1.3
#: Days either side of a fixed activity that the calendar is read for.
CALENDAR_MARGIN_DAYS = 60


class PlanError(ValidationError):
    """A planning action that the rules refuse; the messages say why."""


def series_key(group_id: int) -> str:
    return f"group-{group_id}"


def group_id_of(key: str) -> int:
    return int(key.removeprefix("group-"))


def next_monday(today: date | None = None) -> date:
    """The Monday after ``today`` (a week later when today is a Monday)."""
    today = today or timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def planner_settings() -> PlannerSettings:
    """The one row of settings, made with the defaults on first use."""
    found, _ = PlannerSettings.objects.get_or_create(pk=1)
    return found


def horizon_end(start: date, months: int) -> date:
    return twelve_months_after(start, months)


# --- Translating groups to series -------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPlan:
    """How a group becomes a series: its target over the horizon and what is already there."""

    group: EngagementGroup
    target: int
    already: int
    min_gap_weeks: int
    max_gap_weeks: int
    weekdays: frozenset[int]

    @property
    def to_plan(self) -> int:
        return max(0, self.target - self.already)


def spacing_weeks(frequency_target: int) -> tuple[int, int]:
    """(minimum, maximum) weeks between meetings for a group meeting ``frequency_target`` times
    a year: 70 % and 130 % of the even gap, at least one week apart and one week of slack."""
    even = 52 / max(1, frequency_target)
    low = max(1, math.floor(MIN_GAP_SHARE * even))
    high = max(low + 1, math.ceil(MAX_GAP_SHARE * even))
    return low, high


def meetings_in_horizon(
    groups: Iterable[EngagementGroup], start: date, end: date
) -> dict[int, int]:
    """Meetings already on the calendar (submitted or later, not cancelled) per group."""
    ids = [g.pk for g in groups]
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    rows = Meeting.objects.filter(
        group_id__in=ids,
        activity__status__in=CALENDAR_HOLDING,
        activity__starts_at__gte=_start_of(start),
        activity__starts_at__lt=_start_of(end + timedelta(days=1)),
    ).values_list("group_id", flat=True)
    for group_id in rows:
        counts[group_id] += 1
    return counts


def series_plans(groups: Sequence[EngagementGroup], start: date, months: int) -> list[SeriesPlan]:
    """What each group needs in the horizon (one query for the meetings already there)."""
    end = horizon_end(start, months)
    already = meetings_in_horizon(groups, start, end)
    plans = []
    for group in groups:
        low, high = spacing_weeks(group.frequency_target)
        plans.append(
            SeriesPlan(
                group=group,
                target=max(1, round(group.frequency_target * months / 12)),
                already=already.get(group.pk, 0),
                min_gap_weeks=low,
                max_gap_weeks=high,
                weekdays=MIDWEEK if group.kind in MIDWEEK_KINDS else frozenset(range(5)),
            )
        )
    return plans


class _Market:
    """Every service type, level and locality: an empty audience dimension means all of them."""

    def __init__(self) -> None:
        self.types = frozenset(ServiceType.objects.values_list("slug", flat=True))
        self.levels = frozenset(str(level) for level in Level)
        self.localities = frozenset(Locality.objects.values_list("slug", flat=True))

    def segments(self, audience: Audience) -> frozenset[Segment]:
        types = audience.service_types or self.types
        levels = audience.levels or self.levels
        places = audience.localities or self.localities
        return frozenset(Segment(t, lv, p) for t in types for lv in levels for p in places)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _date_ranges(rows: Iterable[tuple[date, date]]) -> frozenset[date]:
    days: set[date] = set()
    for first, last in rows:
        days |= dates_between(first, last)
    return frozenset(days)


def _fixed(slot: Slot, market: _Market, team_slugs: dict[int, str]) -> FixedActivity | None:
    if not is_gathering(slot.kind):
        return None
    starts = slot.starts_at.astimezone(LONDON)
    ends = slot.ends_at.astimezone(LONDON)
    start_minute = starts.hour * 60 + starts.minute
    minutes = int((ends - starts).total_seconds() // 60)
    minutes = max(1, min(minutes, 24 * 60 - start_minute))
    return FixedActivity(
        key=f"activity-{slot.id}",
        name=slot.title,
        day=starts.date(),
        start=time(starts.hour, starts.minute),
        minutes=minutes,
        audience=market.segments(slot.audience),
        teams=frozenset(team_slugs[t] for t in slot.team_ids if t in team_slugs),
    )


def _group_audience(group: EngagementGroup) -> Audience:
    return group.audience()


def build_problem(
    *,
    groups: Sequence[EngagementGroup],
    start: date,
    months: int = 12,
    pins: Iterable[tuple[int, int, date]] = (),
    time_limit_seconds: float | None = None,
) -> Problem:
    """The planner's input for ``groups`` from ``start`` for ``months`` months.

    Guarantees: one series per group that still needs meetings in the horizon (its target
    for the horizon less the meetings already on the calendar), spaced 70–130 % of its even
    gap, at 10:00 or 14:00 for two hours, forums and Tier One midweek; every gathering that
    holds a place on the calendar near the horizon as a fixed activity; every active team
    with its capacity (``Team.officers_out_at_once``, which the calendar's clash rule reads too)
    and leave; England's bank holidays and council closure
    days; the school holidays; the weights and time limit of `PlannerSettings`. ``pins`` are
    (group id, 0-based meeting index, day); pins beyond a series' meetings are ignored.
    """
    config = planner_settings()
    end = horizon_end(start, months)
    market = _Market()
    teams = list(CouncilTeam.objects.filter(is_active=True).order_by("slug"))
    leave: dict[int, set[date]] = {}
    for team_id, first, last in TeamLeave.objects.filter(
        last_day__gte=start, first_day__lte=end
    ).values_list("team_id", "first_day", "last_day"):
        leave.setdefault(team_id, set()).update(_date_ranges([(first, last)]))
    team_slugs = {t.pk: t.slug for t in teams}
    planner_teams = tuple(
        Team(
            key=t.slug,
            name=t.name,
            capacity=t.officers_out_at_once,
            unavailable=frozenset(leave.get(t.pk, set())),
        )
        for t in teams
    )
    venues = tuple(
        Venue(key=f"venue-{pk}", name=name, capacity=size)
        for pk, name, size in VenueModel.objects.filter(is_active=True)
        .order_by("capacity", "pk")
        .values_list("pk", "name", "capacity")
    )
    pinned: dict[int, dict[int, date]] = {}
    for group_id, index, day in pins:
        pinned.setdefault(group_id, {})[index] = day
    series = []
    for plan in series_plans(groups, start, months):
        if plan.to_plan == 0:
            continue
        group = plan.group
        series.append(
            Series(
                key=series_key(group.pk),
                name=group.name,
                meetings=plan.to_plan,
                min_gap_weeks=plan.min_gap_weeks,
                max_gap_weeks=plan.max_gap_weeks,
                weekdays=plan.weekdays,
                slots=(MORNING, AFTERNOON),
                audience=market.segments(_group_audience(group)),
                teams=frozenset(
                    team_slugs[t.pk] for t in group.required_teams.all() if t.pk in team_slugs
                ),
                venues=venues,
                expected_attendance=EXPECTED_ATTENDANCE.get(
                    GroupKind(group.kind), DEFAULT_EXPECTED_ATTENDANCE
                ),
                pinned={i: d for i, d in pinned.get(group.pk, {}).items() if 0 <= i < plan.to_plan},
            )
        )
    slots, _ = candidate_slots(
        start=_start_of(start - timedelta(days=CALENDAR_MARGIN_DAYS)),
        end=_start_of(end + timedelta(days=CALENDAR_MARGIN_DAYS)),
    )
    fixed = tuple(f for f in (_fixed(s, market, team_slugs) for s in slots) if f is not None)
    low, high = start - timedelta(days=CALENDAR_MARGIN_DAYS * 2), end + timedelta(days=180)
    closures = {date.fromisoformat(d) for d in getattr(settings, "ENGAGE_CLOSURE_DATES", [])}
    school = SchoolHoliday.objects.filter(last_day__gte=start, first_day__lte=end).values_list(
        "first_day", "last_day"
    )
    limit = time_limit_seconds if time_limit_seconds is not None else config.time_limit_seconds
    return Problem(
        start=start,
        end=end,
        series=tuple(series),
        fixed=fixed,
        teams=planner_teams,
        bank_holidays=frozenset(bank_holidays(low, high)) | frozenset(closures),
        school_holidays=_date_ranges(school),
        warning_window_working_days=settings.ENGAGE_CLASH_WARNING_WORKING_DAYS,
        busy_week_threshold=config.busy_week_threshold,
        weights=Weights(
            spacing_per_day=config.spacing_per_day,
            audience_warning=config.audience_warning,
            school_holiday=config.school_holiday,
            monday_friday=config.monday_friday,
            busy_week_excess=config.busy_week_excess,
        ),
        time_limit_seconds=float(min(max(limit, 0.5), MAX_TIME_LIMIT_SECONDS)),
        workers=2,
    )


# --- Runs -------------------------------------------------------------------------------------


def pin_problems(*, run: PlanRun, group: EngagementGroup, day: date) -> list[str]:
    """Why ``day`` cannot be pinned for a meeting of ``group`` in ``run`` (empty: it can)."""
    problems = []
    if not run.start <= day <= run.end:
        problems.append(
            f"Choose a date between {run.start:%-d %B %Y} and {run.end:%-d %B %Y}, "
            "the period this plan covers."
        )
    if day.weekday() >= 5:
        problems.append(f"{day:%A %-d %B %Y} is a weekend: choose a weekday.")
    elif not is_working_day(day):
        problems.append(f"{day:%A %-d %B %Y} is a bank holiday or a council closure day.")
    else:
        weekdays = MIDWEEK if group.kind in MIDWEEK_KINDS else frozenset(range(5))
        if day.weekday() not in weekdays:
            problems.append(
                f"{group.name} meets on a {describe_weekdays(weekdays)}; "
                f"{day:%-d %B %Y} is a {day:%A}."
            )
    return problems


def start_plan_run(
    *,
    actor: User,
    groups: Sequence[EngagementGroup],
    start: date,
    months: int = 12,
    pins: Iterable[tuple[int, int, date]] = (),
    rerun_of: PlanRun | None = None,
) -> PlanRun:
    """Record a run of the planner over ``groups`` and queue it (after the transaction commits).

    ``pins`` are (group id, 0-based meeting index, date). The run is done by the Celery task
    `engage.planner.tasks.run_plan` (eagerly, within the request, when there is no broker).
    """
    require(actor, Capability.PLANNER_USE)
    if not groups:
        raise PlanError("Choose at least one group.")
    if not 1 <= months <= 24:
        raise PlanError("The plan covers between 1 and 24 months.")
    chosen = {g.pk for g in groups}
    with transaction.atomic(), acting_as(actor):
        run = PlanRun.objects.create(
            created_by=actor,
            start=start,
            horizon_months=months,
            end=horizon_end(start, months),
            rerun_of=rerun_of,
            time_limit_seconds=planner_settings().time_limit_seconds,
            stage="Waiting for a worker",
        )
        run.groups.set(list(groups))
        PlanPin.objects.bulk_create(
            [
                PlanPin(run=run, group_id=group_id, index=index, day=day)
                for group_id, index, day in {
                    (g, i): (g, i, d) for g, i, d in pins if g in chosen
                }.values()
            ]
        )
        run_id = run.pk
        transaction.on_commit(lambda: _enqueue(run_id))
    return run


def _enqueue(run_id: int) -> None:
    from engage.planner.tasks import run_plan

    run_plan.delay(run_id)


def rerun_with_pin(
    *,
    actor: User,
    run: PlanRun,
    group: EngagementGroup,
    index: int,
    day: date | None,
) -> PlanRun:
    """A new run of the same groups, keeping ``run``'s pins, with meeting ``index`` of
    ``group`` pinned to ``day`` (``None``: unpinned)."""
    require(actor, Capability.PLANNER_USE)
    if day is not None:
        problems = pin_problems(run=run, group=group, day=day)
        if problems:
            raise PlanError(problems)
    pins = [
        (p.group_id, p.index, p.day)
        for p in run.pins.all()
        if not (p.group_id == group.pk and p.index == index)
    ]
    if day is not None:
        pins.append((group.pk, index, day))
    return start_plan_run(
        actor=actor,
        groups=list(run.groups.all()),
        start=run.start,
        months=run.horizon_months,
        pins=pins,
        rerun_of=run,
    )


def _set_stage(run_id: int, progress: int, stage: str) -> None:
    PlanRun.objects.filter(pk=run_id).update(progress=progress, stage=stage)


def execute_plan_run(*, run_id: int) -> bool:
    """Solve a queued run and store its outcome. Claims the run atomically: a second call, or
    a retry of a run already started, does nothing and returns False.

    Guarantees: the run ends "done" with the solver's status, objective, bound, gap, seconds,
    costs in words, conflicts in words and one `ProposedMeeting` per planned meeting, or
    "failed" with the error's text; never half-stored proposals.
    """
    claimed = PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(
        status=PlanRun.Status.RUNNING,
        started_at=timezone.now(),
        progress=5,
        stage="Reading the calendar and the groups",
    )
    if not claimed:
        return False
    run = PlanRun.objects.get(pk=run_id)
    began = clock.perf_counter()
    try:
        groups = list(
            run.groups.select_related("owner").prefetch_related(
                "required_teams", "audience_service_types", "audience_localities"
            )
        )
        pins = [(p.group_id, p.index, p.day) for p in run.pins.all()]
        problem = build_problem(
            groups=groups,
            start=run.start,
            months=run.horizon_months,
            pins=pins,
            time_limit_seconds=run.time_limit_seconds,
        )
        _set_stage(
            run_id,
            15,
            f"Solving: {problem.meeting_count} meetings of {len(problem.series)} groups "
            f"(up to {run.time_limit_seconds} seconds)",
        )
        from engage.planner.solver import solve

        plan = solve(problem)
        _store(run, plan, {p[:2] for p in pins}, began)
    except Exception as error:
        PlanRun.objects.filter(pk=run_id).update(
            status=PlanRun.Status.FAILED,
            finished_at=timezone.now(),
            progress=100,
            stage="Failed",
            error=f"{type(error).__name__}: {error}",
            seconds=clock.perf_counter() - began,
        )
        raise
    return True


def _venue_preferences(group_ids: Iterable[int]) -> dict[int, int]:
    """The venue each group met at most recently (groups without one are left out)."""
    preferred: dict[int, int] = {}
    rows = (
        Meeting.objects.filter(group_id__in=list(group_ids), activity__venue__isnull=False)
        .order_by("group_id", "-activity__starts_at")
        .values_list("group_id", "activity__venue_id")
    )
    for group_id, venue_id in rows:
        preferred.setdefault(group_id, venue_id)
    return preferred


def assign_venues(
    proposals: Sequence[ProposedMeeting], needed: dict[int, int], start: date, end: date
) -> None:
    """Give each proposal a room: the group's usual venue if it is free and big enough, else
    the smallest free one that holds ``needed[group_id]`` people; none when all are taken.

    Free means not booked by another proposal or by an activity on the calendar at an
    overlapping time (the solver chooses days and times; rooms are booked here).
    """
    venues = list(
        VenueModel.objects.filter(is_active=True)
        .order_by("capacity", "pk")
        .values_list("pk", "capacity")
    )
    booked: dict[int, list[tuple[datetime, datetime]]] = {}
    for venue_id, starts, ends in Activity.objects.filter(
        status__in=CALENDAR_HOLDING,
        venue__isnull=False,
        starts_at__lt=_start_of(end + timedelta(days=1)),
        ends_at__gt=_start_of(start),
    ).values_list("venue_id", "starts_at", "ends_at"):
        booked.setdefault(venue_id, []).append((starts, ends))
    usual = _venue_preferences({p.group_id for p in proposals})
    for proposal in sorted(proposals, key=lambda p: (p.starts_at, p.group_id, p.index)):
        size = needed.get(proposal.group_id, 0)
        fitting = [pk for pk, capacity in venues if capacity >= size]
        preferred = usual.get(proposal.group_id)
        if preferred in fitting:
            fitting.remove(preferred)
            fitting.insert(0, preferred)
        proposal.venue_id = None
        for venue_id in fitting:
            spans = booked.setdefault(venue_id, [])
            if all(
                not (proposal.starts_at < ends and starts < proposal.ends_at)
                for starts, ends in spans
            ):
                spans.append((proposal.starts_at, proposal.ends_at))
                proposal.venue_id = venue_id
                break


def _store(run: PlanRun, plan: Plan, pinned: set[tuple[int, int]], began: float) -> None:
    kinds = dict(run.groups.values_list("pk", "kind"))
    needed = {
        pk: EXPECTED_ATTENDANCE.get(GroupKind(kind), DEFAULT_EXPECTED_ATTENDANCE)
        for pk, kind in kinds.items()
    }
    with transaction.atomic():
        rows = []
        for meeting in plan.meetings:
            group_id = group_id_of(meeting.series_key)
            starts = datetime.combine(meeting.day, meeting.start, tzinfo=LONDON)
            rows.append(
                ProposedMeeting(
                    run=run,
                    group_id=group_id,
                    index=meeting.index,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=meeting.minutes),
                    pinned=(group_id, meeting.index) in pinned,
                )
            )
        assign_venues(rows, needed, run.start, run.end)
        ProposedMeeting.objects.bulk_create(rows)
        PlanRun.objects.filter(pk=run.pk).update(
            status=PlanRun.Status.DONE,
            finished_at=timezone.now(),
            progress=100,
            stage="Done",
            solver_status=plan.status,
            objective=plan.objective if plan.meetings else None,
            best_bound=plan.best_bound if plan.meetings else None,
            gap=plan.gap if plan.meetings else None,
            seconds=round(clock.perf_counter() - began, 2),
            costs=[
                {
                    "kind": c.kind,
                    "amount": c.amount,
                    "description": c.description,
                    "series_keys": list(c.series_keys),
                }
                for c in plan.costs
            ],
            conflicts=list(plan.conflicts),
        )


# --- Accepting a plan ---------------------------------------------------------------------------


def acceptance_reason(run: PlanRun) -> str:
    return f"Accepted in year plan #{run.pk}"


def accept_plan(*, actor: User, run: PlanRun) -> list[Meeting]:
    """Turn a finished run's proposals into published meetings of their groups, once.

    Each proposal becomes a meeting (``schedule_meeting``), submitted, its clash warnings
    accepted with the reason "Accepted in year plan #N", approved and published as ``actor``
    (the PEM). The run row is locked and marked accepted in the same transaction, so a second
    acceptance (a double click, a retry) returns the meetings already made and creates none.
    If any meeting would clash (the calendar changed since the run) or cannot be approved
    (its group's details leave the design checklist incomplete), nothing is created and
    `PlanError` lists why.
    """
    require(actor, Capability.PLANNER_USE)
    require(actor, Capability.ACTIVITY_APPROVE)
    with transaction.atomic(), acting_as(actor):
        locked = PlanRun.objects.select_for_update().get(pk=run.pk)
        proposals = list(
            ProposedMeeting.objects.filter(run=locked)
            .select_related("group", "venue", "meeting")
            .order_by("starts_at", "pk")
        )
        if locked.accepted_at is not None:
            return [p.meeting for p in proposals if p.meeting is not None]
        if not locked.has_plan or not proposals:
            raise PlanError("Only a finished run with a plan can be accepted.")
        roomless = [
            f"{p.group.name}, meeting {p.index + 1} on {p.starts_at.astimezone(LONDON):%-d %B %Y}"
            for p in proposals
            if p.venue is None
        ]
        if roomless:
            raise PlanError(
                [
                    "Nothing was published: no room was free for these meetings. Add a venue or "
                    "pin them to other dates, then plan again.",
                    *roomless,
                ]
            )
        made: list[tuple[ProposedMeeting, Meeting]] = []
        for proposal in proposals:
            meeting = schedule_meeting(
                actor=actor,
                group=proposal.group,
                starts_at=proposal.starts_at,
                ends_at=proposal.ends_at,
                venue=proposal.venue,
            )
            engagement_services.submit_activity(actor=actor, activity=meeting.activity)
            made.append((proposal, meeting))
        problems: list[str] = []
        reason = acceptance_reason(locked)
        for proposal, meeting in made:
            activity = meeting.activity
            report = report_for(activity)
            if report.clashes:
                problems += [f"{activity.title}: {c.message}" for c in report.clashes]
                continue
            for warning in report.open_warnings:
                engagement_services.accept_warning(
                    actor=actor, activity=activity, clash_key=warning.key, reason=reason
                )
            gaps = engagement_services.approval_problems(activity)
            if gaps:
                problems += [f"{activity.title}: {gap}" for gap in gaps]
                continue
            engagement_services.approve_activity(actor=actor, activity=activity)
            engagement_services.publish_activity(actor=actor, activity=activity)
            proposal.meeting = meeting
        if problems:
            raise PlanError(
                [
                    "Nothing was published. Put these right (the calendar may have changed "
                    "since the plan was made, or a group's details are incomplete), then plan "
                    "again.",
                    *sorted(set(problems)),
                ]
            )
        ProposedMeeting.objects.bulk_update([p for p, _ in made], ["meeting"])
        locked.accepted_at, locked.accepted_by = timezone.now(), actor
        locked.save(update_fields=["accepted_at", "accepted_by"])
        run.accepted_at, run.accepted_by = locked.accepted_at, actor
        return [m for _, m in made]


def published_activities(run: PlanRun) -> QuerySet[Activity]:
    """The activities an accepted run created."""
    return Activity.objects.filter(meeting__proposal__run=run)


# --- Planning data ------------------------------------------------------------------------------


def set_team_capacity(*, actor: User, team: CouncilTeam, officers_out_at_once: int) -> CouncilTeam:
    """How many activities ``team`` can attend at once (0 to 50), for the planner and the
    calendar's clash rule alike. The change is audited on the team (old and new value)."""
    require(actor, Capability.PLANNER_USE)
    if not 0 <= officers_out_at_once <= MAX_OFFICERS_OUT_AT_ONCE:
        raise PlanError(
            f"A team's capacity is between 0 and {MAX_OFFICERS_OUT_AT_ONCE} activities at once."
        )
    with transaction.atomic(), acting_as(actor):
        locked = CouncilTeam.objects.select_for_update().get(pk=team.pk)
        if locked.officers_out_at_once != officers_out_at_once:
            locked.officers_out_at_once = officers_out_at_once
            locked.save(update_fields=["officers_out_at_once"])
        team.officers_out_at_once = officers_out_at_once
        return locked


def add_team_leave(
    *, actor: User, team: CouncilTeam, first_day: date, last_day: date, reason: str
) -> TeamLeave:
    """Dates on which ``team`` cannot attend meetings."""
    require(actor, Capability.PLANNER_USE)
    with transaction.atomic(), acting_as(actor):
        leave = TeamLeave(team=team, first_day=first_day, last_day=last_day, reason=reason)
        leave.full_clean()
        leave.save()
        return leave


def add_school_holiday(*, actor: User, name: str, first_day: date, last_day: date) -> SchoolHoliday:
    """A school holiday the planner avoids where it can."""
    require(actor, Capability.PLANNER_USE)
    with transaction.atomic(), acting_as(actor):
        holiday = SchoolHoliday(name=name, first_day=first_day, last_day=last_day)
        holiday.full_clean()
        holiday.save()
        return holiday


def delete_planning_date(*, actor: User, row: TeamLeave | SchoolHoliday) -> None:
    """Remove a team's leave or a school holiday."""
    require(actor, Capability.PLANNER_USE)
    with transaction.atomic(), acting_as(actor):
        row.delete()


def save_planner_settings(*, actor: User, **fields: Any) -> PlannerSettings:
    """Change the weights of the soft costs, the busy-week threshold or the time limit."""
    require(actor, Capability.PLANNER_USE)
    with transaction.atomic(), acting_as(actor):
        config = planner_settings()
        for name, value in fields.items():
            setattr(config, name, value)
        config.full_clean()
        config.save()
        return config
