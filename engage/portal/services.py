"""Writes providers make in the portal about their own organisation; each audited.

Every function takes the provider the user belongs to and refuses a contact of any other,
so a portal user can only ever change their own organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from engage.accounts.models import User
from engage.core.audit import acting_as
from engage.market import services as market_services
from engage.market.models import Contact, Provider, Service


def _own(provider: Provider, contact: Contact) -> None:
    if contact.provider_id != provider.pk:
        raise ValidationError("That person does not work for your organisation")


def update_organisation_details(
    *, actor: User, provider: Provider, phone: str, email: str, website: str
) -> Provider:
    """Change the organisation's general phone number, email address and website."""
    with transaction.atomic(), acting_as(actor):
        provider.phone = phone.strip()
        provider.email = email.strip().lower()
        provider.website = website.strip()
        provider.full_clean()
        provider.save(update_fields=["phone", "email", "website", "updated_at"])
        return provider


def save_contact(
    *,
    actor: User,
    provider: Provider,
    contact: Contact | None,
    name: str,
    level: str,
    job_title: str = "",
    email: str = "",
    phone: str = "",
    services: Iterable[Service] = (),
    email_consent: bool = False,
    unsubscribed: bool = False,
) -> Contact:
    """Add a person (``contact=None``) or change one of your own organisation's, with their
    email preferences.

    The rules of a contact (consent and unsubscribing dated when they change, services of the
    provider only) are the register's: ``engage.market.services.save_contact``.
    """
    if contact is not None:
        _own(provider, contact)
    return market_services.save_contact(
        actor=actor,
        provider=provider,
        contact=contact,
        services=list(services),
        name=name.strip(),
        level=level,
        job_title=job_title.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        email_consent=email_consent,
        unsubscribed=unsubscribed,
    )


def mark_contact_left(*, actor: User, provider: Provider, contact: Contact) -> Contact:
    """Record that a person has left: they are no longer contacted, and their portal sign-in
    (if any) stops working. You cannot mark yourself as left."""
    _own(provider, contact)
    if contact.user_id is not None and contact.user_id == actor.pk:
        raise ValidationError("You cannot mark yourself as left; ask a colleague to do it")
    with transaction.atomic(), acting_as(actor):
        contact.is_active = False
        contact.save(update_fields=["is_active", "updated_at"])
        if contact.user is not None and contact.user.is_active:
            contact.user.is_active = False
            contact.user.save(update_fields=["is_active"])
        return contact
