"""The Engage JSON API: one NinjaAPI, one router module per domain app.

OpenAPI at /api/openapi.json, interactive docs at /api/docs. Every endpoint but the health
check needs a personal token (``Authorization: Bearer eng_…``) or a signed-in session, and
answers errors as ``{"detail": …, "code": …}``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from engage.api import council, engagement, enquiries, feedback, groups, market, planner
from engage.api.auth import session_auth, token_auth
from engage.api.schemas import ErrorOut, HealthOut

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title=f"Engage API – {settings.COUNCIL_NAME}",
    version="1",
    description=(
        "Engagement with the care market: the register, the calendar, groups, enquiries and "
        "feedback. Authenticate with a personal token from your account page: "
        "`Authorization: Bearer eng_…`. Lists are paginated with `page` and `page_size`."
    ),
    auth=[token_auth, session_auth],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: str, code: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "The request is not valid.", "invalid", errors=exc.errors)


@api.exception_handler(DjangoValidationError)
def _rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = [{"msg": m} for m in exc.messages]
    return _error(request, 422, "; ".join(exc.messages), "invalid", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
        "unauthenticated",
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You may not do this.", "forbidden")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.", "not_found")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        404: "not_found",
        409: "conflict",
        413: "too_large",
        429: "throttled",
    }
    return _error(request, exc.status_code, str(exc), codes.get(exc.status_code, "error"))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(
        request, 500, "Something went wrong on our side. It has been logged.", "server_error"
    )


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["health"])
def health(request: HttpRequest) -> Status[dict[str, str]]:
    """Is the service up? Checks the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unavailable")
        return Status(503, {"status": "unavailable", "database": "unavailable"})
    return Status(200, {"status": "ok", "database": "ok"})


for domain in (council, market, engagement, groups, planner, enquiries, feedback):
    api.add_router("", domain.router)

__all__ = ["ErrorOut", "api"]
