"""``events_for_contact`` matches audiences in SQL exactly as ``Audience.includes`` does."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from engage.accounts.models import Role
from engage.engagement import panels, selectors
from engage.engagement.models import Activity
from engage.market.audience import contact_segments
from engage.market.models import Level
from tests.council.factories import UserFactory
from tests.engagement.factories import ActivityFactory, RegistrationFactory, at
from tests.market.factories import ContactFactory, ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

Status = Activity.Status


def _every_audience(service_types: dict[str, Any], localities: dict[str, Any]) -> list[Activity]:
    """A published event for each mix of empty, one or two values in every dimension."""
    type_choices = [[], ["residential"], ["domiciliary", "nursing"]]
    locality_choices = [[], ["mid"], ["north", "south"]]
    level_choices: list[set[str]] = [set(), {Level.MANAGER}, {Level.OWNER, Level.WORKER}]
    made = []
    start = at("2031-03-03")
    for n, (types, places, levels, tier_one) in enumerate(
        itertools.product(type_choices, locality_choices, level_choices, (False, True))
    ):
        made.append(
            ActivityFactory(
                title=f"Event {n}",
                status=Status.PUBLISHED,
                starts_at=start + timedelta(hours=n),
                ends_at=start + timedelta(hours=n, minutes=30),
                for_owners=Level.OWNER in levels,
                for_managers=Level.MANAGER in levels,
                for_workers=Level.WORKER in levels,
                tier_one_only=tier_one,
                service_types=[service_types[s] for s in types],
                localities=[localities[s] for s in places],
            )
        )
    return made


def _contacts(service_types: dict[str, Any], localities: dict[str, Any]) -> list[Any]:
    tier_one = ProviderFactory(is_tier_one=True)
    other = ProviderFactory(is_tier_one=False)
    home = ServiceFactory(
        provider=tier_one, locality=localities["mid"], types=[service_types["residential"]]
    )
    branch = ServiceFactory(
        provider=tier_one,
        locality=localities["north"],
        types=[service_types["domiciliary"], service_types["nursing"]],
    )
    ServiceFactory(provider=other, locality=localities["west"], types=[service_types["other"]])
    ServiceFactory(provider=other, locality=localities["south"], types=[])
    return [
        ContactFactory(provider=tier_one, level=Level.MANAGER, works_at=[home]),
        ContactFactory(provider=tier_one, level=Level.OWNER, works_at=[home, branch]),
        ContactFactory(provider=tier_one, level=Level.WORKER),  # every service of the provider
        ContactFactory(provider=other, level=Level.MANAGER),
    ]


def test_the_sql_match_is_the_audience_rule_for_every_audience_and_contact(
    service_types: Any, localities: Any
) -> None:
    events = _every_audience(service_types, localities)
    for contact in _contacts(service_types, localities):
        segments = contact_segments(contact)
        expected = [a.title for a in events if selectors.meant_for(a, segments)]
        found = [a.title for a in selectors.events_for_contact(contact)]
        assert found == expected, contact.level
        assert expected  # each contact is meant for some of them, and not all
        assert len(expected) < len(events)


def test_an_event_they_registered_for_is_listed_even_if_not_meant_for_them(
    service_types: Any, localities: Any
) -> None:
    contact = _contacts(service_types, localities)[3]
    elsewhere = ActivityFactory(
        title="Somewhere else",
        status=Status.PUBLISHED,
        starts_at=at("2031-04-01"),
        localities=[localities["north"]],
    )
    assert selectors.events_for_contact(contact) == []
    RegistrationFactory(activity=elsewhere, contact=contact)
    assert [a.title for a in selectors.events_for_contact(contact)] == ["Somewhere else"]


def test_the_portal_panel_shows_the_first_five_and_counts_them_all(
    service_types: Any, localities: Any
) -> None:
    events = _every_audience(service_types, localities)
    contact = _contacts(service_types, localities)[0]
    meant = [a for a in events if selectors.meant_for(a, contact_segments(contact))]
    contact.user = UserFactory(role=Role.PROVIDER)
    contact.save()
    user = contact.user
    panel = panels.portal_upcoming_events(user, contact.provider)
    assert panel is not None
    assert [row["pk"] for row in panel["rows"]] == [
        a.pk for a in meant[: panels.PORTAL_EVENTS_SHOWN]
    ]
    assert panel["total"] == len(meant) > panels.PORTAL_EVENTS_SHOWN
