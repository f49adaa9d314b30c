"""The coordinated calendar filters by group: any agreed group, ad hoc, or one group."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engagement.factories import ActivityFactory
from tests.groups.factories import GroupFactory, meeting_of

pytestmark = pytest.mark.django_db


def test_the_calendar_shows_one_groups_meetings_when_filtered_by_it(
    client: Any, officer: Any
) -> None:
    tier_one = GroupFactory(name="Tier One Providers Group")
    skills = GroupFactory(name="Skills Board Group")
    mine = meeting_of(tier_one, days_from_now=2, status="published")
    other = meeting_of(skills, days_from_now=3, status="published")
    ad_hoc = ActivityFactory(
        title="Pop-up fee briefing",
        status="published",
        starts_at=mine.activity.starts_at,
        ends_at=mine.activity.ends_at,
    )
    client.force_login(officer)

    def titles(**params: str) -> str:
        return client.get("/engagement/", {"view": "list", **params}).content.decode()

    page = titles(group=str(tier_one.pk))
    assert mine.activity.title in page
    assert other.activity.title not in page and ad_hoc.title not in page
    assert f'<option value="{tier_one.pk}" selected>Tier One Providers Group</option>' in page
    page = titles(group="ad-hoc")
    assert ad_hoc.title in page and mine.activity.title not in page
    page = titles(group="agreed")
    assert mine.activity.title in page and other.activity.title in page
    assert ad_hoc.title not in page
