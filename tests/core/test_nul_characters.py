"""A NUL character in a request is refused clearly (PostgreSQL cannot store or compare one)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_search_holding_a_nul_is_a_400_page(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.get("/market/", {"q": "care\x00home"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_the_api_answers_400_in_its_error_shape(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.get("/api/providers", {"q": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    body = json.dumps({"title": "A\x00B"})
    response = client.post("/api/activities", body, content_type="application/json")
    assert response.status_code == 400


def test_a_form_field_holding_a_nul_is_refused_and_ordinary_text_passes(
    client: Any, officer: Any
) -> None:
    client.force_login(officer)
    assert client.post("/market/providers/add/", {"name": "x\x00"}).status_code == 400
    assert client.get("/market/", {"q": "care home"}).status_code == 200
