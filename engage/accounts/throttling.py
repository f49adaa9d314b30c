"""How sign-in throttling (django-axes) identifies an account: its email, in lower case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_for_lockout(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email address tried, lower-cased, so 'A@x' and 'a@x' share one failure count."""
    raw = (credentials or {}).get("username") or request.POST.get("username")
    return str(raw).strip().lower() if raw else None
