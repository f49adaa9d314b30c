"""Writes to the market register. Each function is one transaction and records who did it.

Every change goes through django-auditlog (``acting_as`` attributes it), including the bulk
actions, which save provider by provider so that each change appears in the audit trail.
The CQC import, which writes thousands of rows at once, lives in ``cqc_import`` and keeps
its own record (``CqcImport``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from engage.accounts.models import User
from engage.core.audit import acting_as
from engage.council.models import Officer
from engage.market.models import (
    Association,
    AssociationMembership,
    Contact,
    Provider,
    Service,
    ServiceType,
)
from engage.market.personal_data import ERASED_NAME, HOLDERS, scrub_audit_entries

PROVIDER_FIELDS = frozenset(
    {
        "name",
        "cqc_provider_id",
        "is_tier_one",
        "contract_manager",
        "address",
        "postcode",
        "website",
        "phone",
        "email",
        "is_active",
    }
)
SERVICE_FIELDS = frozenset(
    {
        "name",
        "cqc_location_id",
        "locality",
        "address",
        "postcode",
        "local_authority",
        "region",
        "beds",
        "rating",
        "rating_date",
        "is_contracted",
        "status",
        "deregistered_on",
        "registered_since",
        "phone",
        "website",
    }
)
CONTACT_FIELDS = frozenset(
    {"name", "level", "job_title", "email", "phone", "email_consent", "unsubscribed", "is_active"}
)
ASSOCIATION_FIELDS = frozenset({"name", "short_name", "kind", "website", "description"})

#: What an erased contact is called, and what replaces their values in the audit trail.
#: The fields of a contact (and of their sign-in) that say who they are.
CONTACT_PERSONAL_FIELDS = ("name", "email", "phone", "job_title")
USER_PERSONAL_FIELDS = ("full_name", "email")


def _set_fields(instance: Any, fields: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} of a {what}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value else None


# --------------------------------------------------------------------------------------------
# Providers and services
# --------------------------------------------------------------------------------------------


def save_provider(
    *, actor: User | None, provider: Provider | None = None, **fields: Any
) -> Provider:
    """Create (``provider=None``) or update a provider; the model's rules are checked first.

    An empty CQC provider ID is stored as none, so that many providers may lack one.
    """
    with transaction.atomic(), acting_as(actor):
        provider = provider or Provider()
        if "cqc_provider_id" in fields:
            fields["cqc_provider_id"] = _blank_to_none(fields["cqc_provider_id"])
        _set_fields(provider, fields, PROVIDER_FIELDS, "provider")
        provider.full_clean()
        provider.save()
        return provider


def save_service(
    *,
    actor: User | None,
    provider: Provider | None,
    service: Service | None = None,
    service_types: Iterable[ServiceType] | None = None,
    **fields: Any,
) -> Service:
    """Create (``service=None``) or update a provider's service and its service types.

    ``provider`` is None only for a service whose provider is not known (one imported from a
    CQC file without provider columns). A deregistered service keeps the date it was
    deregistered (today when none is given); a registered one has none. A provider with a
    registered service is active.
    """
    with transaction.atomic(), acting_as(actor):
        service = service or Service(provider=provider)
        service.provider = provider
        if "cqc_location_id" in fields:
            fields["cqc_location_id"] = _blank_to_none(fields["cqc_location_id"])
        _set_fields(service, fields, SERVICE_FIELDS, "service")
        if service.status == Service.Status.ACTIVE:
            service.deregistered_on = None
        elif service.deregistered_on is None:
            service.deregistered_on = timezone.localdate()
        service.full_clean()
        service.save()
        if service_types is not None:
            service.service_types.set(list(service_types))
        if provider and service.status == Service.Status.ACTIVE and not provider.is_active:
            provider.is_active = True
            provider.save(update_fields=["is_active", "updated_at"])
        return service


def set_tier_one(*, actor: User | None, providers: Iterable[Provider], tier_one: bool) -> int:
    """Mark ``providers`` as Tier One (or not). Returns how many changed; each is audited."""
    changed = 0
    with transaction.atomic(), acting_as(actor):
        for provider in providers:
            if provider.is_tier_one != tier_one:
                provider.is_tier_one = tier_one
                provider.save(update_fields=["is_tier_one", "updated_at"])
                changed += 1
    return changed


def assign_contract_manager(
    *, actor: User | None, providers: Iterable[Provider], officer: Officer | None
) -> int:
    """Make ``officer`` (or no one) the contract manager of ``providers``; each is audited.

    The officer's account must be open. Returns how many providers changed.
    """
    if officer is not None and not officer.user.is_active:
        raise ValidationError("A closed account cannot manage contracts.")
    changed = 0
    with transaction.atomic(), acting_as(actor):
        for provider in providers:
            if provider.contract_manager_id != (officer.pk if officer else None):
                provider.contract_manager = officer
                provider.save(update_fields=["contract_manager", "updated_at"])
                changed += 1
    return changed


# --------------------------------------------------------------------------------------------
# Contacts (personal data)
# --------------------------------------------------------------------------------------------


def save_contact(
    *,
    actor: User | None,
    provider: Provider,
    contact: Contact | None = None,
    services: Iterable[Service] | None = None,
    **fields: Any,
) -> Contact:
    """Create (``contact=None``) or update a person at a provider.

    Consent to email and unsubscribing are dated when they change: ``email_consent_at`` is
    when consent was last given or withdrawn, ``unsubscribed_at`` when they unsubscribed
    (cleared if they subscribe again). The services must be the provider's own. An erased
    contact cannot be edited.
    """
    with transaction.atomic(), acting_as(actor):
        if contact is not None and contact.erased_at is not None:
            raise ValidationError("This contact's personal data has been erased.")
        was_consenting = contact.email_consent if contact else False
        was_unsubscribed = contact.unsubscribed if contact else False
        contact = contact or Contact(provider=provider)
        contact.provider = provider
        _set_fields(contact, fields, CONTACT_FIELDS, "contact")
        if contact.email_consent and not contact.email:
            raise ValidationError({"email_consent": "Consent to email needs an email address."})
        now = timezone.now()
        if contact.pk is None:
            contact.email_consent_at = now if contact.email_consent else None
        elif contact.email_consent != was_consenting:
            contact.email_consent_at = now
        if contact.unsubscribed != was_unsubscribed:
            contact.unsubscribed_at = now if contact.unsubscribed else None
        contact.full_clean()
        contact.save()
        if services is not None:
            chosen = list(services)
            if any(s.provider_id != provider.pk for s in chosen):
                raise ValidationError(
                    {"services": "A contact can only work at their provider's services."}
                )
            contact.services.set(chosen)
        return contact


def unsubscribe_contact(*, actor: User | None, contact: Contact) -> Contact:
    """Record that ``contact`` asked for no more emails (dated); safe to repeat."""
    with transaction.atomic(), acting_as(actor):
        if not contact.unsubscribed:
            contact.unsubscribed = True
            contact.unsubscribed_at = timezone.now()
            contact.save(update_fields=["unsubscribed", "unsubscribed_at", "updated_at"])
        return contact


def erase_contact(*, actor: User | None, contact: Contact) -> Contact:
    """Erase a person's personal data, keeping the fact that a contact existed.

    First every app that holds their data erases its part (`personal_data.HOLDERS`: the
    names and addresses on their enquiries and invitations, the emails sent to them, their
    calendar feed). Then the contact is renamed "Erased contact", their email, phone and job
    title are cleared, they are marked as left and not to be emailed, and ``erased_at`` is
    set. Their sign-in, if any, is unlinked, closed and anonymised. Their values are scrubbed
    from the audit trail (the entries about the contact and their sign-in), so nothing there
    names them. The erasure itself stays in the audit trail, without the values. All of it is
    one transaction.
    """
    with transaction.atomic(), acting_as(actor):
        if contact.erased_at is not None:
            return contact
        user = contact.user
        for holder in HOLDERS:
            if holder.erase is not None:
                holder.erase(contact, user)
        contact.name = ERASED_NAME
        contact.email = ""
        contact.phone = ""
        contact.job_title = ""
        contact.user = None
        contact.email_consent = False
        contact.is_active = False
        contact.erased_at = timezone.now()
        contact.save()
        scrub_audit_entries(
            LogEntry.objects.get_for_object(contact), CONTACT_PERSONAL_FIELDS, ERASED_NAME
        )
        if user is not None:
            user.is_active = False
            user.full_name = "Erased user"
            user.email = f"erased-user-{user.pk}@erased.invalid"
            user.set_unusable_password()
            user.save()
            scrub_audit_entries(
                LogEntry.objects.get_for_object(user), USER_PERSONAL_FIELDS, "Erased user"
            )
            LogEntry.objects.filter(actor_id=user.pk).exclude(actor_email="").update(actor_email="")
        return contact


def erase_long_left_contacts(*, now: datetime | None = None) -> int:
    """Erase each contact who left (not active) and whose record has not changed for
    CONTACT_RETENTION_DAYS (retention; by the system, in the audit trail). Each erasure is
    its own transaction, so one failure does not undo the others. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONTACT_RETENTION_DAYS)
    due = Contact.objects.filter(is_active=False, erased_at__isnull=True, updated_at__lt=cutoff)
    erased = 0
    for contact in due.select_related("user").order_by("pk").iterator():
        erase_contact(actor=None, contact=contact)
        erased += 1
    return erased


