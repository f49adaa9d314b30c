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


# --- Apologies -------------------------------------------------------------------------------


def _save(client, event, listed, present=(), apologies=()) -> Any:
    return client.post(
        f"/engagement/activities/{event.pk}/attendance/",
        {"listed": listed, "present": list(present), "apologies": list(apologies)},
    )


def test_apologies_are_recorded_and_cleared_with_an_audit_trail(
    client_for, event, people, officer
) -> None:
    ivy = f"contact:{people['invited'].pk}"
    rob = f"contact:{people['registered'].pk}"
    sam = f"officer:{people['safeguarding'].pk}"
    client = client_for(officer)
    response = _save(client, event, [ivy, rob, sam], present=[rob], apologies=[ivy, sam])
    assert response.status_code == 302
    ivy_record = Attendance.objects.get(activity=event, contact=people["invited"])
    assert ivy_record.apologies and not ivy_record.attended
    assert Attendance.objects.get(activity=event, officer=people["safeguarding"]).apologies
    assert Attendance.objects.get(activity=event, contact=people["registered"]).attended
    assert LogEntry.objects.get_for_model(Attendance).filter(actor=officer).count() == 3
    # Ivy's apologies are cleared, Sam now came: apologies replaced by attendance.
    _save(client, event, [ivy, rob, sam], present=[rob, sam])
    ivy_record.refresh_from_db()
    assert not ivy_record.apologies and not ivy_record.attended
    sam_record = Attendance.objects.get(activity=event, officer=people["safeguarding"])
    assert sam_record.attended and not sam_record.apologies
    assert LogEntry.objects.get_for_model(Attendance).filter(actor=officer).count() == 5


def test_attended_and_apologies_at_once_is_refused_keeping_the_ticks(
    client_for, event, people, officer
) -> None:
    ivy = f"contact:{people['invited'].pk}"
    rob = f"contact:{people['registered'].pk}"
    response = _save(client_for(officer), event, [ivy, rob], present=[ivy, rob], apologies=[ivy])
    assert response.status_code == 400
    assert not Attendance.objects.filter(activity=event).exists()
    html = response.content.decode()
    message = "Ivy Invited is marked both as attended and as sent apologies: choose one"
    assert f'<a href="#present-contact{people["invited"].pk}">{message}</a>' in html
    assert html.count(message) == 2  # in the summary and beside her row
    # What was ticked is kept: Ivy (both boxes) and Rob.
    assert f'name="present" type="checkbox" value="{ivy}" checked' in html
    assert f'name="apologies" type="checkbox" value="{ivy}" checked' in html
    assert f'name="present" type="checkbox" value="{rob}" checked' in html
    assert f'name="apologies" type="checkbox" value="{rob}" checked' not in html


def test_the_service_refuses_both_at_once(event, people, officer) -> None:
    from django.core.exceptions import ValidationError

    key = f"councillor:{people['councillor'].pk}"
    with pytest.raises(ValidationError, match="both as attended and as sent apologies"):
        record_attendance(
            actor=officer, activity=event, listed=[key], present=[key], apologies=[key]
        )
    assert not Attendance.objects.filter(activity=event).exists()


def test_the_register_counts_apologies_and_the_page_shows_them(
    client_for, event, people, officer
) -> None:
    ivy = f"contact:{people['invited'].pk}"
    rob = f"contact:{people['registered'].pk}"
    partner = f"partner:{people['partner'].pk}"
    record_attendance(
        actor=officer,
        activity=event,
        listed=[ivy, rob, partner],
        present=[rob],
        apologies=[ivy, partner],
    )
    figures = dict(attendance_register(event).figures)
    assert figures["Provider contacts"] == {
        "invited": 1,
        "registered": 1,
        "attended": 1,
        "apologies": 1,
    }
    assert figures["Partners"]["apologies"] == 1 and figures["Officers"]["apologies"] == 0
    html = (
        client_for(officer).get(f"/engagement/activities/{event.pk}/attendance/").content.decode()
    )
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Sent apologies'
        in html
    )
    assert f'name="apologies" type="checkbox" value="{ivy}" checked' in html
    # Each "Sent apologies" box is named for its person (a unique accessible name).
    assert (
        f'for="apologies-contact{people["invited"].pk}">Sent apologies'
        '<span class="govuk-visually-hidden">: Ivy Invited' in html
    )


def test_a_search_keeps_apologies_ticked(client_for, event, people, officer) -> None:
    ivy = f"contact:{people['invited'].pk}"
    response = client_for(officer).get(
        f"/engagement/activities/{event.pk}/attendance/",
        {"q": "rob", "listed": [ivy], "apologies": [ivy]},
        headers={"HX-Request": "true"},
    )
    assert f'name="apologies" type="checkbox" value="{ivy}" checked' in response.content.decode()


def test_saving_without_apologies_from_another_caller_leaves_them(event, people, officer) -> None:
    key = f"contact:{people['invited'].pk}"
    record_attendance(actor=officer, activity=event, listed=[key], present=[], apologies=[key])
    record_attendance(actor=officer, activity=event, listed=[key], present=[])
    assert Attendance.objects.get(activity=event, contact=people["invited"]).apologies


def test_a_refused_save_leaves_the_summary_showing_what_is_recorded(
    client_for, event, people, officer
) -> None:
    ivy = f"contact:{people['invited'].pk}"
    rob = f"contact:{people['registered'].pk}"
    record_attendance(actor=officer, activity=event, listed=[rob], present=[rob])
    response = _save(client_for(officer), event, [ivy, rob], present=[ivy], apologies=[ivy])
    assert response.status_code == 400
    html = response.content.decode()
    # Recorded: Rob attended; on the page (unsaved): Ivy ticked twice, Rob unticked.
    row = re.search(r"Provider contacts</th>((?:\s*<td[^>]*>[^<]*</td>){4})", html)
    assert row is not None
    assert re.findall(r">(\d+)<", row.group(1)) == ["1", "1", "1", "0"]
    assert f'name="present" type="checkbox" value="{rob}" checked' not in html


def test_an_attendance_names_exactly_the_person_its_kind_says(teams: Any) -> None:
    from django.db import IntegrityError, transaction

    activity = ActivityFactory(status=Activity.Status.HELD)
    officer = OfficerFactory(team=teams["contracts"])
    Attendance.objects.create(activity=activity, kind="officer", officer=officer)
    for wrong in (
        {"kind": "contact", "officer": OfficerFactory(team=teams["contracts"])},
        {"kind": "officer"},
        {"kind": "partner", "partner": PartnerPersonFactory(), "officer": officer},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Attendance.objects.create(activity=activity, **wrong)
