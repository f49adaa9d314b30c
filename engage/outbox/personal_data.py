"""The emails Engage wrote to a provider contact (see ``market.personal_data``)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import Q, QuerySet

from engage.accounts.models import User
from engage.market.models import Contact
from engage.market.personal_data import ERASED_NAME, ERASED_VALUE, Holder, iso
from engage.outbox.models import OutgoingEmail


def _to(contact: Contact) -> tuple[str, QuerySet[OutgoingEmail]]:
    """Their address, lower-cased, and the emails that may be addressed to it (the text
    search is only a first sieve: `_addressed` checks each address)."""
    address = contact.email.strip().lower()
    if not address:
        return address, OutgoingEmail.objects.none()
    return address, OutgoingEmail.objects.filter(to__icontains=address)


def _addressed(email: OutgoingEmail, address: str) -> bool:
    return any(to.strip().lower() == address for to in email.to)


def export(contact: Contact) -> list[dict[str, Any]]:
    """Every email to their address still held: what it was about and whether it went."""
    address, candidates = _to(contact)
    return [
        {
            "subject": email.subject,
            "about": email.topic,
            "state": email.get_state_display(),
            "written_at": iso(email.created_at),
            "sent_at": iso(email.sent_at),
            "text": email.body_text,
        }
        for email in candidates.order_by("created_at", "pk")
        if _addressed(email, address)
    ]


def erase(contact: Contact, user: User | None) -> None:
    """The emails to them alone are deleted, sent or not (nothing more goes to an erased
    person); from an email to several people their address is removed. Any other email that
    names them or quotes their address (a notice to an officer, say) has both replaced."""
    address, candidates = _to(contact)
    for email in candidates:
        if not _addressed(email, address):
            continue
        others = [to for to in email.to if to.strip().lower() != address]
        if others:
            email.to = others
            email.save(update_fields=["to"])
        else:
            email.delete()
    mentions = Q()
    for needle in filter(None, (contact.name, address)):
        for field in ("subject", "body_text", "body_html", "attachments", "headers"):
            mentions |= Q(**{f"{field}__icontains": needle})
    if not mentions:
        return
    for email in OutgoingEmail.objects.filter(mentions):
        for field in ("subject", "body_text", "body_html"):
            setattr(email, field, _redacted(getattr(email, field), contact.name, address))
        email.attachments = json.loads(
            _redacted(json.dumps(email.attachments, ensure_ascii=False), contact.name, address)
        )
        email.headers = json.loads(
            _redacted(json.dumps(email.headers, ensure_ascii=False), contact.name, address)
        )
        email.save(update_fields=["subject", "body_text", "body_html", "attachments", "headers"])


def _redacted(text: str, name: str, address: str) -> str:
    if name:
        text = re.sub(re.escape(name), ERASED_NAME, text, flags=re.IGNORECASE)
    if address:
        text = re.sub(re.escape(address), ERASED_VALUE, text, flags=re.IGNORECASE)
    return text


HOLDER = Holder(section="emails", export=export, erase=erase)
