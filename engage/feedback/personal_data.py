"""A provider contact's evaluations and surveys: what they were asked and, where the answers
are theirs by name, what they answered (see ``market.personal_data``).

Answers to an anonymous survey keep no link to anyone, so they are in nobody's export.
Nothing is erased here: the rows point at the contact, whose own row names nobody once
erased, and the free-text answers are the council's evidence of what providers said.
"""

from __future__ import annotations

from typing import Any

from engage.feedback.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from engage.market.models import Contact
from engage.market.personal_data import Holder, iso


def _answer(answer: EvaluationAnswer | SurveyAnswer) -> dict[str, Any]:
    chosen = getattr(answer, "chosen", None)
    return {
        "question": answer.question.text,
        "score": answer.score,
        **({"chosen": chosen} if chosen else {}),
        "text": answer.text,
    }


def export(contact: Contact) -> dict[str, Any]:
    """Their evaluation invitations with their answers, their survey invitations, and their
    responses to named surveys."""
    evaluations = EvaluationInvitation.objects.filter(contact=contact).select_related("activity")
    answers: dict[int, list[dict[str, Any]]] = {}
    for answer in EvaluationAnswer.objects.filter(
        response__invitation__contact=contact
    ).select_related("question", "response"):
        answers.setdefault(answer.response.invitation_id, []).append(_answer(answer))
    responses = SurveyResponse.objects.filter(contact=contact).select_related("survey")
    survey_answers: dict[int, list[dict[str, Any]]] = {}
    for s_answer in SurveyAnswer.objects.filter(response__in=responses).select_related("question"):
        survey_answers.setdefault(s_answer.response_id, []).append(_answer(s_answer))
    return {
        "evaluations": [
            {
                "activity": {"id": e.activity_id, "title": e.activity.title},
                "invited_at": iso(e.created_at),
                "reminded_at": iso(e.reminded_at),
                "answered_at": iso(e.responded_at),
                "answers": answers.get(e.pk, []),
            }
            for e in evaluations
        ],
        "survey_invitations": [
            {"survey": i.survey.title, "invited_at": iso(i.created_at), "answered": i.used}
            for i in SurveyInvitation.objects.filter(contact=contact).select_related("survey")
        ],
        "named_survey_responses": [
            {
                "survey": r.survey.title,
                "submitted_on": iso(r.submitted_on),
                "answers": survey_answers.get(r.pk, []),
            }
            for r in responses
        ],
    }


HOLDER = Holder(section="feedback", export=export)
