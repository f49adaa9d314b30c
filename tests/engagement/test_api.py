"""The engagement API: activities, clashes, the check without saving, and the calendar."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from engage.engagement.models import Activity
from tests.engagement.factories import ActivityFactory, at

pytestmark = pytest.mark.django_db
Status = Activity.Status


def _payload(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "API workshop",
        "kind": "workshop",
        "mode": "participate",
        "mechanism": "workshop",
        "audience": {"levels": ["manager"], "localities": ["mid"]},
        "required_teams": ["contracts"],
        "starts_at": "2030-03-12T10:00:00",
        "ends_at": "2030-03-12T12:00:00",
    }
    data.update(overrides)
    return data


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_an_officer_creates_a_draft_and_reads_it_back(
    client_for: Any, officer: Any, localities: Any, teams: Any
) -> None:
    client = client_for(officer)
    response = _post(client, "/api/activities", _payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["audience"]["localities"] == ["mid"]
    assert body["starts_at"] == "2030-03-12T10:00:00Z"  # London time in March is GMT
    again = client.get(f"/api/activities/{body['id']}").json()
    assert again["title"] == "API workshop"


def test_the_check_returns_clashes_and_reach_without_saving(
    client_for: Any, officer: Any, localities: Any, teams: Any
) -> None:
    day = at("2030-03-12")
    other = ActivityFactory(
        title="Busy",
        status=Status.PUBLISHED,
        starts_at=day,
        ends_at=day + timedelta(hours=2),
        teams=[teams["contracts"]],
    )
    response = _post(client_for(officer), "/api/activities/check", _payload())
    assert response.status_code == 200
    body = response.json()
    assert sorted(c["kind"] for c in body["clashes"]) == ["same-day", "team"]
    assert {c["other_activity_id"] for c in body["clashes"]} == {other.pk}
    assert set(body["reach"]) == {"providers", "services", "contacts", "emailable"}
    assert Activity.objects.count() == 1


def test_unknown_references_are_422_in_the_shared_error_shape(
    client_for: Any, officer: Any, localities: Any, teams: Any
) -> None:
    response = _post(client_for(officer), "/api/activities", _payload(required_teams=["nope"]))
    assert response.status_code == 422
    assert response.json()["detail"] == "Unknown teams: nope"
    response = _post(
        client_for(officer), "/api/activities", _payload(ends_at="2030-03-12T09:00:00")
    )
    assert response.json()["detail"] == "The end must be after the start"


def test_times_with_any_offset_are_stored_in_utc_and_far_years_are_refused(
    client_for: Any, officer: Any, localities: Any, teams: Any
) -> None:
    """An offset no database column holds (+18:02) is converted; year 597 is a 422, not a 500."""
    client = client_for(officer)
    response = _post(
        client,
        "/api/activities",
        _payload(starts_at="2030-03-12T10:00:00+18:02", ends_at="2030-03-12T12:00:00+18:02"),
    )
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] == "2030-03-11T15:58:00Z"
    response = _post(client, "/api/activities/check", _payload(starts_at="0597-10-11T00:49:44"))
    assert response.status_code == 422
    assert "between the years 2000 and 2099" in response.content.decode()


def test_clashes_endpoint_explains_each_clash(client_for: Any, pem: Any) -> None:
    saturday = at("2030-03-16")
    activity = ActivityFactory(starts_at=saturday, ends_at=saturday + timedelta(hours=1))
    body = client_for(pem).get(f"/api/activities/{activity.pk}/clashes").json()
    assert body == [
        {
            "key": "day-off:2030-03-16",
            "kind": "day-off",
            "severity": "warning",
            "message": "Saturday 16 March 2030 is a weekend.",
            "other_activity_id": None,
            "day": "2030-03-16",
            "accepted": False,
        }
    ]


def test_provider_users_get_403_on_planning_endpoints_and_only_their_events_from_the_calendar(
    client_for: Any, provider_a_user: Any, localities: Any
) -> None:
    starts = timezone.now() + timedelta(days=10)
    ActivityFactory(
        title="For them",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["north"]],
    )
    ActivityFactory(
        title="Not for them",
        status=Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        localities=[localities["south"]],
    )
    secret = ActivityFactory(title="Draft", starts_at=starts, ends_at=starts + timedelta(hours=1))
    client = client_for(provider_a_user)
    assert client.get("/api/activities").status_code == 403
    assert client.get(f"/api/activities/{secret.pk}").status_code == 403
    assert _post(client, "/api/activities/check", _payload()).status_code == 403
    items = client.get("/api/calendar").json()["items"]
    assert [i["title"] for i in items] == ["For them"]


def test_councillors_cannot_read_drafts_through_the_api(client_for: Any, councillor: Any) -> None:
    draft = ActivityFactory()
    assert client_for(councillor).get(f"/api/activities/{draft.pk}").status_code == 404


def test_the_calendar_endpoint_filters_by_segment_and_dates(
    client_for: Any, pem: Any, localities: Any
) -> None:
    day = at("2030-03-12")
    ActivityFactory(
        title="Mid", starts_at=day, ends_at=day + timedelta(hours=1), localities=[localities["mid"]]
    )
    ActivityFactory(
        title="Later", starts_at=day + timedelta(days=40), ends_at=day + timedelta(days=40, hours=1)
    )
    client = client_for(pem)
    body = client.get("/api/calendar?from=2030-03-01&to=2030-03-31&locality=mid").json()
    assert [i["title"] for i in body["items"]] == ["Mid"] and body["count"] == 1
    assert client.get("/api/calendar?from=2030-03-31&to=2030-03-01").status_code == 422


@pytest.mark.parametrize("url", ["/api/activities", "/api/calendar?from=2030-03-01&to=2030-03-31"])
def test_lists_have_constant_queries(
    url: str, client_for: Any, pem: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(pem)
    day = at("2030-03-12")
    ActivityFactory.create_batch(2, starts_at=day, ends_at=day + timedelta(hours=1))
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    ActivityFactory.create_batch(12, starts_at=day, ends_at=day + timedelta(hours=1))
    with django_assert_max_num_queries(12) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
