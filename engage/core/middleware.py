"""Sign-in is required everywhere except the public pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
    QueryDict,
)

# The API authenticates each request itself (tokens or session) and answers 401 in JSON;
# static files are public.
_EXEMPT_PREFIXES = ("/api/", "/static/")


class LoginRequiredExceptPublicMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, with the API and static files left to themselves.

    A public view says so with ``@login_not_required``.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Any,
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path.startswith(_EXEMPT_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


_NUL = "\x00"


def _holds_nul(data: QueryDict) -> bool:
    return any(_NUL in key or any(_NUL in v for v in values) for key, values in data.lists())


def _has_nul(request: HttpRequest) -> bool:
    """A NUL character in the query string, a form field or a JSON body."""
    if _holds_nul(request.GET):
        return True
    if request.method not in {"POST", "PUT", "PATCH"}:
        return False
    if request.META.get("CONTENT_TYPE", "").startswith("application/json"):
        return b"\\u0000" in request.body or b"\x00" in request.body
    return _holds_nul(request.POST)


class RefuseNulCharactersMiddleware:
    """Answer 400 to a request carrying a NUL character anywhere in its text.

    No text a person types holds one, and PostgreSQL refuses to store or compare it: without
    this a search for it would be a server error instead of a clear refusal.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = "The request holds a NUL character, which no text field accepts."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
