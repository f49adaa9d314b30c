"""Translating groups, the calendar and planning data into the planner's `Problem`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from engage.council.models import Team
from engage.planner.models import SchoolHoliday, TeamLeave
from engage.planner.problem import Segment
from engage.planner.services import build_problem, series_key, spacing_weeks
from tests.engagement.factories import ActivityFactory, at
from tests.planner.conftest import weekday_on_or_after

pytestmark = pytest.mark.django_db


def test_a_forum_with_target_three_becomes_a_series_of_three_midweek_meetings(
    planning_world: dict[str, Any], start: date
) -> None:
    from tests.market.factories import ServiceTypeFactory

    ServiceTypeFactory(slug="nursing")
    forum = planning_world["north"]
    problem = build_problem(groups=[forum], start=start)
    (series,) = problem.series
    assert series.key == series_key(forum.pk)
    assert series.meetings == 3
    assert (series.min_gap_weeks, series.max_gap_weeks) == spacing_weeks(3) == (12, 23)
    assert series.weekdays == frozenset({1, 2, 3})
    assert series.teams == frozenset({"quality-improvement"})
    assert [v.name for v in series.venues] == ["Council Chamber", "County Hall"]
    # An empty audience dimension means every value: here every service type.
    assert series.audience == frozenset(
        {Segment("residential", "manager", "north"), Segment("nursing", "manager", "north")}
    )
    assert problem.end == date(start.year + 1, start.month, start.day) - timedelta(days=1)


def test_a_shorter_horizon_plans_its_share_of_the_target(
    planning_world: dict[str, Any], start: date
) -> None:
    problem = build_problem(groups=[planning_world["working"]], start=start, months=6)
    assert problem.series[0].meetings == 2  # 4 a year, half a year


def test_meetings_already_scheduled_count_towards_the_target(
    planning_world: dict[str, Any], start: date, pem: Any
) -> None:
    from engage.groups.services import schedule_meeting

    forum = planning_world["north"]
    day = weekday_on_or_after(start + timedelta(days=30), 2)
    meeting = schedule_meeting(
        actor=pem,
        group=forum,
        starts_at=at(day.isoformat(), 10),
        ends_at=at(day.isoformat(), 12),
        venue=planning_world["venue"],
    )
    from engage.engagement.services import submit_activity

    submit_activity(actor=pem, activity=meeting.activity)
    problem = build_problem(groups=[forum], start=start)
    assert problem.series[0].meetings == 2
    assert any(f.key == f"activity-{meeting.activity_id}" for f in problem.fixed)


def test_calendar_holidays_capacity_and_leave_are_translated(
    planning_world: dict[str, Any], start: date, teams: dict[str, Any]
) -> None:
    day = weekday_on_or_after(start + timedelta(days=14), 1)
    event = ActivityFactory(
        title="Budget consultation",
        starts_at=at(day.isoformat(), 10),
        ends_at=at(day.isoformat(), 12),
        status="published",
    )
    draft = ActivityFactory(
        title="Someone's draft",
        starts_at=at(day.isoformat(), 14),
        ends_at=at(day.isoformat(), 15),
    )
    Team.objects.filter(pk=teams["contracts"].pk).update(officers_out_at_once=3)
    TeamLeave.objects.create(
        team=teams["commissioning"], first_day=day, last_day=day + timedelta(days=2), reason="Away"
    )
    SchoolHoliday.objects.create(name="Half term", first_day=day, last_day=day + timedelta(days=4))
    problem = build_problem(groups=planning_world["groups"], start=start)
    keys = {f.key for f in problem.fixed}
    assert f"activity-{event.pk}" in keys
    assert f"activity-{draft.pk}" not in keys  # drafts hold no place on the calendar
    by_team = problem.teams_by_key()
    assert by_team["contracts"].capacity == 3
    assert by_team["safeguarding"].capacity == 1
    assert by_team["commissioning"].unavailable == frozenset(
        {day, day + timedelta(days=1), day + timedelta(days=2)}
    )
    assert len(problem.school_holidays) == 5
    christmas = date(start.year, 12, 25)
    if christmas < start:
        christmas = date(start.year + 1, 12, 25)
    assert christmas in problem.bank_holidays or christmas.weekday() >= 5


def test_pins_go_to_their_series_and_out_of_range_pins_are_dropped(
    planning_world: dict[str, Any], start: date
) -> None:
    forum = planning_world["north"]
    day = weekday_on_or_after(start + timedelta(days=40), 2)
    problem = build_problem(
        groups=[forum], start=start, pins=[(forum.pk, 1, day), (forum.pk, 9, day)]
    )
    assert dict(problem.series[0].pinned) == {1: day}
