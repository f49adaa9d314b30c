"""Writes of actions: create one from a meeting's agenda item, update its status with a note.

Every change of an action is an ``ActionUpdate`` (its history) and an audit entry. An action is
done only with its ``outcome`` (what was done, shown to providers as "we did").
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from engage.accounts.models import User
from engage.core.audit import acting_as
from engage.council.models import Officer
from engage.groups.meeting_selectors import may_update_action
from engage.groups.models import Action, ActionStatus, ActionUpdate, ForwardPlanItem, Meeting
from engage.groups.selectors import may_manage_group


def create_action(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    agenda_item: ForwardPlanItem | None = None,
    description: str = "",
    owner: Officer | None = None,
    owner_name: str = "",
    due_on: date | None = None,
) -> Action:
    """A new open action of ``meeting`` (and of the agenda item it came from), owned by an
    officer or by someone named outside the council (one of the two, not both)."""
    if not may_manage_group(actor, meeting.group):
        raise PermissionDenied("You cannot add actions to this meeting.")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter what is to be done"
    if owner is None and not owner_name.strip():
        errors["owner"] = "Choose the officer who owns the action, or name its owner"
    if owner is not None and owner_name.strip():
        errors["owner_name"] = "Choose an officer or name someone else, not both"
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = "Choose an item of this meeting's agenda"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting_as(actor):
        action = Action.objects.create(
            title=title.strip(),
            description=description.strip(),
            group=meeting.group,
            meeting=meeting,
            agenda_item=agenda_item,
            owner=owner,
            owner_name=owner_name.strip(),
            due_on=due_on,
            created_by=actor,
        )
        ActionUpdate.objects.create(
            action=action, status=action.status, note="Action agreed.", by=actor
        )
        return action


def update_action(
    *,
    actor: User,
    action: Action,
    status: str | None = None,
    note: str = "",
    outcome: str | None = None,
) -> Action:
    """Change an action's status and/or record progress (``note``), kept as an update.

    Only its owner, the owner of its group and the Provider Engagement Manager may. Done needs
    an ``outcome`` (given now or already recorded); leaving done clears the completion date.
    """
    if not may_update_action(actor, action):
        raise PermissionDenied("Only the action's owner, its group's owner or the PEM may.")
    new_status = ActionStatus(status) if status else ActionStatus(action.status)
    with transaction.atomic(), acting_as(actor):
        current = Action.objects.select_for_update().get(pk=action.pk)
        if outcome is not None:
            current.outcome = outcome.strip()
        if new_status == ActionStatus.DONE and not current.outcome:
            raise ValidationError({"outcome": "Say what was done: providers read it"})
        if new_status == current.status and not note.strip() and outcome is None:
            raise ValidationError({"note": "Change the status or write a note of progress"})
        if new_status == ActionStatus.DONE and current.status != ActionStatus.DONE:
            current.completed_on = timezone.localdate()
        elif new_status != ActionStatus.DONE:
            current.completed_on = None
        current.status = new_status
        current.save()
        ActionUpdate.objects.create(action=current, status=new_status, note=note.strip(), by=actor)
        return current
