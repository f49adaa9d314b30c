"""API of the feedback app (one router per domain app; see engage/api/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["feedback"])
