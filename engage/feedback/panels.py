"""Portal home panels of the feedback app (registered in ``engage.portal.panels``)."""

from __future__ import annotations

from typing import Any

from engage.feedback import selectors
from engage.portal.access import contact_for

PORTAL_SHOWN = 5


def portal_evaluations(user: Any, provider: Any) -> dict[str, Any] | None:
    """The user's evaluations still to give (None when there are none)."""
    contact = contact_for(user)
    if contact is None:
        return None
    awaiting = list(
        selectors.evaluations_of_contact(contact).filter(responded_at__isnull=True)[
            : PORTAL_SHOWN + 1
        ]
    )
    if not awaiting:
        return None
    return {"awaiting": awaiting[:PORTAL_SHOWN], "more": len(awaiting) > PORTAL_SHOWN}


def portal_you_said_we_did(user: Any, provider: Any) -> dict[str, Any] | None:
    """The latest "you said, we did" (None when nothing is published yet)."""
    # The panel shows no themes: skip their prefetch (one query fewer on the portal home).
    items = list(selectors.you_said_we_did().prefetch_related(None)[:3])
    return {"items": items} if items else None
