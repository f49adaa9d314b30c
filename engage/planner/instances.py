"""Deterministic, realistic planning problems for tests and benchmarks.

`county(seed)` is one council: about 40 series and 150 meetings over 12 months, seven
teams, four localities (North, Mid, South, West) with provider forums for residential &
nursing and for domiciliary care, networking events, the Tier One group, strategic groups,
association liaison, a skills-board group and working groups, plus a few fixed
activities and pinned dates. `region(seed)` is ten such areas side by side (about 400
series and 1,500 meetings) with regional groups that span them; each area keeps its own
teams and localities, so not everything overlaps.

Nothing here knows the calendar: pass `bank_holidays` (England's, e.g. from the
`holidays` package) and `school_holidays` (inclusive date ranges). `bench.py` passes lists
for 2026-2028. The same seed and arguments always give the same problem.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from engage.planner.problem import (
    FixedActivity,
    Problem,
    Segment,
    Series,
    Team,
    TimeSlot,
    Venue,
    Weights,
    dates_between,
    twelve_months_after,
)

SERVICE_TYPES = ("residential", "nursing", "domiciliary", "supported living")
LEVELS = ("registered manager", "director", "tier one")
LOCALITIES = ("North", "Mid", "South", "West")
TEAMS = (
    ("commissioning", "Commissioning", 2),
    ("quality", "Quality Improvement", 1),
    ("contracts", "Contracts", 1),
    ("safeguarding", "Safeguarding", 1),
    ("placement", "Service Placement", 1),
    ("operations", "Adult Operations", 1),
    ("engagement", "Provider Engagement", 2),
)
REGION_AREAS = (
    "Essex",
    "Suffolk",
    "Norfolk",
    "Cambridgeshire",
    "Hertfordshire",
    "Bedfordshire",
    "Peterborough",
    "Thurrock",
    "Southend",
    "Luton",
)
WORKING_GROUPS = (
    "Fee setting",
    "Hospital discharge",
    "Digital care records",
    "Medicines management",
    "Falls prevention",
    "Recruitment and retention",
    "Quality dashboard",
    "Trusted assessor",
    "End of life care",
    "Infection prevention",
    "Winter planning",
    "Provider failure contingency",
    "Dementia care",
    "Travel time and rounds",
    "Technology enabled care",
    "Mental health step-down",
    "Safeguarding practice",
    "Carers' breaks",
)
FIXED_EVENTS = (
    "Market position statement launch",
    "Budget consultation event",
    "CQC local briefing",
    "Care workforce awards",
    "Winter readiness briefing",
    "Provider survey results webinar",
    "Annual provider conference",
    "Fee uplift consultation session",
)
MORNING = TimeSlot(time(10, 0), 120)
AFTERNOON = TimeSlot(time(14, 0), 120)
LATE_MORNING = TimeSlot(time(11, 0), 90)
MIDWEEK = frozenset({1, 2, 3})
ANY_WEEKDAY = frozenset(range(5))


@dataclass
class _Area:
    """One council's worth of series, fixed activities and teams being generated."""

    name: str
    slug: str
    localities: tuple[str, ...]
    series: list[Series] = field(default_factory=list)
    fixed: list[FixedActivity] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)

    def team(self, key: str) -> str:
        return f"{self.slug}{key}"


def school_holiday_dates(ranges: Iterable[tuple[date, date]]) -> frozenset[date]:
    """Every date in the given inclusive (first, last) ranges."""
    days: set[date] = set()
    for first, last in ranges:
        days |= dates_between(first, last)
    return frozenset(days)


def _segments(
    services: Iterable[str], levels: Iterable[str], localities: Iterable[str]
) -> frozenset[Segment]:
    return frozenset(
        Segment(service, level, locality)
        for service in services
        for level in levels
        for locality in localities
    )


def _working_days(
    start: date, end: date, bank_holidays: frozenset[date], weekdays: frozenset[int]
) -> list[date]:
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return [d for d in days if d.weekday() in weekdays and d not in bank_holidays]


