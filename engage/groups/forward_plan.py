"""Writes of forward plans and agendas: propose, accept, decline, schedule, order, carry forward,
record an outcome.

Each function is one transaction, writes the item's history (``ForwardPlanEvent``) beside the
change and records who did it (``acting_as``). Officers who may manage the group decide on
items; a provider may propose only to a group meant for them (the caller checks that through
``meeting_selectors.get_group_for_forward_plan``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from engage.accounts.models import User
from engage.core.audit import acting_as
from engage.groups import meeting_selectors
from engage.groups.models import (
    EngagementGroup,
    ForwardPlanEvent,
    ForwardPlanItem,
    GroupStatus,
    ItemOutcome,
    ItemStatus,
    Meeting,
)
from engage.groups.selectors import may_manage_group
from engage.portal.access import contact_for

Event = ForwardPlanEvent.Kind


def _require_manager(actor: User, group: EngagementGroup) -> None:
    if not may_manage_group(actor, group):
        raise PermissionDenied("You cannot change this group's forward plan.")


def _event(
    item: ForwardPlanItem,
    kind: str,
    actor: User | None,
    *,
    note: str = "",
    from_meeting: Meeting | None = None,
    to_meeting: Meeting | None = None,
) -> None:
    ForwardPlanEvent.objects.create(
        item=item,
        kind=kind,
        by=actor,
        note=note,
        from_meeting=from_meeting,
        to_meeting=to_meeting,
    )


def _locked(item: ForwardPlanItem) -> ForwardPlanItem:
    return (
        ForwardPlanItem.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=item.pk)
    )


def propose_item(
    *, actor: User, group: EngagementGroup, title: str, detail: str = ""
) -> ForwardPlanItem:
    """A new item on ``group``'s forward plan, proposed by ``actor``.

    A provider user's proposal records their contact (so they, and only they, see its status
    and any decline reason); the group must be meant for them and active. Officers who may
    manage the group may propose too.
    """
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter a title for the item"})
    contact = contact_for(actor)
    if contact is not None:
        allowed = {g.pk for g in meeting_selectors.groups_for_contact(contact)}
        if group.pk not in allowed:
            raise PermissionDenied("This group's forward plan is not open to you.")
        if group.status != GroupStatus.ACTIVE:
            raise ValidationError("This group is not taking suggestions at the moment.")
    else:
        _require_manager(actor, group)
    with transaction.atomic(), acting_as(actor):
        item = ForwardPlanItem.objects.create(
            group=group,
            title=title,
            detail=detail.strip(),
            proposed_by=actor,
            proposer_contact=contact,
        )
        _event(item, Event.PROPOSED, actor)
        return item


def accept_item(*, actor: User, item: ForwardPlanItem, note: str = "") -> ForwardPlanItem:
    """Accept a proposed item onto the forward plan (to be scheduled for a meeting)."""
    _require_manager(actor, item.group)
    with transaction.atomic(), acting_as(actor):
        item = _locked(item)
        if item.status != ItemStatus.PROPOSED:
            raise ValidationError("Only a proposed item can be accepted.")
        item.status = ItemStatus.ACCEPTED
        item.save(update_fields=["status", "updated_at"])
        _event(item, Event.ACCEPTED, actor, note=note)
        return item


def decline_item(*, actor: User, item: ForwardPlanItem, reason: str) -> ForwardPlanItem:
    """Decline a proposed or accepted item, with the reason the proposer will read."""
    _require_manager(actor, item.group)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the item is declined: the proposer sees it"})
    with transaction.atomic(), acting_as(actor):
        item = _locked(item)
        if item.status not in (ItemStatus.PROPOSED, ItemStatus.ACCEPTED):
            raise ValidationError("Only a proposed or accepted item can be declined.")
        item.status = ItemStatus.DECLINED
        item.decline_reason = reason
        item.save(update_fields=["status", "decline_reason", "updated_at"])
        _event(item, Event.DECLINED, actor, note=reason)
        return item


def _next_position(meeting: Meeting) -> int:
    last = ForwardPlanItem.objects.filter(meeting=meeting).aggregate(n=Max("agenda_position"))
    return int(last["n"] or 0) + 1


def schedule_item(*, actor: User, item: ForwardPlanItem, meeting: Meeting) -> ForwardPlanItem:
    """Put a proposed or accepted item at the end of ``meeting``'s agenda (a meeting of its
    group); a proposed item is accepted by being scheduled."""
    _require_manager(actor, item.group)
    if meeting.group_id != item.group_id:
        raise ValidationError({"meeting": "Choose a meeting of this group"})
    with transaction.atomic(), acting_as(actor):
        item = _locked(item)
        if item.status not in (ItemStatus.PROPOSED, ItemStatus.ACCEPTED):
            raise ValidationError("Only a proposed or accepted item can be scheduled.")
        item.status = ItemStatus.SCHEDULED
        item.meeting = meeting
        item.agenda_position = _next_position(meeting)
        item.save(update_fields=["status", "meeting", "agenda_position", "updated_at"])
        _event(item, Event.SCHEDULED, actor, to_meeting=meeting)
        return item


def unschedule_item(*, actor: User, item: ForwardPlanItem) -> ForwardPlanItem:
    """Take an item without an outcome off its meeting's agenda, back to accepted."""
    _require_manager(actor, item.group)
    with transaction.atomic(), acting_as(actor):
        item = _locked(item)
        if item.status != ItemStatus.SCHEDULED:
            raise ValidationError("Only a scheduled item can be taken off an agenda.")
        was = item.meeting
        item.status = ItemStatus.ACCEPTED
        item.meeting = None
        item.agenda_position = None
        item.save(update_fields=["status", "meeting", "agenda_position", "updated_at"])
        _event(item, Event.UNSCHEDULED, actor, from_meeting=was)
        return item


