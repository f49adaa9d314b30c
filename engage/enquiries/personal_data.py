"""A provider contact's enquiries: those they raised or sent from their sign-in, and what
they wrote on them (see ``market.personal_data``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from engage.accounts.models import User
from engage.enquiries.emails import topic_of_reference
from engage.enquiries.models import Enquiry, EnquiryMessage
from engage.market.models import Contact
from engage.market.personal_data import (
    ERASED_NAME,
    Holder,
    Identity,
    identity_of,
    iso,
    scrub_audit_of,
)
from engage.outbox.personal_data import redact_emails_about


def _enquiries(contact: Contact) -> QuerySet[Enquiry]:
    mine = Q(contact=contact)
    if contact.user_id:
        mine |= Q(submitted_by_id=contact.user_id)
    return Enquiry.objects.filter(mine)


def _their_messages(contact: Contact, who: Identity) -> QuerySet[EnquiryMessage]:
    """The messages from the provider that they wrote: under their sign-in, or logged for
    them on their enquiry under one of their names."""
    theirs = Q(enquiry__in=_enquiries(contact), author_name__in=who.names)
    if contact.user_id:
        theirs |= Q(author_id=contact.user_id)
    return EnquiryMessage.objects.filter(theirs, kind=EnquiryMessage.Kind.PROVIDER)


def export(contact: Contact) -> list[dict[str, Any]]:
    """Each enquiry with the messages between them and the council. Officers' internal notes
    are counted, not copied: whoever answers the request reads them before disclosing."""
    enquiries = (
        _enquiries(contact)
        .select_related("provider", "category")
        .annotate(notes=Count("messages", filter=Q(messages__kind=EnquiryMessage.Kind.NOTE)))
        .order_by("received_at", "pk")
    )
    shared = EnquiryMessage.objects.filter(enquiry__in=_enquiries(contact)).exclude(
        kind=EnquiryMessage.Kind.NOTE
    )
    thread: dict[int, list[dict[str, Any]]] = {}
    for message in shared.order_by("created_at", "pk"):
        thread.setdefault(message.enquiry_id, []).append(
            {
                "kind": message.get_kind_display(),
                "by": message.author_name,
                "at": iso(message.created_at),
                "text": message.body,
            }
        )
    return [
        {
            "reference": e.reference,
            "provider": e.provider.name,
            "category": e.category.name,
            "subject": e.subject,
            "status": e.get_status_display(),
            "received_at": iso(e.received_at),
            "name_given": e.contact_name,
            "email_given": e.contact_email,
            "messages": thread.get(e.pk, []),
            "internal_notes_held": e.notes,
        }
        for e in enquiries
    ]


def erase(contact: Contact, user: User | None) -> None:
    """Their names and addresses leave their enquiries and messages, the audit trail of both,
    and the emails about those enquiries (to officers, say). What was asked and answered
    stays: it is the council's record of its work."""
    who = identity_of(contact, user)
    messages = _their_messages(contact, who)
    message_pks = list(messages.values_list("pk", flat=True))
    raised = _enquiries(contact)
    rows = list(raised.values_list("pk", "reference"))
    enquiry_pks, references = [pk for pk, _ in rows], [ref for _, ref in rows]
    messages.update(author_name=ERASED_NAME)
    raised.update(contact_name=ERASED_NAME, contact_email="")
    scrub_audit_of(Enquiry, enquiry_pks, ("contact_name", "contact_email"), identity=who)
    scrub_audit_of(EnquiryMessage, message_pks, ("author_name",), identity=who)
    redact_emails_about([topic_of_reference(r) for r in references], who)


HOLDER = Holder(section="enquiries", export=export, erase=erase)
