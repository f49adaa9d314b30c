"""The planner's API: start a run (PEM), read its status and proposals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from engage.api.services import create_token
from engage.core.working_days import bank_holidays

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    _, token = create_token(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_pem_starts_a_run_and_reads_its_proposals(
    pem: Any, planning_world: dict[str, Any], start: date
) -> None:
    client = _client(pem)
    ids = [g.pk for g in planning_world["groups"]]
    response = client.post(
        "/api/planner/runs",
        {"group_ids": ids, "start": start.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Inside a test transaction the on-commit task has not run yet.
    assert body["status"] == "queued" and body["proposals"] == []
    from engage.planner.services import execute_plan_run

    execute_plan_run(run_id=body["id"])
    read = client.get(f"/api/planner/runs/{body['id']}").json()
    assert read["status"] == "done" and read["solver_status"] == "optimal"
    assert read["progress"] == 100
    assert len(read["proposals"]) == 10
    assert {p["group"]["name"] for p in read["proposals"]} == {
        g.name for g in planning_world["groups"]
    }
    assert read["gap"] == 0.0


def test_a_pin_on_a_bank_holiday_comes_back_explained(
    pem: Any, planning_world: dict[str, Any], start: date
) -> None:
    from engage.planner.services import execute_plan_run

    holiday = next(iter(bank_holidays(start, start + timedelta(days=365))))
    client = _client(pem)
    body = client.post(
        "/api/planner/runs",
        {
            "group_ids": [planning_world["working"].pk],
            "start": start.isoformat(),
            "pins": [
                {"group_id": planning_world["working"].pk, "index": 0, "day": holiday.isoformat()}
            ],
        },
        content_type="application/json",
    ).json()
    execute_plan_run(run_id=body["id"])
    read = client.get(f"/api/planner/runs/{body['id']}").json()
    assert read["solver_status"] == "infeasible"
    assert read["conflicts"] and read["proposals"] == []


def test_unknown_groups_and_past_starts_are_refused(
    pem: Any, planning_world: dict[str, Any]
) -> None:
    client = _client(pem)
    unknown = client.post(
        "/api/planner/runs",
        {"group_ids": [999999], "start": (date.today() + timedelta(days=7)).isoformat()},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "999999" in unknown.json()["detail"]
    past = client.post(
        "/api/planner/runs",
        {"group_ids": [planning_world["north"].pk], "start": "2020-01-06"},
        content_type="application/json",
    )
    assert past.status_code == 400


def test_officers_cannot_use_the_planner_api(
    officer: Any, pem: Any, planning_world: dict[str, Any], start: date
) -> None:
    from engage.planner.models import PlanRun

    run = PlanRun.objects.create(created_by=pem, start=start, end=start + timedelta(days=364))
    client = _client(officer)
    assert client.get(f"/api/planner/runs/{run.pk}").status_code == 403
    assert (
        client.post(
            "/api/planner/runs",
            {"group_ids": [planning_world["north"].pk], "start": start.isoformat()},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert _client(pem).get("/api/planner/runs/999999").status_code == 404
