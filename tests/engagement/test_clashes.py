"""The clash rules (pure): each rule by example, and the properties that hold for all inputs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.core.working_days import bank_holidays
from engage.engagement.clashes import (
    LONDON,
    ClashKind,
    Names,
    Rules,
    Severity,
    Slot,
    describe_audience,
    find_clashes,
    pair_clashes,
)
from engage.engagement.modes import Kind
from engage.market.audience import Audience

RULES = Rules(warning_working_days=3, min_notice_weeks=6, forum_notice_months=12)
FAR = date(2020, 1, 1)  # notice counted from long before: the notice rule stays quiet


def slot(
    day: str,
    hour: int = 10,
    hours: int = 2,
    *,
    pk: int = 1,
    kind: str = Kind.EVENT,
    audience: Audience | None = None,
    teams: frozenset[int] = frozenset(),
    title: str = "Other event",
) -> Slot:
    start = datetime.fromisoformat(day).replace(hour=hour, tzinfo=LONDON)
    return Slot(
        id=pk,
        title=title,
        kind=kind,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        audience=audience or Audience(),
        team_ids=teams,
    )


MANAGERS_MID = Audience(levels=frozenset({"manager"}), localities=frozenset({"mid"}))
OWNERS = Audience(levels=frozenset({"owner"}))


def kinds(clashes: list) -> list[str]:
    return sorted(str(c.kind) for c in clashes)


def test_same_audience_on_the_same_day_is_a_clash_explained_in_words() -> None:
    names = Names(localities={"mid": "Mid Essex"})
    found = pair_clashes(
        slot("2030-03-12", audience=MANAGERS_MID, pk=1),
        slot(
            "2030-03-12", 14, audience=Audience(localities=frozenset({"mid"})), pk=2, title="Forum"
        ),
        RULES,
        names,
    )
    assert [(c.kind, c.severity, c.other_activity_id) for c in found] == [
        (ClashKind.SAME_DAY, Severity.CLASH, 2)
    ]
    assert "“Forum” on Tuesday 12 March 2030" in found[0].message
    assert "care managers of every service type in Mid Essex" in found[0].message


def test_same_audience_within_the_window_is_a_warning_and_beyond_it_nothing() -> None:
    tuesday = slot("2030-03-12", audience=MANAGERS_MID, pk=1)
    friday = slot("2030-03-15", audience=MANAGERS_MID, pk=2)  # 3 working days later
    monday = slot("2030-03-18", audience=MANAGERS_MID, pk=3)  # 4 working days later
    found = pair_clashes(tuesday, friday, RULES)
    assert [(c.kind, c.severity) for c in found] == [(ClashKind.NEARBY, Severity.WARNING)]
    assert "3 working days apart" in found[0].message
    assert pair_clashes(tuesday, monday, RULES) == []


def test_the_window_counts_working_days_across_a_weekend() -> None:
    friday = slot("2030-03-15", audience=MANAGERS_MID, pk=1)
    next_wednesday = slot("2030-03-20", audience=MANAGERS_MID, pk=2)  # 3 working days
    assert kinds(pair_clashes(friday, next_wednesday, RULES)) == ["nearby"]


def test_a_team_that_must_attend_two_overlapping_activities_is_a_clash() -> None:
    names = Names(teams={7: "Contracts"})
    mine = slot("2030-03-12", 10, 2, audience=OWNERS, teams=frozenset({7, 8}), pk=1)
    other = slot("2030-03-12", 11, 2, audience=MANAGERS_MID, teams=frozenset({7}), pk=2)
    found = pair_clashes(mine, other, RULES, names)
    assert [(c.kind, c.severity) for c in found] == [(ClashKind.TEAM, Severity.CLASH)]
    assert "The Contracts team must attend both" in found[0].message
    later = slot("2030-03-12", 12, 1, audience=MANAGERS_MID, teams=frozenset({7}), pk=3)
    assert pair_clashes(mine, later, RULES) == []  # 12:00 start, mine ends at 12:00


def test_newsletter_items_do_not_clash_with_events() -> None:
    event = slot("2030-03-12", audience=MANAGERS_MID)
    bulletin = slot("2030-03-12", kind=Kind.NEWSLETTER_ITEM, audience=MANAGERS_MID, pk=2)
    assert pair_clashes(event, bulletin, RULES) == []


def test_bank_holidays_and_weekends_are_warnings_with_the_holiday_named() -> None:
    found = find_clashes(slot("2030-05-06"), [], rules=RULES, notice_from=FAR)
    assert [(c.kind, c.severity) for c in found] == [(ClashKind.DAY_OFF, Severity.WARNING)]
    assert "bank holiday" in found[0].message and "May Day" in found[0].message
    saturday = find_clashes(slot("2030-03-16"), [], rules=RULES, notice_from=FAR)
    assert saturday[0].message == "Saturday 16 March 2030 is a weekend."


def test_short_notice_is_a_warning_and_forum_dates_are_due_twelve_months_ahead() -> None:
    event = slot("2030-03-12")
    found = find_clashes(event, [], rules=RULES, notice_from=date(2030, 2, 1))
    assert [c.kind for c in found] == [ClashKind.NOTICE]
    assert found[0].message == "Only 5 weeks and 4 days of notice; the minimum is 6 weeks."
    assert find_clashes(event, [], rules=RULES, notice_from=date(2030, 1, 29)) == []
    forum = slot("2030-03-12", kind=Kind.FORUM_MEETING)
    found = find_clashes(forum, [], rules=RULES, notice_from=date(2029, 10, 1))
    assert (
        "Forum dates are due 12 months ahead; this one is set only 5 months ahead."
        in found[0].message
    )
    assert find_clashes(forum, [], rules=RULES, notice_from=date(2029, 3, 12)) == []


def test_rules_are_settings_not_constants() -> None:
    event = slot("2030-03-12")
    lenient = Rules(warning_working_days=0, min_notice_weeks=2, forum_notice_months=0)
    assert find_clashes(event, [], rules=lenient, notice_from=date(2030, 2, 1)) == []


def test_an_activity_never_clashes_with_itself() -> None:
    event = slot("2030-03-12", audience=MANAGERS_MID, pk=5)
    assert find_clashes(event, [event], rules=RULES, notice_from=FAR) == []


def test_clashes_come_before_warnings() -> None:
    event = slot("2030-03-16", audience=MANAGERS_MID, pk=1)  # a Saturday
    same_day = slot("2030-03-16", 14, audience=MANAGERS_MID, pk=2)
    found = find_clashes(event, [same_day], rules=RULES, notice_from=FAR)
    assert [c.severity for c in found] == [Severity.CLASH, Severity.WARNING]


def test_describe_audience_reads_naturally() -> None:
    audience = Audience(
        service_types=frozenset({"nursing", "residential"}),
        levels=frozenset({"owner", "worker"}),
        tier_one_only=True,
    )
    names = Names(service_types={"nursing": "Nursing care", "residential": "Residential care"})
    assert describe_audience(audience, names) == (
        "owners and directors and care workers of nursing care and residential care in every "
        "locality (Tier One providers only)"
    )


# --- Properties ------------------------------------------------------------------------------

values = st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=2)
audiences = st.builds(
    Audience,
    service_types=values,
    levels=st.frozensets(st.sampled_from(["owner", "manager", "worker"]), max_size=2),
    localities=values,
    tier_one_only=st.booleans(),
)
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2031, 12, 31))
gathering_kinds = st.sampled_from([Kind.EVENT, Kind.WORKSHOP, Kind.FORUM_MEETING, Kind.BRIEFING])


@st.composite
def slots(draw: st.DrawFn, pk: int) -> Slot:
    day = draw(days)
    start = datetime(day.year, day.month, day.day, draw(st.integers(7, 18)), tzinfo=LONDON)
    return Slot(
        id=pk,
        title=f"Activity {pk}",
        kind=draw(gathering_kinds),
        starts_at=start,
        ends_at=start + timedelta(minutes=draw(st.integers(30, 60 * 30))),
        audience=draw(audiences),
        team_ids=draw(st.frozensets(st.integers(1, 4), max_size=2)),
    )


def _shape(clashes: list) -> list[tuple[str, str]]:
    return sorted((str(c.kind), str(c.severity)) for c in clashes)


@settings(max_examples=300, deadline=None)
@given(slots(1), slots(2), st.integers(0, 5))
def test_pair_rules_are_symmetric(a: Slot, b: Slot, window: int) -> None:
    rules = Rules(warning_working_days=window)
    assert _shape(pair_clashes(a, b, rules)) == _shape(pair_clashes(b, a, rules))


@settings(max_examples=300, deadline=None)
@given(slots(1), slots(2), st.sampled_from(["service_types", "levels", "localities"]))
def test_disjoint_audiences_with_no_shared_team_never_clash(
    a: Slot, b: Slot, dimension: str
) -> None:
    pools = {
        "service_types": ({"a"}, {"b"}),
        "levels": ({"owner"}, {"worker"}),
        "localities": ({"a"}, {"b"}),
    }
    mine, theirs = pools[dimension]
    a = Slot(
        **{
            **a.__dict__,
            "audience": Audience(**{**a.audience.__dict__, dimension: frozenset(mine)}),
        }
    )
    b = Slot(
        **{
            **b.__dict__,
            "audience": Audience(**{**b.audience.__dict__, dimension: frozenset(theirs)}),
            "team_ids": frozenset(),
        }
    )
    assert not a.audience.overlaps(b.audience)
    assert pair_clashes(a, b, RULES) == []


HOLIDAYS = sorted(bank_holidays(date(2026, 1, 1), date(2031, 12, 31)))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(HOLIDAYS), st.integers(7, 20), st.sampled_from(list(Kind)))
def test_a_bank_holiday_is_always_flagged(day: date, hour: int, kind: Kind) -> None:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)
    activity = Slot(1, "On a holiday", kind, start, start + timedelta(hours=2), Audience())
    found = find_clashes(activity, [], rules=RULES, notice_from=None)
    assert any(c.kind == ClashKind.DAY_OFF and c.day == day for c in found)


# --- Team capacity (rule (c)) ------------------------------------------------------------------


def team_slot(
    pk: int, hour: int, hours: int = 2, *, title: str = "", day: str = "2030-03-12"
) -> Slot:
    # Distinct levels, so that only the team rule can make them clash.
    return slot(
        day,
        hour,
        hours,
        pk=pk,
        audience=Audience(levels=frozenset({["owner", "manager", "worker"][pk % 3]})),
        teams=frozenset({7}),
        title=title or f"Meeting {pk}",
    )


def team_clash_ids(found: list) -> set[int | None]:
    return {c.other_activity_id for c in found if c.kind == ClashKind.TEAM}


def test_with_capacity_one_any_overlap_needing_the_team_is_a_clash_naming_the_capacity() -> None:
    names = Names(teams={7: "Contracts"})  # capacity not given: 1
    mine, other = team_slot(1, 10), team_slot(2, 11)
    found = find_clashes(mine, [other], rules=RULES, notice_from=FAR, names=names)
    assert team_clash_ids(found) == {2}
    message = next(c.message for c in found if c.kind == ClashKind.TEAM)
    assert "The Contracts team must attend both this and “Meeting 2”" in message
    assert "can attend one activity at a time" in message
    explicit = Names(teams={7: "Contracts"}, team_capacity={7: 1})
    assert find_clashes(mine, [other], rules=RULES, notice_from=FAR, names=explicit) == found


def test_capacity_two_allows_two_overlapping_and_refuses_a_third() -> None:
    names = Names(teams={7: "Contracts"}, team_capacity={7: 2})
    first, second, third = team_slot(1, 10), team_slot(2, 10), team_slot(3, 11)
    assert find_clashes(first, [second], rules=RULES, notice_from=FAR, names=names) == []
    assert find_clashes(second, [first], rules=RULES, notice_from=FAR, names=names) == []
    found = find_clashes(third, [first, second], rules=RULES, notice_from=FAR, names=names)
    assert team_clash_ids(found) == {1, 2}
    assert all(c.severity == Severity.CLASH for c in found if c.kind == ClashKind.TEAM)
    message = found[0].message
    assert "The Contracts team must attend this, “Meeting 1”" in message
    assert "3 at once, and the team can attend 2 activities at a time" in message
    # Each of the three now clashes with the other two.
    for mine in (first, second):
        others = [s for s in (first, second, third) if s is not mine]
        assert (
            len(
                team_clash_ids(
                    find_clashes(mine, others, rules=RULES, notice_from=FAR, names=names)
                )
            )
            == 2
        )


def test_capacity_counts_activities_at_the_same_moment_not_pairs() -> None:
    """10–12 and 12–14 both overlap 11–13 but not each other: never more than 2 at once."""
    names = Names(teams={7: "Contracts"}, team_capacity={7: 2})
    morning, middle, afternoon = team_slot(1, 10), team_slot(2, 11), team_slot(3, 12)
    assert (
        find_clashes(middle, [morning, afternoon], rules=RULES, notice_from=FAR, names=names) == []
    )
    # A fourth at 11:30–12:30 makes three at once from 11:30 to 12:30 (middle, it and one other).
    extra = slot(
        "2030-03-12",
        11,
        1,
        pk=4,
        audience=Audience(levels=frozenset({"worker"})),
        teams=frozenset({7}),
        title="Meeting 4",
    )
    extra = Slot(
        **{
            **extra.__dict__,
            "starts_at": extra.starts_at + timedelta(minutes=30),
            "ends_at": extra.ends_at + timedelta(minutes=30),
        }
    )
    found = find_clashes(
        middle, [morning, afternoon, extra], rules=RULES, notice_from=FAR, names=names
    )
    assert team_clash_ids(found) == {1, 3, 4}


def test_a_team_with_capacity_zero_can_attend_nothing() -> None:
    names = Names(teams={7: "Contracts"}, team_capacity={7: 0})
    found = find_clashes(team_slot(1, 10), [], rules=RULES, notice_from=FAR, names=names)
    assert [(c.kind, c.other_activity_id) for c in found] == [(ClashKind.TEAM, None)]
    assert "The Contracts team can attend no activities (its capacity is 0)" in found[0].message


def test_capacity_is_per_team() -> None:
    names = Names(teams={7: "Contracts", 8: "Safeguarding"}, team_capacity={7: 2, 8: 1})
    mine = Slot(**{**team_slot(1, 10).__dict__, "team_ids": frozenset({7, 8})})
    other = Slot(**{**team_slot(2, 11).__dict__, "team_ids": frozenset({7, 8})})
    found = find_clashes(mine, [other], rules=RULES, notice_from=FAR, names=names)
    assert team_clash_ids(found) == {2}
    assert "Safeguarding" in found[0].message and "Contracts" not in found[0].message


calendar_slots = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 12)),  # start (quarter hours), length
    min_size=1,
    max_size=7,
)


def _brute_force_peak(
    intervals: list[tuple[datetime, datetime]], within: tuple[datetime, datetime]
) -> int:
    """Most intervals covering one instant within ``within``, checked minute by minute."""
    peak, moment = 0, within[0]
    while moment < within[1]:
        peak = max(peak, sum(1 for s, e in intervals if s <= moment < e))
        moment += timedelta(minutes=15)
    return peak


@settings(max_examples=300, deadline=None)
@given(calendar_slots, st.integers(1, 4))
def test_a_team_clash_exactly_when_activities_at_one_moment_exceed_capacity(
    shape: list[tuple[int, int]], capacity: int
) -> None:
    base = datetime(2030, 3, 12, 8, tzinfo=LONDON)
    activities = [
        Slot(
            id=n + 1,
            title=f"Activity {n + 1}",
            kind=Kind.WORKING_GROUP,
            starts_at=base + timedelta(minutes=15 * begin),
            ends_at=base + timedelta(minutes=15 * (begin + length)),
            audience=Audience(levels=frozenset({"owner"}), localities=frozenset({f"l{n}"})),
            team_ids=frozenset({7}),
        )
        for n, (begin, length) in enumerate(shape)
    ]
    names = Names(teams={7: "Contracts"}, team_capacity={7: capacity})
    spans = [(a.starts_at, a.ends_at) for a in activities]
    clashing: dict[int, set[int | None]] = {}
    for mine in activities:
        found = find_clashes(mine, activities, rules=RULES, notice_from=FAR, names=names)
        clashing[mine.id or 0] = team_clash_ids(found)
        peak = _brute_force_peak(spans, (mine.starts_at, mine.ends_at))
        assert bool(clashing[mine.id or 0]) == (peak > capacity)
    # Symmetric over the whole calendar: a clashes with b exactly when b clashes with a.
    for a in activities:
        for b in activities:
            assert (b.id in clashing[a.id or 0]) == (a.id in clashing[b.id or 0])
