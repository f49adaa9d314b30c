"""API authentication: a personal token (``Authorization: Bearer eng_…``) or the session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from engage.api.services import user_for_token


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token, made on the 'Personal API tokens' page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session (CSRF-checked), for pages and the interactive docs."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()
