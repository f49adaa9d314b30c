"""Which provider a portal user belongs to: the one fact every portal page is scoped by.

A provider user is linked to a current contact of one provider (``Contact.user``). Someone
who has left the provider or whose data was erased belongs to none and sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import Http404

from engage.accounts.models import Role
from engage.market.models import Contact, Provider

#: Contacts already looked up by ``contact_for`` while a page only reads (``reading()``).
_read_only_contacts: ContextVar[dict[int, Contact | None] | None] = ContextVar(
    "portal_read_only_contacts", default=None
)


@contextmanager
def reading() -> Iterator[None]:
    """Within this block ``contact_for`` looks each user up once: for a page that only reads,
    such as the portal home, whose panels from several apps each ask for the contact."""
    token = _read_only_contacts.set({})
    try:
        yield
    finally:
        _read_only_contacts.reset(token)


def contact_for(user: Any) -> Contact | None:
    """The current contact record of a provider user, with its provider; None for others."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role != Role.PROVIDER:
        return None
    known = _read_only_contacts.get()
    if known is not None and user.pk in known:
        return known[user.pk]
    contact = (
        Contact.objects.select_related("provider")
        .filter(user_id=user.pk, is_active=True, erased_at__isnull=True)
        .first()
    )
    if known is not None:
        known[user.pk] = contact
    return contact


def provider_for(user: Any) -> Provider | None:
    """The provider a portal user works for, or None."""
    contact = contact_for(user)
    return contact.provider if contact is not None else None


def require_provider(user: Any) -> Provider:
    """The user's provider; 404 when they have none (so nothing else can be reached)."""
    provider = provider_for(user)
    if provider is None:
        raise Http404("You are not linked to a provider")
    return provider
