"""Request types for views behind sign-in (the login-required middleware guarantees a user)."""

from __future__ import annotations

from django.http import HttpRequest

from engage.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
