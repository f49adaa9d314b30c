"""Writes on the council side. Each function is one transaction and records who did it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from engage.accounts.models import Role, User
from engage.core.audit import acting_as
from engage.council.models import Councillor, Officer, PartnerOrganisation, PartnerPerson, Team
from engage.market.models import Locality
from engage.outbox.services import queue_email

#: Roles an officer account may hold.
OFFICER_ROLES = (Role.OFFICER, Role.LDD, Role.PEM)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_team(
    *,
    actor: User | None,
    name: str,
    description: str = "",
    email: str = "",
    officers_out_at_once: int = 1,
) -> Team:
    """A new active team with a slug made from its name."""
    with transaction.atomic(), acting_as(actor):
        return Team.objects.create(
            name=name,
            slug=_unique_slug(name),
            description=description,
            email=email,
            officers_out_at_once=officers_out_at_once,
        )


def update_team(*, actor: User | None, team: Team, **fields: Any) -> Team:
    """Change a team's name, description, mailbox, capacity (activities it can attend at once)
    or whether it is active."""
    allowed = {"name", "description", "email", "officers_out_at_once", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a team")
    with transaction.atomic(), acting_as(actor):
        for name, value in fields.items():
            setattr(team, name, value)
        team.save()
        return team


def send_set_password_email(*, user: User) -> None:
    """Queue an email inviting ``user`` to choose a password (a password-reset link)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    queue_email(
        to=[user.email],
        subject="Your Engage account",
        body_text=(
            f"Hello {user.full_name},\n\n"
            f"An account has been made for you on Engage, {settings.COUNCIL_NAME}'s service for "
            f"working with care providers. Choose your password within 3 hours here:\n\n{link}\n\n"
            "If the link has expired, use 'I have forgotten my password' on the sign-in page.\n"
        ),
        topic=f"user:{user.pk}:welcome",
    )


def create_officer(
    *,
    actor: User | None,
    full_name: str,
    email: str,
    role: str,
    team: Team,
    job_title: str,
    locality: Locality | None = None,
    phone: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> Officer:
    """An officer with a sign-in account; they are emailed a link to choose their password.

    The email address must not belong to another account (case-insensitive).
    """
    if role not in OFFICER_ROLES:
        raise ValueError(f"An officer's role must be one of {', '.join(OFFICER_ROLES)}")
    with transaction.atomic(), acting_as(actor):
        user = User.objects.create_user(email, password, full_name=full_name, role=role)
        officer = Officer.objects.create(
            user=user, team=team, job_title=job_title, locality=locality, phone=phone
        )
        if send_invitation and not password:
            send_set_password_email(user=user)
        return officer


def update_officer(
    *,
    actor: User | None,
    officer: Officer,
    full_name: str,
    email: str,
    role: str,
    team: Team,
    job_title: str,
    locality: Locality | None,
    phone: str = "",
) -> Officer:
    """Change an officer's details and role; the account and its history stay the same."""
    if role not in OFFICER_ROLES:
        raise ValueError(f"An officer's role must be one of {', '.join(OFFICER_ROLES)}")
    with transaction.atomic(), acting_as(actor):
        user = officer.user
        user.full_name, user.email, user.role = full_name, email.lower(), role
        user.save()
        officer.team, officer.job_title, officer.locality, officer.phone = (
            team,
            job_title,
            locality,
            phone,
        )
        officer.save()
        return officer


def set_officer_active(*, actor: User | None, officer: Officer, active: bool) -> Officer:
    """Close or reopen an officer's account. Officers are never deleted: their work has history."""
    with transaction.atomic(), acting_as(actor):
        officer.user.is_active = active
        officer.user.save(update_fields=["is_active"])
        return officer


def save_partner_organisation(
    *, actor: User | None, organisation: PartnerOrganisation | None = None, **fields: Any
) -> PartnerOrganisation:
    """Create (``organisation=None``) or update a partner organisation."""
    with transaction.atomic(), acting_as(actor):
        organisation = organisation or PartnerOrganisation()
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation.save()
        return organisation


def save_partner_person(
    *, actor: User | None, person: PartnerPerson | None = None, **fields: Any
) -> PartnerPerson:
    """Create (``person=None``) or update a person at a partner organisation."""
    with transaction.atomic(), acting_as(actor):
        person = person or PartnerPerson()
        for name, value in fields.items():
            setattr(person, name, value)
        person.full_clean()
        person.save()
        return person


def save_councillor(
    *, actor: User | None, councillor: Councillor | None = None, **fields: Any
) -> Councillor:
    """Create (``councillor=None``) or update a councillor."""
    with transaction.atomic(), acting_as(actor):
        councillor = councillor or Councillor()
        for name, value in fields.items():
            setattr(councillor, name, value)
        councillor.full_clean()
        councillor.save()
        return councillor
