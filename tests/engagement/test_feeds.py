"""Calendar feeds: public per segment, private per contact and per officer (unguessable)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from engage.engagement.models import Activity, CalendarFeed
from tests.engagement.factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Activity.Status


def _titles(body: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT"))


def _soon() -> Any:
    return timezone.now() + timedelta(days=20)


def test_the_public_feed_needs_no_sign_in_and_filters_by_segment(localities: Any) -> None:
    starts = _soon()
    ActivityFactory(
        title="Mid",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["mid"]],
    )
    ActivityFactory(
        title="South",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["south"]],
    )
    ActivityFactory(title="Draft", starts_at=starts, ends_at=starts + timedelta(hours=1))
    response = Client().get("/engagement/feeds/public.ics?locality=mid")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert _titles(response.content) == ["Mid"]
    assert _titles(Client().get("/engagement/feeds/public.ics").content) == ["Mid", "South"]
    assert _titles(Client().get("/engagement/feeds/public.ics?level=owner").content) == []


def test_a_contacts_feed_holds_what_is_meant_for_them_and_a_wrong_token_is_404(
    client_for: Any, provider_a_user: Any, localities: Any
) -> None:
    starts = _soon()
    ActivityFactory(
        title="For north managers",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["north"]],
    )
    ActivityFactory(
        title="For south",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["south"]],
    )
    registered = ActivityFactory(
        title="Registered anyway",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        for_managers=False,
        for_owners=True,
    )
    RegistrationFactory(activity=registered, contact=provider_a_user.contact)
    client_for(provider_a_user).get("/engagement/events/")
    feed = CalendarFeed.objects.get(contact=provider_a_user.contact)
    assert len(feed.token) >= 40
    body = Client().get(f"/engagement/feeds/contact/{feed.token}.ics").content
    assert _titles(body) == ["For north managers", "Registered anyway"]
    assert Client().get("/engagement/feeds/contact/not-a-token.ics").status_code == 404


def test_an_officers_feed_has_what_they_lead_and_what_their_team_must_attend_and_can_be_reset(
    client_for: Any, officer: Any, teams: Any
) -> None:
    starts = _soon()
    ActivityFactory(
        title="I lead it",
        lead_officer=officer.officer,
        status=Status.APPROVED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    ActivityFactory(
        title="Contracts must attend",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        teams=[teams["contracts"]],
    )
    ActivityFactory(
        title="Not mine",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    client = client_for(officer)
    page = client.get("/engagement/feeds/").content.decode()
    feed = CalendarFeed.objects.get(officer=officer.officer)
    assert f"/engagement/feeds/officer/{feed.token}.ics" in page
    assert _titles(Client().get(f"/engagement/feeds/officer/{feed.token}.ics").content) == [
        "Contracts must attend",
        "I lead it",
    ]
    old = feed.token
    client.post("/engagement/feeds/", {"confirm": "yes"})
    feed.refresh_from_db()
    assert feed.token != old
    assert Client().get(f"/engagement/feeds/officer/{old}.ics").status_code == 404
