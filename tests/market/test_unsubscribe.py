"""The "stop these emails" link: in every email a contact gets unasked, with the one-click
headers; the page asks first, records it on POST, and a forged link changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from engage.engagement import services as engagement_services
from engage.engagement.models import Activity
from engage.feedback import services as feedback_services
from engage.groups import notes as notes_services
from engage.market import unsubscribe
from engage.market.models import Contact
from engage.outbox.models import OutgoingEmail
from tests.engagement.factories import ActivityFactory
from tests.feedback.factories import attended, held_activity, invite
from tests.groups.meetings import group_for, meeting_of
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"To stop emails like this from .+: (\S+/market/unsubscribe/\S+/)$", re.M)


def _link_of(email: OutgoingEmail) -> str:
    match = LINK.search(email.body_text)
    assert match, f"no unsubscribe link in {email.subject!r}"
    assert email.headers["List-Unsubscribe"] == f"<{match[1]}>"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return match[1]


def _path(link: str) -> str:
    return link[link.index("/market/") :]


def _emails_to(contact: Contact) -> list[OutgoingEmail]:
    return [e for e in OutgoingEmail.objects.all() if e.to == [contact.email]]


def _send_a_survey(officer: Any) -> None:
    survey = feedback_services.create_survey(
        actor=officer,
        title="Provider engagement survey",
        closes_on=timezone.localdate() + timedelta(days=14),
        questions=[feedback_services.QuestionInput("How good is our engagement?", "rating")],
    )
    feedback_services.send_survey(actor=officer, survey=survey)


def test_each_mailing_to_a_contact_carries_their_own_link(
    officer: Any, pem: Any, provider_a_user: Any, localities: Any, service_types: Any
) -> None:
    contact = provider_a_user.contact
    north_group = group_for(
        "North Home Care Group",
        localities["north"],
        service_types["domiciliary"],
        owner=officer.officer,
    )
    # A calendar invitation to a published event they are registered for, and the place
    # that comes free for someone waiting.
    starts = timezone.now() + timedelta(days=30)
    event = ActivityFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=Activity.Status.PUBLISHED,
        capacity=1,
        lead_officer=officer.officer,
    )
    first = engagement_services.register_contact(actor=officer, activity=event, contact=contact)
    waiting = ContactFactory(email="waiting@beta.example")
    engagement_services.register_contact(actor=officer, activity=event, contact=waiting)
    engagement_services.send_invitations(activity_id=event.pk)
    engagement_services.cancel_registration(actor=officer, registration=first)
    # An evaluation of a held event, a survey, and a group's meeting notes.
    held = held_activity()
    attended(held, [contact], came=1)
    invite(held)
    _send_a_survey(officer)
    meeting = meeting_of(north_group, -2)
    notes_services.save_notes(actor=pem, meeting=meeting, body="Notes.")
    notes_services.publish_and_send(actor=pem, meeting=meeting)

    theirs = _emails_to(contact)
    subjects = " | ".join(e.subject for e in theirs)
    for expected in ("Invitation:", "Tell us how", "Survey:", "Notes of"):
        assert expected in subjects
    assert {_link_of(e) for e in theirs} == {unsubscribe.url_for(contact.pk)}
    [place] = [e for e in _emails_to(waiting) if e.subject.startswith("You have a place")]
    assert _link_of(place) == unsubscribe.url_for(waiting.pk)
    # An officer's calendar invitation is not a mailing: no link, no headers.
    to_officer = [e for e in OutgoingEmail.objects.all() if e.to == [officer.email]]
    assert to_officer and all(
        "unsubscribe" not in e.body_text and not e.headers for e in to_officer
    )


def test_the_page_asks_then_records_it_once_with_no_sign_in(
    client: Client, provider_a: Any
) -> None:
    contact = ContactFactory(provider=provider_a, email_consent=True)
    path = _path(unsubscribe.url_for(contact.pk))
    page = client.get(path)
    assert page.status_code == 200 and "Stop these emails" in page.text
    contact.refresh_from_db()
    assert not contact.unsubscribed  # a link scanner's GET changes nothing
    done = client.post(path)
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    contact.refresh_from_db()
    assert contact.unsubscribed and not contact.can_be_emailed
    assert "You are already unsubscribed" in client.get(path).text
    client.post(path)  # again: harmless
    changes = LogEntry.objects.get_for_object(contact).filter(
        action=LogEntry.Action.UPDATE, changes__icontains="unsubscribed"
    )
    assert changes.count() == 1


def test_a_mail_programs_one_click_post_needs_no_csrf_token(provider_a: Any) -> None:
    contact = ContactFactory(provider=provider_a)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _path(unsubscribe.url_for(contact.pk)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.unsubscribed


def test_a_contacts_link_is_the_same_in_every_email(provider_a: Any) -> None:
    contact = ContactFactory(provider=provider_a)
    first = unsubscribe.url_for(contact.pk)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert unsubscribe.url_for(contact.pk) == first
    assert unsubscribe.contact_id_of(unsubscribe.token_for(contact.pk)) == contact.pk


def test_a_forged_or_altered_link_changes_nothing(client: Client, provider_a: Any) -> None:
    contact = ContactFactory(provider=provider_a)
    token = unsubscribe.token_for(contact.pk)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "12", "x:y:z"):
        response = client.post(f"/market/unsubscribe/{bad}/")
        assert response.status_code == 404 and "Link not recognised" in response.text
    # A token signed for something else (another salt) is not an unsubscribe token.
    from django.core import signing

    other = signing.Signer(salt="engage.something-else").sign_object(contact.pk, compress=True)
    assert client.post(f"/market/unsubscribe/{other}/").status_code == 404
    contact.refresh_from_db()
    assert not contact.unsubscribed


def test_an_unsubscribed_contact_gets_no_more_mailings(officer: Any, provider_a: Any) -> None:
    contact = ContactFactory(provider=provider_a, level="manager", email_consent=True)
    Client().post(_path(unsubscribe.url_for(contact.pk)))
    _send_a_survey(officer)
    assert _emails_to(contact) == []


def test_the_link_of_an_erased_contact_says_already_and_does_not_fail(
    client: Client, pem: Any, provider_a: Any
) -> None:
    from engage.market import services

    contact = ContactFactory(provider=provider_a)
    services.erase_contact(actor=pem, contact=contact)
    path = _path(unsubscribe.url_for(contact.pk))
    assert "You are already unsubscribed" in client.get(path).text
    assert client.post(path).status_code == 200
