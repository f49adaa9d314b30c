"""Reads of the provider portal, always scoped to the user's own provider."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from engage.market.models import Contact, Provider, Service
from engage.portal.access import require_provider


def organisation_contacts(provider: Provider, *, include_left: bool = False) -> QuerySet[Contact]:
    """The organisation's people (not erased ones), with where they work."""
    contacts = Contact.objects.filter(provider=provider, erased_at__isnull=True)
    if not include_left:
        contacts = contacts.filter(is_active=True)
    return contacts.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name"))
    ).order_by("-is_active", "name", "pk")


def organisation_services(provider: Provider) -> QuerySet[Service]:
    return (
        Service.objects.filter(provider=provider)
        .select_related("locality")
        .prefetch_related("service_types")
        .order_by("status", "name")
    )


def get_contact_for_user(user: Any, pk: int) -> Contact:
    """A contact of the user's own organisation, else 404."""
    provider = require_provider(user)
    contact = (
        Contact.objects.select_related("user")
        .filter(pk=pk, provider=provider, erased_at__isnull=True)
        .first()
    )
    if contact is None:
        raise Http404("No such person")
    return contact
