"""Evaluations: who is invited, one response per token, the reminder once, aggregates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engage.engagement.models import Activity
from engage.engagement.services import mark_held
from engage.feedback import selectors, services
from engage.feedback.models import EvaluationInvitation, EvaluationResponse
from engage.outbox.models import OutgoingEmail
from tests.engagement.factories import ActivityFactory, at
from tests.feedback.factories import (
    answer,
    attended,
    held_activity,
    invite,
    registered_contacts,
)

pytestmark = pytest.mark.django_db


def test_marking_a_gathering_held_invites_its_registered_contacts_once(officer: Any) -> None:
    activity = ActivityFactory(
        status=Activity.Status.PUBLISHED,
        starts_at=timezone.now() - timedelta(hours=3),
        lead_officer=officer.officer,
    )
    contacts = registered_contacts(activity, 3)
    mark_held(actor=officer, activity=activity)
    # Run twice, as a retried task or the sweep after the on-commit hook would.
    services.send_evaluations(activity_id=activity.pk)
    services.send_evaluations(activity_id=activity.pk)
    invitations = EvaluationInvitation.objects.filter(activity=activity)
    assert sorted(invitations.values_list("contact_id", flat=True)) == sorted(
        c.pk for c in contacts
    )
    emails = OutgoingEmail.objects.filter(idempotency_key__startswith="evaluation:")
    assert emails.count() == 3
    assert all("/feedback/evaluate/" in e.body_text for e in emails)


def test_mark_held_queues_the_evaluations_after_commit(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    activity = ActivityFactory(
        status=Activity.Status.PUBLISHED,
        starts_at=timezone.now() - timedelta(hours=3),
        lead_officer=officer.officer,
    )
    registered_contacts(activity, 2)
    with django_capture_on_commit_callbacks(execute=True):
        mark_held(actor=officer, activity=activity)
    assert EvaluationInvitation.objects.filter(activity=activity).count() == 2


def test_attendance_recorded_decides_who_is_asked() -> None:
    activity = held_activity()
    contacts = registered_contacts(activity, 4)
    attended(activity, contacts, came=2)
    invitations = invite(activity)
    assert sorted(i.contact_id for i in invitations) == sorted(c.pk for c in contacts[:2])


def test_a_newsletter_item_is_not_evaluated() -> None:
    activity = held_activity(kind="newsletter-item")
    registered_contacts(activity, 2)
    assert invite(activity) == []


def test_a_token_answers_once_and_the_second_is_refused() -> None:
    activity = held_activity()
    registered_contacts(activity, 1)
    (invitation,) = invite(activity)
    answer(invitation, 4)
    with pytest.raises(services.AlreadyResponded):
        answer(invitation, 2)
    assert EvaluationResponse.objects.filter(invitation=invitation).count() == 1
    assert EvaluationResponse.objects.get().answers.get(question__key="usefulness").score == 4


def test_the_public_form_refuses_a_second_response_clearly(client: Client) -> None:
    activity = held_activity()
    registered_contacts(activity, 1)
    (invitation,) = invite(activity)
    url = reverse("feedback:evaluation_form", args=[invitation.token])
    first = client.post(url, {"usefulness": "5", "what-worked": "The discussion"})
    assert first.status_code == 200
    assert "Evaluation sent" in first.content.decode()
    second = client.post(url, {"usefulness": "1"})
    assert "You have already sent your evaluation" in second.content.decode()
    assert EvaluationResponse.objects.count() == 1


def test_the_form_keeps_what_was_typed_and_summarises_errors(client: Client) -> None:
    activity = held_activity()
    registered_contacts(activity, 1)
    (invitation,) = invite(activity)
    url = reverse("feedback:evaluation_form", args=[invitation.token])
    response = client.post(url, {"what-to-improve": "Parking, please"})
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_usefulness' in body
    assert "Parking, please" in body
    assert EvaluationResponse.objects.count() == 0


def test_an_unknown_token_is_not_found(client: Client) -> None:
    response = client.get(reverse("feedback:evaluation_form", args=["nope"]))
    assert response.status_code == 404


def test_the_reminder_goes_once_and_only_to_non_responders() -> None:
    activity = held_activity()
    registered_contacts(activity, 3)
    first, second, third = invite(activity)
    answer(first, 5)
    EvaluationInvitation.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert services.send_evaluation_reminders(after_days=7) == 2
    assert services.send_evaluation_reminders(after_days=7) == 0
    reminders = OutgoingEmail.objects.filter(idempotency_key__endswith=":reminder")
    assert sorted(reminders.values_list("idempotency_key", flat=True)) == sorted(
        f"evaluation:{i.pk}:reminder" for i in (second, third)
    )


def test_no_reminder_to_someone_who_unsubscribed_left_or_was_erased(pem: Any) -> None:
    from engage.market import services as market_services

    activity = held_activity()
    stays, unsubscribes, leaves, erased = registered_contacts(activity, 4)
    invite(activity)
    market_services.unsubscribe_contact(actor=None, contact=unsubscribes)
    leaves.is_active = False
    leaves.save()
    market_services.erase_contact(actor=pem, contact=erased)
    EvaluationInvitation.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert services.send_evaluation_reminders(after_days=7) == 1
    [reminder] = OutgoingEmail.objects.filter(idempotency_key__endswith=":reminder")
    assert reminder.to == [stays.email]


def test_no_reminder_before_the_days_have_passed() -> None:
    activity = held_activity()
    registered_contacts(activity, 1)
    invite(activity)
    assert services.send_evaluation_reminders(after_days=7) == 0


def test_the_reminder_command_sends_once(capsys: Any) -> None:
    from django.core.management import call_command

    activity = held_activity(starts_at=timezone.now() - timedelta(days=10))
    registered_contacts(activity, 2)
    invite(activity)
    EvaluationInvitation.objects.update(created_at=timezone.now() - timedelta(days=9))
    call_command("send_evaluation_reminders")
    call_command("send_evaluation_reminders")
    assert OutgoingEmail.objects.filter(idempotency_key__endswith=":reminder").count() == 2


def test_aggregates_with_known_responses() -> None:
    activity = held_activity()
    registered_contacts(activity, 5)
    invitations = invite(activity)
    answer(invitations[0], 5, **{"purpose-clear": 4})
    answer(invitations[1], 4, **{"purpose-clear": 2})
    answer(invitations[2], 2)
    summary = selectors.evaluations_by_activity([activity.pk])[activity.pk]
    assert summary.invitations == 5
    assert summary.responses == 3
    assert summary.response_rate == 60.0
    assert summary.mean_usefulness == pytest.approx(11 / 3, abs=0.01)
    results = selectors.activity_results(activity)
    usefulness = next(r for r in results.questions if r.question.key == "usefulness")
    assert [n for _, n, _ in usefulness.counts] == [1, 1, 0, 1, 0]  # 5, 4, 3, 2, 1
    clear = next(r for r in results.questions if r.question.key == "purpose-clear")
    assert clear.answered == 2
    assert clear.mean == 3.0


def test_evaluations_by_meeting_gives_each_meeting_its_figures() -> None:
    from tests.feedback.factories import held_meeting

    quiet = held_meeting(day="2026-01-10")
    busy = held_meeting(quiet.group, day="2026-02-10")
    registered_contacts(busy.activity, 2)
    a, _b = invite(busy.activity)
    answer(a, 3)
    figures = selectors.evaluations_by_meeting([quiet.pk, busy.pk])
    assert figures[quiet.pk].invitations == 0
    assert figures[quiet.pk].response_rate is None
    assert figures[busy.pk].invitations == 2
    assert figures[busy.pk].responses == 1
    assert figures[busy.pk].mean_usefulness == 3.0


def test_the_organiser_records_whether_outcomes_were_met(officer: Any, client: Client) -> None:
    activity = held_activity(outcomes_sought="- Agree the plan\n- Hear concerns\n")
    client.force_login(officer)
    url = reverse("feedback:activity_outcomes", args=[activity.pk])
    response = client.post(
        url, {"verdict_0": "met", "verdict_1": "partly", "note_1": "Only two homes spoke"}
    )
    assert response.status_code == 302
    outcomes = selectors.activity_results(activity).outcomes
    assert [(text, r.verdict, r.note) for _, text, r in outcomes] == [
        ("Agree the plan", "met", ""),
        ("Hear concerns", "partly", "Only two homes spoke"),
    ]


def test_evaluation_email_is_sent_once_when_delivered() -> None:
    activity = held_activity(starts_at=at("2026-03-12"))
    registered_contacts(activity, 1)
    invite(activity)
    invite(activity)
    from engage.outbox.services import deliver_due_emails

    deliver_due_emails()
    deliver_due_emails()
    assert len(mail.outbox) == 1
