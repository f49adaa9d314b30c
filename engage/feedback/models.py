"""Evaluations of held events, surveys of the market, and feedback turned into action.

Evaluations: every held gathering invites its attendees (``EvaluationInvitation``, one
unguessable token each) to answer the standard questions (``EvaluationQuestion``, data). A
token gives one response: ``EvaluationResponse`` is one-to-one with its invitation. The
organiser records, per outcome sought, whether it was met (``OutcomeResult``).

Surveys: a ``Survey`` has questions and an audience (``AudienceFields``); sending creates one
``SurveyInvitation`` per contact reached. For an anonymous survey the response keeps no link
to the invitation or the person: the invitation only records that it was used.

Feedback to action: a ``FeedbackItem`` (what providers said, from an evaluation, a survey, a
forum discussion or an enquiry) is tagged with ``Theme``s and may become an
``engage.groups.models.Action``; when the action is done, its outcome is the "we did".
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from engage.market.models import AudienceFields


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- Evaluations ----------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    AGREE = "agree", "Agree or disagree (5 points)"
    TEXT = "text", "Free text"


#: The agree scale of evaluation questions, as stored (1–5) and as shown.
AGREE_CHOICES: tuple[tuple[int, str], ...] = (
    (5, "Strongly agree"),
    (4, "Agree"),
    (3, "Neither agree nor disagree"),
    (2, "Disagree"),
    (1, "Strongly disagree"),
)
RATING_CHOICES: tuple[tuple[int, str], ...] = (
    (5, "5 – Very useful"),
    (4, "4"),
    (3, "3"),
    (2, "2"),
    (1, "1 – Not useful at all"),
)


class EvaluationQuestion(models.Model):
    """One question of the standard event evaluation: councils edit these as data."""

    key = models.SlugField(max_length=40, unique=True)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scale(self) -> bool:
        return self.kind in (QuestionKind.RATING, QuestionKind.AGREE)

    def choices(self) -> tuple[tuple[int, str], ...]:
        return RATING_CHOICES if self.kind == QuestionKind.RATING else AGREE_CHOICES


#: The key of the headline question: overall usefulness, 1 to 5.
USEFULNESS_KEY = "usefulness"


class EvaluationInvitation(models.Model):
    """One attendee's invitation to evaluate one held activity: the token is the key."""

    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    contact = models.ForeignKey(
        "market.Contact", on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "contact"], name="evaluation_invitation_once_per_contact"
            )
        ]
        indexes = [
            models.Index(fields=["responded_at", "reminded_at"], name="evaluation_chase_idx"),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.activity} for {self.contact}"

    @property
    def has_responded(self) -> bool:
        return self.responded_at is not None


class EvaluationResponse(models.Model):
    """The one response of an invitation (one-to-one: a token answers once)."""

    invitation = models.OneToOneField(
        EvaluationInvitation, on_delete=models.CASCADE, related_name="response"
    )
    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.CASCADE, related_name="evaluation_responses"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "pk"]


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.PROTECT, related_name="answers"
    )
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="evaluation_answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="evaluation_score_1_to_5",
            ),
        ]


class OutcomeVerdict(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not-met", "Not met"


class OutcomeResult(models.Model):
    """The organiser's verdict on one outcome sought (one line of ``outcomes_sought``)."""

    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.CASCADE, related_name="outcome_results"
    )
    position = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=500)
    verdict = models.CharField(max_length=10, choices=OutcomeVerdict.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["activity_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "position"], name="outcome_result_once_per_outcome"
            )
        ]


# --- Surveys --------------------------------------------------------------------------------


class SurveyQuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    SINGLE = "single", "One choice"
    MULTIPLE = "multiple", "Several choices"
    TEXT = "text", "Free text"


class Survey(AudienceFields):
    """A survey of the market: questions, an audience, anonymous or named, a closing date."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Shown above the questions.")
    anonymous = models.BooleanField(
        default=True, help_text="Anonymous: responses keep no link to who gave them."
    )
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=SurveyQuestionKind.choices)
    required = models.BooleanField(default=True)
    #: The options of a choice question, in order.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (SurveyQuestionKind.SINGLE, SurveyQuestionKind.MULTIPLE)


class SurveyInvitation(models.Model):
    """One contact's invitation to a survey. ``used`` says the token was spent; for an
    anonymous survey nothing ties it to the response it gave."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        "market.Contact", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "contact"], name="survey_invitation_once_per_contact"
            )
        ]


class SurveyResponse(models.Model):
    """One response. Named surveys link the invitation and the contact; anonymous ones do not,
    and record only the day (not the time) so it cannot be matched to the invitation."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    contact = models.ForeignKey(
        "market.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    submitted_on = models.DateField()

    class Meta:
        ordering = ["survey_id", "pk"]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    chosen = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="survey_answer_once_per_question"
            )
        ]


# --- Feedback to action ---------------------------------------------------------------------


class Theme(models.Model):
    """A theme feedback is tagged with (workforce, fees, communication, …): data."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FeedbackSource(models.TextChoices):
    EVALUATION = "evaluation", "Event evaluation"
    SURVEY = "survey", "Survey"
    FORUM = "forum", "Forum discussion"
    ENQUIRY = "enquiry", "Enquiry"


class FeedbackItem(models.Model):
    """Something providers said, in words fit to publish, and what became of it."""

    class Status(models.TextChoices):
        NEW = "new", "To triage"
        ACTIONED = "actioned", "Turned into an action"
        NOTED = "noted", "Noted, no action"

    text = models.TextField(help_text="What providers said, in words fit to publish.")
    source = models.CharField(max_length=12, choices=FeedbackSource.choices)
    received_on = models.DateField()
    group = models.ForeignKey(
        "groups.EngagementGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    activity = models.ForeignKey(
        "engagement.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    evaluation_answer = models.ForeignKey(
        EvaluationAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survey_answer = models.ForeignKey(
        SurveyAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enquiry = models.ForeignKey(
        "enquiries.Enquiry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="items")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    action = models.OneToOneField(
        "groups.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_item",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "received_on"], name="feedback_status_idx")]

    def __str__(self) -> str:
        return self.text[:60]
