"""Retention of the outbox: old sent and failed emails lose their words and addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engage.outbox import services
from engage.outbox.models import OutgoingEmail
from engage.outbox.services import queue_email

pytestmark = pytest.mark.django_db

State = OutgoingEmail.State


def _email(days_old: int, state: str, key: str | None) -> OutgoingEmail:
    email = queue_email(
        to=["ama@alpha.example"],
        subject="Hello Ama",
        body_text="Hello Ama Alpha",
        idempotency_key=key,
        headers={"List-Unsubscribe": "<https://x.example/u/>"},
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=state, created_at=timezone.now() - timedelta(days=days_old)
    )
    return email


def test_old_sent_and_failed_emails_are_emptied_or_deleted(settings) -> None:
    settings.OUTBOX_KEEP_DAYS = 365
    keyed = _email(400, State.SENT, "evaluation:1:invite")
    unkeyed = _email(400, State.FAILED, None)
    recent = _email(30, State.SENT, "evaluation:2:invite")
    waiting = _email(400, State.PENDING, "evaluation:3:invite")
    assert services.delete_old_emails() == 2
    keyed.refresh_from_db()
    assert (keyed.to, keyed.subject, keyed.body_text, keyed.headers) == ([], "", "", {})
    assert keyed.idempotency_key == "evaluation:1:invite" and keyed.state == State.SENT
    assert not OutgoingEmail.objects.filter(pk=unkeyed.pk).exists()
    for kept in (recent, waiting):
        kept.refresh_from_db()
        assert kept.body_text == "Hello Ama Alpha"
    assert services.delete_old_emails() == 0  # nothing left to do


def test_an_emptied_email_still_stops_the_same_email_being_queued_again(settings) -> None:
    settings.OUTBOX_KEEP_DAYS = 365
    _email(400, State.SENT, "meeting-notes:7:contact:3")
    services.delete_old_emails()
    again = queue_email(
        to=["ama@alpha.example"],
        subject="Notes",
        body_text="Hello Ama",
        idempotency_key="meeting-notes:7:contact:3",
    )
    assert again.to == [] and OutgoingEmail.objects.count() == 1


def test_every_scheduled_job_names_a_registered_task(settings) -> None:
    from engage.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "engage.outbox.tasks.delete_old_emails",
        "engage.market.tasks.erase_long_left_contacts",
    } <= scheduled
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
