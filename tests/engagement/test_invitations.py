"""Invitations and calendars: ICS parsed back, updates and cancellations, delivery over SMTP."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from engage.engagement import ics, services
from engage.engagement.clashes import LONDON
from engage.engagement.models import Activity, Invitation
from engage.outbox.models import OutgoingEmail
from tests.council.factories import PartnerPersonFactory
from tests.engagement.factories import ActivityFactory
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db
Status = Activity.Status


def _starts() -> Any:
    moment = (timezone.now() + timedelta(days=120)).astimezone(LONDON)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment.replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def approved(officer: Any, teams: Any, provider_a: Any, localities: Any) -> Activity:
    """An approved event for care managers in Mid, which the Safeguarding team must attend."""
    starts = _starts()
    activity = ActivityFactory(
        title="Medicines scheme workshop",
        lead_officer=officer.officer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=Status.APPROVED,
        localities=[localities["mid"]],
        teams=[teams["safeguarding"]],
    )
    return activity


def _event(content: str) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(content)
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_a_feed_parses_back_with_uid_sequence_times_in_london_and_a_vtimezone(
    approved: Activity,
) -> None:
    body = ics.feed([approved], name="Test")
    calendar, event = _event(body.decode())
    assert str(event["UID"]) == f"activity-{approved.pk}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == approved.starts_at
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/London"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTEND") == approved.ends_at
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert "METHOD" not in calendar


def test_publishing_invites_the_audience_and_the_must_attend_team_one_email_each(
    approved: Activity,
    officer: Any,
    provider_a: Any,
    teams: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.council.factories import OfficerFactory

    safeguarder = OfficerFactory(user__email="safe@example.org", team=teams["safeguarding"])
    alpha_house = provider_a.services.get(name="Alpha House")  # Mid, residential
    manager = ContactFactory(provider=provider_a, email="m@alpha.example", works_at=[alpha_house])
    ContactFactory(
        provider=provider_a, email="gone@alpha.example", unsubscribed=True, works_at=[alpha_house]
    )
    ContactFactory(
        provider=provider_a, email="no@alpha.example", email_consent=False, works_at=[alpha_house]
    )
    partner = PartnerPersonFactory(email="icb@nhs.example")
    approved.invited_partners.add(partner)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_activity(actor=officer, activity=approved)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted(
        [manager.email, safeguarder.user.email, officer.email, "icb@nhs.example"]
    )
    message = next(m for m in mail.outbox if m.to == [manager.email])
    assert message.subject.startswith("Invitation: Medicines scheme workshop")
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == ("invite.ics", "text/calendar; method=REQUEST")
    calendar, event = _event(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert int(event["SEQUENCE"]) == 0
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{manager.email}"]
    assert str(event["ORGANIZER"]) == f"mailto:{officer.email}"
    officer_mail = next(m for m in mail.outbox if m.to == [safeguarder.user.email])
    _, officer_event = _event(officer_mail.attachments[0][1])
    assert officer_event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    assert Invitation.objects.filter(activity=approved).count() == 4


def test_moving_a_published_event_raises_sequence_and_sends_an_update_with_the_same_uid(
    approved: Activity, officer: Any, provider_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ContactFactory(
        provider=provider_a,
        email="m@alpha.example",
        works_at=[provider_a.services.get(name="Alpha House")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_activity(actor=officer, activity=approved)
    first = {m.to[0]: m for m in mail.outbox}
    mail.outbox.clear()
    data = _data_of(approved)
    data.starts_at += timedelta(hours=4)
    data.ends_at += timedelta(hours=4)
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.update_activity(actor=officer, activity=approved, data=data)
    assert updated.sequence == 1
    update = next(m for m in mail.outbox if m.to == ["m@alpha.example"])
    assert update.subject.startswith("Updated: ")
    _, old_event = _event(first["m@alpha.example"].attachments[0][1])
    _, new_event = _event(update.attachments[0][1])
    assert str(new_event["UID"]) == str(old_event["UID"])
    assert int(new_event["SEQUENCE"]) == 1
    assert new_event.decoded("DTSTART") == data.starts_at
    # Changing only the purpose sends nothing.
    mail.outbox.clear()
    data.purpose = "A clearer purpose."
    with django_capture_on_commit_callbacks(execute=True):
        services.update_activity(actor=officer, activity=updated, data=data)
    assert mail.outbox == []


def test_cancelling_a_published_event_sends_method_cancel_to_everyone_invited(
    approved: Activity, officer: Any, provider_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ContactFactory(
        provider=provider_a,
        email="m@alpha.example",
        works_at=[provider_a.services.get(name="Alpha House")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_activity(actor=officer, activity=approved)
    invited = sorted(m.to[0] for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_activity(actor=officer, activity=approved, reason="The venue flooded.")
    assert sorted(m.to[0] for m in mail.outbox) == invited
    message = mail.outbox[0]
    _filename, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar; method=CANCEL"
    calendar, event = _event(content)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert "The venue flooded." in message.body


def test_sending_again_emails_nobody_twice(
    approved: Activity, officer: Any, provider_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ContactFactory(
        provider=provider_a,
        email="m@alpha.example",
        works_at=[provider_a.services.get(name="Alpha House")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_activity(actor=officer, activity=approved)
    before = OutgoingEmail.objects.count()
    assert services.send_invitations(activity_id=approved.pk) == 0
    assert OutgoingEmail.objects.count() == before
    keys = set(OutgoingEmail.objects.values_list("idempotency_key", flat=True))
    assert f"activity:{approved.pk}:invite:user:{officer.pk}:seq0" in keys


def _data_of(activity: Activity) -> services.ActivityData:
    from engage.engagement.forms import ActivityForm

    form = ActivityForm(activity=activity)
    initial = form.initial
    return services.ActivityData(
        title=activity.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        kind=activity.kind,
        purpose=activity.purpose,
        mode=activity.mode,
        mechanism=activity.mechanism,
        lead_officer=activity.lead_officer,
        facilitator=activity.facilitator,
        venue=activity.venue,
        outcomes_sought=activity.outcomes_sought,
        questions=activity.questions,
        for_managers=activity.for_managers,
        ad_hoc_justification=activity.ad_hoc_justification,
        audience_localities=initial["audience_localities"],
        required_teams=initial["required_teams"],
        invited_partners=initial["invited_partners"],
    )


class _Collector:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.sessions = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1  # one EHLO per connection
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield collector
    finally:
        controller.stop()


def test_invitations_are_delivered_to_a_real_smtp_server_with_the_ics_attached(
    smtp_server: _Collector,
    approved: Activity,
    officer: Any,
    provider_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from email import message_from_bytes

    ContactFactory(
        provider=provider_a,
        email="m@alpha.example",
        works_at=[provider_a.services.get(name="Alpha House")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_activity(actor=officer, activity=approved)
    assert sorted(to[0] for to, _ in smtp_server.messages) == sorted(
        ["m@alpha.example", officer.email]
    )
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}
    raw = next(content for to, content in smtp_server.messages if to == ["m@alpha.example"])
    parsed = message_from_bytes(raw)
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(parts[0].get_payload(decode=True))
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["UID"]) == f"activity-{approved.pk}@127.0.0.1"
    assert str(event["ATTENDEE"]) == "mailto:m@alpha.example"


def test_invitations_written_together_are_exactly_those_written_one_by_one(
    approved: Activity,
) -> None:
    people = [
        ics.Attendee("m@alpha.example", "Morgan Example"),
        ics.Attendee(
            "x@example.org", "A name long enough, with commas; and “quotes”, to fold " * 3
        ),
        ics.Attendee("r@example.org", "Rhiannon Ål-Ñame", required=True),
    ]
    moment = timezone.now()
    with mock.patch("engage.engagement.ics.timezone.now", return_value=moment):
        for cancel, url in ((False, "https://example.org/e/1"), (True, None)):
            together = ics.invitations(approved, attendees=people, cancel=cancel, url=url)
            alone = [
                ics.invitation(approved, attendee=person, cancel=cancel, url=url)
                for person in people
            ]
            assert together == alone
    assert ics.invitations(approved, attendees=[]) == []


def test_invitation_queries_do_not_grow_with_the_number_invited(
    approved: Activity, officer: Any, provider_a: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home = provider_a.services.get(name="Alpha House")
    ContactFactory(provider=provider_a, email="first@alpha.example", works_at=[home])
    services.publish_activity(actor=officer, activity=approved)
    with CaptureQueriesContext(connection) as few:
        assert services.send_invitations(activity_id=approved.pk) == 2
    for n in range(40):
        ContactFactory(provider=provider_a, email=f"c{n}@alpha.example", works_at=[home])
    with CaptureQueriesContext(connection) as many:
        assert services.send_invitations(activity_id=approved.pk) == 40
    assert len(many.captured_queries) == len(few.captured_queries)
    assert OutgoingEmail.objects.filter(topic=f"activity:{approved.pk}").count() == 42


def test_a_large_invitation_goes_out_in_batches_one_smtp_connection_each(
    smtp_server: _Collector,
    settings: Any,
    approved: Activity,
    officer: Any,
    provider_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.OUTBOX_BATCH_SIZE = 5
    home = provider_a.services.get(name="Alpha House")
    for n in range(11):
        ContactFactory(provider=provider_a, email=f"c{n}@alpha.example", works_at=[home])
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_activity(actor=officer, activity=approved)
    recipients = sorted(to[0] for to, _ in smtp_server.messages)
    assert recipients == sorted([officer.email, *(f"c{n}@alpha.example" for n in range(11))])
    assert smtp_server.sessions == 3  # 12 emails in batches of 5
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_a_change_between_reading_and_locking_is_not_lost(
    approved: Activity, officer: Any, provider_a: Any
) -> None:
    """The emails are worked out before the lock; if the activity moves meanwhile, they are
    worked out again under the lock, for its new SEQUENCE."""
    ContactFactory(
        provider=provider_a,
        email="m@alpha.example",
        works_at=[provider_a.services.get(name="Alpha House")],
    )
    services.publish_activity(actor=officer, activity=approved)
    real_read = services._read_for_invitations

    def read_then_move(activity_id: int, *, lock: bool) -> Any:
        found = real_read(activity_id, lock=lock)
        if not lock:
            Activity.objects.filter(pk=activity_id).update(sequence=1)
        return found

    with mock.patch.object(services, "_read_for_invitations", read_then_move):
        assert services.send_invitations(activity_id=approved.pk) == 2
    keys = set(OutgoingEmail.objects.values_list("idempotency_key", flat=True))
    assert all(key.endswith(":seq1") for key in keys), keys
    assert set(Invitation.objects.values_list("sequence_sent", flat=True)) == {1}
