"""Sign-in is required everywhere except the public pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase

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
