"""Surveys: build, send to the audience, answer once, anonymity, results and CSV."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engage.feedback import selectors, services
from engage.feedback.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from engage.outbox.models import OutgoingEmail
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db

QUESTIONS = [
    services.QuestionInput("How good is our engagement?", "rating"),
    services.QuestionInput(
        "What do you want?",
        "multiple",
        True,
        ("Face-to-face meetings", "Events to give feedback", "Knowing whom to contact"),
    ),
    services.QuestionInput("How to meet?", "single", False, ("In person", "Online")),
    services.QuestionInput("Anything else?", "text", False),
]


def _survey(officer: Any, *, anonymous: bool = True, **audience: Any) -> Any:
    return services.create_survey(
        actor=officer,
        title="Provider engagement survey",
        closes_on=timezone.localdate() + timedelta(days=14),
        questions=QUESTIONS,
        anonymous=anonymous,
        **audience,
    )


def _answers(survey: Any, score: int, wants: list[str], how: str = "", text: str = "") -> Any:
    q = list(survey.questions.all())
    return {q[0].pk: score, q[1].pk: wants, q[2].pk: how, q[3].pk: text}


@pytest.fixture
def audience(provider_a: Any, provider_b: Any) -> dict[str, Any]:
    """Two emailable managers at provider A (Tier One), one at B, one without consent."""
    a1 = ContactFactory(provider=provider_a, level="manager", email_consent=True)
    a2 = ContactFactory(provider=provider_a, level="manager", email_consent=True)
    b1 = ContactFactory(provider=provider_b, level="manager", email_consent=True)
    ContactFactory(provider=provider_b, level="manager", email_consent=False)
    return {"a1": a1, "a2": a2, "b1": b1}


def test_sending_invites_the_emailable_audience_once(officer: Any, audience: Any) -> None:
    survey = _survey(officer)
    assert services.send_survey(actor=officer, survey=survey) == 3
    assert services.send_survey(actor=officer, survey=survey) == 0
    assert OutgoingEmail.objects.filter(topic=f"survey:{survey.pk}").count() == 3


def test_tier_one_only_reaches_only_tier_one_providers(officer: Any, audience: Any) -> None:
    survey = _survey(officer, tier_one_only=True)
    services.send_survey(actor=officer, survey=survey)
    invited = set(SurveyInvitation.objects.values_list("contact_id", flat=True))
    assert invited == {audience["a1"].pk, audience["a2"].pk}


def test_an_anonymous_response_keeps_no_link_to_the_person(officer: Any, audience: Any) -> None:
    survey = _survey(officer)
    services.send_survey(actor=officer, survey=survey)
    invitation = SurveyInvitation.objects.get(contact=audience["a1"])
    services.submit_survey_response(
        token=invitation.token, answers=_answers(survey, 4, ["Knowing whom to contact"])
    )
    invitation.refresh_from_db()
    assert invitation.used is True
    response = SurveyResponse.objects.get()
    row = SurveyResponse.objects.filter(pk=response.pk).values().get()
    assert row["invitation_id"] is None
    assert row["contact_id"] is None
    # Only the day is kept: no time to match against anything about the invitation.
    assert set(row) == {"id", "survey_id", "invitation_id", "contact_id", "submitted_on"}
    assert (
        not hasattr(invitation, "response")
        or SurveyResponse.objects.filter(invitation=invitation).count() == 0
    )
    header, rows = selectors.survey_rows(survey)
    assert "Name" not in header
    assert audience["a1"].name not in str(rows)


def test_a_named_response_records_who_answered(officer: Any, audience: Any) -> None:
    survey = _survey(officer, anonymous=False)
    services.send_survey(actor=officer, survey=survey)
    invitation = SurveyInvitation.objects.get(contact=audience["b1"])
    services.submit_survey_response(
        token=invitation.token, answers=_answers(survey, 3, ["Face-to-face meetings"])
    )
    response = SurveyResponse.objects.get()
    assert response.contact_id == audience["b1"].pk
    assert response.invitation_id == invitation.pk


def test_a_survey_token_answers_once(officer: Any, audience: Any, client: Client) -> None:
    survey = _survey(officer)
    services.send_survey(actor=officer, survey=survey)
    invitation = SurveyInvitation.objects.get(contact=audience["a2"])
    q = list(survey.questions.all())
    url = reverse("feedback:survey_form", args=[invitation.token])
    data = {f"q{q[0].pk}": "5", f"q{q[1].pk}": ["Events to give feedback"]}
    assert "Answers sent" in client.post(url, data).content.decode()
    second = client.post(url, data)
    assert "You have already answered this survey" in second.content.decode()
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(services.SurveyAlreadyAnswered):
        services.submit_survey_response(
            token=invitation.token, answers=_answers(survey, 1, ["Knowing whom to contact"])
        )


def test_required_questions_and_unknown_choices_are_refused(officer: Any, audience: Any) -> None:
    survey = _survey(officer)
    services.send_survey(actor=officer, survey=survey)
    invitation = SurveyInvitation.objects.get(contact=audience["a1"])
    with pytest.raises(ValidationError) as error:
        services.submit_survey_response(
            token=invitation.token, answers=_answers(survey, 0, ["Free cake"])
        )
    assert len(error.value.message_dict) == 2
    invitation.refresh_from_db()
    assert invitation.used is False


def test_a_closed_survey_takes_no_answers(officer: Any, audience: Any) -> None:
    survey = _survey(officer)
    services.send_survey(actor=officer, survey=survey)
    invitation = SurveyInvitation.objects.get(contact=audience["a1"])
    with pytest.raises(services.SurveyClosed):
        services.submit_survey_response(
            token=invitation.token,
            answers=_answers(survey, 4, ["Knowing whom to contact"]),
            today=survey.closes_on + timedelta(days=1),
        )


def test_results_count_known_answers(officer: Any, audience: Any) -> None:
    survey = _survey(officer)
    services.send_survey(actor=officer, survey=survey)
    tokens = list(SurveyInvitation.objects.order_by("pk").values_list("token", flat=True))
    services.submit_survey_response(
        token=tokens[0],
        answers=_answers(
            survey, 5, ["Face-to-face meetings", "Knowing whom to contact"], "In person"
        ),
    )
    services.submit_survey_response(
        token=tokens[1], answers=_answers(survey, 2, ["Knowing whom to contact"], "", "More notice")
    )
    results = selectors.survey_results(survey)
    assert results.invitations == 3
    assert results.responses == 2
    assert results.response_rate == pytest.approx(66.7)
    rating, wants, how, text = results.questions
    assert rating.mean == 3.5
    assert [(label, n) for label, n, _ in rating.counts] == [
        ("5", 1),
        ("4", 0),
        ("3", 0),
        ("2", 1),
        ("1", 0),
    ]
    assert [(label, n, share) for label, n, share in wants.counts] == [
        ("Face-to-face meetings", 1, 50.0),
        ("Events to give feedback", 0, 0.0),
        ("Knowing whom to contact", 2, 100.0),
    ]
    assert how.answered == 1
    assert text.texts == ["More notice"]
    assert SurveyAnswer.objects.count() == 6  # empty optional answers are not stored


def test_csv_export_has_one_row_per_response(officer: Any, audience: Any, client: Client) -> None:
    survey = _survey(officer)
    services.send_survey(actor=officer, survey=survey)
    token = SurveyInvitation.objects.first().token  # type: ignore[union-attr]
    services.submit_survey_response(
        token=token, answers=_answers(survey, 4, ["Knowing whom to contact"])
    )
    client.force_login(officer)
    response = client.get(reverse("feedback:survey_export", args=[survey.pk]))
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0].startswith("Response,Date,How good is our engagement?")
    assert len(lines) == 2
    assert ",4,Knowing whom to contact," in lines[1]


def test_the_builder_page_creates_a_draft(officer: Any, client: Client, localities: Any) -> None:
    client.force_login(officer)
    closes = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("feedback:survey_create"),
        {
            "title": "Winter",
            "anonymous": "no",
            "closes_on_0": closes.day,
            "closes_on_1": closes.month,
            "closes_on_2": closes.year,
            "levels": ["manager"],
            "localities": [localities["mid"].pk],
            "q1_text": "Beds free?",
            "q1_kind": "text",
            "q2_text": "Staffing?",
            "q2_kind": "single",
            "q2_options": "Good\nPoor",
            "q2_required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = selectors.surveys_with_figures().get()
    assert survey.anonymous is False
    assert survey.for_managers and not survey.for_owners
    assert [(q.text, q.kind, q.required, q.options) for q in survey.questions.all()] == [
        ("Beds free?", "text", False, []),
        ("Staffing?", "single", True, ["Good", "Poor"]),
    ]
