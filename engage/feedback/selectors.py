"""Reads of the feedback app, each in a fixed number of queries.

The groups standards panel calls ``evaluations_by_meeting`` and ``jadedness``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any, NamedTuple

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone

from engage.engagement.models import HELD_STATUSES, Activity, Attendance, Registration
from engage.feedback.models import (
    USEFULNESS_KEY,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationQuestion,
    FeedbackItem,
    FeedbackSource,
    OutcomeResult,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestionKind,
    SurveyResponse,
)
from engage.groups.models import ActionStatus, EngagementGroup, Meeting


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Evaluations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationSummary:
    """The evaluation figures of one meeting (or activity)."""

    invitations: int
    responses: int
    mean_usefulness: float | None

    @property
    def response_rate(self) -> float | None:
        """Percentage of invitations answered, to one decimal place; None when none sent."""
        return _rate(self.responses, self.invitations)


def evaluations_by_activity(activity_ids: Iterable[int]) -> dict[int, EvaluationSummary]:
    """activity id -> invitations sent, responses, mean usefulness (two queries)."""
    ids = list(activity_ids)
    counts = {
        row["activity_id"]: row
        for row in EvaluationInvitation.objects.filter(activity_id__in=ids)
        .values("activity_id")
        .annotate(sent=Count("pk"), answered=Count("responded_at"))
    }
    means = {
        row["response__activity_id"]: row["mean"]
        for row in EvaluationAnswer.objects.filter(
            response__activity_id__in=ids, question__key=USEFULNESS_KEY, score__isnull=False
        )
        .values("response__activity_id")
        .annotate(mean=Avg("score"))
    }
    return {
        pk: EvaluationSummary(
            invitations=counts[pk]["sent"] if pk in counts else 0,
            responses=counts[pk]["answered"] if pk in counts else 0,
            mean_usefulness=round(float(means[pk]), 2) if means.get(pk) is not None else None,
        )
        for pk in ids
    }


def evaluations_by_meeting(meeting_ids: Iterable[int]) -> dict[int, EvaluationSummary]:
    """meeting id -> invitations sent, responses and mean usefulness (three queries)."""
    activity_of = dict(
        Meeting.objects.filter(pk__in=list(meeting_ids)).values_list("pk", "activity_id")
    )
    by_activity = evaluations_by_activity(activity_of.values())
    return {meeting: by_activity[activity] for meeting, activity in activity_of.items()}


@dataclass
class QuestionResult:
    question: EvaluationQuestion
    #: Scale questions: (label, how many, None) from the highest score down.
    counts: list[tuple[str, int, None]] = field(default_factory=list)
    answered: int = 0
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    #: Free-text questions: (answer id, text), so an officer can record one as feedback.
    text_answers: list[tuple[int, str]] = field(default_factory=list)

    @property
    def chart(self) -> dict[str, Any]:
        return {
            "labels": [label for label, _, _ in self.counts],
            "values": [n for _, n, _ in self.counts],
            "label": "Responses",
        }


@dataclass
class ActivityResults:
    activity: Activity
    summary: EvaluationSummary
    questions: list[QuestionResult]
    outcomes: list[tuple[int, str, OutcomeResult | None]]


def activity_results(activity: Activity) -> ActivityResults:
    """Each question's answers counted (and the mean of scales), the response rate, and the
    organiser's verdict on each outcome sought."""
    from engage.feedback.services import outcome_lines

    summary = evaluations_by_activity([activity.pk])[activity.pk]
    questions = list(EvaluationQuestion.objects.filter(is_active=True))
    answers = EvaluationAnswer.objects.filter(response__activity=activity).values_list(
        "pk", "question_id", "score", "text"
    )
    by_question: dict[int, list[tuple[int | None, str, int]]] = defaultdict(list)
    for pk, question_id, score, text in answers:
        by_question[question_id].append((score, text, pk))
    results = []
    for question in questions:
        rows = by_question.get(question.pk, [])
        result = QuestionResult(question=question)
        if question.is_scale:
            scores = [s for s, _, _ in rows if s is not None]
            result.counts = [(label, scores.count(v), None) for v, label in question.choices()]
            result.answered = len(scores)
            result.mean = round(sum(scores) / len(scores), 2) if scores else None
        else:
            result.text_answers = [(pk, t) for _, t, pk in rows if t]
            result.texts = [t for _, t in result.text_answers]
            result.answered = len(result.texts)
        results.append(result)
    recorded = {r.position: r for r in OutcomeResult.objects.filter(activity=activity)}
    outcomes = [(n, line, recorded.get(n)) for n, line in enumerate(outcome_lines(activity))]
    return ActivityResults(activity, summary, results, outcomes)


