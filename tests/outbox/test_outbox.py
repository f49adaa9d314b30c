"""Email is queued with the change that caused it, delivered once, and retried on failure."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from engage.outbox import services
from engage.outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_queued_email_is_delivered_after_commit(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(to=["a@example.org"], subject="Hello", body_text="Body")
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_same_idempotency_key_queues_once(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue_email(
            to=["a@example.org"], subject="Once", body_text="x", idempotency_key="k1"
        )
        second = services.queue_email(
            to=["a@example.org"], subject="Once", body_text="x", idempotency_key="k1"
        )
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once() -> None:
    email = services.queue_email(to=["a@example.org"], subject="S", body_text="x")
    assert services.deliver_email(email.pk) is True
    assert services.deliver_email(email.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_kept_and_retried_later() -> None:
    email = services.queue_email(to=["a@example.org"], subject="Retry me", body_text="x")
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        assert services.deliver_email(email.pk) is False
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.PENDING
    assert email.attempts == 1
    assert "smtp down" in email.last_error
    assert email.next_attempt_at > timezone.now()
    # Not due yet: the sweep leaves it.
    assert services.deliver_due_emails() == 0
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.deliver_due_emails() == 1
    assert [m.subject for m in mail.outbox] == ["Retry me"]


def test_gives_up_after_the_maximum_attempts_and_can_be_retried_by_hand(settings) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = services.queue_email(to=["a@example.org"], subject="S", body_text="x")
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down")
    ):
        services.deliver_email(email.pk)
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        services.deliver_email(email.pk)
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.FAILED
    services.retry_failed_email(email=email)
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.PENDING
    assert services.deliver_email(email.pk) is True


def test_an_email_claimed_by_a_dead_worker_is_picked_up_after_the_timeout() -> None:
    email = services.queue_email(to=["a@example.org"], subject="S", body_text="x")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.SENDING, claimed_at=timezone.now()
    )
    assert services.deliver_email(email.pk) is False  # someone is sending it
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - services.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert services.deliver_email(email.pk) is True


def test_attachments_go_out_with_their_type() -> None:
    email = services.queue_email(
        to=["a@example.org"],
        subject="Invite",
        body_text="x",
        attachments=[
            {
                "filename": "invite.ics",
                "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                "mimetype": "text/calendar; method=REQUEST",
            }
        ],
    )
    services.deliver_email(email.pk)
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0] == "invite.ics"
    assert attachment[2].startswith("text/calendar")


def test_an_email_needs_a_recipient() -> None:
    with pytest.raises(ValueError, match="recipient"):
        services.queue_email(to=["", ""], subject="S", body_text="x")
