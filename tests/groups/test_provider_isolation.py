"""Providers see only the forward plans and notes of the groups meant for them (portal, API),
and the reason a proposal was declined only when it is theirs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engage.api.services import create_token
from engage.groups import forward_plan as plan
from engage.groups import notes as notes_services
from tests.groups.meetings import meeting_of

pytestmark = pytest.mark.django_db


def _api(client, user):
    token = create_token(user=user, name="t")[1]
    return lambda method, path, **kw: getattr(client, method)(
        path, headers={"Authorization": f"Bearer {token}"}, content_type="application/json", **kw
    )


@pytest.fixture
def plans(pem, north_group, south_group, provider_a_user, provider_b_user):
    """Each group with an accepted item, a provider's declined proposal and published notes."""
    north_item = plan.accept_item(
        actor=pem, item=plan.propose_item(actor=pem, group=north_group, title="North rota pilot")
    )
    north_declined = plan.decline_item(
        actor=pem,
        item=plan.propose_item(actor=provider_a_user, group=north_group, title="Free parking"),
        reason="North reason: parking is for each home to arrange.",
    )
    south_item = plan.accept_item(
        actor=pem, item=plan.propose_item(actor=pem, group=south_group, title="South bed audit")
    )
    plan.decline_item(
        actor=pem,
        item=plan.propose_item(actor=provider_b_user, group=south_group, title="Taxi fares"),
        reason="South reason: out of scope.",
    )
    meetings = {}
    for name, group in (("north", north_group), ("south", south_group)):
        meeting = meeting_of(group, -5)
        notes_services.save_notes(actor=pem, meeting=meeting, body=f"{name.title()} secret notes")
        notes_services.publish_and_send(actor=pem, meeting=meeting)
        meetings[name] = meeting
    draft = meeting_of(north_group, -1)
    notes_services.save_notes(actor=pem, meeting=draft, body="Unpublished draft notes")
    meetings["north_draft"] = draft
    return {
        "north_item": north_item,
        "north_declined": north_declined,
        "south_item": south_item,
        **meetings,
    }


def test_portal_forward_plans_show_only_the_users_groups_and_their_own_decline_reason(
    client_for, provider_a_user, provider_b_user, plans
) -> None:
    page = client_for(provider_a_user).get("/groups/forward-plans/").text
    assert "North Home Care Group" in page and "North rota pilot" in page
    assert "Free parking" in page and "North reason: parking" in page
    assert "South" not in page and "Taxi fares" not in page
    other = client_for(provider_b_user).get("/groups/forward-plans/").text
    assert "South bed audit" in other and "South reason: out of scope." in other
    assert "North" not in other and "Free parking" not in other


def test_a_provider_cannot_propose_to_another_group_in_the_portal(
    client_for, provider_a_user, north_group, south_group
) -> None:
    client = client_for(provider_a_user)
    assert client.get(f"/groups/forward-plans/{south_group.pk}/suggest/").status_code == 404
    response = client.post(
        f"/groups/forward-plans/{north_group.pk}/suggest/", {"title": "Agency costs"}
    )
    assert response.status_code == 302
    assert north_group.forward_plan_items.get().proposer_contact.user == provider_a_user
    assert (
        client.post(
            f"/groups/forward-plans/{south_group.pk}/suggest/", {"title": "Sneaky"}
        ).status_code
        == 404
    )
    assert not south_group.forward_plan_items.exists()


def test_portal_notes_only_for_the_users_groups_and_only_once_published(
    client_for, provider_a_user, plans
) -> None:
    client = client_for(provider_a_user)
    own = client.get(f"/groups/forward-plans/meetings/{plans['north'].pk}/")
    assert own.status_code == 200 and "North secret notes" in own.text
    assert client.get(f"/groups/forward-plans/meetings/{plans['south'].pk}/").status_code == 404
    draft = client.get(f"/groups/forward-plans/meetings/{plans['north_draft'].pk}/")
    assert draft.status_code == 404
    home = client.get("/portal/").text
    assert "Notes of North Home Care Group" in home and "South Nursing Group" not in home
    assert "North Home Care Group" in home  # the forward-plans panel


def test_api_forward_plan_and_meetings_keep_providers_apart(
    client, provider_a_user, north_group, south_group, plans
) -> None:
    api = _api(client, provider_a_user)
    items = api("get", f"/api/groups/{north_group.pk}/forward-plan").json()["items"]
    by_title = {i["title"]: i for i in items}
    assert set(by_title) == {"North rota pilot", "Free parking"}
    assert by_title["Free parking"]["decline_reason"].startswith("North reason")
    assert api("get", f"/api/groups/{south_group.pk}/forward-plan").status_code == 404
    posted = api("post", f"/api/groups/{south_group.pk}/forward-plan", data={"title": "X"})
    assert posted.status_code == 404
    created = api("post", f"/api/groups/{north_group.pk}/forward-plan", data={"title": "Fees"})
    assert created.status_code == 201 and created.json()["from_provider"] is True
    assert api("get", f"/api/meetings/{plans['north'].pk}").json()["notes"]["body"] == (
        "North secret notes"
    )
    assert api("get", f"/api/meetings/{plans['south'].pk}").status_code == 404
    assert api("get", f"/api/meetings/{plans['north_draft'].pk}").status_code == 404