def _count_of(queryset: QuerySet[Any], key: str = "activity_id") -> Any:
    """How many rows of ``queryset`` (filtered on an ``OuterRef``) there are, as a subquery
    grouped by ``key``; 0 when there are none."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def count_who_came(activity: Any) -> Any:
    """How many provider contacts came to ``activity`` (an ``OuterRef``), as a subquery."""
    return _count_of(
        Attendance.objects.filter(activity_id=activity, kind=Attendance.Kind.CONTACT, attended=True)
    )


def mean_usefulness(activity: Any) -> Subquery:
    """The mean headline score of ``activity``'s (an ``OuterRef``) evaluations, as a
    subquery; None when nobody answered it."""
    return Subquery(
        EvaluationAnswer.objects.filter(
            response__activity_id=activity, question__key=USEFULNESS_KEY, score__isnull=False
        )
        .order_by()
        .values("response__activity_id")
        .annotate(mean=Avg("score"))
        .values("mean")[:1]
    )


def held_meetings(groups: QuerySet[EngagementGroup] | None = None) -> QuerySet[Meeting]:
    """Held meetings with attendance and evaluation counts, oldest first (one query)."""
    meetings = Meeting.objects.filter(activity__status__in=HELD_STATUSES)
    if groups is not None:
        meetings = meetings.filter(group__in=groups)
    return _with_trend_figures(meetings).order_by("activity__starts_at", "pk")


def _with_trend_figures(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """``meetings`` with the attendance and evaluation counts of ``held_meetings``."""
    activity = OuterRef("activity_id")
    return meetings.select_related("activity", "group").annotate(
        registered=_count_of(
            Registration.objects.filter(activity_id=activity, status=Registration.Status.REGISTERED)
        ),
        attended=count_who_came(activity),
        contacts_recorded=_count_of(
            Attendance.objects.filter(activity_id=activity, kind=Attendance.Kind.CONTACT)
        ),
        invited=_count_of(EvaluationInvitation.objects.filter(activity_id=activity)),
        answered=_count_of(
            EvaluationInvitation.objects.filter(activity_id=activity, responded_at__isnull=False)
        ),
        usefulness=mean_usefulness(activity),
    )


@dataclass(frozen=True)
class MeetingPoint:
    """One held meeting on a group's trend."""

    meeting_id: int
    activity_id: int
    title: str
    starts_at: Any
    registered: int
    attended: int
    invited: int
    responses: int
    mean_usefulness: float | None

    @property
    def attendance_rate(self) -> float | None:
        """Provider contacts who came, as a percentage of those registered (or, when nobody
        registered, of those recorded as expected)."""
        return _rate(self.attended, self.registered or self.attended)

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responses, self.invited)


def meeting_point(meeting: Any) -> MeetingPoint:
    """The trend point of a meeting read through ``held_meetings``."""
    return _point(
        meeting.pk,
        meeting.activity_id,
        meeting.activity.title,
        meeting.activity.starts_at,
        meeting.registered,
        meeting.attended,
        meeting.contacts_recorded,
        meeting.invited,
        meeting.answered,
        meeting.usefulness,
    )


#: The columns of ``held_meetings`` a trend point reads, for ``values(*POINT_FIELDS)``.
POINT_FIELDS = (
    "pk",
    "activity_id",
    "activity__title",
    "activity__starts_at",
    "registered",
    "attended",
    "contacts_recorded",
    "invited",
    "answered",
    "usefulness",
)


