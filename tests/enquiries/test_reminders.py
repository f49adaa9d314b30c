"""Reminders to officers: due soon or overdue, in working hours only, once a day per kind."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from engage.enquiries import services
from engage.enquiries.models import Status
from engage.enquiries.tasks import send_enquiry_reminders
from engage.outbox.models import OutgoingEmail
from tests.enquiries.factories import london, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(provider_a: Any, categories: Any, officer: Any) -> Any:
    """An enquiry owned by the officer, first reply due Wednesday 13 January 2027."""
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])
        services.reassign_enquiry(actor=officer, enquiry=enquiry, owner=officer.officer)
    return enquiry


def _reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(idempotency_key__startswith="enquiry-reminder:"))


@pytest.mark.parametrize(
    "moment",
    [
        london(2027, 1, 16, 11),  # Saturday
        london(2027, 1, 14, 8, 59),  # before working hours
        london(2027, 1, 14, 17, 0),  # after working hours
        london(2027, 3, 26, 11),  # Good Friday
    ],
)
def test_no_reminders_outside_working_hours(overdue: Any, moment: Any) -> None:
    with time_machine.travel(moment, tick=False):
        assert services.send_due_reminders() == 0
    assert _reminders() == []


def test_an_overdue_enquiry_is_reminded_once_a_day(
    overdue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for moment, expected in (
        (london(2027, 1, 14, 9, 30), 1),
        (london(2027, 1, 14, 15, 0), 0),
        (london(2027, 1, 15, 9, 30), 1),
    ):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert services.send_due_reminders() == expected
    keys = sorted(e.idempotency_key for e in _reminders())
    assert keys == [
        f"enquiry-reminder:{overdue.pk}:overdue:2027-01-14",
        f"enquiry-reminder:{overdue.pk}:overdue:2027-01-15",
    ]
    assert [m.to for m in mail.outbox if "Overdue" in m.subject] == [
        ["officer@example.org"],
        ["officer@example.org"],
    ]


def test_an_enquiry_due_within_a_working_day_gets_a_due_soon_reminder(overdue: Any) -> None:
    # Tuesday 12 January: the first reply is due on the 13th, one working day away.
    with time_machine.travel(london(2027, 1, 12, 10), tick=False):
        assert services.send_due_reminders() == 1
    [reminder] = _reminders()
    assert reminder.idempotency_key.endswith(":due-soon:2027-01-12")
    assert reminder.subject.startswith(f"[{overdue.reference}] Due soon:")


def test_nothing_is_sent_when_a_target_is_further_away(provider_a: Any, categories: Any) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        submit(provider_a, categories["training"])  # first reply within 3 working days
        assert services.send_due_reminders() == 0


def test_a_team_queue_is_reminded_at_its_mailbox_or_else_its_officers(
    provider_a: Any, categories: Any, teams: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        submit(provider_a, categories["payments"])
    with time_machine.travel(london(2027, 1, 14, 10), tick=False):
        services.send_due_reminders()
    assert _reminders()[0].to == ["contracts@council.example"]
    teams["contracts"].email = ""
    teams["contracts"].save()
    with time_machine.travel(london(2027, 1, 15, 10), tick=False):
        services.send_due_reminders()
    latest = OutgoingEmail.objects.get(idempotency_key__endswith=":overdue:2027-01-15")
    assert latest.to == ["officer@example.org"]


def test_an_enquiry_waiting_on_the_provider_is_not_chased_for_resolution(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        enquiry = submit(provider_a, categories["placements"])
        services.post_reply(actor=officer, enquiry=enquiry, body="?", then_status=Status.WAITING)
    with time_machine.travel(london(2027, 2, 10, 10), tick=False):
        assert services.send_due_reminders() == 0


def test_resolved_enquiries_are_never_reminded(overdue: Any, officer: Any) -> None:
    services.change_status(actor=officer, enquiry=overdue, to_status=Status.RESOLVED)
    with time_machine.travel(london(2027, 1, 20, 10), tick=False):
        assert services.send_due_reminders() == 0


def test_the_command_and_the_periodic_task_send_the_same_reminders(overdue: Any) -> None:
    assert "enquiries-send-reminders" in settings.CELERY_BEAT_SCHEDULE
    with time_machine.travel(london(2027, 1, 14, 10), tick=False):
        out = StringIO()
        call_command("send_enquiry_reminders", stdout=out)
        assert "Queued 1 reminder(s)." in out.getvalue()
        assert send_enquiry_reminders() == 0  # already sent today
