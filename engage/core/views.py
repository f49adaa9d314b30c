"""The home page, the public pages and the error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader

from engage.accounts.models import Role
from engage.accounts.permissions import Capability, capability_required
from engage.core import audit
from engage.core.home import panels_for
from engage.core.listing import paginate
from engage.market.models import Locality


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what Engage is. Signed in: your work (providers go to their portal)."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/landing.html")
    if user.role == Role.PROVIDER:
        return redirect("portal:home")
    return render(request, "core/home.html", {"panels": panels_for(user)})


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_not_required
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The load benchmark's reference: the framework, one indexed query, a few bytes back."""
    name = Locality.objects.filter(slug="mid").values_list("name", flat=True).first()
    return HttpResponse(f"ok {name or ''}", content_type="text/plain")


@capability_required(Capability.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who changed what, when, with old and new values; filterable."""
    form = audit.AuditFilterForm(request.GET or None)
    entries = audit.filtered_entries(form)
    page = paginate(request, entries.values_list(*audit.TRAIL_FIELDS))
    return render(request, "core/audit_log.html", {"form": form, "page": page})


# --- Error pages: the same layout, with as little as possible that can fail ---------------


def _render_error(request: HttpRequest, template: str, status: int, **extra: Any) -> HttpResponse:
    return render(request, template, extra, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render_error(request, "400.html", 400)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else None
    return _render_error(request, "403.html", 403, reason=reason)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Paths the API does not know still answer in the API's own error shape.
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return _render_error(request, "404.html", 404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    template = loader.get_template("500.html")
    body = template.render({"council_name": settings.COUNCIL_NAME, "navigation": []})
    return HttpResponse(body, status=500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render_error(request, "403_csrf.html", 403)
