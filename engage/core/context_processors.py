from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from engage.accounts.permissions import Capabilities
from engage.core.navigation import navigation_for


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the shared layout needs on every page: the council, the navigation, ``can``."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "navigation": navigation_for(request),
        "can": Capabilities(getattr(request, "user", None)),
    }