# --------------------------------------------------------------------------------------------
# Associations
# --------------------------------------------------------------------------------------------


def save_association(
    *, actor: User | None, association: Association | None = None, **fields: Any
) -> Association:
    """Create (``association=None``) or update an association; names are unique."""
    with transaction.atomic(), acting_as(actor):
        association = association or Association()
        _set_fields(association, fields, ASSOCIATION_FIELDS, "association")
        association.full_clean()
        association.save()
        return association


def add_membership(
    *,
    actor: User | None,
    association: Association,
    provider: Provider,
    start: date,
    end: date | None = None,
    note: str = "",
) -> AssociationMembership:
    """A provider joins an association on ``start``.

    The association must not have been merged into another, and the new membership must not
    overlap one the provider already has of the same association.
    """
    if not association.is_active:
        raise ValidationError(
            "This association no longer exists on its own; add members to the one it became."
        )
    with transaction.atomic(), acting_as(actor):
        membership = AssociationMembership(
            association=association, provider=provider, start=start, end=end, note=note
        )
        membership.full_clean()
        membership.save()
        return membership


def end_membership(
    *, actor: User | None, membership: AssociationMembership, end: date
) -> AssociationMembership:
    """The provider leaves the association on ``end`` (the last day it is a member)."""
    if end < membership.start:
        raise ValidationError({"end": "A membership cannot end before it starts."})
    with transaction.atomic(), acting_as(actor):
        membership.end = end
        membership.full_clean()
        membership.save(update_fields=["end"])
        return membership


