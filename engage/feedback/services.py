"""Writes of the feedback app: evaluations, surveys and feedback turned into actions.

Every email goes through the outbox with an idempotency key, so that running a sender twice
(a retried task, the periodic sweep after the on-commit hook) never emails anyone twice. A
token answers once: the response row is one-to-one with its invitation and the invitation is
claimed with a conditional UPDATE, so two racing submissions cannot both win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from engage.accounts.models import User
from engage.accounts.permissions import Capability, require
from engage.core.audit import acting_as
from engage.council.models import Officer
from engage.engagement.clashes import LONDON, format_day
from engage.engagement.models import Activity, Attendance, Registration
from engage.feedback.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationQuestion,
    EvaluationResponse,
    FeedbackItem,
    FeedbackSource,
    OutcomeResult,
    OutcomeVerdict,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    Theme,
)
from engage.groups.models import Action, ActionStatus, ActionUpdate, EngagementGroup
from engage.market import unsubscribe
from engage.market.audience import contacts_reached, emailable
from engage.market.models import Contact, Locality, ServiceType
from engage.outbox.services import queue_email

#: Activity statuses after which an evaluation may be sent.
EVALUABLE_STATUSES = (Activity.Status.HELD, Activity.Status.EVALUATED)


class AlreadyResponded(Exception):
    """The token was used: a response was already given."""

    message = "You have already sent your evaluation. Thank you: only one response is counted."


class SurveyAlreadyAnswered(AlreadyResponded):
    message = "You have already answered this survey. Thank you: only one response is counted."


class SurveyClosed(Exception):
    message = "This survey has closed."


# --- Evaluations ----------------------------------------------------------------------------


def evaluation_recipients(activity: Activity) -> QuerySet[Contact]:
    """Who is asked to evaluate: the provider contacts recorded as attending; when no
    attendance was recorded, those registered. Only those we may email."""
    recorded = Attendance.objects.filter(activity=activity, kind=Attendance.Kind.CONTACT)
    if recorded.exists():
        contacts = Contact.objects.filter(
            attendances__activity=activity, attendances__attended=True
        )
    else:
        contacts = Contact.objects.filter(
            registrations__activity=activity,
            registrations__status=Registration.Status.REGISTERED,
        )
    return contacts.filter(is_active=True, unsubscribed=False, erased_at__isnull=True).exclude(
        email=""
    )


def evaluation_link(invitation: EvaluationInvitation) -> str:
    return settings.SITE_URL + reverse("feedback:evaluation_form", args=[invitation.token])


def _evaluation_email(invitation: EvaluationInvitation, *, reminder: bool) -> None:
    activity = invitation.activity
    day = format_day(activity.starts_at.astimezone(LONDON).date())
    lines = [
        f"Hello {invitation.contact.name},",
        "",
        (
            f"A reminder: we would still like to know how {activity.title} on {day} went for you."
            if reminder
            else f"Thank you for coming to {activity.title} on {day}. Tell us how it went: "
            "it takes two minutes, and we use what you say to make the next one better."
        ),
        "",
        f"Your evaluation: {evaluation_link(invitation)}",
        "",
        "The link is personal to you and can be used once. You can also find it on your "
        "portal home page.",
        "",
        settings.COUNCIL_NAME,
    ]
    stop = unsubscribe.for_contact(invitation.contact_id)
    lines += stop.lines
    queue_email(
        to=[invitation.contact.email],
        headers=stop.headers,
        subject=f"{'Reminder: t' if reminder else 'T'}ell us how {activity.title} went",
        body_text="\n".join(lines),
        idempotency_key=f"evaluation:{invitation.pk}:{'reminder' if reminder else 'invite'}",
        topic=f"activity:{activity.pk}",
    )


def send_evaluations(*, activity_id: int) -> int:
    """Invite everyone who came to a held gathering to evaluate it; returns how many invitations
    were created. Safe to run again: each person is invited once (unique per activity and
    contact) and each email has an idempotency key; people recorded later are added."""
    with transaction.atomic():
        activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
        if (
            activity is None
            or not activity.is_gathering
            or activity.status not in EVALUABLE_STATUSES
        ):
            return 0
        already = set(activity.evaluation_invitations.values_list("contact_id", flat=True))
        now = timezone.now()
        new = [
            EvaluationInvitation(activity=activity, contact=contact, created_at=now)
            for contact in evaluation_recipients(activity).exclude(pk__in=already).distinct()
        ]
        EvaluationInvitation.objects.bulk_create(new, batch_size=500)
        if new:  # bulk_create sends no signals: the standards read the invitations
            _bump_standards()
        created = list(
            EvaluationInvitation.objects.filter(activity=activity)
            .exclude(contact_id__in=already)
            .select_related("contact", "activity")
        )
        for invitation in created:
            _evaluation_email(invitation, reminder=False)
        return len(created)


def _bump_standards() -> None:
    """Make the groups' cached compliance with the standards stale (they read evaluation
    invitations and answers), after a bulk write that sends no signals."""
    from engage.core import data_versions
    from engage.groups.standards import DATA_VERSION

    data_versions.bump(DATA_VERSION)


def send_evaluations_after_commit(activity_id: int) -> None:
    """Queue ``send_evaluations`` once the current transaction commits (mark_held calls this)."""
    from engage.feedback.tasks import send_activity_evaluations

    def enqueue() -> None:
        try:
            send_activity_evaluations.delay(activity_id)
        except Exception:
            # No broker: the periodic sweep (send_due_evaluations) will pick it up.
            send_evaluations(activity_id=activity_id)

    transaction.on_commit(enqueue)


def send_due_evaluations() -> int:
    """The sweep: invite for every held gathering that has attendees not yet invited (covers a
    broker that was down when it was marked held, and attendance recorded afterwards)."""
    since = timezone.now() - timedelta(days=settings.ENGAGE_EVALUATION_SWEEP_DAYS)
    held = Activity.objects.filter(status__in=EVALUABLE_STATUSES, ends_at__gte=since)
    return sum(send_evaluations(activity_id=pk) for pk in held.values_list("pk", flat=True))


def send_evaluation_reminders(*, now: datetime | None = None, after_days: int | None = None) -> int:
    """Remind, once, those who have not responded ``after_days`` days after being invited.

    Each invitation is claimed by an UPDATE of ``reminded_at`` that only succeeds while it is
    empty, so a second run (or a second worker) never reminds anyone twice.
    """
    now = now or timezone.now()
    days = settings.ENGAGE_EVALUATION_REMINDER_DAYS if after_days is None else after_days
    due = EvaluationInvitation.objects.filter(
        responded_at__isnull=True,
        reminded_at__isnull=True,
        created_at__lte=now - timedelta(days=days),
        activity__status__in=EVALUABLE_STATUSES,
        # Not to anyone who has since left, unsubscribed or been erased.
        contact__is_active=True,
        contact__unsubscribed=False,
        contact__erased_at__isnull=True,
    ).exclude(contact__email="")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = EvaluationInvitation.objects.filter(
                pk=pk, reminded_at__isnull=True, responded_at__isnull=True
            ).update(reminded_at=now)
            if claimed != 1:
                continue
            invitation = EvaluationInvitation.objects.select_related("contact", "activity").get(
                pk=pk
            )
            _evaluation_email(invitation, reminder=True)
            sent += 1
    return sent


def active_questions() -> list[EvaluationQuestion]:
    return list(EvaluationQuestion.objects.filter(is_active=True))


def submit_evaluation(
    *, token: str, answers: Mapping[str, int | str | None], now: datetime | None = None
) -> EvaluationResponse:
    """Record the one response of an invitation token.

    ``answers`` maps question keys to a score (scale questions) or text. Raises
    ``EvaluationInvitation.DoesNotExist`` for an unknown token, ``AlreadyResponded`` when the
    token was used, ``ValidationError`` when a required question is unanswered or a score is
    out of range.
    """
    now = now or timezone.now()
    questions = active_questions()
    rows: list[EvaluationAnswer] = []
    errors: dict[str, str] = {}
    for question in questions:
        value = answers.get(question.key)
        if question.is_scale:
            score = _score(value)
            if score is None and value not in (None, ""):
                errors[question.key] = "Choose one of the answers"
            elif score is None and question.required:
                errors[question.key] = f"Answer “{question.text}”"
            elif score is not None:
                rows.append(EvaluationAnswer(question=question, score=score))
        else:
            text = str(value or "").strip()
            if not text and question.required:
                errors[question.key] = f"Answer “{question.text}”"
            elif text:
                rows.append(EvaluationAnswer(question=question, text=text[:4000]))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invitation = EvaluationInvitation.objects.get(token=token)
        claimed = EvaluationInvitation.objects.filter(
            pk=invitation.pk, responded_at__isnull=True
        ).update(responded_at=now)
        if claimed != 1:
            raise AlreadyResponded()
        try:
            with transaction.atomic():
                response = EvaluationResponse.objects.create(
                    invitation=invitation, activity_id=invitation.activity_id, submitted_at=now
                )
        except IntegrityError:
            raise AlreadyResponded() from None
        for row in rows:
            row.response = response
        EvaluationAnswer.objects.bulk_create(rows)
        # The update of responded_at and bulk_create send no signals (the response's save
        # does, but the answers are what the standards' jadedness signal reads).
        _bump_standards()
        return response


def _score(value: Any) -> int | None:
    try:
        score = int(value)
    except (TypeError, ValueError):
        return None
    return score if 1 <= score <= 5 else None


def outcome_lines(activity: Activity) -> list[str]:
    """The outcomes sought, one per non-empty line (bullets stripped)."""
    lines = [line.strip().lstrip("-*• ").strip() for line in activity.outcomes_sought.splitlines()]
    return [line for line in lines if line]


@dataclass(frozen=True)
class OutcomeInput:
    position: int
    verdict: str
    note: str = ""


def record_outcomes(
    *, actor: User, activity: Activity, results: Sequence[OutcomeInput]
) -> list[OutcomeResult]:
    """The organiser's verdict on each outcome sought (met, partly, not met, with a note).

    Only staff who may manage feedback, on a held or evaluated activity; recording again
    replaces the earlier verdicts.
    """
    require(actor, Capability.FEEDBACK_MANAGE)
    if activity.status not in (*EVALUABLE_STATUSES, Activity.Status.CLOSED):
        raise ValidationError("Outcomes are recorded once the activity has been held.")
    lines = outcome_lines(activity)
    now = timezone.now()
    with transaction.atomic(), acting_as(actor):
        saved = []
        for result in results:
            if not 0 <= result.position < len(lines):
                raise ValidationError("No such outcome.")
            if result.verdict not in OutcomeVerdict.values:
                raise ValidationError("Say whether the outcome was met.")
            row, _ = OutcomeResult.objects.update_or_create(
                activity=activity,
                position=result.position,
                defaults={
                    "outcome": lines[result.position][:500],
                    "verdict": result.verdict,
                    "note": result.note.strip(),
                    "recorded_by": actor,
                    "recorded_at": now,
                },
            )
            saved.append(row)
        return saved


# --- Surveys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInput:
    text: str
    kind: str
    required: bool = True
    options: tuple[str, ...] = ()


def _check_questions(questions: Sequence[QuestionInput]) -> None:
    if not questions:
        raise ValidationError("A survey needs at least one question.")
    for n, question in enumerate(questions, start=1):
        if not question.text.strip():
            raise ValidationError(f"Question {n} has no text.")
        if question.kind not in SurveyQuestionKind.values:
            raise ValidationError(f"Question {n}: choose its kind.")
        has_options = question.kind in (SurveyQuestionKind.SINGLE, SurveyQuestionKind.MULTIPLE)
        if has_options and len([o for o in question.options if o.strip()]) < 2:
            raise ValidationError(f"Question {n}: give at least two choices.")


def create_survey(
    *,
    actor: User | None,
    title: str,
    closes_on: date,
    questions: Sequence[QuestionInput],
    introduction: str = "",
    anonymous: bool = True,
    service_types: Iterable[ServiceType] = (),
    localities: Iterable[Locality] = (),
    levels: Iterable[str] = (),
    tier_one_only: bool = False,
) -> Survey:
    """A draft survey with its questions (in the order given) and audience."""
    if actor is not None:
        require(actor, Capability.FEEDBACK_MANAGE)
    if not title.strip():
        raise ValidationError("Give the survey a title.")
    if closes_on < timezone.localdate():
        raise ValidationError("The closing date must be today or later.")
    _check_questions(questions)
    levels = set(levels)
    with transaction.atomic(), acting_as(actor):
        survey = Survey.objects.create(
            title=title.strip(),
            introduction=introduction.strip(),
            anonymous=anonymous,
            closes_on=closes_on,
            created_by=actor,
            for_owners="owner" in levels,
            for_managers="manager" in levels,
            for_workers="worker" in levels,
            tier_one_only=tier_one_only,
        )
        survey.audience_service_types.set(list(service_types))
        survey.audience_localities.set(list(localities))
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey,
                position=n,
                text=q.text.strip(),
                kind=q.kind,
                required=q.required,
                options=[o.strip() for o in q.options if o.strip()] if q.options else [],
            )
            for n, q in enumerate(questions)
        )
        return survey


def survey_link(invitation: SurveyInvitation) -> str:
    return settings.SITE_URL + reverse("feedback:survey_form", args=[invitation.token])


def send_survey(*, actor: User | None, survey: Survey) -> int:
    """Open a draft survey and invite every emailable contact of its audience; returns how many
    were invited. Safe to run again: one invitation per contact, one email per invitation."""
    if actor is not None:
        require(actor, Capability.FEEDBACK_MANAGE)
    with transaction.atomic(), acting_as(actor):
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status == Survey.Status.CLOSED:
            raise ValidationError("This survey has closed.")
        if not locked.questions.exists():
            raise ValidationError("A survey needs at least one question.")
        now = timezone.now()
        audience = locked.audience()
        already = set(locked.invitations.values_list("contact_id", flat=True))
        contacts = emailable(contacts_reached(audience)).exclude(pk__in=already)
        SurveyInvitation.objects.bulk_create(
            [SurveyInvitation(survey=locked, contact=c, created_at=now) for c in contacts],
            batch_size=500,
        )
        created = list(locked.invitations.exclude(contact_id__in=already).select_related("contact"))
        for invitation in created:
            stop = unsubscribe.for_contact(invitation.contact_id)
            queue_email(
                to=[invitation.contact.email],
                subject=f"Survey: {locked.title}",
                body_text="\n".join(
                    [
                        f"Hello {invitation.contact.name},",
                        "",
                        f"We would like your views: {locked.title}.",
                        *([locked.introduction, ""] if locked.introduction else [""]),
                        f"It closes on {format_day(locked.closes_on)}."
                        + (" Your answers are anonymous." if locked.anonymous else ""),
                        "",
                        f"Answer here: {survey_link(invitation)}",
                        "",
                        settings.COUNCIL_NAME,
                        *stop.lines,
                    ]
                ),
                headers=stop.headers,
                idempotency_key=f"survey:{invitation.pk}:invite",
                topic=f"survey:{locked.pk}",
            )
        locked.status = Survey.Status.OPEN
        locked.sent_at = locked.sent_at or now
        locked.save(update_fields=["status", "sent_at"])
        return len(created)


def close_survey(*, actor: User, survey: Survey) -> Survey:
    """Close an open survey before its closing date: its links stop taking answers, and the
    answers given so far stay. Only an open survey can be closed (a draft was never sent)."""
    require(actor, Capability.FEEDBACK_MANAGE)
    with transaction.atomic(), acting_as(actor):
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != Survey.Status.OPEN:
            raise ValidationError("Only an open survey can be closed.")
        locked.status = Survey.Status.CLOSED
        locked.save(update_fields=["status"])
        return locked


def is_open(survey: Survey, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.status == Survey.Status.OPEN and survey.closes_on >= today


def submit_survey_response(
    *, token: str, answers: Mapping[int, Any], today: date | None = None
) -> SurveyResponse:
    """Record the one response of a survey token.

    ``answers`` maps question ids to a score, a choice, a list of choices or text. For an
    anonymous survey the response keeps no link to the invitation or the contact (only the day
    it came): the invitation is only marked used. Raises ``SurveyInvitation.DoesNotExist``,
    ``SurveyAlreadyAnswered``, ``SurveyClosed`` or ``ValidationError``.
    """
    today = today or timezone.localdate()
    invitation = SurveyInvitation.objects.select_related("survey").get(token=token)
    survey = invitation.survey
    if invitation.used:
        raise SurveyAlreadyAnswered()
    if not is_open(survey, today):
        raise SurveyClosed()
    rows, errors = _survey_answers(list(survey.questions.all()), answers)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=invitation.pk, used=False).update(used=True)
        if claimed != 1:
            raise SurveyAlreadyAnswered()
        response = SurveyResponse.objects.create(
            survey=survey,
            invitation=None if survey.anonymous else invitation,
            contact_id=None if survey.anonymous else invitation.contact_id,
            submitted_on=today,
        )
        for row in rows:
            row.response = response
        SurveyAnswer.objects.bulk_create(rows)
        return response


def _survey_answers(
    questions: list[SurveyQuestion], answers: Mapping[int, Any]
) -> tuple[list[SurveyAnswer], dict[str, str]]:
    rows: list[SurveyAnswer] = []
    errors: dict[str, str] = {}
    for question in questions:
        field = f"q{question.pk}"
        value = answers.get(question.pk)
        if question.kind == SurveyQuestionKind.RATING:
            score = _score(value)
            if score is None and value not in (None, ""):
                errors[field] = "Choose a rating from 1 to 5"
            elif score is None and question.required:
                errors[field] = f"Answer “{question.text}”"
            elif score is not None:
                rows.append(SurveyAnswer(question=question, score=score))
        elif question.kind == SurveyQuestionKind.SINGLE:
            chosen = str(value or "")
            if chosen and chosen not in question.options:
                errors[field] = "Choose one of the answers"
            elif not chosen and question.required:
                errors[field] = f"Answer “{question.text}”"
            elif chosen:
                rows.append(SurveyAnswer(question=question, chosen=[chosen]))
        elif question.kind == SurveyQuestionKind.MULTIPLE:
            values = [str(v) for v in (value or [])] if not isinstance(value, str) else [value]
            if any(v not in question.options for v in values):
                errors[field] = "Choose from the answers given"
            elif not values and question.required:
                errors[field] = f"Choose at least one answer to “{question.text}”"
            elif values:
                ordered = [o for o in question.options if o in values]
                rows.append(SurveyAnswer(question=question, chosen=ordered))
        else:
            text = str(value or "").strip()
            if not text and question.required:
                errors[field] = f"Answer “{question.text}”"
            elif text:
                rows.append(SurveyAnswer(question=question, text=text[:4000]))
    return rows, errors


# --- Feedback to action ---------------------------------------------------------------------


def create_feedback_item(
    *,
    actor: User | None,
    text: str,
    source: str,
    received_on: date | None = None,
    group: EngagementGroup | None = None,
    activity: Activity | None = None,
    themes: Iterable[Theme] = (),
    evaluation_answer: EvaluationAnswer | None = None,
    survey_answer: SurveyAnswer | None = None,
    enquiry: Any = None,
) -> FeedbackItem:
    """Record something providers said, tagged with themes, to triage."""
    if actor is not None:
        require(actor, Capability.FEEDBACK_MANAGE)
    if not text.strip():
        raise ValidationError("Say what providers said.")
    if source not in FeedbackSource.values:
        raise ValidationError("Choose where the feedback came from.")
    with transaction.atomic(), acting_as(actor):
        item = FeedbackItem.objects.create(
            text=text.strip(),
            source=source,
            received_on=received_on or timezone.localdate(),
            group=group,
            activity=activity,
            evaluation_answer=evaluation_answer,
            survey_answer=survey_answer,
            enquiry=enquiry,
            created_by=actor,
        )
        item.themes.set(list(themes))
        return item


def update_feedback_item(
    *,
    actor: User,
    item: FeedbackItem,
    themes: Iterable[Theme],
    group: EngagementGroup | None,
    noted: bool = False,
) -> FeedbackItem:
    """Tag an item with themes and a group; ``noted`` closes it without an action."""
    require(actor, Capability.FEEDBACK_MANAGE)
    with transaction.atomic(), acting_as(actor):
        item.group = group
        if noted and item.action_id is None:
            item.status = FeedbackItem.Status.NOTED
        item.save(update_fields=["group", "status"])
        item.themes.set(list(themes))
        return item


def turn_into_action(
    *,
    actor: User,
    item: FeedbackItem,
    title: str,
    owner: Officer | None,
    due_on: date | None,
    description: str = "",
) -> Action:
    """Make a feedback item into an action of its group (or of none); one action per item."""
    require(actor, Capability.FEEDBACK_MANAGE)
    if not title.strip():
        raise ValidationError("Say what will be done.")
    with transaction.atomic(), acting_as(actor):
        locked = FeedbackItem.objects.select_for_update().get(pk=item.pk)
        if locked.action_id is not None:
            raise ValidationError("This feedback already has an action.")
        action = Action.objects.create(
            title=title.strip(),
            description=description.strip() or f"From feedback: {locked.text}",
            group=locked.group,
            owner=owner,
            due_on=due_on,
            created_by=actor,
        )
        ActionUpdate.objects.create(
            action=action, status=action.status, note="From feedback", by=actor
        )
        locked.action = action
        locked.status = FeedbackItem.Status.ACTIONED
        locked.save(update_fields=["action", "status"])
        item.action = action
        item.status = locked.status
        return action


def record_we_did(*, actor: User, item: FeedbackItem, outcome: str) -> Action:
    """Mark the item's action done with what was done: it then shows on "you said, we did"."""
    require(actor, Capability.FEEDBACK_MANAGE)
    if item.action_id is None:
        raise ValidationError("Turn the feedback into an action first.")
    if not outcome.strip():
        raise ValidationError("Say what was done.")
    with transaction.atomic(), acting_as(actor):
        action = Action.objects.select_for_update().get(pk=item.action_id)
        action.status = ActionStatus.DONE
        action.outcome = outcome.strip()
        action.completed_on = action.completed_on or timezone.localdate()
        action.save(update_fields=["status", "outcome", "completed_on", "updated_at"])
        ActionUpdate.objects.create(
            action=action, status=ActionStatus.DONE, note=outcome.strip(), by=actor
        )
        return action
