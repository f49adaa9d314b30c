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
from engage.market.audience import Segment, contact_segments
from engage.market.models import Contact, Provider

#: Contacts already looked up by ``contact_for`` while a page only reads (``reading()``).
_read_only_contacts: ContextVar[dict[int, Contact | None] | None] = ContextVar(
    "portal_read_only_contacts", default=None
)
#: Segments already worked out by ``segments_for`` while a page only reads, by contact id.
_read_only_segments: ContextVar[dict[int, frozenset[Segment]] | None] = ContextVar(
    "portal_read_only_segments", default=None
)


@contextmanager
def reading() -> Iterator[None]:
    """Within this block ``contact_for`` looks each user up once, and ``segments_for`` works
    out each contact's segments once: for a page that only reads, such as the portal home,
    whose panels from several apps each ask for the contact and what it is meant for."""
    token = _read_only_contacts.set({})
    segments_token = _read_only_segments.set({})
    try:
        yield
    finally:
        _read_only_segments.reset(segments_token)
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


def segments_for(contact: Contact) -> frozenset[Segment]:
    """``contact_segments(contact)``, worked out once per contact within ``reading()``."""
    known = _read_only_segments.get()
    if known is None:
        return contact_segments(contact)
    if contact.pk not in known:
        known[contact.pk] = contact_segments(contact)
    return known[contact.pk]


def segment_key(segments: frozenset[Segment]) -> tuple[tuple[str, str, str, bool], ...]:
    """``segments`` in a fixed order, for a cache key (a set's order varies between
    processes)."""
    return tuple(sorted((s.service_type, s.level, s.locality, s.tier_one) for s in segments))


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
