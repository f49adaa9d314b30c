"""Response targets in working days, the first-response rule and the stopped clock."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from engage.enquiries import services
from engage.enquiries.models import Enquiry, EnquiryPause, Status
from engage.enquiries.targets import due_soon_q, overdue_q
from tests.enquiries.factories import london, submit

pytestmark = pytest.mark.django_db


def _reload(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.get(pk=enquiry.pk)


def test_targets_skip_christmas_and_new_year_2026(provider_a: Any, categories: Any) -> None:
    with time_machine.travel(london(2026, 12, 23, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])  # 2 and 10 working days
    assert enquiry.first_response_due == date(2026, 12, 29)
    # 24, 29, 30, 31 Dec; 4, 5, 6, 7, 8, 11 Jan.
    assert enquiry.resolve_due == date(2027, 1, 11)


def test_targets_skip_easter_2027(provider_a: Any, categories: Any) -> None:
    with time_machine.travel(london(2027, 3, 25, 15), tick=False):
        enquiry = submit(provider_a, categories["placements"])  # 1 and 5 working days
    assert enquiry.first_response_due == date(2027, 3, 30)
    # 30, 31 Mar; 1, 2, 5 Apr.
    assert enquiry.resolve_due == date(2027, 4, 5)


def test_an_enquiry_sent_on_friday_evening_starts_the_clock_on_monday(
    provider_a: Any, categories: Any
) -> None:
    with time_machine.travel(london(2026, 5, 1, 18, 30), tick=False):
        enquiry = submit(provider_a, categories["placements"])
    # Monday 4 May 2026 is the early May bank holiday: the clock starts on Tuesday 5 May.
    assert enquiry.first_response_due == date(2026, 5, 6)


def test_a_logged_enquiry_is_timed_from_when_it_was_received(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 1, 6, 11), tick=False):
        enquiry = submit(
            provider_a,
            categories["payments"],
            actor=officer,
            channel="phone",
            received_at=london(2027, 1, 4, 16),
        )
    assert enquiry.received_at == london(2027, 1, 4, 16)
    assert enquiry.first_response_due == date(2027, 1, 6)


def test_a_received_time_in_the_future_is_refused(provider_a: Any, categories: Any) -> None:
    from django.core.exceptions import ValidationError

    with time_machine.travel(london(2027, 1, 6, 11), tick=False), pytest.raises(ValidationError):
        submit(provider_a, categories["payments"], received_at=london(2027, 1, 7, 9))


def test_the_first_reply_on_the_due_day_meets_the_target_whatever_happens_next(
    provider_a: Any, provider_a_user: Any, categories: Any, officer: Any, pem: Any
) -> None:
    with time_machine.travel(london(2026, 12, 23, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])
    with time_machine.travel(london(2026, 12, 24, 9), tick=False):
        # An internal note is not a response.
        services.add_note(actor=officer, enquiry=enquiry, body="Checking the finance system.")
    assert _reload(enquiry).first_response_at is None
    with time_machine.travel(london(2026, 12, 29, 16, 55), tick=False):
        services.post_reply(actor=officer, enquiry=enquiry, body="We are on it.")
    first = _reload(enquiry)
    assert first.first_response_met is True
    assert first.first_response_working_days == 2
    assert first.first_response_at == london(2026, 12, 29, 16, 55)
    # Everything that can happen next leaves the first response alone.
    with time_machine.travel(london(2027, 2, 1, 10), tick=False):
        services.reassign_enquiry(actor=pem, enquiry=enquiry, owner=pem.officer)
        services.change_status(actor=pem, enquiry=enquiry, to_status=Status.WAITING)
        services.post_provider_message(actor=provider_a_user, enquiry=enquiry, body="Here.")
        services.post_reply(actor=pem, enquiry=enquiry, body="Thanks", then_status="resolved")
        services.post_provider_message(actor=provider_a_user, enquiry=enquiry, body="Not yet.")
        services.post_reply(actor=officer, enquiry=enquiry, body="Sorry.")
    after = _reload(enquiry)
    assert after.reopened_count == 1
    assert (after.first_response_at, after.first_response_met, after.first_responder_id) == (
        first.first_response_at,
        True,
        officer.officer.pk,
    )


def test_a_first_reply_after_the_due_day_is_late(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 3, 24, 12), tick=False):
        enquiry = submit(provider_a, categories["placements"])  # due Thursday 25 March
    with time_machine.travel(london(2027, 3, 30, 9, 30), tick=False):
        services.post_reply(actor=officer, enquiry=enquiry, body="Sorry for the wait.")
    late = _reload(enquiry)
    assert late.first_response_met is False
    # 25 March, (Good Friday, Easter Monday), 30 March.
    assert late.first_response_working_days == 2


def test_waiting_on_the_provider_stops_the_resolution_clock(
    provider_a: Any, provider_a_user: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])
    assert enquiry.resolve_due == date(2027, 1, 25)
    with time_machine.travel(london(2027, 1, 12, 10), tick=False):
        services.post_reply(
            actor=officer, enquiry=enquiry, body="Which invoice?", then_status="waiting"
        )
    assert _reload(enquiry).status == Status.WAITING
    pause = EnquiryPause.objects.get(enquiry=enquiry)
    assert pause.ended_at is None
    with time_machine.travel(london(2027, 1, 19, 14), tick=False):
        services.post_provider_message(actor=provider_a_user, enquiry=enquiry, body="4471.")
    resumed = _reload(enquiry)
    pause.refresh_from_db()
    assert resumed.status == Status.IN_PROGRESS
    assert pause.working_days == 5
    assert resumed.paused_working_days == 5
    assert resumed.resolve_due == date(2027, 2, 1)
    assert resumed.resolve_due_base == date(2027, 1, 25)


def test_a_pause_over_christmas_counts_only_working_days(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2026, 12, 21, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])
    # 22, 23, 24, 29, 30, 31 December; 4, 5, 6, 7 January.
    assert enquiry.resolve_due == date(2027, 1, 7)
    with time_machine.travel(london(2026, 12, 23, 10), tick=False):
        services.change_status(actor=officer, enquiry=enquiry, to_status=Status.WAITING)
    with time_machine.travel(london(2027, 1, 5, 10), tick=False):
        services.change_status(actor=officer, enquiry=enquiry, to_status=Status.IN_PROGRESS)
    resumed = _reload(enquiry)
    # From the morning of 23 December to the morning of 5 January: 24, 29, 30, 31 December,
    # 4 and 5 January are six working days (not the bank holidays or weekends between).
    assert resumed.paused_working_days == 6
    assert resumed.resolve_due == date(2027, 1, 15)


def test_pauses_add_up_and_resolution_days_leave_them_out(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 6, 7, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])  # resolve by 21 June
    for start, end in (((2027, 6, 8), (2027, 6, 10)), ((2027, 6, 14), (2027, 6, 17))):
        with time_machine.travel(london(*start, 11), tick=False):
            services.change_status(actor=officer, enquiry=enquiry, to_status=Status.WAITING)
        with time_machine.travel(london(*end, 11), tick=False):
            services.change_status(actor=officer, enquiry=enquiry, to_status=Status.IN_PROGRESS)
    paused = _reload(enquiry)
    assert paused.paused_working_days == 2 + 3
    assert paused.resolve_due == date(2027, 6, 28)
    with time_machine.travel(london(2027, 6, 28, 16), tick=False):
        services.change_status(actor=officer, enquiry=enquiry, to_status=Status.RESOLVED)
    resolved = _reload(enquiry)
    assert resolved.resolution_met is True
    # 15 working days from 7 June to 28 June, less 5 waiting.
    assert resolved.resolution_working_days == 10


def test_a_waiting_enquiry_is_not_overdue_for_resolution_until_the_clock_restarts(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        enquiry = submit(provider_a, categories["placements"])  # resolve by 18 January
        services.post_reply(actor=officer, enquiry=enquiry, body="?", then_status="waiting")
    waiting = Enquiry.objects.filter(pk=enquiry.pk)
    assert not waiting.filter(overdue_q(date(2027, 2, 1))).exists()
    with time_machine.travel(london(2027, 2, 1, 10), tick=False):
        services.change_status(actor=officer, enquiry=enquiry, to_status=Status.IN_PROGRESS)
    # Waited 15 working days: resolve by Monday 8 February instead of 18 January.
    assert _reload(enquiry).resolve_due == date(2027, 2, 8)
    assert not waiting.filter(overdue_q(date(2027, 2, 8))).exists()
    assert waiting.filter(overdue_q(date(2027, 2, 9))).exists()


def test_an_unanswered_enquiry_is_due_soon_then_overdue(provider_a: Any, categories: Any) -> None:
    with time_machine.travel(london(2027, 4, 29, 10), tick=False):
        enquiry = submit(provider_a, categories["placements"])  # first reply by Friday 30 April
    rows = Enquiry.objects.filter(pk=enquiry.pk)
    assert rows.filter(due_soon_q(date(2027, 4, 29))).exists()
    assert not rows.filter(overdue_q(date(2027, 4, 30))).exists()
    assert rows.filter(overdue_q(date(2027, 5, 1))).exists()
    assert not rows.filter(due_soon_q(date(2027, 5, 4))).exists()


def test_reopening_gives_a_new_resolve_by_date(
    provider_a: Any, provider_a_user: Any, categories: Any, officer: Any
) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])
        services.post_reply(actor=officer, enquiry=enquiry, body="Paid.", then_status="resolved")
    resolved = _reload(enquiry)
    assert resolved.status == Status.RESOLVED
    assert resolved.resolution_working_days == 0
    with time_machine.travel(london(2027, 3, 1, 10), tick=False):
        services.post_provider_message(
            actor=provider_a_user, enquiry=enquiry, body="It has not arrived."
        )
    reopened = _reload(enquiry)
    assert reopened.status == Status.IN_PROGRESS
    assert reopened.reopened_count == 1
    assert reopened.resolved_at is None
    assert reopened.resolution_working_days is None
    assert reopened.resolve_due == date(2027, 3, 15)
    assert reopened.events.filter(kind="reopened").count() == 1
