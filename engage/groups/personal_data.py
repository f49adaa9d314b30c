"""A provider contact's proposals for groups' forward plans (see ``market.personal_data``).
Nothing is erased here: a proposal is the group's record and points at the contact, whose
own row names nobody once erased."""

from __future__ import annotations

from typing import Any

from engage.groups.models import ForwardPlanItem
from engage.market.models import Contact
from engage.market.personal_data import Holder, iso


def export(contact: Contact) -> list[dict[str, Any]]:
    """The items they proposed through the portal, and what became of each."""
    items = ForwardPlanItem.objects.filter(proposer_contact=contact).select_related("group")
    return [
        {
            "group": item.group.name,
            "title": item.title,
            "detail": item.detail,
            "status": item.get_status_display(),
            "declined_because": item.decline_reason,
            "outcome": item.get_outcome_display(),
            "outcome_text": item.outcome_text,
            "proposed_at": iso(item.created_at),
        }
        for item in items.order_by("created_at", "pk")
    ]


HOLDER = Holder(section="forward_plan_proposals", export=export)