def test_another_provider_sees_neither_the_proposal_nor_its_decline_reason(
    client, localities, service_types, provider_a_user, pem, north_group, plans
) -> None:
    from engage.accounts.models import Role
    from tests.council.factories import UserFactory
    from tests.market.factories import ContactFactory, ProviderFactory, ServiceFactory

    colleague_provider = ProviderFactory(name="Gamma Homecare")
    service = ServiceFactory(
        provider=colleague_provider,
        locality=localities["north"],
        types=[service_types["domiciliary"]],
    )
    user = UserFactory(role=Role.PROVIDER)
    ContactFactory(provider=colleague_provider, user=user, works_at=[service])
    api = _api(client, user)
    titles = [
        i["title"] for i in api("get", f"/api/groups/{north_group.pk}/forward-plan").json()["items"]
    ]
    assert titles == ["North rota pilot"]
    client.force_login(user)
    page = client.get("/groups/forward-plans/").text
    assert "North rota pilot" in page and "Free parking" not in page and "North reason" not in page


def test_api_meeting_gives_agenda_attendance_and_actions_to_officers(
    client, officer, plans
) -> None:
    from engage.engagement.models import Attendance
    from engage.groups import actions as action_services

    meeting = plans["north"]
    item = plan.schedule_item(actor=officer, item=plans["north_item"], meeting=meeting)
    action_services.create_action(
        actor=officer, meeting=meeting, agenda_item=item, title="Pilot", owner=officer.officer
    )
    Attendance.objects.create(activity=meeting.activity, kind="officer", officer=officer.officer)
    body = _api(client, officer)("get", f"/api/meetings/{meeting.pk}").json()
    assert [i["title"] for i in body["agenda"]] == ["North rota pilot"]
    assert body["attendance"]["officers"] == 1 and body["attendance"]["provider_contacts"] == 0
    assert [a["title"] for a in body["actions"]] == ["Pilot"]


def test_api_action_patch_needs_owner_group_owner_or_pem_and_an_outcome_when_done(
    client, pem, ldd, officer, plans
) -> None:
    from engage.groups import actions as action_services

    action = action_services.create_action(
        actor=pem, meeting=plans["north"], title="Pilot", owner=officer.officer
    )
    path = f"/api/actions/{action.pk}"
    assert _api(client, ldd)("get", path).status_code == 200
    assert _api(client, ldd)("patch", path, data={"note": "x"}).status_code == 403
    api = _api(client, officer)
    refused = api("patch", path, data={"status": "done"})
    assert refused.status_code == 422 and "Say what was done" in refused.text
    answer = api("patch", path, data={"status": "done", "outcome": "Piloted in North."})
    assert answer.status_code == 200
    assert answer.json()["status"] == "done" and len(answer.json()["updates"]) == 2


def test_portal_home_lists_open_actions_with_owner_due_date_link_and_status(
    client_for, provider_a_user, officer, pem, plans
) -> None:
    from datetime import timedelta

    from engage.groups import actions as action_services

    meeting = plans["north"]
    today = timezone.localdate()
    action_services.create_action(
        actor=pem,
        meeting=meeting,
        title="Share the rota",
        owner=officer.officer,
        due_on=today + timedelta(days=7),
    )
    action_services.create_action(
        actor=pem,
        meeting=meeting,
        title="Send the costs",
        owner_name="Chair of the forum",
        due_on=today - timedelta(days=1),
    )
    home = client_for(provider_a_user).get("/portal/").text
    link = f'(<a class="govuk-link" href="/groups/forward-plans/meetings/{meeting.pk}/">'
    due, overdue = (f"{d.day} {d:%b %Y}" for d in (today + timedelta(7), today - timedelta(1)))
    assert (
        f'<li>Share the rota <span class="govuk-body-s">— {officer.full_name}, due {due} '
        f"{link}North Home Care Group</a>)</span> "
        '<strong class="govuk-tag govuk-tag--blue">Open</strong></li>'
    ) in home
    assert (
        '<li>Send the costs <span class="govuk-body-s">— Chair of the forum, due '
        f"{overdue} {link}North Home Care Group</a>)"
        '</span> <strong class="govuk-tag govuk-tag--red">Overdue</strong></li>'
    ) in home