def merge_associations(
    *,
    actor: User | None,
    associations: Sequence[Association],
    name: str,
    short_name: str,
    kind: str,
    merged_on: date,
) -> Association:
    """Merge two or more associations into a new one, keeping every membership's history.

    Guarantees: a new association is created; each membership of the merged ones that runs on
    ``merged_on`` ends that day, and each of their providers gets one membership of the new
    association from ``merged_on`` (one per provider, even if it was in several); memberships
    that had already ended are untouched; the merged associations are marked inactive,
    merged into the new one on ``merged_on``. Refused if fewer than two distinct, unmerged
    associations are given, if the date is in the future, or if a membership of theirs starts
    after it.
    """
    distinct = {a.pk: a for a in associations}
    if len(distinct) < 2:
        raise ValidationError("Choose at least two associations to merge.")
    if any(not a.is_active or a.merged_into_id for a in distinct.values()):
        raise ValidationError("An association that has already been merged cannot be merged again.")
    if merged_on > timezone.localdate():
        raise ValidationError({"merged_on": "The date of the merger cannot be in the future."})
    memberships = AssociationMembership.objects.filter(association__in=list(distinct)).filter(
        Q(end__isnull=True) | Q(end__gte=merged_on)
    )
    if memberships.filter(start__gt=merged_on).exists():
        raise ValidationError(
            {
                "merged_on": "Some memberships start after this date; the merger must come after them."
            }
        )
    ordered = sorted(distinct.values(), key=lambda a: a.name)
    with transaction.atomic(), acting_as(actor):
        merged = Association(
            name=name,
            short_name=short_name,
            kind=kind,
            description=(
                f"Formed on {merged_on.day} {merged_on:%B %Y} by merging "
                + " and ".join(a.name for a in ordered)
                + "."
            ),
        )
        merged.full_clean()
        merged.save()
        carried: dict[int, list[str]] = {}
        for membership in memberships.select_related("association").order_by("provider_id", "pk"):
            membership.end = merged_on
            membership.save(update_fields=["end"])
            carried.setdefault(membership.provider_id, []).append(
                membership.association.short_name or membership.association.name
            )
        for provider_id, previous in carried.items():
            AssociationMembership.objects.create(
                association=merged,
                provider_id=provider_id,
                start=merged_on,
                note=f"Carried over from {' and '.join(sorted(set(previous)))}",
            )
        for association in ordered:
            association.merged_into = merged
            association.merged_on = merged_on
            association.is_active = False
            association.save(update_fields=["merged_into", "merged_on", "is_active"])
        return merged