def _build_area(
    rng: random.Random,
    area: _Area,
    start: date,
    end: date,
    bank_holidays: frozenset[date],
    school: frozenset[date],
) -> None:
    """Fill `area` with a county's series, teams and fixed activities."""
    prefix = f"{area.name} " if area.name else ""
    for key, name, capacity in TEAMS:
        leave: set[date] = set()
        # One week of team training or away days, and a few scattered single days.
        week_start = start + timedelta(days=rng.randrange(30, 330))
        week_start -= timedelta(days=week_start.weekday())
        leave |= dates_between(week_start, week_start + timedelta(days=4))
        for _ in range(rng.randint(2, 5)):
            leave.add(start + timedelta(days=rng.randrange(0, (end - start).days)))
        area.teams.append(
            Team(
                key=area.team(key),
                name=f"{prefix}{name} team",
                capacity=capacity,
                unavailable=frozenset(leave),
            )
        )

    def venues(locality: str, size: int) -> tuple[Venue, ...]:
        slug = locality.lower().replace(" ", "-")
        return (
            Venue(key=f"{slug}-hub", name=f"{locality} community hub", capacity=size),
            Venue(key=f"{slug}-hall", name=f"{locality} council chamber", capacity=size * 2),
            Venue(key=f"{slug}-room", name=f"{locality} meeting room", capacity=25),
        )

    def add(series: Series) -> None:
        area.series.append(series)

    localities = area.localities
    for locality in localities:
        slug = area.slug + locality.lower().replace(" ", "-")
        forum_days = frozenset(rng.sample([1, 2, 3], rng.choice([1, 2])))
        add(
            Series(
                key=f"{slug}-forum-rn",
                name=f"{locality} residential & nursing forum",
                meetings=6,
                min_gap_weeks=6,
                max_gap_weeks=10,
                weekdays=forum_days,
                slots=(MORNING, AFTERNOON),
                sessions=("Market update", "Quality spotlight", "Questions to commissioners"),
                audience=_segments(["residential", "nursing"], ["registered manager"], [locality]),
                teams=frozenset({area.team("engagement"), area.team("quality")}),
                venues=venues(locality, 40),
                expected_attendance=rng.randint(25, 60),
            )
        )
        add(
            Series(
                key=f"{slug}-forum-dom",
                name=f"{locality} domiciliary forum",
                meetings=6,
                min_gap_weeks=6,
                max_gap_weeks=10,
                weekdays=frozenset(rng.sample([1, 2, 3], 2)),
                slots=(MORNING, AFTERNOON),
                sessions=("Market update", "Workforce", "Questions to commissioners"),
                audience=_segments(
                    ["domiciliary", "supported living"], ["registered manager"], [locality]
                ),
                teams=frozenset({area.team("engagement"), area.team("commissioning")}),
                venues=venues(locality, 40),
                expected_attendance=rng.randint(20, 50),
            )
        )
        add(
            Series(
                key=f"{slug}-networking",
                name=f"{locality} provider networking event",
                meetings=2,
                min_gap_weeks=20,
                max_gap_weeks=30,
                weekdays=MIDWEEK,
                slots=(AFTERNOON,),
                sessions=("Networking", "Marketplace"),
                audience=_segments(SERVICE_TYPES, ["registered manager", "director"], [locality]),
                teams=frozenset({area.team("engagement")}),
                venues=venues(locality, 60),
                expected_attendance=rng.randint(50, 110),
            )
        )

    slug = area.slug
    # Pinned dates avoid holidays and the leave of the teams concerned; fixed activities
    # later avoid pinned dates, so the generated problem always has a plan.
    blocked = set(bank_holidays | school)
    for team in area.teams:
        if team.key in {area.team("commissioning"), area.team("contracts")}:
            blocked |= team.unavailable
    pins: set[date] = set()

    def pin(around: date) -> date:
        day = _pin_day(rng, around, MIDWEEK, blocked | pins)
        pins.add(day)
        return day

    tier_one = _segments(SERVICE_TYPES, ["tier one"], localities)
    add(
        Series(
            key=f"{slug}tier-one",
            name=f"{prefix}Tier One group".strip(),
            meetings=6,
            min_gap_weeks=6,
            max_gap_weeks=10,
            weekdays=MIDWEEK,
            slots=(LATE_MORNING,),
            sessions=("Strategic market issues", "Contract performance"),
            audience=tier_one,
            teams=frozenset({area.team("commissioning"), area.team("contracts")}),
            pinned={0: pin(start + timedelta(days=21))},
        )
    )
    strategic = (
        ("Residential & nursing strategic group", ["residential", "nursing"]),
        ("Home care strategic group", ["domiciliary"]),
        ("Supported living strategic group", ["supported living"]),
        ("Workforce strategic group", list(SERVICE_TYPES)),
    )
    for number, (name, services) in enumerate(strategic):
        pinned: dict[int, date] = {}
        if number == 0:
            pinned[2] = pin(start + timedelta(days=200))
        add(
            Series(
                key=f"{slug}strategic-{number}",
                name=f"{prefix}{name}",
                meetings=4,
                min_gap_weeks=10,
                max_gap_weeks=16,
                weekdays=MIDWEEK,
                slots=(MORNING, AFTERNOON),
                audience=_segments(services, ["director", "tier one"], localities),
                teams=frozenset(
                    {
                        area.team("commissioning"),
                        area.team(
                            "contracts" if number == 0 else rng.choice(["quality", "operations"])
                        ),
                    }
                ),
                pinned=pinned,
            )
        )
    for name, services in (
        ("Care association liaison", ["residential", "nursing"]),
        ("Home care association liaison", ["domiciliary", "supported living"]),
    ):
        add(
            Series(
                key=f"{slug}{name.lower().replace(' ', '-')}",
                name=f"{prefix}{name}",
                meetings=6,
                min_gap_weeks=6,
                max_gap_weeks=10,
                weekdays=ANY_WEEKDAY,
                slots=(LATE_MORNING,),
                audience=_segments(services, ["director"], localities),
                teams=frozenset({area.team("engagement"), area.team("contracts")}),
            )
        )
    add(
        Series(
            key=f"{slug}skills-board",
            name=f"{prefix}Skills board provider group",
            meetings=4,
            min_gap_weeks=10,
            max_gap_weeks=16,
            weekdays=MIDWEEK,
            slots=(AFTERNOON,),
            audience=_segments(rng.sample(SERVICE_TYPES, 2), ["registered manager"], localities),
            teams=frozenset({area.team("operations")}),
        )
    )
    for number, topic in enumerate(WORKING_GROUPS):
        meetings = rng.choice([3, 3, 4])
        services = rng.sample(SERVICE_TYPES, rng.randint(1, 2))
        levels = [rng.choice(["registered manager", "director"])]
        places = rng.sample(list(localities), rng.randint(1, len(localities)))
        team_keys = rng.sample([t[0] for t in TEAMS], rng.randint(1, 2))
        add(
            Series(
                key=f"{slug}wg-{number}",
                name=f"{prefix}{topic} working group",
                meetings=meetings,
                min_gap_weeks=6,
                max_gap_weeks=14,
                weekdays=rng.choice([ANY_WEEKDAY, MIDWEEK, frozenset({0, 1, 2, 3})]),
                slots=rng.choice([(MORNING,), (AFTERNOON,), (MORNING, AFTERNOON)]),
                audience=_segments(services, levels, places),
                teams=frozenset(area.team(k) for k in team_keys),
            )
        )

    fixed_days = [
        d
        for d in _working_days(start + timedelta(days=14), end, bank_holidays, MIDWEEK)
        if d not in pins
    ]
    for number, name in enumerate(FIXED_EVENTS):
        day = rng.choice(fixed_days)
        if name == "Annual provider conference":
            audience = _segments(SERVICE_TYPES, LEVELS, localities)
        else:
            audience = _segments(
                rng.sample(SERVICE_TYPES, rng.randint(1, 3)),
                rng.sample(LEVELS, rng.randint(1, 2)),
                rng.sample(list(localities), rng.randint(1, len(localities))),
            )
        area.fixed.append(
            FixedActivity(
                key=f"{slug}fixed-{number}",
                name=f"{prefix}{name}",
                day=day,
                start=time(9, 30) if number % 2 else time(13, 30),
                minutes=180,
                audience=audience,
                teams=frozenset({area.team(rng.choice([t[0] for t in TEAMS]))}),
            )
        )


