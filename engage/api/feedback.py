"""API of the feedback app: evaluation aggregates and responses, surveys, you said we did."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, get_type_hints

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError
from ninja.pagination import paginate

from engage.accounts.models import User
from engage.accounts.permissions import Capability, has_capability, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import (
    COMMON_ERRORS,
    DbId,
    ErrorOut,
    InputSchema,
    PathId,
    ValidationErrorOut,
)
from engage.feedback import selectors, services
from engage.feedback.models import (
    EvaluationInvitation,
    FeedbackItem,
    Survey,
    SurveyQuestionKind,
)
from engage.groups.models import Meeting
from engage.market.models import Locality, ServiceType

router = Router(tags=["feedback"])


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


# --- Evaluations ----------------------------------------------------------------------------


class CountOut(Schema):
    label: str
    count: int


class QuestionResultOut(Schema):
    key: str
    text: str
    kind: str
    answered: int
    mean: float | None = Field(description="Scale questions: the mean score, 1 to 5")
    counts: list[CountOut] = Field(description="Scale questions: answers per point")
    texts: list[str] = Field(description="Free-text questions: the answers")


class EvaluationOut(Schema):
    meeting_id: int
    activity_id: int
    title: str
    invitations: int
    responses: int
    response_rate: float | None = Field(description="Per cent of invitations answered")
    mean_usefulness: float | None
    questions: list[QuestionResultOut]


@router.get(
    "/meetings/{meeting_id}/evaluation",
    response={200: EvaluationOut, 404: ErrorOut, **COMMON_ERRORS},
)
def meeting_evaluation(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    """The evaluation of a meeting: response rate, mean usefulness, each question counted."""
    require(_user(request), Capability.FEEDBACK_VIEW)
    meeting = get_object_or_404(Meeting.objects.select_related("activity"), pk=meeting_id)
    results = selectors.activity_results(meeting.activity)
    summary = results.summary
    return {
        "meeting_id": meeting.pk,
        "activity_id": meeting.activity_id,
        "title": meeting.activity.title,
        "invitations": summary.invitations,
        "responses": summary.responses,
        "response_rate": summary.response_rate,
        "mean_usefulness": summary.mean_usefulness,
        "questions": [
            {
                "key": r.question.key,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                "mean": r.mean,
                "counts": [{"label": label, "count": n} for label, n, _ in r.counts],
                "texts": r.texts,
            }
            for r in results.questions
        ],
    }


class EvaluationIn(InputSchema):
    answers: dict[str, int | str | None] = Field(
        description="Question key -> a score from 1 to 5 (scale questions) or text"
    )


class ResponseOut(Schema):
    id: int
    submitted: bool


@router.post(
    "/evaluations/{token}",
    auth=None,
    response={
        201: ResponseOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ValidationErrorOut,
    },
)
def post_evaluation(request: HttpRequest, token: str, payload: EvaluationIn) -> Answer[Any]:
    """Send the evaluation of an invitation token (the token is the key: no sign-in). A token
    answers once: a second response is refused with 409."""
    if len(token) > 64 or not EvaluationInvitation.objects.filter(token=token).exists():
        raise Http404("No such evaluation")
    try:
        response = services.submit_evaluation(token=token, answers=payload.answers)
    except services.AlreadyResponded as error:
        raise HttpError(409, error.message) from None
    return Answer(201, {"id": response.pk, "submitted": True})


# --- Surveys --------------------------------------------------------------------------------


class SurveyOut(Schema):
    id: int
    title: str
    status: str
    anonymous: bool
    closes_on: date
    invitations: int
    responses: int

    @staticmethod
    def resolve_invitations(obj: Any) -> int:
        return int(obj.invited)

    @staticmethod
    def resolve_responses(obj: Any) -> int:
        return int(obj.answered)


@router.get("/surveys", response={200: list[SurveyOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_surveys(request: HttpRequest) -> QuerySet[Survey]:
    """Every survey, newest first, with how many were invited and answered."""
    require(_user(request), Capability.FEEDBACK_VIEW)
    return selectors.surveys_with_figures()


class SurveyQuestionIn(InputSchema):
    text: str = Field(min_length=1, max_length=300)
    kind: Literal["rating", "single", "multiple", "text"]
    required: bool = True
    options: list[str] = Field(default_factory=list, max_length=30)


class SurveyIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    introduction: str = Field("", max_length=4000)
    anonymous: bool = True
    closes_on: date
    questions: list[SurveyQuestionIn] = Field(min_length=1, max_length=50)
    service_types: list[str] = Field(default_factory=list, description="Service type slugs")
    localities: list[str] = Field(default_factory=list, description="Locality slugs")
    levels: list[Literal["owner", "manager", "worker"]] = Field(default_factory=list)
    tier_one_only: bool = False


@router.post("/surveys", response={201: SurveyOut, **COMMON_ERRORS})
def create_survey(request: HttpRequest, payload: SurveyIn) -> Answer[Any]:
    """Build a draft survey (send it from its page)."""
    user = _user(request)
    require(user, Capability.FEEDBACK_MANAGE)
    types = list(ServiceType.objects.filter(slug__in=payload.service_types))
    localities = list(Locality.objects.filter(slug__in=payload.localities))
    if len(types) != len(set(payload.service_types)):
        raise ValidationError("An unknown service type was given")
    if len(localities) != len(set(payload.localities)):
        raise ValidationError("An unknown locality was given")
    survey = services.create_survey(
        actor=user,
        title=payload.title,
        introduction=payload.introduction,
        anonymous=payload.anonymous,
        closes_on=payload.closes_on,
        questions=[
            services.QuestionInput(q.text, q.kind, q.required, tuple(q.options))
            for q in payload.questions
        ],
        service_types=types,
        localities=localities,
        levels=payload.levels,
        tier_one_only=payload.tier_one_only,
    )
    return Answer(201, selectors.surveys_with_figures().get(pk=survey.pk))


class SurveyQuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    answered: int
    mean: float | None
    counts: list[CountOut]
    texts: list[str]


class SurveyResultsOut(Schema):
    id: int
    title: str
    anonymous: bool
    invitations: int
    responses: int
    response_rate: float | None
    questions: list[SurveyQuestionResultOut]


@router.get(
    "/surveys/{survey_id}/results",
    response={200: SurveyResultsOut, 404: ErrorOut, **COMMON_ERRORS},
)
def survey_results(request: HttpRequest, survey_id: PathId) -> dict[str, Any]:
    """A survey's results: each question's counts (and mean for ratings), and free texts."""
    require(_user(request), Capability.FEEDBACK_VIEW)
    survey = selectors.get_survey(survey_id)
    results = selectors.survey_results(survey)
    return {
        "id": survey.pk,
        "title": survey.title,
        "anonymous": survey.anonymous,
        "invitations": results.invitations,
        "responses": results.responses,
        "response_rate": results.response_rate,
        "questions": [
            {
                "id": r.question.pk,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                "mean": r.mean,
                "counts": [{"label": label, "count": n} for label, n, _ in r.counts],
                "texts": r.texts if r.question.kind == SurveyQuestionKind.TEXT else [],
            }
            for r in results.questions
        ],
    }


# --- You said, we did -----------------------------------------------------------------------


class YouSaidWeDidOut(Schema):
    id: int
    you_said: str
    we_did: str
    group: str | None
    completed_on: date | None
    themes: list[str]

    @staticmethod
    def resolve_you_said(obj: FeedbackItem) -> str:
        return obj.text

    @staticmethod
    def resolve_we_did(obj: FeedbackItem) -> str:
        return obj.action.outcome if obj.action else ""

    @staticmethod
    def resolve_group(obj: FeedbackItem) -> str | None:
        return obj.group.name if obj.group else None

    @staticmethod
    def resolve_completed_on(obj: FeedbackItem) -> date | None:
        return obj.action.completed_on if obj.action else None

    @staticmethod
    def resolve_themes(obj: FeedbackItem) -> list[str]:
        return [t.name for t in obj.themes.all()]


class YouSaidWeDidFilter(Schema):
    group_id: DbId | None = None


def _typed(view: Any) -> Any:
    """Evaluated annotations before ``@paginate`` wraps the view (see engage/api/groups.py)."""
    view.__annotations__ = get_type_hints(view, include_extras=True)
    return view


@router.get("/you-said-we-did", response={200: list[YouSaidWeDidOut], **COMMON_ERRORS})
@paginate(EngagePagination)
@_typed
def you_said_we_did(
    request: HttpRequest, filters: Query[YouSaidWeDidFilter]
) -> QuerySet[FeedbackItem]:
    """What providers said and what was done about it (officers and providers)."""
    user = _user(request)
    if not (
        has_capability(user, Capability.FEEDBACK_VIEW)
        or has_capability(user, Capability.PORTAL_USE)
    ):
        raise PermissionDenied("Your role cannot see evaluations and survey results.")
    items = selectors.you_said_we_did()
    if filters.group_id is not None:
        items = items.filter(group_id=filters.group_id)
    return items
