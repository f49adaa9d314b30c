"""What the enquiries app shows on the portal home (see engage/portal/panels.py)."""

from __future__ import annotations

from typing import Any

from engage.enquiries.selectors import provider_open_enquiries, who_to_contact

#: How many open enquiries the portal home lists before "all your enquiries".
OPEN_ENQUIRIES_SHOWN = 10


def who_to_contact_panel(user: Any, provider: Any) -> dict[str, Any] | None:
    routes = who_to_contact(provider)
    return {"routes": routes} if routes else None


def open_enquiries_panel(user: Any, provider: Any) -> dict[str, Any] | None:
    enquiries = list(provider_open_enquiries(provider)[: OPEN_ENQUIRIES_SHOWN + 1])
    if not enquiries:
        return None
    return {
        "enquiries": enquiries[:OPEN_ENQUIRIES_SHOWN],
        "more": len(enquiries) > OPEN_ENQUIRIES_SHOWN,
    }