def _pin_day(
    rng: random.Random, around: date, weekdays: frozenset[int], blocked: set[date]
) -> date:
    """A plausible pinned date: an allowed weekday near `around` that is not `blocked`."""
    day = around + timedelta(days=rng.randrange(0, 7))
    while day.weekday() not in weekdays or day in blocked:
        day += timedelta(days=1)
    return day


def _problem(
    start: date,
    areas: list[_Area],
    extra: list[Series],
    bank_holidays: frozenset[date],
    school: frozenset[date],
    busy_week_threshold: int,
    time_limit_seconds: float,
    workers: int,
    seed: int,
) -> Problem:
    teams = [t for a in areas for t in a.teams]
    # A team on leave cannot attend a fixed activity either: move those officers' leave.
    fixed = [f for a in areas for f in a.fixed]
    busy = {(k, f.day) for f in fixed for k in f.teams}
    teams = [
        Team(
            key=t.key,
            name=t.name,
            capacity=t.capacity,
            unavailable=frozenset(d for d in t.unavailable if (t.key, d) not in busy),
        )
        for t in teams
    ]
    return Problem(
        start=start,
        series=tuple([s for a in areas for s in a.series] + extra),
        fixed=tuple(fixed),
        teams=tuple(teams),
        bank_holidays=bank_holidays,
        school_holidays=school,
        busy_week_threshold=busy_week_threshold,
        weights=Weights(),
        time_limit_seconds=time_limit_seconds,
        workers=workers,
        random_seed=seed,
    )


