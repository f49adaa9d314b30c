"""Fixtures of the groups tests: the kinds' defaults as the review sets them (data, not code)."""

from __future__ import annotations

from typing import Any

import pytest

from engage.groups.models import GroupKind, GroupKindDefaults
from tests.groups.factories import ForumStreamFactory

FORUM_TEAMS = (
    "commissioning",
    "quality-improvement",
    "contracts",
    "safeguarding",
    "service-placement",
)


@pytest.fixture
def streams(service_types: dict[str, Any]) -> dict[str, Any]:
    residential = ForumStreamFactory(
        slug="residential-nursing", name="Residential and nursing", position=0
    )
    residential.service_types.set([service_types["residential"], service_types["nursing"]])
    domiciliary = ForumStreamFactory(slug="domiciliary", name="Domiciliary care", position=1)
    domiciliary.service_types.set([service_types["domiciliary"]])
    overlap = ForumStreamFactory(
        slug="networking", name="Networking overlap", is_overlap=True, position=2
    )
    return {"residential": residential, "domiciliary": domiciliary, "networking": overlap}


@pytest.fixture
def kind_defaults(teams: dict[str, Any], streams: dict[str, Any]) -> dict[str, GroupKindDefaults]:
    """A forum meets at least 3 times a year, dates 12 months ahead, five teams must attend."""
    forum, _ = GroupKindDefaults.objects.update_or_create(
        kind=GroupKind.PROVIDER_FORUM,
        defaults={
            "frequency_target": 3,
            "minimum_frequency": 3,
            "publication_horizon_months": 12,
            "terms_review_months": 12,
            "for_managers": True,
            "for_workers": True,
            "for_owners": False,
            "tier_one_only": False,
        },
    )
    forum.required_teams.set([teams[slug] for slug in FORUM_TEAMS])
    forum.streams.set(streams.values())
    working, _ = GroupKindDefaults.objects.update_or_create(
        kind=GroupKind.WORKING_GROUP,
        defaults={
            "frequency_target": 6,
            "minimum_frequency": 1,
            "publication_horizon_months": 3,
            "terms_review_months": 6,
            "for_managers": True,
            "for_workers": False,
            "for_owners": False,
            "tier_one_only": False,
        },
    )
    working.required_teams.set([])
    return {"forum": forum, "working": working}


@pytest.fixture
def north_group(localities: dict[str, Any], service_types: dict[str, Any], officer: Any) -> Any:
    """A group meant for provider A's user (home care in North), not for provider B's."""
    from tests.groups.meetings import group_for

    return group_for(
        "North Home Care Group",
        localities["north"],
        service_types["domiciliary"],
        owner=officer.officer,
    )


@pytest.fixture
def south_group(localities: dict[str, Any], service_types: dict[str, Any], officer: Any) -> Any:
    """A group meant for provider B (nursing in South), not for provider A's user."""
    from tests.groups.meetings import group_for

    return group_for(
        "South Nursing Group", localities["south"], service_types["nursing"], owner=officer.officer
    )
