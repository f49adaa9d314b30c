"""What the market pages share: breadcrumbs, the form page and list plumbing."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from engage.core.http import AuthenticatedHttpRequest


def market_crumbs(*extra: str) -> list[str]:
    """Breadcrumbs under "Market": label/URL pairs, then the page's own name."""
    return ["Market", reverse("market:provider_list"), *extra]


def form_page(request: AuthenticatedHttpRequest, **context: Any) -> HttpResponse:
    return render(request, "core/form_page.html", context)


def safe_next(request: AuthenticatedHttpRequest, fallback: str) -> str:
    """The ``next`` URL of the request when it is one of ours, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def export_format(request: AuthenticatedHttpRequest) -> str | None:
    value = request.GET.get("export")
    return value if value in {"csv", "xlsx"} else None
