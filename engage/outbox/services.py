"""Queue and deliver email without losing it and without sending it twice.

One email (``queue_email``) is delivered by its own task; many at once (``queue_emails``, e.g.
an activity's hundreds of invitations) are written in one insert and delivered in batches of
``OUTBOX_BATCH_SIZE``, one task and one mail connection per batch (``deliver_emails``). Either
way a row is sent only by the caller that claimed it with an atomic update, and a failed send
goes back to pending with its error, to be retried by the periodic sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from engage.core.background import later
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


@dataclass(frozen=True)
class NewEmail:
    """One email for ``queue_emails`` (the arguments of ``queue_email``)."""

    to: Sequence[str]
    subject: str
    body_text: str
    body_html: str = ""
    attachments: Sequence[Attachment] = ()
    reply_to: Sequence[str] = ()
    headers: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    topic: str = ""

    def row(self) -> OutgoingEmail:
        recipients = [address for address in self.to if address]
        if not recipients:
            raise ValueError("An email needs at least one recipient")
        return OutgoingEmail(
            idempotency_key=self.idempotency_key,
            to=recipients,
            reply_to=list(self.reply_to),
            subject=self.subject[:300],
            body_text=self.body_text,
            body_html=self.body_html,
            attachments=list(self.attachments),
            headers=dict(self.headers),
            topic=self.topic,
        )


#: Rows per INSERT, and ids per ``IN (...)``: well within every database's parameter limit.
_CHUNK = 500


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def queue_emails(emails: Sequence[NewEmail]) -> list[int]:
    """Write many emails to the outbox at once; once the current transaction commits, deliver
    them in batches (``deliver_emails``, one task per ``OUTBOX_BATCH_SIZE`` emails).

    An email whose ``idempotency_key`` is already in the outbox, or earlier in ``emails``, is
    skipped, so a retried caller never emails twice. Returns the ids of the emails written.
    """
    rows: list[OutgoingEmail] = []
    keys = [e.idempotency_key for e in emails if e.idempotency_key]
    used: set[str] = set()
    for chunk in _chunks(keys, _CHUNK):
        used.update(
            key
            for key in OutgoingEmail.objects.filter(idempotency_key__in=chunk).values_list(
                "idempotency_key", flat=True
            )
            if key
        )
    for email in emails:
        if email.idempotency_key:
            if email.idempotency_key in used:
                continue
            used.add(email.idempotency_key)
        rows.append(email.row())
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = OutgoingEmail.objects.bulk_create(rows, batch_size=_CHUNK)
        ids = [row.pk for row in created]
    except IntegrityError:
        # Another request queued one of these keys between our read and our write: write them
        # one by one, skipping those that now exist.
        ids = []
        for row in rows:
            row.pk = None
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            ids.append(row.pk)
    transaction.on_commit(lambda: enqueue_batches(ids))
    return ids


def enqueue_batches(email_ids: Sequence[int]) -> None:
    """Queue one delivery task per ``OUTBOX_BATCH_SIZE`` emails (without a broker: in the
    background thread, ``engage.core.background``)."""
    from engage.outbox.tasks import deliver_emails as deliver_batch

    for batch in _chunks(list(email_ids), settings.OUTBOX_BATCH_SIZE):
        try:
            later(deliver_batch, list(batch))
        except Exception:
            # The broker is down: the emails stay pending and the periodic sweep delivers them.
            logger.exception("Could not queue delivery of %s emails; they stay pending", len(batch))


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


def _claim_many(email_ids: Sequence[int]) -> list[int]:
    """Atomically take the due emails among ``email_ids`` for sending; returns those this call
    got (one ``UPDATE ... RETURNING``, so two callers never get the same row)."""
    ids = sorted(set(email_ids))
    if not ids:
        return []
    connection = connections[OutgoingEmail.objects.db]
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    now = timezone.now()
    table = quote(OutgoingEmail._meta.db_table)
    state, claimed_at = quote("state"), quote("claimed_at")
    # Only column names (quoted) and placeholders are formatted in; values are parameters.
    sql = (
        f"UPDATE {table} SET {state} = %s, {claimed_at} = %s "  # noqa: S608
        f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(ids))}) "
        f"AND (({state} = %s AND {quote('next_attempt_at')} <= %s) "
        f"OR ({state} = %s AND {claimed_at} < %s)) "
        f"RETURNING {quote('id')}"
    )
    params = [
        OutgoingEmail.State.SENDING.value,
        adapt(now),
        *ids,
        OutgoingEmail.State.PENDING.value,
        adapt(now),
        OutgoingEmail.State.SENDING.value,
        adapt(now - CLAIM_TIMEOUT),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(int(row[0]) for row in cursor.fetchall())


def _message(email: OutgoingEmail, connection: Any = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _record_sent(email: OutgoingEmail) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.SENT,
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        last_error="",
        claimed_at=None,
    )


def _record_failure(email: OutgoingEmail, error: Exception) -> None:
    attempts = email.attempts + 1
    gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.FAILED if gave_up else OutgoingEmail.State.PENDING,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + _backoff(attempts),
        claimed_at=None,
    )
    logger.warning("Email %s not sent (attempt %s): %s", email.pk, attempts, error)


def deliver_email(email_id: int) -> bool:
    """Send one due email. Returns True if this call sent it.

    Only the caller that claims the row sends it; a failure puts it back as pending with the
    error and a later retry time, or marks it failed after OUTBOX_MAX_ATTEMPTS.
    """
    if not _claim(email_id):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        get_connection(fail_silently=False).send_messages([_message(email)])
    except Exception as error:
        _record_failure(email, error)
        return False
    _record_sent(email)
    return True


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:
        logger.warning("Could not close the mail connection cleanly", exc_info=True)


def deliver_emails(email_ids: Sequence[int]) -> int:
    """Send the due emails among ``email_ids`` over one mail connection; returns how many this
    call sent.

    The emails are claimed in one atomic update, so a second call, a retried task or the sweep
    running at the same time sends none of them again. Each is marked sent as soon as it has
    gone; one that fails goes back to pending with its error and a later retry time (failed
    after OUTBOX_MAX_ATTEMPTS), and the connection is reopened for the next.
    """
    claimed = _claim_many(email_ids)
    if not claimed:
        return 0
    emails = list(OutgoingEmail.objects.filter(pk__in=claimed).order_by("pk"))
    connection = get_connection(fail_silently=False)
    sent = 0
    try:
        connection.open()
    except Exception as error:
        for email in emails:
            _record_failure(email, error)
        return 0
    try:
        for email in emails:
            try:
                connection.send_messages([_message(email, connection)])
            except Exception as error:
                _record_failure(email, error)
                _close_quietly(connection)
                try:
                    connection.open()
                except Exception:
                    logger.warning("Could not reopen the mail connection", exc_info=True)
                continue
            _record_sent(email)
            sent += 1
    finally:
        _close_quietly(connection)
    return sent


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
    """Try every due email once, in batches; returns how many were sent."""
    return sum(
        deliver_emails(batch) for batch in _chunks(due_email_ids(), settings.OUTBOX_BATCH_SIZE)
    )


def retry_failed_email(*, email: OutgoingEmail) -> None:
    """Put an email that was given up on back in the queue (a person asked for it)."""
    OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.FAILED).update(
        state=OutgoingEmail.State.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    from engage.outbox.tasks import deliver_email as deliver_task

    email_id = email.pk
    transaction.on_commit(lambda: _enqueue(deliver_task, email_id))


def delete_old_emails(*, now: datetime | None = None) -> int:
    """Retention: the sent and failed emails written more than OUTBOX_KEEP_DAYS ago lose
    their addresses and words. A row with an idempotency key keeps only the key, its state
    and its dates, so that a late retry still never sends it twice; the others are deleted.
    Emails still waiting or being sent stay. Returns how many were emptied or deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    old = OutgoingEmail.objects.filter(
        state__in=[OutgoingEmail.State.SENT, OutgoingEmail.State.FAILED], created_at__lt=cutoff
    )
    with transaction.atomic():
        emptied = (
            old.exclude(idempotency_key=None)
            .exclude(to=[])
            .update(
                to=[],
                reply_to=[],
                subject="",
                body_text="",
                body_html="",
                attachments=[],
                headers={},
                last_error="",
            )
        )
        deleted, _ = old.filter(idempotency_key=None).delete()
    return emptied + deleted
