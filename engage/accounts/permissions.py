"""What each role may do: the one place where access rules live.

Views use ``capability_required``; the API calls ``require``; templates ask ``can.<name>``
(the ``layout`` context processor puts a ``Capabilities`` for the user in every page).
Objects are fetched through user-scoped helpers in each app's ``selectors`` (for example
``get_provider_for_user``), which answer 404 for what is not the user's, so providers stay apart.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseBase

from engage.accounts.models import Role


class Capability(models.TextChoices):
    COUNCIL_VIEW = "council_view", "See teams, officers, partners and councillors"
    COUNCIL_MANAGE = "council_manage", "Add and edit teams, officers, partners and councillors"
    AUDIT_VIEW = "audit_view", "Read the audit trail"
    MARKET_VIEW = "market_view", "See providers, services and associations"
    MARKET_EDIT = "market_edit", "Edit providers, services, contacts and associations"
    MARKET_IMPORT = "market_import", "Import the CQC register"
    CONTACTS_VIEW = "contacts_view", "See provider contacts (personal data)"
    PERSONAL_DATA_MANAGE = "personal_data_manage", "Export and erase a person's data"
    CALENDAR_VIEW = "calendar_view", "See the coordinated calendar"
    ACTIVITY_PROPOSE = "activity_propose", "Plan engagement activities"
    ACTIVITY_APPROVE = "activity_approve", "Approve engagement activities"
    GROUPS_VIEW = "groups_view", "See engagement groups and meetings"
    GROUPS_MANAGE = "groups_manage", "Run engagement groups and meetings"
    PLANNER_USE = "planner_use", "Plan the year"
    ENQUIRIES_WORK = "enquiries_work", "Work on provider enquiries"
    ENQUIRIES_OVERVIEW = "enquiries_overview", "See response-time figures for all enquiries"
    ENQUIRIES_CONFIGURE = "enquiries_configure", "Set enquiry categories, targets and routing"
    FEEDBACK_VIEW = "feedback_view", "See evaluations and survey results"
    FEEDBACK_MANAGE = "feedback_manage", "Build surveys and turn feedback into actions"
    DASHBOARD_VIEW = "dashboard_view", "See the engagement dashboard"
    PORTAL_USE = "portal_use", "Use the provider portal"
    PARTNER_VIEW = "partner_view", "See what a partner is invited to"
    API_TOKENS = "api_tokens", "Create personal API tokens"
    ADMIN_SITE = "admin_site", "Use the technical admin site"


_STAFF = {Role.PEM, Role.OFFICER, Role.LDD, Role.ADMIN}
_OFFICERS = {Role.PEM, Role.OFFICER, Role.LDD}

#: Capability -> roles that hold it. Read this table to know who may do what.
ROLE_CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.COUNCIL_VIEW: frozenset(_STAFF),
    Capability.COUNCIL_MANAGE: frozenset({Role.PEM, Role.ADMIN}),
    Capability.AUDIT_VIEW: frozenset({Role.PEM, Role.ADMIN}),
    Capability.MARKET_VIEW: frozenset(_STAFF | {Role.COUNCILLOR}),
    Capability.MARKET_EDIT: frozenset(_STAFF),
    Capability.MARKET_IMPORT: frozenset({Role.PEM, Role.ADMIN}),
    Capability.CONTACTS_VIEW: frozenset(_STAFF),
    Capability.PERSONAL_DATA_MANAGE: frozenset({Role.PEM, Role.ADMIN}),
    Capability.CALENDAR_VIEW: frozenset(_STAFF | {Role.COUNCILLOR}),
    Capability.ACTIVITY_PROPOSE: frozenset(_OFFICERS),
    Capability.ACTIVITY_APPROVE: frozenset({Role.PEM}),
    Capability.GROUPS_VIEW: frozenset(_STAFF | {Role.COUNCILLOR}),
    Capability.GROUPS_MANAGE: frozenset(_OFFICERS),
    Capability.PLANNER_USE: frozenset({Role.PEM}),
    Capability.ENQUIRIES_WORK: frozenset(_OFFICERS),
    Capability.ENQUIRIES_OVERVIEW: frozenset({Role.PEM}),
    Capability.ENQUIRIES_CONFIGURE: frozenset({Role.PEM, Role.ADMIN}),
    Capability.FEEDBACK_VIEW: frozenset(_STAFF | {Role.COUNCILLOR}),
    Capability.FEEDBACK_MANAGE: frozenset(_OFFICERS),
    Capability.DASHBOARD_VIEW: frozenset({Role.PEM, Role.LDD, Role.COUNCILLOR, Role.ADMIN}),
    Capability.PORTAL_USE: frozenset({Role.PROVIDER}),
    Capability.PARTNER_VIEW: frozenset({Role.PARTNER}),
    Capability.API_TOKENS: frozenset(set(Role)),
    Capability.ADMIN_SITE: frozenset({Role.ADMIN}),
}


def has_capability(user: Any, capability: Capability) -> bool:
    """True when ``user`` is signed in, active, and their role holds ``capability``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in ROLE_CAPABILITIES[capability]


def require(user: Any, capability: Capability) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` holds ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role cannot {capability.label.lower()}.")


def capabilities_of(user: Any) -> frozenset[Capability]:
    """Every capability ``user`` holds (empty for anonymous or inactive users)."""
    return frozenset(c for c in Capability if has_capability(user, c))


class Capabilities:
    """Template-friendly view of a user's capabilities: ``{% if can.market_edit %}``."""

    def __init__(self, user: Any) -> None:
        self._held = capabilities_of(user)

    def __getattr__(self, name: str) -> bool:
        try:
            return Capability(name) in self._held
        except ValueError:
            raise AttributeError(f"No capability named {name!r}") from None

    def __contains__(self, capability: Capability) -> bool:
        return capability in self._held


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def capability_required(*capabilities: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: 403 unless the user holds every one of ``capabilities``.

    Sign-in itself is enforced for every non-public page by the login-required middleware.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            for capability in capabilities:
                require(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.required_capabilities = capabilities  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
