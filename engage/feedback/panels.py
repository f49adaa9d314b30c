"""Portal home panels of the feedback app (registered in ``engage.portal.panels``)."""

from __future__ import annotations

from typing import Any

from engage.core import data_versions
from engage.feedback import selectors
from engage.portal import panel_versions
from engage.portal.access import contact_for

PORTAL_SHOWN = 5


def portal_evaluations(user: Any, provider: Any) -> dict[str, Any] | None:
    """The user's evaluations still to give (None when there are none)."""
    contact = contact_for(user)
    if contact is None:
        return None
    # Only what the panel shows of each: its link, the event's title and date.
    awaiting = list(
        selectors.evaluations_of_contact(contact)
        .filter(responded_at__isnull=True)
        .select_related(None)
        .values_list("pk", "activity__title", "activity__starts_at")[: PORTAL_SHOWN + 1]
    )
    if not awaiting:
        return None
    return {
        "awaiting": [
            {"pk": pk, "activity": {"title": title, "starts_at": starts_at}}
            for pk, title, starts_at in awaiting[:PORTAL_SHOWN]
        ],
        "more": len(awaiting) > PORTAL_SHOWN,
    }


def portal_you_said_we_did(user: Any, provider: Any) -> dict[str, Any] | None:
    """The latest "you said, we did" (None when nothing is published yet): the same for
    everyone, cached under the version of feedback items and actions."""
    items = data_versions.cached(
        panel_versions.FEEDBACK,
        "portal-you-said-we-did",
        _you_said_we_did,
        timeout=panel_versions.TIMEOUT,
    )
    return {"items": items} if items else None


def _you_said_we_did() -> list[dict[str, Any]]:
    """The latest three, as the panel shows them: what was said, and the action's outcome."""
    rows = (
        selectors.you_said_we_did()
        .select_related(None)
        .prefetch_related(None)
        .values_list("text", "action__outcome")[:3]
    )
    return [{"text": text, "action": {"outcome": outcome}} for text, outcome in rows]