def meeting_point_from_values(row: dict[str, Any]) -> MeetingPoint:
    """``meeting_point`` of a row of ``held_meetings().values(*POINT_FIELDS)`` (no model
    instances: cheaper when only the figures are wanted)."""
    return _point(*(row[field] for field in POINT_FIELDS))


def _point(
    meeting_id: int,
    activity_id: int,
    title: str,
    starts_at: Any,
    registered: Any,
    attended: Any,
    contacts_recorded: Any,
    invited: Any,
    answered: Any,
    usefulness: Any,
) -> MeetingPoint:
    return MeetingPoint(
        meeting_id=meeting_id,
        activity_id=activity_id,
        title=title,
        starts_at=starts_at,
        registered=int(registered) or int(contacts_recorded),
        attended=int(attended),
        invited=int(invited),
        responses=int(answered),
        mean_usefulness=round(float(usefulness), 2) if usefulness is not None else None,
    )


def group_trend(group: EngagementGroup) -> list[MeetingPoint]:
    """The group's held meetings, oldest first, with attendance and evaluation figures."""
    return [meeting_point(m) for m in held_meetings(EngagementGroup.objects.filter(pk=group.pk))]


def trend_chart(points: list[MeetingPoint]) -> dict[str, Any]:
    return {
        "labels": [f"{p.starts_at:%-d %b %Y}" for p in points],
        "datasets": [
            {
                "label": "Mean usefulness (1–5)",
                "values": [p.mean_usefulness for p in points],
                "axis": "score",
            },
            {
                "label": "Response rate (%)",
                "values": [p.response_rate for p in points],
                "axis": "percent",
            },
            {
                "label": "Attendance rate (%)",
                "values": [p.attendance_rate for p in points],
                "axis": "percent",
            },
        ],
    }


@dataclass(frozen=True)
class JadednessSignal:
    """A group whose attendance or evaluation score fell at each of its last three meetings."""

    group_id: int
    attendance_falling: bool
    score_falling: bool
    points: tuple[MeetingPoint, ...]

    @property
    def reason(self) -> str:
        parts = []
        if self.attendance_falling:
            rates = " → ".join(f"{p.attendance_rate:g}%" for p in self.points)
            parts.append(f"attendance fell at each of the last three meetings ({rates})")
        if self.score_falling:
            scores = " → ".join(f"{p.mean_usefulness:g}" for p in self.points)
            parts.append(f"the usefulness score fell at each of the last three ({scores})")
        return "; ".join(parts).capitalize() + "."


def _strictly_falling(values: list[float | None]) -> bool:
    if len(values) < 3 or any(v is None for v in values):
        return False
    known = [float(v) for v in values if v is not None]
    return all(a > b for a, b in pairwise(known))


#: How many of a group's latest held meetings the jadedness signal looks at.
SIGNAL_MEETINGS = 3


def signal_from(group_id: int, points: list[MeetingPoint]) -> JadednessSignal | None:
    """Flag when attendance rate or mean usefulness strictly decreases across the last three
    held meetings; None otherwise (or with fewer than three)."""
    last = points[-SIGNAL_MEETINGS:]
    if len(last) < SIGNAL_MEETINGS:
        return None
    attendance = _strictly_falling([p.attendance_rate for p in last])
    score = _strictly_falling([p.mean_usefulness for p in last])
    if not (attendance or score):
        return None
    return JadednessSignal(group_id, attendance, score, tuple(last))


def jadedness(group: EngagementGroup) -> JadednessSignal | None:
    """The jadedness signal of one group (one query), or None when it is not flagged."""
    return signal_from(group.pk, group_trend(group))


def _last_held_meetings(count: int) -> QuerySet[Any]:
    """The ids of each group's last ``count`` held meetings (a subquery)."""
    return (
        Meeting.objects.filter(activity__status__in=HELD_STATUSES)
        .annotate(
            from_last=Window(
                RowNumber(),
                partition_by=[F("group_id")],
                order_by=[F("activity__starts_at").desc(), F("pk").desc()],
            )
        )
        .filter(from_last__lte=count)
        .values("pk")
    )


