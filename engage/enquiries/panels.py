"""The enquiries panel of the signed-in home page (see engage/core/home.py)."""

from __future__ import annotations

from typing import Any

from engage.council.selectors import officer_for
from engage.enquiries.selectors import queue_counts, today_local


def enquiries_panel(user: Any) -> dict[str, Any] | None:
    """How many open enquiries are the officer's and their team's, and how many need action."""
    officer = officer_for(user)
    if officer is None:
        return None
    return {"counts": queue_counts(officer, today_local()), "team": officer.team}
