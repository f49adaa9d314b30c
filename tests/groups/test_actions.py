"""Actions: created from an agenda item, updated with a history, done only with an outcome,
overdue on the owner's home page and the group's actions page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engage.groups import actions as action_services
from engage.groups import forward_plan as plan
from engage.groups.models import ActionStatus
from tests.clock import TODAY
from tests.council.factories import OfficerFactory
from tests.groups.meetings import meeting_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def meeting(north_group):
    return meeting_of(north_group, -3)


def test_an_action_from_an_agenda_item_is_open_with_its_first_update(pem, officer, meeting) -> None:
    item = plan.propose_item(actor=pem, group=meeting.group, title="Fees")
    item = plan.schedule_item(actor=pem, item=item, meeting=meeting)
    action = action_services.create_action(
        actor=pem,
        meeting=meeting,
        agenda_item=item,
        title="Write to providers",
        owner=officer.officer,
        due_on=TODAY + timedelta(days=14),
    )
    assert action.group == meeting.group and action.status == ActionStatus.OPEN
    assert list(action.updates.values_list("status", "by")) == [("open", pem.pk)]
    assert list(item.actions.all()) == [action]


def test_an_action_has_one_owner_an_officer_or_someone_named(pem, officer, meeting) -> None:
    with pytest.raises(ValidationError) as both:
        action_services.create_action(
            actor=pem, meeting=meeting, title="X", owner=officer.officer, owner_name="Ann"
        )
    assert "owner_name" in both.value.error_dict
    with pytest.raises(ValidationError) as neither:
        action_services.create_action(actor=pem, meeting=meeting, title="X")
    assert "owner" in neither.value.error_dict
    named = action_services.create_action(
        actor=pem, meeting=meeting, title="Share the rota template", owner_name="A. Provider"
    )
    assert named.owner is None and named.owner_name == "A. Provider"


def test_done_requires_an_outcome_and_every_change_is_kept(officer, pem, meeting) -> None:
    action = action_services.create_action(
        actor=pem, meeting=meeting, title="Fix the portal", owner=officer.officer
    )
    action_services.update_action(
        actor=officer, action=action, status="in-progress", note="Started."
    )
    with pytest.raises(ValidationError) as error:
        action_services.update_action(actor=officer, action=action, status="done")
    assert "outcome" in error.value.error_dict
    done = action_services.update_action(
        actor=officer, action=action, status="done", outcome="The portal form now saves drafts."
    )
    assert done.status == ActionStatus.DONE and done.completed_on == TODAY
    history = list(done.updates.values_list("status", "note"))
    assert history == [("open", "Action agreed."), ("in-progress", "Started."), ("done", "")]


def test_only_owner_group_owner_and_pem_update_an_action(
    pem, officer, ldd, north_group, meeting
) -> None:
    other = OfficerFactory()
    action = action_services.create_action(
        actor=pem, meeting=meeting, title="Check rates", owner=other
    )
    with pytest.raises(PermissionDenied):
        action_services.update_action(actor=ldd, action=action, note="Me too")
    # officer owns the group; other owns the action; pem may always.
    for user in (officer, other.user, pem):
        action_services.update_action(actor=user, action=action, note=f"By {user.pk}")
    assert action.updates.count() == 4


def test_overdue_actions_show_on_the_owners_home_page_and_the_group_actions(
    client_for, pem, officer, north_group, meeting
) -> None:
    late = action_services.create_action(
        actor=pem,
        meeting=meeting,
        title="Send the fee letters",
        owner=officer.officer,
        due_on=TODAY - timedelta(days=1),
    )
    action_services.create_action(
        actor=pem,
        meeting=meeting,
        title="Due today is not overdue",
        owner=officer.officer,
        due_on=TODAY,
    )
    done = action_services.create_action(
        actor=pem,
        meeting=meeting,
        title="Done long ago",
        owner=officer.officer,
        due_on=TODAY - timedelta(days=30),
    )
    action_services.update_action(actor=pem, action=done, status="done", outcome="Sent.")
    home = client_for(officer).get("/").text
    assert "Your overdue actions" in home and late.title in home
    assert "Due today is not overdue" not in home and "Done long ago" not in home
    assert "Your overdue actions" not in client_for(pem).get("/").text
    page = client_for(pem).get(f"/groups/{north_group.pk}/actions/").text
    assert "1 action overdue" in page and late.title in page


def test_the_action_page_refuses_done_without_an_outcome_keeping_what_was_typed(
    client_for, officer, pem, meeting
) -> None:
    action = action_services.create_action(
        actor=pem, meeting=meeting, title="Fix it", owner=officer.officer
    )
    response = client_for(officer).post(
        f"/groups/actions/{action.pk}/", {"status": "done", "note": "All finished"}
    )
    assert response.status_code == 200
    assert "Say what was done" in response.text and "All finished" in response.text
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
