"""Feedback recorded from a survey's answer or an enquiry, linked to it; and a survey closed
before its closing date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engage.feedback import services
from engage.feedback.models import FeedbackItem, Survey, SurveyAnswer, SurveyInvitation
from tests.enquiries.factories import CategoryFactory, submit
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _open_survey(officer: Any, provider: Any) -> Survey:
    ContactFactory(provider=provider, level="manager", email_consent=True)
    survey = services.create_survey(
        actor=officer,
        title="Provider engagement survey",
        closes_on=timezone.localdate() + timedelta(days=14),
        questions=[services.QuestionInput("Anything else?", "text", False)],
    )
    services.send_survey(actor=officer, survey=survey)
    return survey


def _post_item(client: Client, url: str, text: str, source: str) -> Any:
    today = timezone.localdate()
    return client.post(
        url,
        {
            "text": text,
            "source": source,
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
        },
    )


def test_a_survey_answer_becomes_a_linked_feedback_item(
    client_for: Any, officer: Any, provider_a: Any
) -> None:
    survey = _open_survey(officer, provider_a)
    invitation = SurveyInvitation.objects.get(survey=survey)
    question = survey.questions.get()
    services.submit_survey_response(
        token=invitation.token, answers={question.pk: "Meet in the evenings, please."}
    )
    answer = SurveyAnswer.objects.get()
    client = client_for(officer)
    results = client.get(reverse("feedback:survey_detail", args=[survey.pk])).text
    url = reverse("feedback:item_create") + f"?survey_answer={answer.pk}"
    assert url.replace("&", "&amp;") in results or url in results
    form = client.get(url).text
    assert "Meet in the evenings, please." in form
    assert "From: An answer to the survey Provider engagement survey" in form
    _post_item(client, url, "Meet in the evenings", "survey")
    item = FeedbackItem.objects.get()
    assert item.survey_answer_id == answer.pk and item.source == "survey"
    assert item.enquiry_id is None and item.evaluation_answer_id is None


def test_an_enquiry_becomes_a_linked_feedback_item_for_those_who_may_see_it(
    client_for: Any, pem: Any, provider_a: Any, provider_a_user: Any
) -> None:
    enquiry = submit(provider_a, CategoryFactory(), subject="Fuel costs on rural rounds")
    client = client_for(pem)
    page = client.get(reverse("enquiries:detail", args=[enquiry.pk])).text
    url = reverse("feedback:item_create") + f"?enquiry={enquiry.pk}"
    assert url in page
    form = client.get(url).text
    assert f"From: Enquiry {enquiry.reference}: Fuel costs on rural rounds" in form
    _post_item(client, url, "Fuel costs on rural rounds", "enquiry")
    item = FeedbackItem.objects.get()
    assert item.enquiry_id == enquiry.pk and item.source == "enquiry"


def test_an_origin_that_does_not_exist_gives_a_blank_form(client_for: Any, pem: Any) -> None:
    client = client_for(pem)
    for query in ("?enquiry=999999", "?survey_answer=999999", "?answer=x", "?enquiry=" + "9" * 30):
        page = client.get(reverse("feedback:item_create") + query)
        assert page.status_code == 200 and "From:" not in page.text
    _post_item(client, reverse("feedback:item_create") + "?enquiry=999999", "Parking", "forum")
    assert FeedbackItem.objects.get().enquiry_id is None


def test_a_survey_is_closed_early_after_a_confirmation(
    client_for: Any, officer: Any, provider_a: Any
) -> None:
    survey = _open_survey(officer, provider_a)
    client = client_for(officer)
    detail = client.get(reverse("feedback:survey_detail", args=[survey.pk])).text
    close_url = reverse("feedback:survey_close", args=[survey.pk])
    assert close_url in detail
    confirm = client.get(close_url).text
    assert "Close “Provider engagement survey” now?" in confirm
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN  # asking changes nothing
    client.post(close_url, {"confirm": "yes"})
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED and not services.is_open(survey)
    token = SurveyInvitation.objects.get(survey=survey).token
    page = client.get(reverse("feedback:survey_form", args=[token])).text
    assert "closed" in page.lower()
    assert close_url not in client.get(reverse("feedback:survey_detail", args=[survey.pk])).text


def test_only_an_open_survey_can_be_closed(officer: Any, provider_a: Any) -> None:
    draft = services.create_survey(
        actor=officer,
        title="Draft survey",
        closes_on=timezone.localdate() + timedelta(days=14),
        questions=[services.QuestionInput("Anything else?", "text", False)],
    )
    with pytest.raises(ValidationError, match="Only an open survey"):
        services.close_survey(actor=officer, survey=draft)


def test_a_councillor_cannot_close_a_survey(
    client_for: Any, officer: Any, councillor: Any, provider_a: Any
) -> None:
    survey = _open_survey(officer, provider_a)
    response = client_for(councillor).post(
        reverse("feedback:survey_close", args=[survey.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 403
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
