"""Providers send enquiries, follow them and reply, in the portal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from engage.enquiries import services
from engage.enquiries.models import Enquiry, Status
from engage.outbox.models import OutgoingEmail
from tests.enquiries.factories import submit

pytestmark = pytest.mark.django_db

NEW = reverse("portal:enquiry_new")


def test_sending_an_enquiry_takes_two_steps_and_acknowledges_it(
    client_for: Any, provider_a_user: Any, categories: Any
) -> None:
    client = client_for(provider_a_user)
    page = client.get(NEW).content.decode()
    assert "What is your enquiry about?" in page
    assert "Payments and invoices" in page
    assert "First reply within 2 working days" in page
    missing = client.post(NEW, {})
    assert missing.status_code == 422
    assert 'href="#id_category">Choose what your enquiry is about' in missing.content.decode()
    chosen = client.post(NEW, {"category": "payments"})
    details = reverse("portal:enquiry_new_details", args=["payments"])
    assert chosen["Location"] == details
    incomplete = client.post(details, {"subject": ""})
    assert incomplete.status_code == 422
    assert "Enter a subject" in incomplete.content.decode()
    sent = client.post(details, {"subject": "Invoice 88", "body": "Not paid yet."}, follow=True)
    enquiry = Enquiry.objects.get()
    assert sent.redirect_chain[-1][0] == reverse("portal:enquiry_detail", args=[enquiry.pk])
    html = sent.content.decode()
    assert f"Its reference is {enquiry.reference}" in html
    assert enquiry.contact == provider_a_user.contact
    assert enquiry.submitted_by == provider_a_user
    ack = OutgoingEmail.objects.get(idempotency_key=f"enquiry-ack:{enquiry.pk}")
    assert ack.to == ["manager@alpha.example"]


def test_a_safeguarding_concern_shows_the_urgent_route_before_and_after(
    client_for: Any, provider_a_user: Any, categories: Any, settings: Any
) -> None:
    settings.SAFEGUARDING_URGENT_ROUTE = "Call 999, then the safeguarding line on 0300 555 0100."
    client = client_for(provider_a_user)
    assert "0300 555 0100" in client.get(NEW).content.decode()
    details = reverse("portal:enquiry_new_details", args=["safeguarding"])
    form_page = client.get(details).content.decode()
    assert "Urgent safeguarding route" in form_page
    assert "0300 555 0100" in form_page
    assert "does not replace the urgent route" in form_page
    sent = client.post(details, {"subject": "Concern", "body": "We called the line."}, follow=True)
    html = sent.content.decode()
    assert "Urgent safeguarding route" in html
    assert "0300 555 0100" in html


def test_a_category_no_longer_in_use_cannot_be_chosen(
    client_for: Any, provider_a_user: Any, categories: Any
) -> None:
    categories["training"].is_active = False
    categories["training"].save()
    client = client_for(provider_a_user)
    assert "Training" not in client.get(NEW).content.decode()
    assert client.get(reverse("portal:enquiry_new_details", args=["training"])).status_code == 404


def test_the_enquiry_page_shows_status_owner_and_dates(
    client_for: Any, provider_a_user: Any, enquiry_a: Any, officer: Any
) -> None:
    services.take_enquiry(actor=officer, enquiry=enquiry_a)
    services.post_reply(actor=officer, enquiry=enquiry_a, body="Which one?", then_status="waiting")
    html = (
        client_for(provider_a_user)
        .get(reverse("portal:enquiry_detail", args=[enquiry_a.pk]))
        .content.decode()
    )
    assert "Waiting on provider" in html
    assert "We are waiting for information from you" in html
    assert "Olu Officer" in html
    assert "Paused while we wait for you" in html
    assert "Which one?" in html
    assert enquiry_a.first_response_due.strftime("%A %-d %B %Y") in html


def test_replying_restarts_the_clock(
    client_for: Any, provider_a_user: Any, enquiry_a: Any, officer: Any
) -> None:
    services.post_reply(actor=officer, enquiry=enquiry_a, body="Which one?", then_status="waiting")
    response = client_for(provider_a_user).post(
        reverse("portal:enquiry_reply", args=[enquiry_a.pk]), {"body": "Invoice 4471."}
    )
    assert response.status_code == 302
    enquiry_a.refresh_from_db()
    assert enquiry_a.status == Status.IN_PROGRESS
    notice = OutgoingEmail.objects.filter(idempotency_key__startswith="enquiry-provider-message:")
    assert notice.get().to == ["contracts@council.example"]


def test_a_closed_enquiry_cannot_be_replied_to(
    client_for: Any, provider_a_user: Any, enquiry_a: Any, officer: Any
) -> None:
    services.change_status(actor=officer, enquiry=enquiry_a, to_status=Status.CLOSED)
    client = client_for(provider_a_user)
    page = client.get(reverse("portal:enquiry_detail", args=[enquiry_a.pk])).content.decode()
    assert "This enquiry is closed." in page
    assert 'action="/portal/enquiries/' not in page
    refused = client.post(reverse("portal:enquiry_reply", args=[enquiry_a.pk]), {"body": "Hi"})
    assert refused.status_code == 422
    assert "is closed" in refused.content.decode()


def test_the_list_shows_open_or_finished_enquiries_and_searches(
    client_for: Any, provider_a_user: Any, provider_a: Any, categories: Any, officer: Any
) -> None:
    open_one = submit(provider_a, categories["payments"], subject="Open one")
    done = submit(provider_a, categories["quality"], subject="Done one")
    services.change_status(actor=officer, enquiry=done, to_status=Status.RESOLVED)
    client = client_for(provider_a_user)
    url = reverse("portal:enquiries")

    def refs(query: str) -> set[str]:
        return set(re.findall(r">(ENQ-\d{4}-\d{5})<", client.get(url + query).content.decode()))

    assert refs("") == {open_one.reference}
    assert refs("?show=finished") == {done.reference}
    assert refs("?show=all") == {open_one.reference, done.reference}
    assert refs("?show=all&q=Done") == {done.reference}
