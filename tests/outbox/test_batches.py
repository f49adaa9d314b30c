"""Many emails at once: written in one go, delivered in batches over one connection each,
each claimed atomically so none is sent twice and a failed one is retried."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engage.outbox import services
from engage.outbox.models import OutgoingEmail
from engage.outbox.services import NewEmail

pytestmark = pytest.mark.django_db


def _emails(count: int, prefix: str = "k") -> list[NewEmail]:
    return [
        NewEmail(
            to=[f"person{n}@example.org"],
            subject=f"Hello {n}",
            body_text="Body",
            idempotency_key=f"{prefix}:{n}",
        )
        for n in range(count)
    ]


def test_many_emails_are_written_in_a_few_queries_not_one_per_email() -> None:
    with CaptureQueriesContext(connection) as many:
        services.queue_emails(_emails(300))
    # One read of the keys, the inserts of as many rows as the database takes at once (SQLite:
    # about 70 of these), and a savepoint: no query per email.
    inserts = [q for q in many.captured_queries if q["sql"].startswith("INSERT")]
    assert len(many.captured_queries) <= len(inserts) + 3
    assert len(inserts) <= 5
    assert OutgoingEmail.objects.count() == 300


def test_keys_already_queued_or_repeated_are_skipped() -> None:
    services.queue_email(to=["a@example.org"], subject="S", body_text="x", idempotency_key="k:0")
    ids = services.queue_emails([*_emails(3), *_emails(3)])
    assert len(ids) == 2
    assert OutgoingEmail.objects.count() == 3


def test_an_email_needs_a_recipient() -> None:
    with pytest.raises(ValueError):
        services.queue_emails([NewEmail(to=[""], subject="S", body_text="x")])


def test_after_commit_they_go_out_in_batches_of_the_set_size(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OUTBOX_BATCH_SIZE = 2
    opened: list[int] = []
    real_open = EmailBackend.open

    def counting_open(self: Any) -> Any:
        opened.append(1)
        return real_open(self)

    with (
        mock.patch.object(EmailBackend, "open", counting_open),
        mock.patch("engage.outbox.tasks.deliver_emails.delay", wraps=None) as delay,
    ):
        from engage.outbox import tasks

        delay.side_effect = lambda ids: tasks.deliver_emails(ids)
        with django_capture_on_commit_callbacks(execute=True):
            services.queue_emails(_emails(5))
    assert [len(call.args[0]) for call in delay.call_args_list] == [2, 2, 1]
    assert len(opened) == 3  # one connection per batch
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.org" for n in range(5)]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_a_batch_delivered_twice_sends_each_email_once() -> None:
    ids = services.queue_emails(_emails(4))
    assert services.deliver_emails(ids) == 4
    assert services.deliver_emails(ids) == 0
    assert services.deliver_due_emails() == 0
    assert len(mail.outbox) == 4


def test_an_email_claimed_by_another_worker_is_left_to_it_until_its_claim_expires() -> None:
    ids = services.queue_emails(_emails(3))
    OutgoingEmail.objects.filter(pk=ids[0]).update(
        state=OutgoingEmail.State.SENDING, claimed_at=timezone.now()
    )
    assert services.deliver_emails(ids) == 2
    assert services.deliver_emails(ids) == 0
    OutgoingEmail.objects.filter(pk=ids[0]).update(
        claimed_at=timezone.now() - services.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert services.deliver_emails(ids) == 1
    assert len(mail.outbox) == 3


def test_one_failure_in_a_batch_is_kept_for_a_retry_and_the_others_go() -> None:
    ids = services.queue_emails(_emails(3))
    real_send = EmailBackend.send_messages

    def flaky(self: Any, messages: Any) -> int:
        if messages[0].to == ["person1@example.org"]:
            raise ConnectionResetError("dropped")
        return int(real_send(self, messages))

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        assert services.deliver_emails(ids) == 2
    failed = OutgoingEmail.objects.get(pk=ids[1])
    assert failed.state == OutgoingEmail.State.PENDING and failed.attempts == 1
    assert "dropped" in failed.last_error and failed.next_attempt_at > timezone.now()
    assert services.deliver_emails(ids) == 0  # not due yet
    OutgoingEmail.objects.filter(pk=ids[1]).update(next_attempt_at=timezone.now())
    assert services.deliver_due_emails() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.org" for n in range(3)]


def test_when_the_mail_server_cannot_be_reached_the_batch_waits_for_a_retry() -> None:
    ids = services.queue_emails(_emails(2))
    with mock.patch.object(EmailBackend, "open", side_effect=OSError("no route")):
        assert services.deliver_emails(ids) == 0
    assert set(OutgoingEmail.objects.values_list("state", "attempts")) == {("pending", 1)}
    assert mail.outbox == []
