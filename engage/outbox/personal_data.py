"""The emails Engage wrote to a provider contact (see ``market.personal_data``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from engage.accounts.models import User
from engage.market.models import Contact
from engage.market.personal_data import Holder, Identity, identity_of, iso, without_identity
from engage.outbox.models import OutgoingEmail


def _to(who: Identity) -> QuerySet[OutgoingEmail]:
    """The emails that may be addressed to one of their addresses (a text search, only a
    first sieve: `_addressed` checks each address)."""
    if not who.addresses:
        return OutgoingEmail.objects.none()
    sieve = Q()
    for address in who.addresses:
        sieve |= Q(to__icontains=address)
    return OutgoingEmail.objects.filter(sieve)


def _addressed(email: OutgoingEmail, who: Identity) -> bool:
    return any(to.strip().lower() in who.addresses for to in email.to)


def export(contact: Contact) -> list[dict[str, Any]]:
    """Every email to one of their addresses still held: what it was about, whether it went."""
    who = identity_of(contact, contact.user)
    return [
        {
            "subject": email.subject,
            "about": email.topic,
            "state": email.get_state_display(),
            "written_at": iso(email.created_at),
            "sent_at": iso(email.sent_at),
            "text": email.body_text,
        }
        for email in _to(who).order_by("created_at", "pk")
        if _addressed(email, who)
    ]


def erase(contact: Contact, user: User | None) -> None:
    """The emails to them alone are deleted, sent or not (nothing more goes to an erased
    person); from an email to several people their addresses are removed."""
    who = identity_of(contact, user)
    for email in _to(who):
        if not _addressed(email, who):
            continue
        others = [to for to in email.to if to.strip().lower() not in who.addresses]
        if others:
            email.to = others
            email.save(update_fields=["to"])
        else:
            email.delete()


def redact_emails_about(topics: Iterable[str], who: Identity) -> None:
    """In the emails about ``topics`` (e.g. the notices to officers about their enquiries),
    replace their names (whole words) and addresses in the subject and the text. Other
    people's emails, their headers and links, are left alone."""
    for email in OutgoingEmail.objects.filter(topic__in=list(topics)):
        changed = {
            field: without_identity(getattr(email, field), who)
            for field in ("subject", "body_text", "body_html")
        }
        if any(getattr(email, f) != v for f, v in changed.items()):
            for field, value in changed.items():
                setattr(email, field, value)
            email.save(update_fields=list(changed))


HOLDER = Holder(section="emails", export=export, erase=erase)