def move_agenda_item(*, actor: User, item: ForwardPlanItem, offset: int) -> None:
    """Move an item up (``offset`` -1) or down (+1) its meeting's agenda; positions are
    renumbered 1, 2, 3… so the order stays a plain sequence."""
    _require_manager(actor, item.group)
    with transaction.atomic(), acting_as(actor):
        item = _locked(item)
        if item.meeting_id is None:
            raise ValidationError("The item is not on an agenda.")
        rows = list(
            ForwardPlanItem.objects.select_for_update()
            .filter(meeting_id=item.meeting_id)
            .order_by("agenda_position", "pk")
        )
        index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
        target = index + offset
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.agenda_position != position:
                row.agenda_position = position
                row.save(update_fields=["agenda_position", "updated_at"])


def record_outcome(
    *, actor: User, item: ForwardPlanItem, outcome: str, text: str = ""
) -> ForwardPlanItem:
    """Record what the meeting did with an agenda item; the item is then done.

    A decision needs its words; "actions agreed" needs at least one action from the item.
    """
    _require_manager(actor, item.group)
    outcome = ItemOutcome(outcome)
    text = text.strip()
    if outcome == ItemOutcome.DECISION and not text:
        raise ValidationError({"text": "Write down the decision"})
    with transaction.atomic(), acting_as(actor):
        item = _locked(item)
        if item.meeting_id is None:
            raise ValidationError("Only an item on a meeting's agenda has an outcome.")
        if outcome == ItemOutcome.ACTIONS and not item.actions.exists():
            raise ValidationError(
                {"outcome": "Add the actions agreed first, then record the outcome"}
            )
        item.outcome = outcome
        item.outcome_text = text
        item.status = ItemStatus.DONE
        item.save(update_fields=["outcome", "outcome_text", "status", "updated_at"])
        _event(item, Event.OUTCOME, actor, note=f"{outcome.label}. {text}".strip())
        return item


def carry_forward(*, actor: User, meeting: Meeting) -> tuple[Meeting, list[ForwardPlanItem]]:
    """Move every item of ``meeting``'s agenda without an outcome to the end of the group's
    next meeting's agenda, in one step and keeping their order and history.

    Raises ``ValidationError`` when the group has no later meeting or nothing is unreached.
    """
    _require_manager(actor, meeting.group)
    target = meeting_selectors.next_meeting_after(meeting)
    if target is None:
        raise ValidationError(
            "The group has no later meeting to carry items to: schedule the next meeting first."
        )
    with transaction.atomic(), acting_as(actor):
        unreached = list(
            ForwardPlanItem.objects.select_for_update()
            .filter(meeting=meeting, status=ItemStatus.SCHEDULED)
            .order_by("agenda_position", "pk")
        )
        if not unreached:
            raise ValidationError("Every item of this agenda has an outcome: nothing to carry.")
        position = _next_position(target)
        for offset, item in enumerate(unreached):
            item.meeting = target
            item.agenda_position = position + offset
            item.save(update_fields=["meeting", "agenda_position", "updated_at"])
            _event(
                item,
                Event.CARRIED_FORWARD,
                actor,
                from_meeting=meeting,
                to_meeting=target,
                note="Not reached at the meeting.",
            )
        return target, unreached
