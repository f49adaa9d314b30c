"""GET /api/groups and /api/groups/{id}: the register with terms state and latest maturity."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engage.api.services import create_token
from engage.groups.models import GroupKind, GroupStatus
from tests.clock import TODAY
from tests.groups.factories import AssessmentFactory, ForumFactory, GroupFactory, TermsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def test_list_shows_each_group_with_terms_state_and_maturity(
    client_for, officer, localities
) -> None:
    forum = ForumFactory(name="Mid Provider Forum", locality=localities["mid"])
    TermsFactory(group=forum, version=1)
    AssessmentFactory(group=forum, purpose_score=4)
    GroupFactory(name="Working Group Z")
    body = client_for(officer).get("/api/groups").json()
    assert body["count"] == 2 and body["pages"] == 1
    first = body["items"][0]
    assert first["name"] == "Mid Provider Forum"
    assert first["kind"] == "provider-forum" and first["kind_label"] == "Provider forum"
    assert first["locality"] == {"id": localities["mid"].pk, "name": "Mid"}
    assert first["terms_of_reference"]["state"] == "current"
    assert first["terms_of_reference"]["version"] == 1
    assert first["latest_maturity"]["average"] == 2.4
    assert first["meetings"] == {"recorded": True, "last_12_months": 0, "next_meeting_on": None}
    assert body["items"][1]["terms_of_reference"]["state"] == "none"
    assert body["items"][1]["latest_maturity"] is None


def test_list_filters_by_kind_locality_and_status(client_for, officer, localities) -> None:
    ForumFactory(name="Mid Forum", locality=localities["mid"])
    ForumFactory(name="North Forum", locality=localities["north"])
    GroupFactory(name="Closed Group", status=GroupStatus.CLOSED)
    client = client_for(officer)

    def names(query: str) -> list[str]:
        return [g["name"] for g in client.get(f"/api/groups{query}").json()["items"]]

    assert names("?kind=provider-forum") == ["Mid Forum", "North Forum"]
    assert names("?locality=north") == ["North Forum"]
    assert names("?status=closed") == ["Closed Group"]
    assert client.get("/api/groups?kind=nonsense").status_code == 422


def test_list_is_paginated(client_for, officer) -> None:
    for n in range(5):
        GroupFactory(name=f"Group {n}")
    body = client_for(officer).get("/api/groups?page=2&page_size=2").json()
    assert [g["name"] for g in body["items"]] == ["Group 2", "Group 3"]
    assert (body["count"], body["pages"]) == (5, 3)


def test_detail_has_the_audience_terms_and_latest_assessment(
    client_for, officer, localities, teams
) -> None:
    forum = ForumFactory(name="Mid Forum", locality=localities["mid"], for_managers=True)
    forum.required_teams.set([teams["safeguarding"]])
    forum.audience_localities.set([localities["mid"]])
    TermsFactory(group=forum, version=1, approved_on=TODAY - timedelta(days=400))
    TermsFactory(
        group=forum, version=2, status="draft", approved_on=None, approved_by=None, review_due=None
    )
    AssessmentFactory(group=forum, purpose_score=3, purpose_evidence="Agreed in March")
    body = client_for(officer).get(f"/api/groups/{forum.pk}").json()
    assert body["required_teams"] == [{"id": teams["safeguarding"].pk, "name": "Safeguarding"}]
    assert body["audience"] == {
        "service_types": [],
        "localities": ["mid"],
        "levels": ["manager"],
        "tier_one_only": False,
    }
    assert body["terms_of_reference"]["state"] == "review-overdue"
    assert body["terms_of_reference"]["draft_version"] == 2
    assert body["current_terms"]["version"] == 1
    scores = {s["dimension"]: s for s in body["latest_assessment"]["scores"]}
    assert scores["purpose"]["score"] == 3 and scores["purpose"]["evidence"] == "Agreed in March"


def test_token_clients_read_the_register(officer) -> None:
    from django.test import Client

    GroupFactory(kind=GroupKind.TIER_ONE)
    token = create_token(user=officer, name="reporting")[1]
    response = Client().get("/api/groups", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_list_has_constant_queries(
    client_for, officer, localities, django_assert_max_num_queries
) -> None:
    client = client_for(officer)
    ForumFactory(locality=localities["mid"])
    client.get("/api/groups")
    with django_assert_max_num_queries(4) as small:
        client.get("/api/groups")
    for _ in range(15):
        group = ForumFactory(locality=localities["north"])
        TermsFactory(group=group, version=1)
        AssessmentFactory(group=group)
    with django_assert_max_num_queries(4) as large:
        client.get("/api/groups")
    assert len(small.captured_queries) == len(large.captured_queries)
