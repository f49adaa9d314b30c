"""Fixtures of the year planner's Django-side tests: a few groups, venues and short runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from engage.planner.models import PlannerSettings
from engage.planner.services import next_monday
from tests.engagement.factories import VenueFactory
from tests.groups.factories import ForumFactory, GroupFactory
from tests.market.factories import LocalityFactory, ServiceTypeFactory


@pytest.fixture
def short_runs(db: Any) -> PlannerSettings:
    """Runs stop after 2 seconds (small problems finish, proven optimal, well before)."""
    config, _ = PlannerSettings.objects.get_or_create(pk=1)
    config.time_limit_seconds = 2
    config.save()
    return config


@pytest.fixture
def start() -> date:
    return next_monday(timezone.localdate())


@pytest.fixture
def planning_world(teams: dict[str, Any], short_runs: PlannerSettings) -> dict[str, Any]:
    """Two forums (target 3 a year) in two localities and a working group, with a venue."""
    north = LocalityFactory(slug="north", name="North")
    south = LocalityFactory(slug="south", name="South")
    residential = ServiceTypeFactory(slug="residential", name="Residential")
    forum_north = ForumFactory(
        name="North Provider Forum", locality=north, frequency_target=3, for_managers=True
    )
    forum_north.audience_localities.set([north])
    forum_north.required_teams.set([teams["quality-improvement"]])
    forum_south = ForumFactory(
        name="South Provider Forum", locality=south, frequency_target=3, for_managers=True
    )
    forum_south.audience_localities.set([south])
    forum_south.required_teams.set([teams["quality-improvement"]])
    working = GroupFactory(name="Fee Setting Working Group", frequency_target=4, for_owners=True)
    working.audience_service_types.set([residential])
    working.required_teams.set([teams["commissioning"]])
    venue = VenueFactory(name="County Hall", capacity=80)
    VenueFactory(name="Council Chamber", capacity=60)
    return {
        "north": forum_north,
        "south": forum_south,
        "working": working,
        "groups": [forum_north, forum_south, working],
        "venue": venue,
        "localities": {"north": north, "south": south},
    }


def weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)