class FlaggedGroup(NamedTuple):
    """A group flagged for jadedness, as the feedback home names and links it."""

    pk: int
    name: str


#: What ``jaded_groups`` reads of each meeting, in ``_point``'s order after the group's.
_POINT_FIELDS = ("group_id", "group__name", *POINT_FIELDS)


@cache
def _last_meetings_with_figures() -> QuerySet[Meeting, tuple[Any, ...]]:
    """Each group's last held meetings with their trend figures (``_POINT_FIELDS``), oldest
    first. Built once: it depends on nothing but the schema, and building its seven
    subqueries costs more than running them; each use evaluates a clone (the queryset itself
    is never evaluated)."""
    # Driven by the ids of the last meetings alone: filtering on the held statuses again here
    # (as ``held_meetings`` does) would have SQLite walk every held activity first.
    return (
        _with_trend_figures(Meeting.objects.filter(pk__in=_last_held_meetings(SIGNAL_MEETINGS)))
        .order_by("activity__starts_at", "pk")
        .values_list(*_POINT_FIELDS)
    )


def jaded_groups() -> list[tuple[FlaggedGroup, JadednessSignal]]:
    """Every flagged group, with its signal (one query). The signal looks at a group's last
    three held meetings only, so only those are counted."""
    by_group: dict[int, list[MeetingPoint]] = defaultdict(list)
    names: dict[int, str] = {}
    for group_id, name, *figures in _last_meetings_with_figures().all():
        by_group[group_id].append(_point(*figures))
        names[group_id] = name
    flagged = []
    for group_id, points in by_group.items():
        signal = signal_from(group_id, points)
        if signal is not None:
            flagged.append((FlaggedGroup(group_id, names[group_id]), signal))
    return sorted(flagged, key=lambda pair: pair[0].name)


# --- Trends per segment ---------------------------------------------------------------------


class SegmentDimension(TextChoices):
    """The part of a contact's segment (service type, level, locality) a trend is cut by."""

    SERVICE_TYPE = "service_type", "Service type"
    LOCALITY = "locality", "Locality"
    LEVEL = "level", "Level"


#: How many of a group's latest held meetings the segment trends cover.
SEGMENT_TREND_MEETINGS = 6
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class SegmentCell:
    """One segment at one meeting: contacts expected and who came, and their usefulness."""

    expected: int
    attended: int
    responses: int
    mean_usefulness: float | None

    @property
    def attendance_rate(self) -> float | None:
        """As ``MeetingPoint.attendance_rate``: of those expected (or of those who came)."""
        return _rate(self.attended, self.expected or self.attended)


@dataclass(frozen=True)
class SegmentRow:
    label: str
    #: One cell per meeting of the trend, in the same order.
    cells: tuple[SegmentCell, ...]

    @property
    def attendance_falling(self) -> bool:
        """The jadedness rule: the rate fell at each of the last three meetings."""
        return _strictly_falling([c.attendance_rate for c in self.cells[-3:]])


@dataclass(frozen=True)
class SegmentTrends:
    dimension: SegmentDimension
    #: The group's last (up to six) held meetings, oldest first: (activity id, starts at).
    meetings: tuple[tuple[int, Any], ...]
    rows: tuple[SegmentRow, ...]

    @property
    def chart(self) -> dict[str, Any]:
        return {
            "labels": [f"{starts_at:%-d %b %Y}" for _, starts_at in self.meetings],
            "datasets": [
                {"label": row.label, "values": [c.attendance_rate for c in row.cells]}
                for row in self.rows
            ],
        }


