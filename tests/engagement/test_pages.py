"""Pages: the calendar, the planning form with its live clash panel, an activity, the mode
guide, registrations, the provider's events and the partner's invitations."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from engage.engagement.clashes import LONDON
from engage.engagement.models import Activity, Registration
from tests.council.factories import PartnerPersonFactory
from tests.engagement.factories import ActivityFactory, RegistrationFactory, at
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db
Status = Activity.Status


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Fee uplift consultation",
        "kind": "event",
        "topic": "Pricing for next year",
        "purpose": "Hear views on the options.",
        "mode": "consult",
        "mechanism": "consultation-session",
        "levels": ["owner"],
        "start_date_0": "12",
        "start_date_1": "3",
        "start_date_2": "2030",
        "start_time": "10:00",
        "end_time": "12:00",
        "online_link": "https://meet.example/fees",
        "outcomes_sought": "Views recorded.",
        "questions": "Which option?",
        "ad_hoc_justification": "Timetable set by the budget.",
    }
    data.update(overrides)
    return data


def test_the_month_is_a_table_with_day_headers_and_each_activity_shows_status_and_clash(
    client_for: Any, pem: Any
) -> None:
    day = at("2030-03-12")
    first = ActivityFactory(
        title="Forum one", starts_at=day, ends_at=day + timedelta(hours=2), status=Status.PUBLISHED
    )
    ActivityFactory(
        title="Forum two",
        starts_at=day + timedelta(hours=3),
        ends_at=day + timedelta(hours=4),
        status=Status.SUBMITTED,
    )
    html = client_for(pem).get("/engagement/?date=2030-03-01").content.decode()
    assert '<h2 class="govuk-heading-l">March 2030</h2>' in html
    assert (
        '<th scope="col" class="govuk-table__header"><abbr title="Monday">Mon</abbr></th>' in html
    )
    assert f'href="/engagement/activities/{first.pk}/"' in html
    assert "Published" in html and "Submitted" in html
    assert "1 clash" in html


def test_week_and_list_views_and_filters(client_for: Any, pem: Any, localities: Any) -> None:
    day = at("2030-03-12")
    ActivityFactory(
        title="In Mid",
        starts_at=day,
        ends_at=day + timedelta(hours=1),
        localities=[localities["mid"]],
    )
    ActivityFactory(
        title="In North",
        starts_at=day,
        ends_at=day + timedelta(hours=1),
        localities=[localities["north"]],
    )
    ActivityFactory(title="Everywhere", starts_at=day, ends_at=day + timedelta(hours=1))
    client = client_for(pem)
    week = client.get("/engagement/?view=week&date=2030-03-13&locality=mid").content.decode()
    assert "In Mid" in week and "Everywhere" in week and "In North" not in week
    assert "Tuesday 12 March" in week
    listed = client.get("/engagement/?view=list&date=2030-03-01&level=owner").content.decode()
    assert "In Mid" not in listed  # for managers only
    assert "No activities match" in listed


def test_calendar_month_has_constant_queries(
    client_for: Any, pem: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(pem)
    day = at("2030-03-02")

    def make(n: int) -> None:
        for i in range(n):
            ActivityFactory(
                starts_at=day + timedelta(days=i),
                ends_at=day + timedelta(days=i, hours=2),
                status=Status.PUBLISHED,
            )

    make(2)
    with django_assert_max_num_queries(25) as small:
        client.get("/engagement/?date=2030-03-01")
    make(12)
    with django_assert_max_num_queries(25) as large:
        client.get("/engagement/?date=2030-03-01")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_calendar_list_has_constant_queries(
    client_for: Any, pem: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(pem)
    day = at("2030-03-02")
    ActivityFactory.create_batch(2, starts_at=day, ends_at=day + timedelta(hours=1))
    with django_assert_max_num_queries(25) as small:
        client.get("/engagement/?view=list&date=2030-03-01")
    ActivityFactory.create_batch(15, starts_at=day, ends_at=day + timedelta(hours=1))
    with django_assert_max_num_queries(25) as large:
        client.get("/engagement/?view=list&date=2030-03-01")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_councillors_see_the_calendar_but_not_drafts_and_providers_do_not_see_it(
    client_for: Any, councillor: Any, provider_a_user: Any
) -> None:
    day = at("2030-03-12")
    draft = ActivityFactory(title="Secret draft", starts_at=day, ends_at=day + timedelta(hours=1))
    html = client_for(councillor).get("/engagement/?date=2030-03-01").content.decode()
    assert "Secret draft" not in html
    assert client_for(councillor).get(f"/engagement/activities/{draft.pk}/").status_code == 404
    assert client_for(provider_a_user).get("/engagement/").status_code == 403


def test_the_form_shows_a_live_clash_before_saving(client_for: Any, officer: Any) -> None:
    day = at("2030-03-12")
    other = ActivityFactory(
        title="Owners' briefing",
        starts_at=day,
        ends_at=day + timedelta(hours=2),
        status=Status.PUBLISHED,
        for_managers=False,
        for_owners=True,
    )
    client = client_for(officer)
    response = client.post("/engagement/activities/new/", _form(check="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Same day, shared audience: “Owners&#x27; briefing”" in html
    assert f'href="/engagement/activities/{other.pk}/"' in html
    assert "Suggested level: Owners and directors" in html  # "pricing" in the topic
    assert not Activity.objects.filter(title="Fee uplift consultation").exists()


def test_the_htmx_check_returns_the_panel_only_and_saves_nothing(
    client_for: Any, officer: Any
) -> None:
    response = client_for(officer).post("/engagement/activities/check/", _form(start_date_0="16"))
    html = response.content.decode()
    assert "<html" not in html
    assert "Saturday 16 March 2030 is a weekend." in html
    assert Activity.objects.count() == 0


def test_saving_the_form_creates_a_draft_in_london_time(client_for: Any, officer: Any) -> None:
    response = client_for(officer).post("/engagement/activities/new/", _form())
    activity = Activity.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/engagement/activities/{activity.pk}/"
    )
    assert activity.status == Status.DRAFT and activity.created_by == officer
    assert activity.starts_at.astimezone(LONDON).hour == 10
    assert activity.for_owners and not activity.for_managers


def test_form_errors_keep_what_was_typed(client_for: Any, officer: Any) -> None:
    response = client_for(officer).post(
        "/engagement/activities/new/", _form(mode="inform", mechanism="workshop", end_time="09:00")
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The end must be after the start" in html
    assert 'value="Fee uplift consultation"' in html


def test_the_activity_page_shows_reach_costs_clashes_and_the_pem_can_approve(
    client_for: Any, officer: Any, pem: Any
) -> None:
    activity = ActivityFactory(
        lead_officer=officer.officer, status=Status.SUBMITTED, cost_venue_pence=12000
    )
    html = client_for(pem).get(f"/engagement/activities/{activity.pk}/").content.decode()
    assert "Design checklist" in html and "Complete" in html
    assert "£470.00" in html  # 120 + 10 hours at 35 + 0
    assert f"/engagement/activities/{activity.pk}/approve/" in html
    officer_html = (
        client_for(officer).get(f"/engagement/activities/{activity.pk}/").content.decode()
    )
    assert f"/engagement/activities/{activity.pk}/approve/" not in officer_html


def test_approving_through_the_page_confirms_then_reports_what_is_missing(
    client_for: Any, officer: Any, pem: Any
) -> None:
    activity = ActivityFactory(lead_officer=officer.officer, status=Status.SUBMITTED, questions="")
    client = client_for(pem)
    confirm = client.get(f"/engagement/activities/{activity.pk}/approve/")
    assert confirm.status_code == 200 and "Approve" in confirm.content.decode()
    response = client.post(
        f"/engagement/activities/{activity.pk}/approve/", {"confirm": "yes"}, follow=True
    )
    assert "The design checklist lacks the questions to ask." in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED


def test_the_mode_guide_recommends_a_mode_explains_why_and_starts_a_draft(
    client_for: Any, officer: Any
) -> None:
    client = client_for(officer)
    html = client.get(
        "/engagement/mode-guide/?problem_clear=yes&answer_decided=no&want_views_on_options=yes&design_together=no"
    ).content.decode()
    assert "Consult" in html and "options" in html
    assert "/engagement/activities/new/?mode=consult&amp;mechanism=survey" in html
    form = client.get("/engagement/activities/new/?mode=consult&mechanism=survey").content.decode()
    assert re.search(r'value="consult"\s+checked', form)
    assert re.search(r'<option value="survey"\s+selected>', form)


def test_an_officer_registers_a_contact_on_their_behalf(
    client_for: Any, officer: Any, provider_a: Any
) -> None:
    starts = timezone.now() + timedelta(days=30)
    activity = ActivityFactory(
        status=Status.PUBLISHED, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    contact = ContactFactory(
        provider=provider_a, name="Zora Quill", works_at=[provider_a.services.first()]
    )
    client = client_for(officer)
    found = client.get(
        f"/engagement/activities/{activity.pk}/registrations/?q=zora"
    ).content.decode()
    assert "Zora Quill" in found
    client.post(f"/engagement/activities/{activity.pk}/registrations/", {"contact": contact.pk})
    registration = Registration.objects.get(activity=activity)
    assert (registration.contact, registration.registered_by) == (contact, officer)


def test_a_provider_sees_only_events_meant_for_them_and_registers(
    client_for: Any, provider_a_user: Any, provider_b_user: Any, localities: Any
) -> None:
    starts = timezone.now() + timedelta(days=30)
    for_mid = ActivityFactory(
        title="North managers event",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["north"]],
    )
    for_south = ActivityFactory(
        title="South managers event",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["south"]],
    )
    ActivityFactory(
        title="North draft",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["north"]],
    )
    client = client_for(provider_a_user)
    html = client.get("/engagement/events/").content.decode()
    assert (
        "North managers event" in html
        and "South managers event" not in html
        and "North draft" not in html
    )
    assert "/engagement/feeds/contact/" in html
    assert client.get(f"/engagement/events/{for_south.pk}/").status_code == 404
    client.post(f"/engagement/events/{for_mid.pk}/register/")
    assert Registration.objects.get(activity=for_mid).contact == provider_a_user.contact
    b_page = client_for(provider_b_user).get(f"/engagement/events/{for_south.pk}/").content.decode()
    assert "Nobody from your organisation has registered yet." in b_page
    assert client_for(provider_b_user).get(f"/engagement/events/{for_mid.pk}/").status_code == 404


def test_a_provider_sees_only_their_own_organisations_registrations(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    starts = timezone.now() + timedelta(days=30)
    event = ActivityFactory(
        status=Status.PUBLISHED, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    RegistrationFactory(
        activity=event, contact=ContactFactory(provider=provider_a, name="Colleague Alpha")
    )
    RegistrationFactory(activity=event, contact=ContactFactory(name="Stranger Gamma"))
    html = client_for(provider_a_user).get(f"/engagement/events/{event.pk}/").content.decode()
    assert "Colleague Alpha" in html and "Stranger Gamma" not in html


def test_a_provider_cancels_their_place_after_confirming(
    client_for: Any, provider_a_user: Any
) -> None:
    starts = timezone.now() + timedelta(days=30)
    event = ActivityFactory(
        status=Status.PUBLISHED, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    registration = RegistrationFactory(activity=event, contact=provider_a_user.contact)
    client = client_for(provider_a_user)
    assert (
        "Cancel my place" in client.get(f"/engagement/events/{event.pk}/cancel/").content.decode()
    )
    client.post(f"/engagement/events/{event.pk}/cancel/", {"confirm": "yes"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_portal_events_has_constant_queries(
    client_for: Any, provider_a_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(provider_a_user)
    client.get("/engagement/events/")  # makes the contact's calendar feed once
    starts = timezone.now() + timedelta(days=30)
    ActivityFactory.create_batch(
        2, status=Status.PUBLISHED, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    with django_assert_max_num_queries(20) as small:
        client.get("/engagement/events/")
    ActivityFactory.create_batch(
        10, status=Status.PUBLISHED, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    with django_assert_max_num_queries(20) as large:
        client.get("/engagement/events/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_partner_sees_what_they_are_invited_to_and_nothing_else(
    client_for: Any, partner: Any
) -> None:
    person = partner.partner_person
    day = at("2030-03-12")
    ActivityFactory(
        title="Invited forum",
        status=Status.PUBLISHED,
        starts_at=day,
        ends_at=day + timedelta(hours=1),
        partners=[person],
    )
    ActivityFactory(
        title="Draft with partner",
        starts_at=day,
        ends_at=day + timedelta(hours=1),
        partners=[person],
    )
    ActivityFactory(
        title="Someone else's",
        status=Status.PUBLISHED,
        starts_at=day,
        ends_at=day + timedelta(hours=1),
        partners=[PartnerPersonFactory()],
    )
    html = client_for(partner).get("/engagement/invitations/").content.decode()
    assert (
        "Invited forum" in html and "Draft with partner" not in html and "Someone else" not in html
    )
    assert client_for(partner).get("/engagement/").status_code == 403


def test_home_panels_show_the_pems_queue_and_an_officers_next_steps(
    client_for: Any, pem: Any, officer: Any
) -> None:
    ActivityFactory(title="Awaiting the PEM", status=Status.SUBMITTED)
    ActivityFactory(title="My draft", lead_officer=officer.officer)
    pem_home = client_for(pem).get("/").content.decode()
    assert "Waiting for your approval" in pem_home and "Awaiting the PEM" in pem_home
    officer_home = client_for(officer).get("/").content.decode()
    assert "My draft" in officer_home and "finish and submit it" in officer_home
    assert "Waiting for your approval" not in officer_home


def test_the_pem_accepts_a_warning_with_a_reason_through_the_page(
    client_for: Any, pem: Any
) -> None:
    saturday = at("2030-03-16")
    activity = ActivityFactory(
        status=Status.SUBMITTED, starts_at=saturday, ends_at=saturday + timedelta(hours=1)
    )
    client = client_for(pem)
    key = f"day-off:{date(2030, 3, 16)}"
    page = client.get(f"/engagement/activities/{activity.pk}/warnings/accept/?clash={key}")
    assert "Saturday 16 March 2030 is a weekend." in page.content.decode()
    client.post(
        f"/engagement/activities/{activity.pk}/warnings/accept/",
        {"clash_key": key, "reason": "Workers' day off"},
    )
    html = client.get(f"/engagement/activities/{activity.pk}/").content.decode()
    assert "Accepted" in html and "Workers&#x27; day off" in html
