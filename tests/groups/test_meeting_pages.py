"""The officers' pages: forward plan, decline with reason, agenda carry-forward with
confirmation, notes publish-and-send with confirmation, and who may use them."""

from __future__ import annotations

import pytest

from engage.groups import forward_plan as plan
from engage.groups import notes as notes_services
from engage.groups.models import ForwardPlanEvent, ItemStatus
from engage.outbox.models import OutgoingEmail
from tests.groups.meetings import meeting_of

pytestmark = pytest.mark.django_db


def test_forward_plan_filters_by_status(client_for, pem, north_group) -> None:
    plan.propose_item(actor=pem, group=north_group, title="Waiting item")
    plan.accept_item(
        actor=pem, item=plan.propose_item(actor=pem, group=north_group, title="Accepted item")
    )
    page = client_for(pem).get(f"/groups/{north_group.pk}/forward-plan/?status=accepted").text
    assert "Accepted item" in page and "Waiting item" not in page
    assert "Proposed (1)" in page and "All (2)" in page


def test_declining_without_a_reason_keeps_the_item_and_says_why(
    client_for, pem, north_group
) -> None:
    item = plan.propose_item(actor=pem, group=north_group, title="Parking")
    url = f"/groups/{north_group.pk}/forward-plan/{item.pk}/decline/"
    response = client_for(pem).post(url, {"reason": ""})
    assert response.status_code == 200 and "the proposer sees it" in response.text
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED
    client_for(pem).post(url, {"reason": "Out of scope."})
    item.refresh_from_db()
    assert (item.status, item.decline_reason) == (ItemStatus.DECLINED, "Out of scope.")


def test_carry_forward_asks_first_then_moves_in_one_step(client_for, pem, north_group) -> None:
    past, later = meeting_of(north_group, -3), meeting_of(north_group, 30)
    for title in ("First", "Second"):
        plan.schedule_item(
            actor=pem,
            item=plan.propose_item(actor=pem, group=north_group, title=title),
            meeting=past,
        )
    client = client_for(pem)
    url = f"/groups/meetings/{past.pk}/agenda/carry-forward/"
    confirm = client.get(url)
    assert "Carry 2 unreached items forward?" in confirm.text and "“First”" in confirm.text
    assert not later.agenda_items.exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302 and response.url == f"/groups/meetings/{later.pk}/"
    assert list(later.agenda_items.order_by("agenda_position").values_list("title", flat=True)) == [
        "First",
        "Second",
    ]
    assert ForwardPlanEvent.objects.filter(kind="carried-forward").count() == 2


def test_publish_and_send_asks_first_and_sends_once(
    client_for, pem, north_group, provider_a_user
) -> None:
    meeting = meeting_of(north_group, -3)
    client = client_for(pem)
    client.post(f"/groups/meetings/{meeting.pk}/notes/", {"body": "## Notes\n\nAgreed."})
    url = f"/groups/meetings/{meeting.pk}/notes/send/"
    assert "1 person gets an email" in client.get(url).text
    assert not OutgoingEmail.objects.exists()
    client.post(url, {"confirm": "yes"})
    client.post(url, {"confirm": "yes"})
    assert OutgoingEmail.objects.count() == 1
    assert OutgoingEmail.objects.get().to == [provider_a_user.email]


def test_councillors_read_meetings_but_cannot_change_them(
    client_for, councillor, pem, north_group
) -> None:
    meeting = meeting_of(north_group, -3)
    notes_services.save_notes(actor=pem, meeting=meeting, body="Visible")
    client = client_for(councillor)
    page = client.get(f"/groups/meetings/{meeting.pk}/")
    assert page.status_code == 200 and "Visible" in page.text and "Edit the notes" not in page.text
    assert client.get(f"/groups/meetings/{meeting.pk}/notes/").status_code == 403
    assert (
        client.post(f"/groups/meetings/{meeting.pk}/notes/send/", {"confirm": "yes"}).status_code
        == 403
    )


def test_provider_users_cannot_open_officer_meeting_pages(
    client_for, pem, provider_a_user, north_group
) -> None:
    meeting = meeting_of(north_group, -3)
    client = client_for(provider_a_user)
    assert client.get(f"/groups/meetings/{meeting.pk}/").status_code == 403
    assert client.get(f"/groups/{north_group.pk}/forward-plan/").status_code == 403
