"""The calendar's cached clash markers are never older than the last write of what they are
worked out from (``engage.engagement.calendar_version``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engage.engagement import calendar_version
from engage.engagement.models import Activity
from engage.groups.models import GroupStatus
from tests.council.factories import TeamFactory
from tests.engagement.factories import ActivityFactory, at
from tests.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db

Status = Activity.Status
MONTH = "/engagement/?date=2030-03-01"


def _month(client: Any) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        html = client.get(MONTH).content.decode()
    return html, len(captured.captured_queries)


def _published(title: str, day: str = "2030-03-12", hour: int = 10, **kwargs: Any) -> Activity:
    start = at(day, hour)
    return ActivityFactory(
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        status=Status.PUBLISHED,
        **kwargs,
    )


def test_a_new_clash_shows_on_the_month_right_after_the_activity_is_saved(
    client_for: Any, pem: Any
) -> None:
    client = client_for(pem)
    _published("Forum one")
    html, _ = _month(client)
    assert "Forum one" in html and "clash" not in html.split("<tbody")[1]
    _published("Forum two", hour=14)
    html, _ = _month(client)
    assert "Forum two" in html
    assert html.count("1 clash") == 2


def test_moving_an_activity_away_clears_its_clash_at_once(client_for: Any, pem: Any) -> None:
    client = client_for(pem)
    _published("Forum one")
    second = _published("Forum two", hour=14)
    assert _month(client)[0].count("1 clash") == 2
    second.starts_at = at("2030-03-26", 10)
    second.ends_at = second.starts_at + timedelta(hours=1)
    second.save()
    html, _ = _month(client)
    assert "Forum two" in html and "1 clash" not in html


def test_changing_an_audience_changes_the_clash_at_once(
    client_for: Any, pem: Any, localities: Any
) -> None:
    client = client_for(pem)
    _published("In Mid", localities=[localities["mid"]])
    other = _published("Also in Mid", hour=14, localities=[localities["mid"]])
    assert _month(client)[0].count("1 clash") == 2
    other.audience_localities.set([localities["north"]])
    assert "1 clash" not in _month(client)[0]
    other.audience_localities.add(localities["mid"])
    assert _month(client)[0].count("1 clash") == 2


def test_a_team_that_must_attend_both_shows_at_once(
    client_for: Any, pem: Any, localities: Any
) -> None:
    client = client_for(pem)
    team = TeamFactory()
    _published("Team one", localities=[localities["mid"]], teams=[team])
    other = _published("Team two", hour=10, localities=[localities["north"]])
    assert "1 clash" not in _month(client)[0]
    other.required_teams.add(team)
    assert _month(client)[0].count("1 clash") == 2


def test_the_month_reuses_its_clashes_until_an_activity_changes(client_for: Any, pem: Any) -> None:
    client = client_for(pem)
    first = _published("Forum one")
    _published("Forum two", hour=14)
    _, cold = _month(client)
    _, warm = _month(client)
    assert warm < cold  # the clashes came from the cache
    first.title = "Forum one, renamed"
    first.save()
    html, again = _month(client)
    assert again == cold  # worked out afresh
    assert "Forum one, renamed" in html and html.count("1 clash") == 2


def test_a_write_changes_the_version() -> None:
    before = calendar_version.current()
    _published("Forum one")
    assert calendar_version.current() != before


def test_the_filters_list_a_new_group_and_drop_a_closed_locality_at_once(
    client_for: Any, pem: Any, localities: Any
) -> None:
    client = client_for(pem)
    html, _ = _month(client)
    assert '<option value="north">North</option>' in html
    group = GroupFactory(name="Care Home Managers Group", status=GroupStatus.ACTIVE)
    localities["north"].is_active = False
    localities["north"].save()
    html, _ = _month(client)
    assert f'<option value="{group.pk}">Care Home Managers Group</option>' in html
    assert '<option value="north">North</option>' not in html
    group.status = GroupStatus.CLOSED
    group.save()
    assert "Care Home Managers Group" not in _month(client)[0]
