"""The emails of the enquiries app, all queued through the outbox with an idempotency key.

- the acknowledgement to the provider (reference, named owner, target dates);
- an officer's reply to the provider (the reply and a link to the portal thread);
- the resolution notice to the provider;
- to officers: a new enquiry or a provider's message for them, and reminders.

Each key names what the email is about, so a retried request or task never sends it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat

from engage.enquiries.models import Enquiry, EnquiryMessage
from engage.outbox.models import OutgoingEmail
from engage.outbox.services import queue_email


def long_date(day: date) -> str:
    """ "Tuesday 29 December 2026"."""
    return dateformat.format(day, "l j F Y")


def portal_url(enquiry: Enquiry) -> str:
    return settings.SITE_URL + reverse("portal:enquiry_detail", args=[enquiry.pk])


def officer_url(enquiry: Enquiry) -> str:
    return settings.SITE_URL + reverse("enquiries:detail", args=[enquiry.pk])


def owner_line(enquiry: Enquiry) -> str:
    """The named owner with a way to reach them, as the provider reads it."""
    if enquiry.owner is not None:
        officer = enquiry.owner
        title = f", {officer.job_title}" if officer.job_title else ""
        return f"{officer.user.full_name}{title} ({officer.team.name}), {officer.user.email}"
    team = enquiry.team
    mailbox = f", {team.email}" if team.email else ""
    return f"the {team.name} team{mailbox}"


def topic_of_reference(reference: str) -> str:
    """The outbox topic of the emails about the enquiry ``reference``."""
    return f"enquiry:{reference}"


def _topic(enquiry: Enquiry) -> str:
    return topic_of_reference(enquiry.reference)


def _context(enquiry: Enquiry, **extra: object) -> dict[str, object]:
    return {
        "enquiry": enquiry,
        "council_name": settings.COUNCIL_NAME,
        "portal_url": portal_url(enquiry),
        "officer_url": officer_url(enquiry),
        **extra,
    }


def officer_recipients(enquiry: Enquiry) -> list[str]:
    """The owner's address; for a team queue the team mailbox, else its active officers."""
    if enquiry.owner is not None and enquiry.owner.user.is_active:
        return [enquiry.owner.user.email]
    if enquiry.team.email:
        return [enquiry.team.email]
    return sorted(
        enquiry.team.officers.filter(user__is_active=True).values_list("user__email", flat=True)
    )


def _greeting(enquiry: Enquiry) -> str:
    if enquiry.owner is not None:
        return f"Hello {enquiry.owner.user.get_short_name()}"
    return f"Hello {enquiry.team.name} team"


def send_acknowledgement(enquiry: Enquiry) -> OutgoingEmail | None:
    """The provider's receipt: reference, who is dealing with it, the target dates."""
    if not enquiry.contact_email:
        return None
    body = render_to_string(
        "enquiries/emails/acknowledgement.txt",
        _context(
            enquiry,
            owner_line=owner_line(enquiry),
            safeguarding_route=settings.SAFEGUARDING_URGENT_ROUTE,
        ),
    )
    return queue_email(
        to=[enquiry.contact_email],
        subject=f"[{enquiry.reference}] We have received your enquiry: {enquiry.subject}",
        body_text=body,
        idempotency_key=f"enquiry-ack:{enquiry.pk}",
        topic=_topic(enquiry),
    )


def send_reply(
    enquiry: Enquiry, message: EnquiryMessage, *, attachment_names: Sequence[str], status_line: str
) -> OutgoingEmail | None:
    """An officer's reply, to the provider contact who raised the enquiry."""
    if not enquiry.contact_email:
        return None
    body = render_to_string(
        "enquiries/emails/reply.txt",
        _context(
            enquiry,
            message=message,
            attachment_names=list(attachment_names),
            status_line=status_line,
        ),
    )
    return queue_email(
        to=[enquiry.contact_email],
        subject=f"[{enquiry.reference}] Reply to your enquiry: {enquiry.subject}",
        body_text=body,
        idempotency_key=f"enquiry-reply:{message.pk}",
        topic=_topic(enquiry),
    )


def send_resolved(
    enquiry: Enquiry, *, event_id: int, actor_name: str, note: str
) -> OutgoingEmail | None:
    """Tell the provider their enquiry was resolved, and how to reopen it."""
    if not enquiry.contact_email:
        return None
    body = render_to_string(
        "enquiries/emails/resolved.txt", _context(enquiry, actor_name=actor_name, note=note)
    )
    return queue_email(
        to=[enquiry.contact_email],
        subject=f"[{enquiry.reference}] Your enquiry has been resolved: {enquiry.subject}",
        body_text=body,
        idempotency_key=f"enquiry-resolved:{event_id}",
        topic=_topic(enquiry),
    )


def send_to_officers(
    enquiry: Enquiry, *, key: str, headline: str, message_body: str = ""
) -> OutgoingEmail | None:
    """Tell the owner (or the team) about a new enquiry, a reassignment or a provider message."""
    recipients = officer_recipients(enquiry)
    if not recipients:
        return None
    body = render_to_string(
        "enquiries/emails/new_for_officer.txt",
        _context(
            enquiry, greeting=_greeting(enquiry), headline=headline, message_body=message_body
        ),
    )
    return queue_email(
        to=recipients,
        subject=f"[{enquiry.reference}] {headline}",
        body_text=body,
        idempotency_key=key,
        topic=_topic(enquiry),
    )


def send_reminder(enquiry: Enquiry, *, kind: str, day: date) -> OutgoingEmail | None:
    """A due-soon or overdue reminder; at most one per enquiry, kind and day."""
    recipients = officer_recipients(enquiry)
    if not recipients:
        return None
    lines = []
    if enquiry.first_response_at is None:
        lines.append(f"First reply due by: {long_date(enquiry.first_response_due)}")
    if enquiry.status != "waiting":
        lines.append(f"Resolution due by: {long_date(enquiry.resolve_due)}")
    body = render_to_string(
        "enquiries/emails/reminder.txt",
        _context(enquiry, greeting=_greeting(enquiry), kind=kind, target_lines=lines),
    )
    label = "Overdue" if kind == "overdue" else "Due soon"
    return queue_email(
        to=recipients,
        subject=f"[{enquiry.reference}] {label}: {enquiry.subject}",
        body_text=body,
        idempotency_key=f"enquiry-reminder:{enquiry.pk}:{kind}:{day.isoformat()}",
        topic=_topic(enquiry),
    )
