"""Contacts: personal data seen only by those who need it, consent dates, export, erasure."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from engage.market import services
from engage.market.models import Contact, Level
from tests.market.factories import ContactFactory, make_market

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_councillors_and_providers_cannot_see_the_contact_list(
    client_for, councillor, provider_a_user, provider_a
) -> None:
    contact = provider_a.contacts.get()
    assert client_for(councillor).get("/market/contacts/").status_code == 403
    assert client_for(councillor).get(f"/market/contacts/{contact.pk}/").status_code == 403
    assert client_for(provider_a_user).get("/market/contacts/").status_code == 403


def test_contact_list_filters_by_level_segment_and_email_consent(
    client_for, officer, provider_a, provider_b, localities
) -> None:
    homecare = provider_a.services.get(name="Alpha Homecare")
    ContactFactory(provider=provider_a, name="Ann Owner", level=Level.OWNER)  # across the provider
    ContactFactory(provider=provider_a, name="Nia North", works_at=[homecare], email_consent=False)
    ContactFactory(provider=provider_b, name="Sam South", unsubscribed=True)
    client = client_for(officer)
    assert names(client.get("/market/contacts/?level=owner")) == ["Ann Owner"]
    # North reaches those who work there, and Alpha's people tied to no service.
    assert names(client.get("/market/contacts/?locality=north")) == ["Ann Owner", "Nia North"]
    assert names(client.get("/market/contacts/?locality=south")) == ["Sam South"]
    assert names(client.get("/market/contacts/?emailable=no")) == ["Nia North", "Sam South"]
    assert names(client.get("/market/contacts/?tier_one=no")) == ["Sam South"]


def test_people_who_left_are_hidden_unless_asked_for(client_for, officer, provider_b) -> None:
    ContactFactory(provider=provider_b, name="Gone Person", is_active=False)
    client = client_for(officer)
    assert "Gone Person" not in names(client.get("/market/contacts/"))
    assert "Gone Person" in names(client.get("/market/contacts/?include_left=on"))


def test_contact_list_has_constant_queries(
    client_for, pem, localities, service_types, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    kwargs = {"localities": list(localities.values()), "types": list(service_types.values())}
    make_market(2, **kwargs)
    with django_assert_max_num_queries(12) as small:
        client.get("/market/contacts/?locality=mid")
    make_market(25, **kwargs)
    with django_assert_max_num_queries(12) as large:
        client.get("/market/contacts/?locality=mid")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_contacts_export_csv(client_for, officer, provider_a_user) -> None:
    body = b"".join(
        client_for(officer).get("/market/contacts/?export=csv").streaming_content
    ).decode()
    assert "manager@alpha.example" in body and "Can be emailed" in body


def test_adding_a_contact_dates_their_consent(client_for, officer, provider_a) -> None:
    house = provider_a.services.get(name="Alpha House")
    client = client_for(officer)
    bad = client.post(
        f"/market/providers/{provider_a.pk}/contacts/add/",
        {"name": "Cat Carer", "level": "worker", "email_consent": "on", "is_active": "on"},
    )
    assert "Enter their email address, or untick their consent to emails" in bad.content.decode()
    client.post(
        f"/market/providers/{provider_a.pk}/contacts/add/",
        {
            "name": "Cat Carer",
            "level": "worker",
            "email": "cat@alpha.example",
            "email_consent": "on",
            "services": [house.pk],
            "is_active": "on",
        },
    )
    contact = Contact.objects.get(name="Cat Carer")
    assert contact.email_consent_at is not None
    assert list(contact.services.all()) == [house]


def test_a_contact_cannot_work_at_another_providers_service(
    client_for, officer, provider_a, provider_b
) -> None:
    elsewhere = provider_b.services.get()
    response = client_for(officer).post(
        f"/market/providers/{provider_a.pk}/contacts/add/",
        {"name": "Cross Over", "level": "manager", "services": [elsewhere.pk], "is_active": "on"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Contact.objects.filter(name="Cross Over").exists()


def test_consent_changes_and_unsubscribing_are_dated(officer, provider_b) -> None:
    contact = ContactFactory(provider=provider_b, email_consent=False, email_consent_at=None)
    services.save_contact(actor=officer, provider=provider_b, contact=contact, email_consent=True)
    given = contact.email_consent_at
    assert given is not None
    services.save_contact(actor=officer, provider=provider_b, contact=contact, name="Renamed")
    assert contact.email_consent_at == given  # unchanged consent keeps its date
    services.save_contact(actor=officer, provider=provider_b, contact=contact, email_consent=False)
    assert contact.email_consent_at > given
    services.unsubscribe_contact(actor=None, contact=contact)
    assert contact.unsubscribed and contact.unsubscribed_at is not None
    first = contact.unsubscribed_at
    services.unsubscribe_contact(actor=None, contact=contact)
    assert contact.unsubscribed_at == first


def test_export_of_a_persons_data_includes_their_audit_trail(
    client_for, pem, officer, provider_a_user
) -> None:
    contact = provider_a_user.contact
    services.save_contact(
        actor=officer, provider=contact.provider, contact=contact, job_title="Registered Manager"
    )
    assert (
        client_for(officer).get(f"/market/contacts/{contact.pk}/personal-data/").status_code == 403
    )
    response = client_for(pem).get(f"/market/contacts/{contact.pk}/personal-data/")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="personal-data-ama-alpha'
    )
    data = json.loads(response.content)
    assert data["contact"]["email"] == "manager@alpha.example"
    assert data["sign_in"]["email"] == "manager@alpha.example"
    changes = [entry["changes"] for entry in data["audit_trail"]["contact"]]
    assert any("job_title" in (c or {}) for c in changes)


def test_erasing_a_person_asks_first(client_for, pem, provider_a_user) -> None:
    contact = provider_a_user.contact
    page = client_for(pem).get(f"/market/contacts/{contact.pk}/erase/")
    assert (
        "Erase Ama Alpha" in page.content.decode() and "cannot be undone" in page.content.decode()
    )
    contact.refresh_from_db()
    assert contact.erased_at is None


def test_erasing_a_person_anonymises_them_their_sign_in_and_the_audit_trail(
    client_for, pem, officer, provider_a_user
) -> None:
    contact = provider_a_user.contact
    services.save_contact(
        actor=officer,
        provider=contact.provider,
        contact=contact,
        phone="07000 111222",
        job_title="Boss",
    )
    assert (
        client_for(officer)
        .post(f"/market/contacts/{contact.pk}/erase/", {"confirm": "yes"})
        .status_code
        == 403
    )
    client_for(pem).post(f"/market/contacts/{contact.pk}/erase/", {"confirm": "yes"})

    contact.refresh_from_db()
    assert contact.name == "Erased contact" and contact.erased_at is not None
    assert (contact.email, contact.phone, contact.job_title) == ("", "", "")
    assert contact.user is None and not contact.is_active and not contact.can_be_emailed
    provider_a_user.refresh_from_db()
    assert not provider_a_user.is_active and "alpha" not in provider_a_user.email
    everything = json.dumps(
        list(LogEntry.objects.values("object_repr", "changes", "changes_text", "actor_email"))
    )
    for personal in ("Ama Alpha", "manager@alpha.example", "07000 111222", "Boss"):
        assert personal not in everything
    # The erasure itself is in the audit trail, attributed.
    assert LogEntry.objects.get_for_object(contact).filter(actor=pem).exists()


def test_an_erased_contact_is_not_listed_and_cannot_be_edited(
    client_for, pem, provider_a_user
) -> None:
    contact = provider_a_user.contact
    services.erase_contact(actor=pem, contact=contact)
    client = client_for(pem)
    assert "Erased contact" not in names(client.get("/market/contacts/?include_left=on"))
    response = client.get(f"/market/contacts/{contact.pk}/edit/")
    assert response.status_code == 302


def test_contact_page_shows_consent_and_history(client_for, officer, provider_a_user) -> None:
    contact = provider_a_user.contact
    services.save_contact(
        actor=officer, provider=contact.provider, contact=contact, unsubscribed=True
    )
    html = client_for(officer).get(f"/market/contacts/{contact.pk}/").content.decode()
    assert "Unsubscribed" in html and timezone.localdate().strftime("%-d %b %Y") in html
    assert "Olu Officer" in html  # who changed it
