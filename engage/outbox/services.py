"""Queue and deliver email without losing it and without sending it twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from engage.outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)

#: A claimed email not finished after this long is assumed abandoned by a dead worker.
CLAIM_TIMEOUT = timedelta(minutes=10)


class Attachment(TypedDict):
    filename: str
    content: str
    mimetype: str


def queue_email(
    *,
    to: Sequence[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Sequence[Attachment] = (),
    reply_to: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    topic: str = "",
) -> OutgoingEmail:
    """Write an email to the outbox and deliver it once the current transaction commits.

    With an ``idempotency_key`` already used, the existing email is returned and nothing new
    is queued, so a retried request never emails twice.
    """
    recipients = [address for address in to if address]
    if not recipients:
        raise ValueError("An email needs at least one recipient")
    if idempotency_key:
        existing = OutgoingEmail.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                idempotency_key=idempotency_key,
                to=recipients,
                reply_to=list(reply_to),
                subject=subject[:300],
                body_text=body_text,
                body_html=body_html,
                attachments=list(attachments),
                headers=headers or {},
                topic=topic,
            )
    except IntegrityError:
        # Someone else queued the same key between our read and our write.
        return OutgoingEmail.objects.get(idempotency_key=idempotency_key)
    from engage.outbox.tasks import deliver_email

    email_id = email.pk
    transaction.on_commit(lambda: _enqueue(deliver_email, email_id))
    return email


def _enqueue(task: object, email_id: int) -> None:
    try:
        task.delay(email_id)  # type: ignore[attr-defined]
    except Exception:
        # The broker is down: the email stays pending and the periodic sweep delivers it.
        logger.exception("Could not queue delivery of email %s; it stays pending", email_id)


def _claim(email_id: int) -> bool:
    """Atomically take a due email for sending; True only for the one caller that got it."""
    now = timezone.now()
    claimable = Q(state=OutgoingEmail.State.PENDING, next_attempt_at__lte=now) | Q(
        state=OutgoingEmail.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    updated = OutgoingEmail.objects.filter(claimable, pk=email_id).update(
        state=OutgoingEmail.State.SENDING, claimed_at=now
    )
    return updated == 1


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60 * 6))


def deliver_email(email_id: int) -> bool:
    """Send one due email. Returns True if this call sent it.

    Only the caller that claims the row sends it; a failure puts it back as pending with the
    error and a later retry time, or marks it failed after OUTBOX_MAX_ATTEMPTS.
    """
    if not _claim(email_id):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    attempts = email.attempts + 1
    try:
        get_connection(fail_silently=False).send_messages([message])
    except Exception as error:
        gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email_id).update(
            state=OutgoingEmail.State.FAILED if gave_up else OutgoingEmail.State.PENDING,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=timezone.now() + _backoff(attempts),
            claimed_at=None,
        )
        logger.warning("Email %s not sent (attempt %s): %s", email_id, attempts, error)
        return False
    OutgoingEmail.objects.filter(pk=email_id).update(
        state=OutgoingEmail.State.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        last_error="",
        claimed_at=None,
    )
    return True


def due_email_ids(limit: int = 500) -> list[int]:
    """Emails waiting whose retry time has come (or whose sender died), oldest first."""
    now = timezone.now()
    due = Q(state=OutgoingEmail.State.PENDING, next_attempt_at__lte=now) | Q(
        state=OutgoingEmail.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return list(
        OutgoingEmail.objects.filter(due)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due_emails() -> int:
    """Try every due email once; returns how many were sent."""
    return sum(1 for email_id in due_email_ids() if deliver_email(email_id))


def retry_failed_email(*, email: OutgoingEmail) -> None:
    """Put an email that was given up on back in the queue (a person asked for it)."""
    OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.FAILED).update(
        state=OutgoingEmail.State.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    from engage.outbox.tasks import deliver_email as deliver_task

    email_id = email.pk
    transaction.on_commit(lambda: _enqueue(deliver_task, email_id))
