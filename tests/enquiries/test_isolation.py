"""Isolation: a provider reaches only its own organisation. Everything of another provider,
by id, in pages and in the API, answers 404 and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from engage.enquiries import services
from engage.enquiries.attachments import check_upload
from engage.enquiries.models import EnquiryAttachment, EnquiryMessage
from engage.market.models import Contact
from tests.enquiries.files import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_things(enquiry_a: Any, provider_a_user: Any, officer: Any) -> dict[str, Any]:
    """Provider A's enquiry, a reply with a file, an internal note, and a contact."""
    reply = services.post_reply(
        actor=officer, enquiry=enquiry_a, body="Paid.", files=[check_upload(upload("r.pdf", PDF))]
    )
    note = services.add_note(actor=officer, enquiry=enquiry_a, body="Internal only")
    return {
        "enquiry": enquiry_a,
        "reply": reply,
        "note": note,
        "attachment": EnquiryAttachment.objects.get(message=reply),
        "contact": provider_a_user.contact,
    }


def test_provider_b_cannot_read_provider_as_enquiry_pages(
    client_for: Any, provider_b_user: Any, a_things: dict[str, Any]
) -> None:
    client = client_for(provider_b_user)
    enquiry = a_things["enquiry"]
    assert client.get(reverse("portal:enquiry_detail", args=[enquiry.pk])).status_code == 404
    assert (
        client.get(reverse("portal:attachment", args=[a_things["attachment"].pk])).status_code
        == 404
    )
    listing = client.get(reverse("portal:enquiries") + "?show=all").content.decode()
    assert enquiry.reference not in listing


def test_provider_b_cannot_add_to_provider_as_thread(
    client_for: Any, provider_b_user: Any, a_things: dict[str, Any]
) -> None:
    enquiry = a_things["enquiry"]
    before = EnquiryMessage.objects.count()
    response = client_for(provider_b_user).post(
        reverse("portal:enquiry_reply", args=[enquiry.pk]), {"body": "Let me in"}
    )
    assert response.status_code == 404
    assert EnquiryMessage.objects.count() == before


def test_provider_b_cannot_read_or_change_provider_as_contacts(
    client_for: Any, provider_b_user: Any, a_things: dict[str, Any]
) -> None:
    client = client_for(provider_b_user)
    contact = a_things["contact"]
    url = reverse("portal:contact_edit", args=[contact.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "Changed", "level": "owner", "email": "x@y.example"})
    assert response.status_code == 404
    left = client.post(reverse("portal:contact_left", args=[contact.pk]), {"confirm": "yes"})
    assert left.status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Ama Alpha"
    assert contact.is_active
    assert "Ama Alpha" not in client.get(reverse("portal:organisation")).content.decode()


def test_provider_users_cannot_use_the_officer_pages(
    client_for: Any, provider_a_user: Any, a_things: dict[str, Any]
) -> None:
    client = client_for(provider_a_user)
    enquiry = a_things["enquiry"]
    assert client.get(reverse("enquiries:queue")).status_code == 403
    assert client.get(reverse("enquiries:detail", args=[enquiry.pk])).status_code == 403
    assert (
        client.get(reverse("enquiries:attachment", args=[a_things["attachment"].pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("enquiries:note", args=[enquiry.pk]), {"note-body": "x"}).status_code
        == 403
    )


def test_provider_as_own_user_never_sees_internal_notes(
    client_for: Any, provider_a_user: Any, a_things: dict[str, Any]
) -> None:
    page = client_for(provider_a_user).get(
        reverse("portal:enquiry_detail", args=[a_things["enquiry"].pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Paid." in html
    assert "Internal only" not in html
    assert "Internal note" not in html


def test_provider_b_gets_404_for_provider_as_things_in_the_api(
    api_for: Any, provider_b_user: Any, a_things: dict[str, Any]
) -> None:
    api = api_for(provider_b_user)
    pk = a_things["enquiry"].pk
    reply = a_things["reply"].pk
    assert api.get(f"/api/enquiries/{pk}").status_code == 404
    assert api.get(f"/api/enquiries/{pk}/messages").status_code == 404
    assert api.get(f"/api/enquiries/{pk}/messages/{reply}").status_code == 404
    before = EnquiryMessage.objects.count()
    posted = api.post(
        f"/api/enquiries/{pk}/messages", {"body": "Let me in"}, content_type="application/json"
    )
    assert posted.status_code == 404
    patched = api.patch(
        f"/api/enquiries/{pk}", {"status": "closed"}, content_type="application/json"
    )
    assert patched.status_code == 404
    assert patched.json() == {"detail": "Not found.", "code": "not_found"}
    assert EnquiryMessage.objects.count() == before
    assert api.get("/api/enquiries").json()["count"] == 0


def test_an_internal_note_is_404_for_the_providers_own_user_in_the_api(
    api_for: Any, provider_a_user: Any, a_things: dict[str, Any]
) -> None:
    api = api_for(provider_a_user)
    pk = a_things["enquiry"].pk
    assert api.get(f"/api/enquiries/{pk}/messages/{a_things['note'].pk}").status_code == 404
    assert api.get(f"/api/enquiries/{pk}/messages/{a_things['reply'].pk}").status_code == 200
    detail = api.get(f"/api/enquiries/{pk}").json()
    assert [m["kind"] for m in detail["messages"]] == ["provider", "reply"]
    assert "Internal only" not in str(detail)


def test_a_provider_user_who_left_reaches_nothing(
    client_for: Any, provider_a_user: Any, a_things: dict[str, Any]
) -> None:
    Contact.objects.filter(user=provider_a_user).update(is_active=False)
    client = client_for(provider_a_user)
    assert client.get(reverse("portal:home")).status_code == 404
    assert (
        client.get(reverse("portal:enquiry_detail", args=[a_things["enquiry"].pk])).status_code
        == 404
    )