def _segments_of_contacts(
    contact_ids: set[int], dimension: SegmentDimension
) -> dict[int, set[str]]:
    """contact id -> the labels of the segments they belong to along ``dimension``.

    The rule of ``engage.market.audience.contact_segments``: a contact belongs to the segments
    of the active services they work at; one tied to no active service, to those of every
    active service of their provider. Level needs one query; the others three.
    """
    from engage.market.models import Contact, Level, Service

    contacts = list(
        Contact.objects.filter(pk__in=contact_ids).values_list("pk", "provider_id", "level")
    )
    if dimension == SegmentDimension.LEVEL:
        labels = dict(Level.choices)
        return {pk: {labels.get(level, NOT_RECORDED)} for pk, _, level in contacts}
    field_name = (
        "service_types__name" if dimension == SegmentDimension.SERVICE_TYPE else "locality__name"
    )
    own: dict[int, set[str]] = defaultdict(set)
    for contact_id, value in Contact.services.through.objects.filter(
        contact_id__in=contact_ids, service__status=Service.Status.ACTIVE
    ).values_list("contact_id", f"service__{field_name}"):
        own[contact_id].add(value or NOT_RECORDED)
    # Every contact's provider, not only those of contacts without a service of their own:
    # the query count must not depend on the data.
    providers = {provider_id for _, provider_id, _ in contacts}
    of_provider: dict[int, set[str]] = defaultdict(set)
    for provider_id, value in Service.objects.filter(
        provider_id__in=providers, status=Service.Status.ACTIVE
    ).values_list("provider_id", field_name):
        of_provider[provider_id].add(value or NOT_RECORDED)
    return {
        pk: own.get(pk) or of_provider.get(provider_id) or {NOT_RECORDED}
        for pk, provider_id, _ in contacts
    }


def segment_trends(
    group: EngagementGroup, dimension: str, points: list[MeetingPoint] | None = None
) -> SegmentTrends:
    """Attendance rate and mean usefulness per segment at the group's last six held meetings.

    ``dimension`` is a ``SegmentDimension`` value; anything else falls back to service type.
    A contact counts in every segment they belong to (see ``_segments_of_contacts``), so a
    segment's figures are those of its own contacts. Per meeting, a segment's contacts
    expected are those registered — or, at a meeting nobody registered for, those recorded in
    its attendance — as in the group's own trend; the mean usefulness is over the evaluation
    responses of the segment's contacts. Segments sort by label, "Not recorded" last; a
    segment with no one at any of the meetings has no row.

    ``points`` (the group's ``group_trend``, when the caller has it) saves the query of the
    meetings. Seven queries for service type or locality, five for level (one fewer each with
    ``points``), whatever the data size.
    """
    chosen = (
        SegmentDimension(dimension)
        if dimension in SegmentDimension.values
        else SegmentDimension.SERVICE_TYPE
    )
    if points is None:
        latest = list(
            Meeting.objects.filter(group=group, activity__status__in=HELD_STATUSES)
            .order_by("-activity__starts_at", "-pk")
            .values_list("activity_id", "activity__starts_at")[:SEGMENT_TREND_MEETINGS]
        )
        meetings = tuple(reversed(latest))
    else:
        meetings = tuple((p.activity_id, p.starts_at) for p in points[-SEGMENT_TREND_MEETINGS:])
    activity_ids = [activity_id for activity_id, _ in meetings]
    registered: dict[int, set[int]] = defaultdict(set)
    recorded: dict[int, set[int]] = defaultdict(set)
    came: dict[int, set[int]] = defaultdict(set)
    scores: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for activity_id, contact_id in Registration.objects.filter(
        activity_id__in=activity_ids, status=Registration.Status.REGISTERED
    ).values_list("activity_id", "contact_id"):
        registered[activity_id].add(contact_id)
    for activity_id, contact_id, was_there in Attendance.objects.filter(
        activity_id__in=activity_ids, kind=Attendance.Kind.CONTACT, contact__isnull=False
    ).values_list("activity_id", "contact_id", "attended"):
        recorded[activity_id].add(contact_id)
        if was_there:
            came[activity_id].add(contact_id)
    for activity_id, contact_id, score in EvaluationAnswer.objects.filter(
        response__activity_id__in=activity_ids,
        question__key=USEFULNESS_KEY,
        score__isnull=False,
    ).values_list("response__activity_id", "response__invitation__contact_id", "score"):
        if score is not None:  # excluded by the filter; the type does not know
            scores[activity_id].append((contact_id, score))
    everyone = set().union(
        *registered.values(), *recorded.values(), *({c for c, _ in s} for s in scores.values())
    )
    segments_of = _segments_of_contacts(everyone, chosen) if everyone else {}
    labels = sorted(
        {label for labels in segments_of.values() for label in labels},
        key=lambda label: (label == NOT_RECORDED, label.casefold()),
    )
    rows = []
    for label in labels:
        cells = []
        for activity_id, _ in meetings:
            expected = registered[activity_id] or recorded[activity_id]
            values = [s for c, s in scores[activity_id] if label in segments_of.get(c, ())]
            cells.append(
                SegmentCell(
                    expected=sum(1 for c in expected if label in segments_of.get(c, ())),
                    attended=sum(1 for c in came[activity_id] if label in segments_of.get(c, ())),
                    responses=len(values),
                    mean_usefulness=round(sum(values) / len(values), 2) if values else None,
                )
            )
        rows.append(SegmentRow(label, tuple(cells)))
    return SegmentTrends(chosen, meetings, tuple(rows))


