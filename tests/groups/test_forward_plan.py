"""Forward plans: proposing, deciding, scheduling, ordering, and carrying unreached items forward."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engage.groups import forward_plan as plan
from engage.groups.models import ForwardPlanEvent, ItemOutcome, ItemStatus
from tests.groups.meetings import group_for, meeting_of

pytestmark = pytest.mark.django_db

Event = ForwardPlanEvent.Kind


@pytest.fixture
def mid_group(localities, service_types, officer):
    """A group meant for provider A's user (home care in North), not for provider B's."""
    return group_for(
        "North Home Care Group",
        localities["north"],
        service_types["domiciliary"],
        owner=officer.officer,
    )


def test_carry_forward_moves_unreached_items_to_the_next_meeting_keeping_their_history(
    pem, mid_group
) -> None:
    past = meeting_of(mid_group, -7)
    later = meeting_of(mid_group, 60)
    meeting_of(mid_group, 120)  # a meeting after the next one: not the target
    already = plan.propose_item(actor=pem, group=mid_group, title="Already on the next agenda")
    plan.schedule_item(actor=pem, item=already, meeting=later)
    first = plan.propose_item(actor=pem, group=mid_group, title="Fees uplift")
    second = plan.propose_item(actor=pem, group=mid_group, title="Winter pressures")
    reached = plan.propose_item(actor=pem, group=mid_group, title="Training offer")
    for item in (first, reached, second):
        plan.schedule_item(actor=pem, item=item, meeting=past)
    plan.record_outcome(actor=pem, item=reached, outcome=ItemOutcome.NOTED)

    target, moved = plan.carry_forward(actor=pem, meeting=past)

    assert target == later
    assert [i.pk for i in moved] == [first.pk, second.pk]
    agenda = list(
        later.agenda_items.order_by("agenda_position").values_list("title", "agenda_position")
    )
    assert agenda == [
        ("Already on the next agenda", 1),
        ("Fees uplift", 2),
        ("Winter pressures", 3),
    ]
    first.refresh_from_db()
    assert first.status == ItemStatus.SCHEDULED
    kinds = list(first.events.values_list("kind", "from_meeting", "to_meeting"))
    assert kinds == [
        (Event.PROPOSED, None, None),
        (Event.SCHEDULED, None, past.pk),
        (Event.CARRIED_FORWARD, past.pk, later.pk),
    ]
    reached.refresh_from_db()
    assert reached.meeting == past and reached.status == ItemStatus.DONE


def test_carry_forward_needs_a_later_meeting_and_something_unreached(pem, mid_group) -> None:
    only = meeting_of(mid_group, -7)
    item = plan.propose_item(actor=pem, group=mid_group, title="Fees")
    plan.schedule_item(actor=pem, item=item, meeting=only)
    with pytest.raises(ValidationError, match="no later meeting"):
        plan.carry_forward(actor=pem, meeting=only)
    meeting_of(mid_group, 30)
    plan.record_outcome(actor=pem, item=item, outcome=ItemOutcome.DECISION, text="Agreed 3%.")
    with pytest.raises(ValidationError, match="nothing to carry"):
        plan.carry_forward(actor=pem, meeting=only)


def test_a_cancelled_meeting_is_not_the_next_meeting(pem, mid_group) -> None:
    past = meeting_of(mid_group, -7)
    cancelled = meeting_of(mid_group, 20)
    cancelled.activity.status = "cancelled"
    cancelled.activity.save()
    real = meeting_of(mid_group, 40)
    item = plan.propose_item(actor=pem, group=mid_group, title="Fees")
    plan.schedule_item(actor=pem, item=item, meeting=past)
    target, _ = plan.carry_forward(actor=pem, meeting=past)
    assert target == real


def test_declining_needs_a_reason_and_only_open_items_are_declined(pem, mid_group) -> None:
    item = plan.propose_item(actor=pem, group=mid_group, title="Parking")
    with pytest.raises(ValidationError):
        plan.decline_item(actor=pem, item=item, reason="  ")
    declined = plan.decline_item(actor=pem, item=item, reason="A matter for each home.")
    assert declined.status == ItemStatus.DECLINED
    assert declined.decline_reason == "A matter for each home."
    with pytest.raises(ValidationError):
        plan.accept_item(actor=pem, item=declined)


def test_a_decision_needs_its_words_and_actions_need_an_action(pem, mid_group) -> None:
    meeting = meeting_of(mid_group, -1)
    item = plan.propose_item(actor=pem, group=mid_group, title="Fees")
    plan.schedule_item(actor=pem, item=item, meeting=meeting)
    with pytest.raises(ValidationError):
        plan.record_outcome(actor=pem, item=item, outcome=ItemOutcome.DECISION, text="")
    with pytest.raises(ValidationError):
        plan.record_outcome(actor=pem, item=item, outcome=ItemOutcome.ACTIONS)


def test_agenda_order_moves_an_item_and_keeps_positions_a_sequence(pem, mid_group) -> None:
    meeting = meeting_of(mid_group, 10)
    items = [plan.propose_item(actor=pem, group=mid_group, title=t) for t in "ABC"]
    for item in items:
        plan.schedule_item(actor=pem, item=item, meeting=meeting)
    plan.move_agenda_item(actor=pem, item=items[2], offset=-1)
    plan.move_agenda_item(actor=pem, item=items[0], offset=-1)  # already first: stays
    order = list(
        meeting.agenda_items.order_by("agenda_position").values_list("title", "agenda_position")
    )
    assert order == [("A", 1), ("C", 2), ("B", 3)]


def test_only_those_who_manage_the_group_decide_on_items(pem, councillor, ldd, mid_group) -> None:
    item = plan.propose_item(actor=pem, group=mid_group, title="Fees")
    with pytest.raises(PermissionDenied):
        plan.accept_item(actor=councillor, item=item)
    with pytest.raises(PermissionDenied):
        plan.propose_item(actor=councillor, group=mid_group, title="X")
    assert plan.accept_item(actor=ldd, item=item).status == ItemStatus.ACCEPTED


def test_a_provider_proposes_only_to_a_group_meant_for_them(
    provider_a_user, provider_b_user, mid_group
) -> None:
    item = plan.propose_item(actor=provider_a_user, group=mid_group, title="Agency staff costs")
    assert item.proposer_contact.user == provider_a_user and item.from_provider
    with pytest.raises(PermissionDenied):
        plan.propose_item(actor=provider_b_user, group=mid_group, title="Not for me")