def county(
    seed: int,
    *,
    start: date = date(2026, 9, 1),
    bank_holidays: Iterable[date] = (),
    school_holidays: Iterable[tuple[date, date]] = (),
    time_limit_seconds: float = 5.0,
    workers: int = 2,
) -> Problem:
    """One council's year: about 40 series and 150 meetings, 7 teams, 4 localities.

    Guarantees: deterministic in all arguments; the horizon is 12 months from `start`;
    every pinned date is an allowed working day outside school holidays.
    """
    rng = random.Random(seed)
    end = twelve_months_after(start)
    holidays = frozenset(bank_holidays)
    school = school_holiday_dates(school_holidays)
    area = _Area(name="", slug="", localities=LOCALITIES)
    _build_area(rng, area, start, end, holidays, school)
    return _problem(start, [area], [], holidays, school, 5, time_limit_seconds, workers, seed)


def region(
    seed: int,
    *,
    start: date = date(2026, 9, 1),
    bank_holidays: Iterable[date] = (),
    school_holidays: Iterable[tuple[date, date]] = (),
    time_limit_seconds: float = 60.0,
    workers: int = 2,
) -> Problem:
    """Ten councils' years side by side plus regional groups: about 400 series, 1,500 meetings.

    Each area has its own 7 teams (70 in all) and 4 localities; regional groups reach the
    directors and Tier One providers of several areas and are staffed by a lead area's
    teams. Guarantees: deterministic in all arguments; 12-month horizon from `start`.
    """
    rng = random.Random(seed)
    end = twelve_months_after(start)
    holidays = frozenset(bank_holidays)
    school = school_holiday_dates(school_holidays)
    areas: list[_Area] = []
    for name in REGION_AREAS:
        area = _Area(
            name=name,
            slug=f"{name.lower()}-",
            localities=tuple(f"{name} {locality}" for locality in LOCALITIES),
        )
        _build_area(rng, area, start, end, holidays, school)
        areas.append(area)
    regional: list[Series] = []
    topics = (
        "Regional Tier One forum",
        "Regional workforce partnership",
        "Regional care association forum",
        "Regional home care forum",
        "Regional commissioning network",
        "Regional quality network",
        "Regional hospital discharge group",
        "Regional digital care group",
    )
    for number, topic in enumerate(topics):
        members = rng.sample(areas, rng.randint(3, 6))
        lead = members[0]
        levels = ["tier one"] if "Tier One" in topic else ["director"]
        regional.append(
            Series(
                key=f"regional-{number}",
                name=topic,
                meetings=4,
                min_gap_weeks=10,
                max_gap_weeks=16,
                weekdays=MIDWEEK,
                slots=(LATE_MORNING,),
                audience=frozenset(
                    seg for a in members for seg in _segments(SERVICE_TYPES, levels, a.localities)
                ),
                teams=frozenset({lead.team("commissioning")}),
            )
        )
    return _problem(start, areas, regional, holidays, school, 45, time_limit_seconds, workers, seed)