def awaiting_outcomes() -> QuerySet[Activity]:
    """Held gatherings whose outcomes sought have no verdict yet, most recent first."""
    return (
        Activity.objects.filter(status=Activity.Status.HELD)
        .exclude(outcomes_sought="")
        .filter(~Q(pk__in=OutcomeResult.objects.values("activity_id")))
        .select_related("lead_officer__user")
        .order_by("-starts_at")
    )


def recent_evaluated_activities() -> QuerySet[Activity]:
    """Activities with at least one evaluation response, most recent first."""
    # Counted per activity shown (subqueries), not by joining every invitation of every
    # activity and counting the distinct ones.
    invitations = EvaluationInvitation.objects.filter(activity_id=OuterRef("pk"))
    return (
        Activity.objects.filter(Exists(invitations))
        .annotate(
            invited=_count_of(invitations),
            answered=_count_of(invitations.filter(responded_at__isnull=False)),
        )
        .order_by("-starts_at", "-pk")
    )


def evaluable_activity(pk: int) -> Activity:
    activity = (
        Activity.objects.select_related("lead_officer__user", "meeting__group")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    return activity


def evaluations_of_contact(contact: Any) -> QuerySet[EvaluationInvitation]:
    """A provider contact's own evaluation invitations, awaiting first, newest first."""
    return (
        EvaluationInvitation.objects.filter(contact=contact)
        .select_related("activity")
        .order_by("responded_at", "-activity__starts_at")
    )


def get_evaluation_for_user(user: Any, pk: int) -> EvaluationInvitation:
    """One of the signed-in provider user's own invitations; 404 for anyone else's."""
    from engage.portal.access import contact_for

    contact = contact_for(user)
    invitation = (
        EvaluationInvitation.objects.select_related("activity", "contact")
        .filter(pk=pk, contact=contact)
        .first()
        if contact is not None
        else None
    )
    if invitation is None:
        raise Http404("No such evaluation")
    return invitation


# --- Surveys --------------------------------------------------------------------------------


def surveys_with_figures() -> QuerySet[Survey]:
    """Surveys, newest first, with how many were invited and answered (a subquery each: a
    join of both would pair every invitation with every response before counting)."""
    survey = OuterRef("pk")
    return Survey.objects.annotate(
        invited=_count_of(SurveyInvitation.objects.filter(survey_id=survey), "survey_id"),
        answered=_count_of(SurveyResponse.objects.filter(survey_id=survey), "survey_id"),
    ).order_by("-created_at", "-pk")


def get_survey(pk: int) -> Survey:
    survey = (
        surveys_with_figures()
        .prefetch_related("questions", "audience_service_types", "audience_localities")
        .filter(pk=pk)
        .first()
    )
    if survey is None:
        raise Http404("No such survey")
    return survey


@dataclass
class SurveyQuestionResult:
    question: Any
    answered: int = 0
    mean: float | None = None
    #: (label, how many, percentage of those who answered the question)
    counts: list[tuple[str, int, float | None]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    #: (answer id, text) of each text answer, for "Record as feedback"
    text_answers: list[tuple[int, str]] = field(default_factory=list)

    @property
    def chart_id(self) -> str:
        return f"survey-question-{self.question.pk}"

    @property
    def chart(self) -> dict[str, Any]:
        return {
            "labels": [label for label, _, _ in self.counts],
            "values": [n for _, n, _ in self.counts],
            "label": "Responses",
        }


@dataclass
class SurveyResults:
    survey: Survey
    invitations: int
    responses: int
    questions: list[SurveyQuestionResult]

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responses, self.invitations)


def audience_text(survey: Survey) -> str:
    """Who a survey is for, in words (prefetch its service types and localities)."""
    types = [t.name for t in survey.audience_service_types.all()]
    localities = [loc.name for loc in survey.audience_localities.all()]
    levels = [
        label
        for chosen, label in (
            (survey.for_owners, "owners and directors"),
            (survey.for_managers, "care managers"),
            (survey.for_workers, "care workers"),
        )
        if chosen
    ]
    parts = [
        ", ".join(types) if types else "Every service type",
        " and ".join(levels) if levels else "every level",
        ", ".join(localities) if localities else "every locality",
    ]
    if survey.tier_one_only:
        parts.append("Tier One providers only")
    return "; ".join(parts)


def survey_results(survey: Survey) -> SurveyResults:
    """Each question counted: ratings (counts, mean), choices (counts, share), texts."""
    questions = list(survey.questions.all())
    invitations = SurveyInvitation.objects.filter(survey=survey).count()
    responses = survey.responses.count()
    by_question: dict[int, list[tuple[int | None, list[str], str]]] = defaultdict(list)
    text_ids: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, question_id, score, chosen, text in (
        SurveyAnswer.objects.filter(response__survey=survey)
        .order_by("pk")
        .values_list("pk", "question_id", "score", "chosen", "text")
    ):
        by_question[question_id].append((score, chosen or [], text))
        if text:
            text_ids[question_id].append((pk, text))
    results = []
    for question in questions:
        rows = by_question.get(question.pk, [])
        result = SurveyQuestionResult(question=question, answered=len(rows))
        if question.kind == SurveyQuestionKind.RATING:
            scores = [s for s, _, _ in rows if s is not None]
            result.counts = [
                (str(v), scores.count(v), _rate(scores.count(v), len(scores)))
                for v in (5, 4, 3, 2, 1)
            ]
            result.mean = round(sum(scores) / len(scores), 2) if scores else None
        elif question.has_options:
            result.counts = [
                (
                    option,
                    sum(1 for _, c, _ in rows if option in c),
                    _rate(sum(1 for _, c, _ in rows if option in c), len(rows)),
                )
                for option in question.options
            ]
        else:
            result.text_answers = text_ids.get(question.pk, [])
            result.texts = [t for _, t in result.text_answers]
        results.append(result)
    return SurveyResults(survey, invitations, responses, results)


def survey_rows(survey: Survey) -> tuple[list[str], list[list[Any]]]:
    """The responses as a table for CSV: one row per response, one column per question. Named
    surveys add who answered; anonymous ones cannot."""
    questions = list(survey.questions.all())
    header = ["Response", "Date"]
    if not survey.anonymous:
        header += ["Name", "Provider"]
    header += [q.text for q in questions]
    responses = survey.responses.select_related("contact__provider").prefetch_related("answers")
    rows = []
    for n, response in enumerate(responses, start=1):
        answers = {a.question_id: a for a in response.answers.all()}
        row: list[Any] = [n, response.submitted_on.isoformat()]
        if not survey.anonymous:
            contact = response.contact
            row += [contact.name if contact else "", contact.provider.name if contact else ""]
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                row.append("")
            elif question.kind == SurveyQuestionKind.RATING:
                row.append(answer.score)
            elif question.has_options:
                row.append("; ".join(answer.chosen))
            else:
                row.append(answer.text)
        rows.append(row)
    return header, rows


def get_survey_invitation(token: str) -> SurveyInvitation:
    invitation = (
        SurveyInvitation.objects.select_related("survey")
        .prefetch_related("survey__questions")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404("No such survey invitation")
    return invitation


# --- Feedback and "you said, we did" --------------------------------------------------------


def feedback_items() -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.select_related("group", "action__owner__user").prefetch_related(
        "themes"
    )


def feedback_to_triage() -> QuerySet[FeedbackItem]:
    """New feedback, as the feedback home lists it: its text, source and group."""
    return FeedbackItem.objects.filter(status=FeedbackItem.Status.NEW).select_related("group")


def get_feedback_item(pk: int) -> FeedbackItem:
    item = (
        feedback_items()
        .select_related("activity", "enquiry", "action__group")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such feedback")
    return item


@dataclass(frozen=True)
class FeedbackOrigin:
    """What a feedback item is recorded from: an evaluation's or a survey's answer, or an
    enquiry. ``initial`` prefills the form; the rest is linked to the item."""

    describes: str
    initial: dict[str, Any]
    activity: Activity | None = None
    evaluation_answer: EvaluationAnswer | None = None
    survey_answer: SurveyAnswer | None = None
    enquiry: Any = None


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def feedback_origin(user: Any, params: Any) -> FeedbackOrigin | None:
    """The origin named in a query (``answer``, ``survey_answer`` or ``enquiry``, each an id),
    or None when it names none or one that does not exist or ``user`` may not see."""
    if (answer_id := _id(params.get("answer", ""))) is not None:
        answer = (
            EvaluationAnswer.objects.select_related("response__activity__meeting")
            .filter(pk=answer_id)
            .first()
        )
        if answer is None:
            return None
        activity = answer.response.activity
        meeting = getattr(activity, "meeting", None)
        return FeedbackOrigin(
            describes=f"An answer to the evaluation of {activity.title}",
            initial={
                "text": answer.text,
                "source": FeedbackSource.EVALUATION,
                "received_on": timezone.localdate(answer.response.submitted_at),
                "group": meeting.group_id if meeting is not None else None,
            },
            activity=activity,
            evaluation_answer=answer,
        )
    if (survey_answer_id := _id(params.get("survey_answer", ""))) is not None:
        survey_answer = (
            SurveyAnswer.objects.select_related("response__survey")
            .filter(pk=survey_answer_id)
            .first()
        )
        if survey_answer is None:
            return None
        return FeedbackOrigin(
            describes=f"An answer to the survey {survey_answer.response.survey.title}",
            initial={
                "text": survey_answer.text,
                "source": FeedbackSource.SURVEY,
                "received_on": survey_answer.response.submitted_on,
            },
            survey_answer=survey_answer,
        )
    if (enquiry_id := _id(params.get("enquiry", ""))) is not None:
        from engage.enquiries.selectors import get_enquiry_for_user

        try:
            enquiry = get_enquiry_for_user(user, enquiry_id)
        except Http404:
            return None
        return FeedbackOrigin(
            describes=f"Enquiry {enquiry.reference}: {enquiry.subject}",
            initial={
                "text": enquiry.subject,
                "source": FeedbackSource.ENQUIRY,
                "received_on": timezone.localdate(enquiry.received_at),
            },
            enquiry=enquiry,
        )
    return None


def you_said_we_did(group: EngagementGroup | None = None) -> QuerySet[FeedbackItem]:
    """Feedback whose action is done with an outcome: what providers said, what we did."""
    items = (
        FeedbackItem.objects.filter(action__status=ActionStatus.DONE)
        .exclude(action__outcome="")
        .select_related("group", "action")
        .prefetch_related(Prefetch("themes"))
        .order_by("-action__completed_on", "-pk")
    )
    if group is not None:
        items = items.filter(group=group)
    return items
