"""Providers keep their organisation's details and people up to date; every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from engage.market.models import Contact
from tests.council.factories import UserFactory
from tests.market.factories import ContactFactory, ServiceFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("portal:organisation")


def _contact_form(contact: Contact, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": contact.name,
        "job_title": contact.job_title,
        "level": contact.level,
        "email": contact.email,
        "phone": contact.phone,
    }
    if contact.email_consent:
        data["email_consent"] = "on"
    if contact.unsubscribed:
        data["unsubscribed"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_shows_details_services_and_people_with_their_preferences(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    ContactFactory(provider=provider_a, name="Una Subscribed", unsubscribed=True)
    ContactFactory(provider=provider_a, name="Lee Left", is_active=False)
    html = client_for(provider_a_user).get(PAGE).content.decode()
    assert "Alpha Care Ltd" in html
    assert "Alpha House" in html and "Alpha Homecare" in html
    assert "Ama Alpha" in html and "(you)" in html
    assert "Unsubscribed" in html
    assert "Lee Left" not in html
    assert "Lee Left" in client_for(provider_a_user).get(PAGE + "?left=1").content.decode()


def test_changing_the_organisations_details_is_audited(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    response = client_for(provider_a_user).post(
        reverse("portal:organisation_edit"),
        {"phone": "01206 111222", "email": "Office@Alpha.example", "website": "alpha.example"},
    )
    assert response.status_code == 302
    provider_a.refresh_from_db()
    assert (provider_a.phone, provider_a.email, provider_a.website) == (
        "01206 111222",
        "office@alpha.example",
        "https://alpha.example",
    )
    entry = LogEntry.objects.get_for_object(provider_a).latest("timestamp")
    assert entry.actor == provider_a_user
    assert "phone" in entry.changes_dict


def test_agreeing_and_withdrawing_consent_to_email_are_both_dated(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    colleague = ContactFactory(provider=provider_a, email_consent=False, email_consent_at=None)
    client = client_for(provider_a_user)
    url = reverse("portal:contact_edit", args=[colleague.pk])
    assert client.post(url, _contact_form(colleague, email_consent="on")).status_code == 302
    colleague.refresh_from_db()
    assert colleague.email_consent and colleague.email_consent_at is not None
    agreed_at = colleague.email_consent_at
    # Saving again keeps the date they first agreed.
    client.post(url, _contact_form(colleague, job_title="Deputy Manager"))
    colleague.refresh_from_db()
    assert colleague.email_consent_at == agreed_at
    client.post(url, _contact_form(colleague, email_consent=None))
    colleague.refresh_from_db()
    # Withdrawing is dated too (the register's rule, engage.market.services.save_contact).
    assert colleague.email_consent is False
    assert colleague.email_consent_at is not None and colleague.email_consent_at > agreed_at
    client.post(url, _contact_form(colleague, unsubscribed="on"))
    colleague.refresh_from_db()
    assert colleague.unsubscribed and colleague.unsubscribed_at is not None
    entries = LogEntry.objects.get_for_object(colleague)
    assert entries.filter(actor=provider_a_user).count() >= 3


def test_agreeing_to_email_needs_an_address(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    colleague = ContactFactory(provider=provider_a, email="")
    response = client_for(provider_a_user).post(
        reverse("portal:contact_edit", args=[colleague.pk]),
        _contact_form(colleague, email_consent="on"),
    )
    assert response.status_code == 200
    assert "Enter their email address" in response.content.decode()


def test_adding_a_person_with_only_their_own_services(
    client_for: Any, provider_a_user: Any, provider_a: Any, provider_b: Any
) -> None:
    client = client_for(provider_a_user)
    own = provider_a.services.first()
    foreign = provider_b.services.first()
    url = reverse("portal:contact_create")
    refused = client.post(url, {"name": "New Person", "level": "worker", "services": [foreign.pk]})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    added = client.post(
        url,
        {"name": "New Person", "level": "worker", "services": [own.pk], "email": "n@alpha.example"},
    )
    assert added.status_code == 302
    person = Contact.objects.get(name="New Person")
    assert person.provider == provider_a
    assert list(person.services.all()) == [own]
    assert {e.actor for e in LogEntry.objects.get_for_object(person)} == {provider_a_user}


def test_marking_someone_as_left_stops_their_sign_in(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    colleague_user = UserFactory(email="deputy@alpha.example", role="provider")
    colleague = ContactFactory(provider=provider_a, user=colleague_user, name="Dee Deputy")
    client = client_for(provider_a_user)
    url = reverse("portal:contact_left", args=[colleague.pk])
    confirm = client.get(url).content.decode()
    assert "Has Dee Deputy left Alpha Care Ltd?" in confirm
    assert "Their sign-in to this portal will stop working." in confirm
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    colleague.refresh_from_db()
    colleague_user.refresh_from_db()
    assert not colleague.is_active
    assert not colleague_user.is_active


def test_you_cannot_mark_yourself_as_left(client_for: Any, provider_a_user: Any) -> None:
    client = client_for(provider_a_user)
    me = provider_a_user.contact
    response = client.post(
        reverse("portal:contact_left", args=[me.pk]), {"confirm": "yes"}, follow=True
    )
    assert "You cannot mark yourself as left" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_other_roles_do_not_reach_these_pages(
    client_for: Any, officer: Any, councillor: Any
) -> None:
    for user in (officer, councillor):
        assert client_for(user).get(PAGE).status_code == 403


def test_a_provider_with_no_services_still_has_a_page(
    client_for: Any, provider_b_user: Any, provider_b: Any
) -> None:
    ServiceFactory(provider=provider_b, name="Beta Annexe")
    assert client_for(provider_b_user).get(PAGE).status_code == 200


def test_the_page_uses_the_same_queries_for_few_or_many_people(
    client_for: Any, provider_a_user: Any, provider_a: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(provider_a_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    few = count()
    services = list(provider_a.services.all())
    for index in range(12):
        ContactFactory(provider=provider_a, works_at=services[: index % 3])
        ServiceFactory(provider=provider_a)
    assert count() == few
