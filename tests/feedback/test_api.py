"""The feedback API: meeting aggregates, one response per token (409), surveys, YSWD."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from engage.api.services import create_token
from engage.feedback import services
from engage.feedback.models import EvaluationResponse, FeedbackSource
from tests.feedback.factories import answer, held_meeting, invite, registered_contacts

pytestmark = pytest.mark.django_db


def _client(user: Any) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def test_meeting_evaluation_aggregates(officer: Any) -> None:
    meeting = held_meeting()
    registered_contacts(meeting.activity, 4)
    invitations = invite(meeting.activity)
    answer(invitations[0], 5)
    answer(invitations[1], 3)
    client, headers = _client(officer)
    body = client.get(f"/api/meetings/{meeting.pk}/evaluation", headers=headers).json()
    assert body["invitations"] == 4
    assert body["responses"] == 2
    assert body["response_rate"] == 50.0
    assert body["mean_usefulness"] == 4.0
    usefulness = next(q for q in body["questions"] if q["key"] == "usefulness")
    assert [c["count"] for c in usefulness["counts"]] == [1, 0, 1, 0, 0]


def test_a_provider_cannot_read_meeting_aggregates(provider_a_user: Any) -> None:
    meeting = held_meeting()
    client, headers = _client(provider_a_user)
    assert client.get(f"/api/meetings/{meeting.pk}/evaluation", headers=headers).status_code == 403


def test_post_evaluation_once_then_409() -> None:
    meeting = held_meeting()
    registered_contacts(meeting.activity, 1)
    (invitation,) = invite(meeting.activity)
    client = Client()
    url = f"/api/evaluations/{invitation.token}"
    first = client.post(url, {"answers": {"usefulness": 4}}, content_type="application/json")
    assert first.status_code == 201
    second = client.post(url, {"answers": {"usefulness": 1}}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["detail"].startswith("You have already sent your evaluation")
    assert EvaluationResponse.objects.count() == 1
    missing = client.post("/api/evaluations/nope", {"answers": {}}, content_type="application/json")
    assert missing.status_code == 404


def test_post_evaluation_without_the_required_score_is_422() -> None:
    meeting = held_meeting()
    registered_contacts(meeting.activity, 1)
    (invitation,) = invite(meeting.activity)
    response = Client().post(
        f"/api/evaluations/{invitation.token}", {"answers": {}}, content_type="application/json"
    )
    assert response.status_code == 422


def test_create_list_and_read_survey_results(officer: Any, provider_a_user: Any) -> None:
    client, headers = _client(officer)
    payload = {
        "title": "Engagement",
        "closes_on": str(timezone.localdate() + timedelta(days=5)),
        "questions": [
            {"text": "Rate us", "kind": "rating"},
            {"text": "Want?", "kind": "multiple", "options": ["Meetings", "Events"]},
        ],
        "levels": ["manager"],
    }
    created = client.post("/api/surveys", payload, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    survey_id = created.json()["id"]
    listing = client.get("/api/surveys", headers=headers).json()
    assert [s["id"] for s in listing["items"]] == [survey_id]
    results = client.get(f"/api/surveys/{survey_id}/results", headers=headers).json()
    assert results["responses"] == 0
    assert [q["text"] for q in results["questions"]] == ["Rate us", "Want?"]
    provider_client, provider_headers = _client(provider_a_user)
    refused = provider_client.post(
        "/api/surveys", payload, content_type="application/json", headers=provider_headers
    )
    assert refused.status_code == 403


def test_you_said_we_did_for_officers_and_providers(officer: Any, provider_a_user: Any) -> None:
    item = services.create_feedback_item(
        actor=officer, text="Too late", source=FeedbackSource.SURVEY
    )
    services.turn_into_action(actor=officer, item=item, title="Earlier", owner=None, due_on=None)
    services.record_we_did(actor=officer, item=item, outcome="Sent earlier")
    for user in (officer, provider_a_user):
        client, headers = _client(user)
        body = client.get("/api/you-said-we-did", headers=headers).json()
        assert [(i["you_said"], i["we_did"]) for i in body["items"]] == [
            ("Too late", "Sent earlier")
        ]


def _queries(client: Client, url: str, headers: dict[str, str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured.captured_queries)


def test_aggregate_endpoints_make_the_same_queries_whatever_the_data(officer: Any) -> None:
    """The two endpoints with an id in their path (not in the harness's static budgets)."""
    meeting = held_meeting()
    survey = services.create_survey(
        actor=officer,
        title="S",
        closes_on=timezone.localdate() + timedelta(days=3),
        questions=[
            services.QuestionInput("Rate", "rating"),
            services.QuestionInput("Pick", "multiple", True, ("a", "b")),
        ],
    )
    client, headers = _client(officer)
    urls = [f"/api/meetings/{meeting.pk}/evaluation", f"/api/surveys/{survey.pk}/results"]
    before = [_queries(client, url, headers) for url in urls]
    registered_contacts(meeting.activity, 6)
    for n, invitation in enumerate(invite(meeting.activity)):
        answer(invitation, 1 + n % 5, **{"what-worked": f"w{n}"})
    from tests.market.factories import ContactFactory

    for _ in range(5):
        ContactFactory(email_consent=True, level="manager")
    services.send_survey(actor=officer, survey=survey)
    questions = list(survey.questions.all())
    for invitation in survey.invitations.all():
        services.submit_survey_response(
            token=invitation.token, answers={questions[0].pk: 4, questions[1].pk: ["a"]}
        )
    after = [_queries(client, url, headers) for url in urls]
    assert after == before
    assert after == [7, 8]  # token auth (2), then the selectors' fixed few
