"""Real email through a real SMTP server on localhost (aiosmtpd): what arrives, and what
happens when the server is down (the enquiry is saved, the email waits and is sent later)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from engage.enquiries import services
from engage.outbox.models import OutgoingEmail
from engage.outbox.services import deliver_due_emails
from tests.enquiries.factories import london, submit
from tests.enquiries.fixtures import SmtpInbox, free_port, use_smtp

pytestmark = pytest.mark.django_db


def _body(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content()).replace("\r\n", "\n")


def test_the_acknowledgement_names_the_reference_the_owner_and_the_dates(
    smtp_server: SmtpInbox,
    provider_a: Any,
    categories: Any,
    contract_manager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    with (
        time_machine.travel(london(2026, 12, 23, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enquiry = submit(provider_a, categories["contract"], subject="Extra beds")
    [ack] = smtp_server.to("manager@alpha.example")
    assert ack["Subject"] == f"[{enquiry.reference}] We have received your enquiry: Extra beds"
    body = _body(ack)
    assert enquiry.reference in body
    assert "Carla Contracts, Contract Manager (Contracts), carla@council.example" in body
    assert "First reply by: Tuesday 29 December 2026" in body
    assert "Resolved by: Monday 11 January 2027" in body
    assert f"/portal/enquiries/{enquiry.pk}/" in body
    # The owner hears of it too.
    [notice] = smtp_server.to("carla@council.example")
    assert "New enquiry from Alpha Care Ltd" in notice["Subject"]


def test_an_enquiry_in_a_team_queue_names_the_team(
    smtp_server: SmtpInbox,
    provider_a: Any,
    categories: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submit(provider_a, categories["placements"])
    [ack] = smtp_server.to("manager@alpha.example")
    assert "the Service Placement team, service-placement@council.example" in _body(ack)
    # The queue's mailbox is told, as there is no named officer yet.
    assert smtp_server.to("service-placement@council.example")


def test_a_safeguarding_acknowledgement_repeats_the_urgent_route(
    smtp_server: SmtpInbox,
    provider_a: Any,
    categories: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SAFEGUARDING_URGENT_ROUTE = "Call 999, then the adult safeguarding line 0300 123 4567."
    with django_capture_on_commit_callbacks(execute=True):
        submit(provider_a, categories["safeguarding"])
    [ack] = smtp_server.to("manager@alpha.example")
    assert "does not replace the council's urgent route" in _body(ack)
    assert "0300 123 4567" in _body(ack)


def test_an_officers_reply_is_emailed_with_a_link_to_the_thread_and_a_note_is_not(
    smtp_server: SmtpInbox,
    provider_a: Any,
    categories: Any,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(actor=officer, enquiry=enquiry, body="SECRET finance hold")
        services.post_reply(
            actor=officer,
            enquiry=enquiry,
            body="The invoice was paid today.\nIt should arrive on Friday.",
            then_status="resolved",
        )
    [reply] = smtp_server.to("manager@alpha.example")
    body = _body(reply)
    assert reply["Subject"] == f"[{enquiry.reference}] Reply to your enquiry: Invoice 4471 not paid"
    assert "Olu Officer has replied" in body
    assert "The invoice was paid today.\nIt should arrive on Friday." in body
    assert "marked your enquiry as resolved" in body
    assert f"/portal/enquiries/{enquiry.pk}/" in body
    assert all("SECRET" not in text for text in smtp_server.bodies())


def test_reminders_arrive_for_the_owner_with_the_missed_target(
    smtp_server: SmtpInbox,
    provider_a: Any,
    categories: Any,
    officer: Any,
    pem: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        enquiry = submit(provider_a, categories["payments"])  # first reply by 13 January
        services.reassign_enquiry(actor=officer, enquiry=enquiry, owner=officer.officer)
    with (
        time_machine.travel(london(2027, 1, 14, 9, 15), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.send_due_reminders() == 1
    [reminder] = smtp_server.to("officer@example.org")
    assert reminder["Subject"] == f"[{enquiry.reference}] Overdue: Invoice 4471 not paid"
    body = _body(reminder)
    assert "This enquiry is overdue" in body
    assert "First reply due by: Wednesday 13 January 2027" in body
    assert f"/enquiries/{enquiry.pk}/" in body


def test_a_failing_smtp_server_leaves_the_enquiry_saved_and_the_email_for_a_later_sweep(
    settings: Any,
    provider_a: Any,
    categories: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from aiosmtpd.controller import Controller

    use_smtp(settings, free_port())  # nothing listens there: connection refused
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(provider_a, categories["payments"])
    assert enquiry.pk is not None
    ack = OutgoingEmail.objects.get(idempotency_key=f"enquiry-ack:{enquiry.pk}")
    assert ack.state == OutgoingEmail.State.PENDING
    assert ack.attempts == 1
    assert "refused" in ack.last_error.lower() or "errno" in ack.last_error.lower()

    # The server comes back; the periodic sweep sends what waited (once its retry time came).
    inbox = SmtpInbox(port=free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            inbox.envelopes.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        use_smtp(settings, inbox.port)
        assert deliver_due_emails() == 0  # not before its retry time
        OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert deliver_due_emails() == 2  # the acknowledgement and the team's notice
    finally:
        controller.stop()
    ack.refresh_from_db()
    assert ack.state == OutgoingEmail.State.SENT
    [arrived] = inbox.to("manager@alpha.example")
    assert enquiry.reference in str(arrived["Subject"])
