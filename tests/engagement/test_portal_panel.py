"""The portal home lists the next events meant for the provider user, with their place."""

from __future__ import annotations

import pytest

from engage.engagement.models import Activity, Registration
from tests.engagement.factories import ActivityFactory, RegistrationFactory, at

pytestmark = pytest.mark.django_db


def test_portal_home_lists_upcoming_events_for_the_user_and_their_place(
    client_for, provider_a_user, service_types, localities
) -> None:
    meant = ActivityFactory(
        title="Residential managers' briefing",
        status=Activity.Status.PUBLISHED,
        starts_at=at("2031-02-11"),
        service_types=[service_types["residential"]],
        localities=[localities["mid"]],
    )
    ActivityFactory(
        title="Domiciliary owners only",
        status=Activity.Status.PUBLISHED,
        starts_at=at("2031-02-12"),
        service_types=[service_types["nursing"]],
        localities=[localities["south"]],
    )
    RegistrationFactory(
        activity=meant, contact=provider_a_user.contact, status=Registration.Status.REGISTERED
    )
    html = client_for(provider_a_user).get("/portal/").content.decode()
    assert "Residential managers&#x27; briefing" in html or "Residential managers' briefing" in html
    assert "Domiciliary owners only" not in html
    assert "You have a place" in html


def test_portal_home_says_so_when_no_event_is_meant_for_the_user(
    client_for, provider_b_user
) -> None:
    html = client_for(provider_b_user).get("/portal/").content.decode()
    assert "There are no events planned for your services yet" in html
