"""The enquiries API: list, submit, read, thread, status and owner."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engage.enquiries import services
from engage.enquiries.models import Enquiry, Status
from engage.outbox.models import OutgoingEmail
from tests.enquiries.factories import submit

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_a_provider_lists_only_its_own_enquiries(
    api_for: Any, provider_a_user: Any, enquiry_a: Any, enquiry_b: Any
) -> None:
    body = api_for(provider_a_user).get("/api/enquiries").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["reference"] == enquiry_a.reference
    assert item["owner"] == {"officer_id": None, "name": "the Contracts team", "team": "Contracts"}
    assert item["status"] == "new"
    assert item["first_response_due"] == enquiry_a.first_response_due.isoformat()


def test_officers_list_every_enquiry_and_can_filter(
    api_for: Any, officer: Any, enquiry_a: Any, enquiry_b: Any
) -> None:
    api = api_for(officer)
    assert api.get("/api/enquiries").json()["count"] == 2
    assert api.get("/api/enquiries?category=quality").json()["count"] == 1
    assert api.get("/api/enquiries?mine=true").json()["count"] == 0
    services.take_enquiry(actor=officer, enquiry=enquiry_a)
    mine = api.get("/api/enquiries?mine=true").json()
    assert [i["reference"] for i in mine["items"]] == [enquiry_a.reference]
    assert api.get("/api/enquiries?status=open").json()["count"] == 2
    assert api.get(f"/api/enquiries?q={enquiry_b.reference}").json()["count"] == 1


def test_roles_without_enquiries_are_refused(api_for: Any, councillor: Any, partner: Any) -> None:
    for user in (councillor, partner):
        response = api_for(user).get("/api/enquiries")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


def test_a_provider_submits_an_enquiry_and_is_acknowledged(
    api_for: Any, provider_a_user: Any, categories: Any
) -> None:
    response = api_for(provider_a_user).post(
        "/api/enquiries",
        {"category": "placements", "subject": "Vacancy", "body": "We have a room free."},
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("ENQ-")
    assert body["channel"] == "api"
    assert body["contact_name"] == "Ama Alpha"
    assert body["owner"]["name"] == "the Service Placement team"
    assert [m["body"] for m in body["messages"]] == ["We have a room free."]
    assert OutgoingEmail.objects.filter(idempotency_key=f"enquiry-ack:{body['id']}").exists()


def test_an_officer_logs_a_phone_enquiry_through_the_api(
    api_for: Any, officer: Any, provider_b: Any, provider_b_user: Any, categories: Any
) -> None:
    api = api_for(officer)
    missing = api.post(
        "/api/enquiries",
        {"category": "payments", "subject": "x", "body": "y", "channel": "phone"},
        content_type=JSON,
    )
    assert missing.status_code == 422
    assert "provider_id" in missing.json()["detail"]
    response = api.post(
        "/api/enquiries",
        {
            "category": "payments",
            "subject": "Remittance query",
            "body": "Called about last month's remittance.",
            "channel": "phone",
            "provider_id": provider_b.pk,
            "contact_id": provider_b_user.contact.pk,
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    enquiry = Enquiry.objects.get(pk=response.json()["id"])
    assert (enquiry.channel, enquiry.provider, enquiry.contact_email) == (
        "phone",
        provider_b,
        "manager@beta.example",
    )


def test_an_unknown_category_is_a_clear_error(
    api_for: Any, provider_a_user: Any, categories: Any
) -> None:
    response = api_for(provider_a_user).post(
        "/api/enquiries", {"category": "nope", "subject": "x", "body": "y"}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "There is no category 'nope' in use"


def test_officers_see_internal_notes_and_providers_do_not(
    api_for: Any, officer: Any, provider_a_user: Any, enquiry_a: Any
) -> None:
    services.add_note(actor=officer, enquiry=enquiry_a, body="Finance hold")
    officer_view = api_for(officer).get(f"/api/enquiries/{enquiry_a.pk}").json()
    provider_view = api_for(provider_a_user).get(f"/api/enquiries/{enquiry_a.pk}").json()
    assert [m["kind"] for m in officer_view["messages"]] == ["provider", "note"]
    assert [m["kind"] for m in provider_view["messages"]] == ["provider"]


def test_messages_go_the_right_way(
    api_for: Any, officer: Any, provider_a_user: Any, enquiry_a: Any
) -> None:
    officer_api = api_for(officer)
    reply = officer_api.post(
        f"/api/enquiries/{enquiry_a.pk}/messages",
        {"body": "Which invoice?", "then_status": "waiting"},
        content_type=JSON,
    )
    assert reply.status_code == 201
    assert reply.json()["kind"] == "reply"
    assert OutgoingEmail.objects.filter(
        idempotency_key=f"enquiry-reply:{reply.json()['id']}"
    ).exists()
    note = officer_api.post(
        f"/api/enquiries/{enquiry_a.pk}/messages",
        {"body": "Chasing finance", "kind": "note"},
        content_type=JSON,
    )
    assert note.json()["kind"] == "note"
    answer = api_for(provider_a_user).post(
        f"/api/enquiries/{enquiry_a.pk}/messages",
        {"body": "4471", "kind": "note"},  # a provider cannot write a note: it is a message
        content_type=JSON,
    )
    assert answer.status_code == 201
    assert answer.json()["kind"] == "provider"
    enquiry_a.refresh_from_db()
    assert enquiry_a.status == Status.IN_PROGRESS  # the clock restarted
    thread = api_for(provider_a_user).get(f"/api/enquiries/{enquiry_a.pk}/messages").json()
    assert [m["body"] for m in thread] == [
        "Our invoice 4471 has not been paid. Could you check?",
        "Which invoice?",
        "4471",
    ]


def test_patch_changes_status_as_the_table_allows(
    api_for: Any, officer: Any, enquiry_a: Any
) -> None:
    api = api_for(officer)
    ok = api.patch(f"/api/enquiries/{enquiry_a.pk}", {"status": "resolved"}, content_type=JSON)
    assert ok.status_code == 200
    assert ok.json()["status"] == "resolved"
    refused = api.patch(f"/api/enquiries/{enquiry_a.pk}", {"status": "waiting"}, content_type=JSON)
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "An enquiry that is resolved cannot be moved to waiting on provider"
    )
    nonsense = api.patch(f"/api/enquiries/{enquiry_a.pk}", {"status": "lost"}, content_type=JSON)
    assert nonsense.status_code == 422


def test_patch_reassigns_to_an_officer_or_a_team_queue(
    api_for: Any, officer: Any, pem: Any, enquiry_a: Any, teams: Any
) -> None:
    api = api_for(pem)
    to_officer = api.patch(
        f"/api/enquiries/{enquiry_a.pk}", {"owner_id": officer.officer.pk}, content_type=JSON
    )
    assert to_officer.json()["owner"] == {
        "officer_id": officer.officer.pk,
        "name": "Olu Officer",
        "team": "Contracts",
    }
    to_queue = api.patch(
        f"/api/enquiries/{enquiry_a.pk}",
        {"owner_id": None, "team": "safeguarding", "note": "Moved"},
        content_type=JSON,
    )
    assert to_queue.json()["owner"]["name"] == "the Safeguarding team"
    assert enquiry_a.events.filter(kind="assigned").count() == 2


def test_providers_cannot_patch_even_their_own_enquiry(
    api_for: Any, provider_a_user: Any, enquiry_a: Any
) -> None:
    response = api_for(provider_a_user).patch(
        f"/api/enquiries/{enquiry_a.pk}", {"status": "closed"}, content_type=JSON
    )
    assert response.status_code == 403
    enquiry_a.refresh_from_db()
    assert enquiry_a.status == Status.NEW


def _list_queries(api: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/enquiries?page_size=200").status_code == 200
    return len(queries)


def test_the_list_endpoint_uses_the_same_queries_for_few_or_many(
    api_for: Any,
    officer: Any,
    provider_a: Any,
    provider_b: Any,
    categories: Any,
    django_assert_max_num_queries: Any,
) -> None:
    api = api_for(officer)
    api.get("/api/me")  # the token's first use is recorded once
    for provider in (provider_a, provider_b):
        submit(provider, categories["payments"])
    few = _list_queries(api)
    for index in range(12):
        submit(provider_a if index % 2 else provider_b, list(categories.values())[index % 7])
    many = _list_queries(api)
    assert few == many
    with django_assert_max_num_queries(8):
        api.get("/api/enquiries")


def test_the_openapi_description_lists_the_endpoints(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/enquiries"])
    assert {"get", "patch"} <= set(paths["/api/enquiries/{enquiry_id}"])
    assert "post" in paths["/api/enquiries/{enquiry_id}/messages"]
