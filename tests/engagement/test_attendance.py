"""Attendance: the list of invited, registered and attended, the capture page and its rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from auditlog.models import LogEntry

from engage.engagement.attendance import attendance_register, record_attendance
from engage.engagement.models import Activity, Attendance, Invitation
from engage.market.models import Contact, Level
from tests.council.factories import CouncillorFactory, OfficerFactory, PartnerPersonFactory
from tests.engagement.factories import ActivityFactory, RegistrationFactory, at
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(officer, teams, service_types, localities) -> Activity:
    activity = ActivityFactory(
        title="Mid forum",
        lead_officer=officer.officer,
        status=Activity.Status.HELD,
        starts_at=at("2026-03-12"),
        service_types=[service_types["residential"]],
        localities=[localities["mid"]],
        teams=[teams["contracts"], teams["safeguarding"]],
    )
    return activity


@pytest.fixture
def people(event, provider_a, provider_b, teams) -> dict[str, Any]:
    invited = ContactFactory(
        provider=provider_a,
        name="Ivy Invited",
        works_at=list(provider_a.services.filter(name="Alpha House")),
    )
    Invitation.objects.create(
        activity=event,
        email="ivy@alpha.example",
        name=invited.name,
        role=Invitation.Role.PROVIDER,
        person_key=f"contact:{invited.pk}",
        sequence_sent=0,
        created_at=event.starts_at,
    )
    registered = ContactFactory(provider=provider_b, name="Rob Registered")
    RegistrationFactory(activity=event, contact=registered)
    safeguarding = OfficerFactory(team=teams["safeguarding"], user__full_name="Sam Safeguard")
    partner = PartnerPersonFactory(name="Nia NHS")
    event.invited_partners.set([partner])
    councillor = CouncillorFactory(name="Cllr Carter")
    return {
        "invited": invited,
        "registered": registered,
        "safeguarding": safeguarding,
        "partner": partner,
        "councillor": councillor,
    }


def _capture(client, event, listed, present) -> Any:
    return client.post(
        f"/engagement/activities/{event.pk}/attendance/", {"listed": listed, "present": present}
    )


def test_register_lists_invited_registered_officers_partners_and_councillors(
    event, people, officer
) -> None:
    register = attendance_register(event)
    contacts = {p.name: p for p in register.contacts}
    assert contacts["Ivy Invited"].invited and not contacts["Ivy Invited"].registered
    assert contacts["Rob Registered"].registered
    assert (
        "Residential" in contacts["Ivy Invited"].segment
        and "Mid" in contacts["Ivy Invited"].segment
    )
    assert {p.name for p in register.officers} >= {"Sam Safeguard", officer.full_name}
    assert [p.name for p in register.partners] == ["Nia NHS"]
    assert [p.name for p in register.councillors] == ["Cllr Carter"]
    assert {t.name for t in register.missing_teams} == {"Contracts", "Safeguarding"}


def test_ticking_and_unticking_saves_in_one_go_with_an_audit_trail(
    client_for, event, people, officer
) -> None:
    keys = [
        f"contact:{people['invited'].pk}",
        f"contact:{people['registered'].pk}",
        f"officer:{people['safeguarding'].pk}",
        f"officer:{officer.officer.pk}",
        f"partner:{people['partner'].pk}",
        f"councillor:{people['councillor'].pk}",
    ]
    client = client_for(officer)
    response = _capture(client, event, keys, keys[:5])
    assert response.status_code == 302
    assert Attendance.objects.filter(activity=event, attended=True).count() == 5
    register = attendance_register(event)
    assert register.missing_teams == []  # contracts (the officer) and safeguarding came
    assert LogEntry.objects.get_for_model(Attendance).filter(actor=officer).count() == 5
    # Untick Rob: recorded as not attended; the others stay.
    _capture(client, event, keys, [k for k in keys[:5] if k != keys[1]])
    rob = Attendance.objects.get(activity=event, contact=people["registered"])
    assert rob.attended is False and rob.recorded_by == officer
    assert Attendance.objects.filter(activity=event, attended=True).count() == 4


def test_people_not_on_the_submitted_list_are_left_as_they_were(event, people, officer) -> None:
    key = f"contact:{people['invited'].pk}"
    record_attendance(actor=officer, activity=event, listed=[key], present=[key])
    record_attendance(actor=officer, activity=event, listed=[], present=[])
    assert Attendance.objects.get(activity=event, contact=people["invited"]).attended


def test_a_missing_team_is_named_on_the_capture_page(client_for, event, people, officer) -> None:
    key = f"officer:{officer.officer.pk}"
    record_attendance(actor=officer, activity=event, listed=[key], present=[key])
    html = (
        client_for(officer).get(f"/engagement/activities/{event.pk}/attendance/").content.decode()
    )
    assert "A team that must attend was not there" in html and "Safeguarding." in html


def test_search_keeps_ticks_and_finds_a_walk_in_among_all_contacts(
    client_for, event, people, officer, provider_b
) -> None:
    stranger = ContactFactory(provider=provider_b, name="Wendy Walkin")
    ivy = f"contact:{people['invited'].pk}"
    response = client_for(officer).get(
        f"/engagement/activities/{event.pk}/attendance/",
        {"q": "wendy", "present": [ivy], "listed": [ivy]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="attendance-list"' in html and "<html" not in html
    assert "Wendy Walkin" in html and f'value="contact:{stranger.pk}"' in html
    # Ivy does not match the search: hidden but still ticked, so saving keeps her.
    assert f'value="{ivy}" checked' in html
    assert re.search(
        rf'govuk-checkboxes__item" hidden>\s*<input type="hidden" name="listed" value="{ivy}"', html
    )
    wendy = f"contact:{stranger.pk}"
    assert not re.search(
        rf'__item" hidden>\s*<input type="hidden" name="listed" value="{wendy}"', html
    )


def test_a_walk_in_who_is_not_a_contact_is_added_and_marked_attended(
    client_for, event, people, officer, provider_a
) -> None:
    response = client_for(officer).post(
        f"/engagement/activities/{event.pk}/attendance/walk-in/",
        {"provider": provider_a.pk, "name": "Nell New", "level": Level.MANAGER},
    )
    assert response.status_code == 302
    nell = Contact.objects.get(name="Nell New")
    assert nell.provider == provider_a
    assert Attendance.objects.get(activity=event, contact=nell).attended
    register = attendance_register(event)
    assert next(p for p in register.contacts if p.name == "Nell New").walk_in


def test_walk_in_form_errors_keep_what_was_typed(client_for, event, people, officer) -> None:
    response = client_for(officer).post(
        f"/engagement/activities/{event.pk}/attendance/walk-in/", {"name": "Nell New"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the provider they work for" in html and 'value="Nell New"' in html


def test_a_provider_cannot_capture_attendance(client_for, event, people, provider_a_user) -> None:
    key = f"contact:{people['invited'].pk}"
    client = client_for(provider_a_user)
    assert client.get(f"/engagement/activities/{event.pk}/attendance/").status_code == 403
    assert _capture(client, event, [key], [key]).status_code == 403
    assert not Attendance.objects.filter(activity=event).exists()


def test_a_councillor_cannot_capture_attendance(client_for, event, people, councillor) -> None:
    key = f"contact:{people['invited'].pk}"
    assert _capture(client_for(councillor), event, [key], [key]).status_code == 403


def test_attendance_of_a_draft_is_refused(client_for, officer, people, event) -> None:
    event.status = Activity.Status.DRAFT
    event.save()
    key = f"contact:{people['invited'].pk}"
    client = client_for(officer)
    assert (
        "once the activity is published"
        in client.get(f"/engagement/activities/{event.pk}/attendance/").content.decode()
    )
    _capture(client, event, [key], [key])
    assert not Attendance.objects.filter(activity=event).exists()


def test_capture_page_queries_do_not_grow_with_the_list(
    client_for, event, people, officer, provider_a, django_assert_num_queries
) -> None:
    client = client_for(officer)
    url = f"/engagement/activities/{event.pk}/attendance/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(8):
        contact = ContactFactory(provider=provider_a, works_at=list(provider_a.services.all()))
        RegistrationFactory(activity=event, contact=contact)
        OfficerFactory(team=event.required_teams.first())
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
