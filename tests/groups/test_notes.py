"""Meeting notes: sanitised, revisions kept, published and sent once to attendees and audience."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engage.engagement.models import Attendance
from engage.groups import meeting_selectors
from engage.groups import notes as notes_services
from engage.outbox.models import OutgoingEmail
from tests.council.factories import OfficerFactory
from tests.groups.meetings import meeting_of
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_every_change_of_the_notes_is_a_revision_with_who_and_when(
    pem, officer, north_group, client_for
) -> None:
    meeting = meeting_of(north_group, -2)
    notes_services.save_notes(actor=pem, meeting=meeting, body="## Fees\n\nDraft.")
    notes_services.save_notes(actor=officer, meeting=meeting, body="## Fees\n\nAgreed.")
    notes = notes_services.save_notes(actor=officer, meeting=meeting, body="## Fees\n\nAgreed.")
    revisions = list(notes.revisions.order_by("number").values_list("number", "body", "by"))
    assert revisions == [
        (1, "## Fees\n\nDraft.", pem.pk),
        (2, "## Fees\n\nAgreed.", officer.pk),
    ]
    assert notes.body == "## Fees\n\nAgreed."
    page = client_for(pem).get(f"/groups/meetings/{meeting.pk}/notes/")
    assert "Revision 2" in page.text and "Revision 1" in page.text


def test_notes_are_shown_sanitised(pem, north_group, client_for) -> None:
    meeting = meeting_of(north_group, -2)
    notes_services.save_notes(
        actor=pem,
        meeting=meeting,
        body='Hello <script>alert("x")</script> [click](javascript:alert(1)) '
        '<img src=x onerror="alert(2)"> **kept**',
    )
    page = client_for(pem).get(f"/groups/meetings/{meeting.pk}/").text
    assert "<strong>kept</strong>" in page
    assert 'alert("x")' not in page and "javascript:" not in page and "onerror" not in page


def test_publish_and_send_emails_attendees_and_audience_once(
    pem, north_group, provider_a_user, provider_b
) -> None:
    meeting = meeting_of(north_group, -2)
    audience_contact = provider_a_user.contact  # in the group's audience, with consent
    attendee = ContactFactory(provider=provider_b, email="came@beta.example")
    unsubscribed = ContactFactory(provider=provider_b, email="no@beta.example", unsubscribed=True)
    officer = OfficerFactory(user__email="officer.came@council.example")
    for contact in (attendee, unsubscribed):
        Attendance.objects.create(activity=meeting.activity, kind="contact", contact=contact)
    Attendance.objects.create(activity=meeting.activity, kind="officer", officer=officer)
    Attendance.objects.create(
        activity=meeting.activity,
        kind="contact",
        contact=ContactFactory(provider=provider_b, email="away@beta.example"),
        attended=False,
        apologies=True,
    )
    notes_services.save_notes(actor=pem, meeting=meeting, body="Notes.")

    first = notes_services.publish_and_send(actor=pem, meeting=meeting)
    second = notes_services.publish_and_send(actor=pem, meeting=meeting)

    sent_to = sorted(address for e in OutgoingEmail.objects.all() for address in e.to)
    assert sent_to == sorted(
        [audience_contact.email, "came@beta.example", "officer.came@council.example"]
    )
    assert (first, second) == (3, 0)
    email = OutgoingEmail.objects.get(to=[audience_contact.email])
    assert f"/groups/forward-plans/meetings/{meeting.pk}/" in email.body_text
    sent_at = meeting_selectors.notes_sent_at(meeting)
    assert sent_at is not None
    notes_services.publish_and_send(actor=pem, meeting=meeting)
    assert meeting_selectors.notes_sent_at(meeting) == sent_at


def test_empty_notes_are_not_published_and_only_managers_write_them(
    pem, councillor, north_group
) -> None:
    meeting = meeting_of(north_group, -2)
    assert meeting_selectors.notes_sent_at(meeting) is None
    with pytest.raises(ValidationError):
        notes_services.publish_and_send(actor=pem, meeting=meeting)
    with pytest.raises(PermissionDenied):
        notes_services.save_notes(actor=councillor, meeting=meeting, body="x")
