"""Demo data of the feedback app: evaluations of held events and meetings, the provider
engagement survey with about a hundred invented responses, and feedback turned into actions
(so that "you said, we did" has content). Every person is invented; answers are generated.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from engage.core.demo import DemoContext
from engage.council.models import Officer
from engage.engagement.clashes import LONDON
from engage.engagement.models import HELD_STATUSES, Activity, Attendance, Registration
from engage.engagement.modes import GATHERING_KINDS, Kind, Mechanism, Mode
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
from engage.feedback.services import outcome_lines
from engage.groups.models import Action, ActionStatus, EngagementGroup, GroupStatus, Meeting
from engage.market.models import Contact

HELD = HELD_STATUSES  # of the activities this demo evaluates

WORKED = [
    "Hearing directly from commissioners about the fee uplift.",
    "The small-group discussion: we could actually talk.",
    "Meeting other managers from my area.",
    "Clear slides, and the questions were answered honestly.",
    "Having the NHS discharge team in the room.",
    "It started and finished on time.",
]
IMPROVE = [
    "Send the papers a week before, not the day before.",
    "Less presenting, more time for questions.",
    "Hold it somewhere with parking.",
    "Tell us afterwards what happened to our suggestions.",
    "Offer an online option for those who cannot leave the home.",
    "Too many topics for one afternoon.",
]
TOPICS = [
    "Recruitment and retention of care workers",
    "The new hospital discharge pathway",
    "Fee rates for next year",
    "Infection control updates",
    "Digital care records",
    "Safeguarding referrals: what happens next",
]

#: (what providers said, source, theme slugs, what we did or None, open action title or None)
FEEDBACK_STORIES: tuple[tuple[str, str, tuple[str, ...], str | None, str | None], ...] = (
    (
        "Papers for forum meetings arrive too late to read before the meeting.",
        FeedbackSource.EVALUATION,
        ("meetings-and-events", "communication"),
        "Papers now go out ten working days before every forum meeting; the forward plan shows "
        "the date they are due.",
        None,
    ),
    (
        "We do not know whom to contact at the council about a contract question.",
        FeedbackSource.SURVEY,
        ("whom-to-contact",),
        "Every provider now has a named contract officer, shown on the portal's "
        "“who to contact” card, with a target time for a reply.",
        None,
    ),
    (
        "We want regular face-to-face meetings, not only webinars.",
        FeedbackSource.SURVEY,
        ("meetings-and-events",),
        "Each locality forum now meets in person at least three times a year, with dates set "
        "twelve months ahead.",
        None,
    ),
    (
        "Discharges arrive on Friday evenings without medication or care plans.",
        FeedbackSource.FORUM,
        ("hospital-discharge",),
        "The hospital discharge working group agreed a checklist with the trusts: no discharge "
        "to a care home after 4pm without the care plan and medicines.",
        None,
    ),
    (
        "The fee uplift was announced before providers were asked.",
        FeedbackSource.EVALUATION,
        ("fees-and-contracts", "communication"),
        "The fee-setting timetable now includes a consultation session with owners and "
        "directors before any figure is published.",
        None,
    ),
    (
        "We never hear what happened to the suggestions we make at forums.",
        FeedbackSource.EVALUATION,
        ("communication", "meetings-and-events"),
        "We publish “you said, we did” after every forum and in the portal.",
        None,
    ),
    (
        "Care workers cannot get to daytime training sessions.",
        FeedbackSource.FORUM,
        ("training", "workforce"),
        "Training sessions are now repeated in the evening and recorded.",
        None,
    ),
    (
        "Recruitment adverts compete with each other across the county.",
        FeedbackSource.FORUM,
        ("workforce",),
        None,
        "Propose a shared county recruitment campaign",
    ),
    (
        "Safeguarding referrals disappear: we are not told the outcome.",
        FeedbackSource.ENQUIRY,
        ("quality-and-safeguarding",),
        None,
        "Agree how providers are told the outcome of a referral",
    ),
    (
        "The online forum link changes every time.",
        FeedbackSource.EVALUATION,
        ("meetings-and-events",),
        None,
        "Use one standing link per forum",
    ),
    (
        "Would like a session on digital care records.",
        FeedbackSource.EVALUATION,
        ("training",),
        None,
        None,
    ),
    (
        "Parking at County Hall is impossible for morning meetings.",
        FeedbackSource.EVALUATION,
        ("meetings-and-events",),
        None,
        None,
    ),
    (
        "Invoices for top-ups are paid late.",
        FeedbackSource.ENQUIRY,
        ("fees-and-contracts",),
        None,
        None,
    ),
    (
        "The quality team's visits feel like inspections rather than support.",
        FeedbackSource.SURVEY,
        ("quality-and-safeguarding",),
        None,
        None,
    ),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def _ensure_meetings(ctx: DemoContext, today: date) -> None:
    """Held meetings for a few groups when the groups demo has not recorded any (so each has
    a trend): one group's attendance and scores fall, to show the jadedness flag."""
    if Meeting.objects.filter(activity__status__in=HELD).count() >= 6:
        return
    groups = list(
        EngagementGroup.objects.filter(status=GroupStatus.ACTIVE)
        .select_related("owner")
        .order_by("pk")[:4]
    )
    contacts = list(
        Contact.objects.filter(is_active=True, erased_at__isnull=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    if not contacts:
        return
    for index, group in enumerate(groups):
        pool = ctx.rng.sample(contacts, min(len(contacts), 40))
        for n in range(5):
            day = today - timedelta(days=30 + 75 * (4 - n))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            activity = Activity.objects.create(
                title=f"{group.name}: meeting",
                kind=Kind.FORUM_MEETING,
                purpose=group.purpose,
                mode=Mode.PARTICIPATE,
                mechanism=Mechanism.FORUM_ITEM,
                lead_officer=group.owner,
                facilitator=group.owner,
                starts_at=_at(day, 10),
                ends_at=_at(day, 12),
                outcomes_sought="Providers hear the council's plans for the next quarter\n"
                "Providers raise the issues they face\nActions agreed with owners and dates",
                questions="What is working? What is not?",
                within_agreed_structure=True,
                status=Activity.Status.EVALUATED if n < 4 else Activity.Status.HELD,
            )
            Meeting.objects.create(group=group, activity=activity)
            registered = pool[: 24 + ctx.rng.randint(-4, 4)]
            now = activity.starts_at - timedelta(days=20)
            Registration.objects.bulk_create(
                Registration(
                    activity=activity,
                    contact_id=pk,
                    status=Registration.Status.REGISTERED,
                    created_at=now,
                )
                for pk in registered
            )
            # The first group tires: fewer come to each of its last meetings.
            share = (0.85 - 0.12 * max(0, n - 1)) if index == 0 else ctx.rng.uniform(0.6, 0.85)
            came = registered[: max(3, round(len(registered) * share))]
            Attendance.objects.bulk_create(
                Attendance(
                    activity=activity, kind=Attendance.Kind.CONTACT, contact_id=pk, attended=True
                )
                for pk in came
            )


def _record_what_it_cost(ctx: DemoContext, activity: Activity) -> None:
    """Two leads in three record what a held gathering cost in the end: near the estimate,
    officer time usually over it."""
    if ctx.rng.random() > 2 / 3:
        return
    activity.actual_venue_pence = round(activity.cost_venue_pence * ctx.rng.uniform(0.9, 1.1))
    activity.actual_officer_hours = (
        activity.officer_hours * Decimal(str(round(ctx.rng.uniform(0.9, 1.4), 2)))
    ).quantize(Decimal("0.01"))
    activity.actual_other_pence = round(activity.cost_other_pence * ctx.rng.uniform(0.8, 1.3))
    activity.actual_costs_recorded_at = activity.ends_at + timedelta(days=ctx.rng.randint(1, 10))
    activity.save(
        update_fields=[
            "actual_venue_pence",
            "actual_officer_hours",
            "actual_other_pence",
            "actual_costs_recorded_at",
        ]
    )


def _take_attendance(ctx: DemoContext, activity: Activity) -> None:
    """The register of a held gathering as its lead would have taken it: most of those
    registered came; of the others, half sent apologies."""
    registered = Registration.objects.filter(
        activity=activity, status=Registration.Status.REGISTERED
    ).values_list("contact_id", flat=True)
    rows = []
    for pk in registered:
        came = ctx.rng.random() < 0.85
        rows.append(
            Attendance(
                activity=activity,
                kind=Attendance.Kind.CONTACT,
                contact_id=pk,
                attended=came,
                apologies=not came and ctx.rng.random() < 0.5,
            )
        )
    Attendance.objects.bulk_create(rows)


def _evaluations(ctx: DemoContext, today: date) -> None:
    questions = list(EvaluationQuestion.objects.filter(is_active=True))
    activities = list(
        Activity.objects.filter(
            status__in=HELD,
            kind__in=GATHERING_KINDS,
            starts_at__lt=timezone.now(),
            starts_at__gte=timezone.now() - timedelta(days=420),
        )
        .select_related("meeting__group")
        .order_by("starts_at")
    )
    jaded_group = (
        Meeting.objects.filter(activity__status__in=HELD)
        .order_by("group_id")
        .values_list("group_id", flat=True)
        .first()
    )
    meeting_index: dict[int, int] = {}
    officer = Officer.objects.filter(user__role="pem").select_related("user").first()
    for activity in activities:
        recorded = Attendance.objects.filter(activity=activity, kind=Attendance.Kind.CONTACT)
        if not recorded.exists():
            _take_attendance(ctx, activity)
        _record_what_it_cost(ctx, activity)
        contact_ids = list(recorded.filter(attended=True).values_list("contact_id", flat=True))
        if not contact_ids:
            continue
        sent = activity.ends_at + timedelta(hours=2)
        EvaluationInvitation.objects.bulk_create(
            EvaluationInvitation(
                activity=activity,
                contact_id=pk,
                created_at=sent,
                reminded_at=sent + timedelta(days=7) if ctx.rng.random() < 0.5 else None,
            )
            for pk in contact_ids
        )
        meeting = getattr(activity, "meeting", None)
        group_id = meeting.group_id if meeting is not None else None
        n = meeting_index.get(group_id or 0, 0)
        meeting_index[group_id or 0] = n + 1
        # Usefulness centre: most events go well; the tiring group's scores fall.
        centre = (
            4.4 - 0.45 * max(0, n - 1) if group_id == jaded_group else ctx.rng.uniform(3.4, 4.4)
        )
        rate = 0.75 - 0.1 * max(0, n - 1) if group_id == jaded_group else ctx.rng.uniform(0.35, 0.7)
        invitations = list(activity.evaluation_invitations.all())
        answering = ctx.rng.sample(invitations, max(1, round(len(invitations) * max(rate, 0.2))))
        for invitation in answering:
            at = invitation.created_at + timedelta(days=ctx.rng.randint(0, 9))
            invitation.responded_at = at
            response = EvaluationResponse.objects.create(
                invitation=invitation, activity=activity, submitted_at=at
            )
            rows = []
            for question in questions:
                if question.is_scale:
                    score = min(5, max(1, round(ctx.rng.gauss(centre, 0.7))))
                    rows.append(EvaluationAnswer(response=response, question=question, score=score))
                elif ctx.rng.random() < 0.35:
                    bank = {"what-worked": WORKED, "what-to-improve": IMPROVE}.get(
                        question.key, TOPICS
                    )
                    rows.append(
                        EvaluationAnswer(
                            response=response, question=question, text=ctx.rng.choice(bank)
                        )
                    )
            EvaluationAnswer.objects.bulk_create(rows)
        EvaluationInvitation.objects.bulk_update(answering, ["responded_at"])
        lines = outcome_lines(activity)
        if lines and activity.status != Activity.Status.HELD:
            OutcomeResult.objects.bulk_create(
                OutcomeResult(
                    activity=activity,
                    position=i,
                    outcome=line[:500],
                    verdict=ctx.rng.choices(
                        [OutcomeVerdict.MET, OutcomeVerdict.PARTLY, OutcomeVerdict.NOT_MET],
                        [6, 3, 1],
                    )[0],
                    recorded_by=officer.user if officer else None,
                    recorded_at=activity.ends_at + timedelta(days=7),
                )
                for i, line in enumerate(lines)
            )


SURVEY_WANTS = [
    "Regular face-to-face meetings",
    "Events where we can give feedback",
    "Knowing whom to contact",
    "A regular newsletter",
    "Online forums and webinars",
    "Visits from commissioners",
]


def _survey(ctx: DemoContext, today: date) -> None:
    survey = Survey.objects.create(
        title="Provider engagement survey",
        introduction="How should the council work with you? Your answers shape how we meet, "
        "talk and listen over the next year.",
        anonymous=True,
        closes_on=today - timedelta(days=20),
        status=Survey.Status.CLOSED,
        sent_at=timezone.now() - timedelta(days=60),
        for_owners=True,
        for_managers=True,
    )
    specs = [
        ("How would you rate the council's engagement with providers?", "rating", True, []),
        ("What would you like from the council?", "multiple", True, SURVEY_WANTS),
        ("How would you prefer to meet?", "single", True, ["Face to face", "Online", "A mix"]),
        (
            "Do you know whom to contact about your contract?",
            "single",
            True,
            ["Yes", "Not sure", "No"],
        ),
        ("What one thing would improve how the council works with you?", "text", False, []),
    ]
    questions = [
        SurveyQuestion.objects.create(
            survey=survey, position=i, text=text, kind=kind, required=required, options=options
        )
        for i, (text, kind, required, options) in enumerate(specs)
    ]
    contacts = list(
        Contact.objects.filter(is_active=True, erased_at__isnull=True, email_consent=True)
        .exclude(email="")
        .filter(level__in=["owner", "manager"])
        .order_by("pk")
        .values_list("pk", flat=True)[:180]
    )
    sent_at = survey.sent_at or timezone.now()
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(survey=survey, contact_id=pk, created_at=sent_at) for pk in contacts
    )
    invitations = list(survey.invitations.all())
    answering = invitations[: min(len(invitations), 104)]
    SurveyInvitation.objects.filter(pk__in=[i.pk for i in answering]).update(used=True)
    wants_weights = [0.78, 0.64, 0.71, 0.4, 0.33, 0.27]
    comments = [
        "Tell us who our contact is and keep them in post.",
        "Meet us in person, in our locality.",
        "Answer emails within a week.",
        "Ask us before decisions are made, not after.",
        "Fewer surveys, more conversations.",
        "Share what you did with our feedback.",
    ]
    for _ in answering:
        response = SurveyResponse.objects.create(
            survey=survey, submitted_on=(sent_at + timedelta(days=ctx.rng.randint(0, 30))).date()
        )
        wanted = [
            w for w, p in zip(SURVEY_WANTS, wants_weights, strict=True) if ctx.rng.random() < p
        ]
        rows = [
            SurveyAnswer(
                response=response,
                question=questions[0],
                score=ctx.rng.choices([1, 2, 3, 4, 5], [10, 24, 36, 22, 8])[0],
            ),
            SurveyAnswer(
                response=response, question=questions[1], chosen=wanted or [SURVEY_WANTS[0]]
            ),
            SurveyAnswer(
                response=response,
                question=questions[2],
                chosen=[ctx.rng.choices(["Face to face", "Online", "A mix"], [5, 2, 4])[0]],
            ),
            SurveyAnswer(
                response=response,
                question=questions[3],
                chosen=[ctx.rng.choices(["Yes", "Not sure", "No"], [3, 3, 4])[0]],
            ),
        ]
        if ctx.rng.random() < 0.45:
            rows.append(
                SurveyAnswer(
                    response=response, question=questions[4], text=ctx.rng.choice(comments)
                )
            )
        SurveyAnswer.objects.bulk_create(rows)
    draft = Survey.objects.create(
        title="Winter pressures: your capacity",
        introduction="A short named survey of care home capacity before winter.",
        anonymous=False,
        closes_on=today + timedelta(days=30),
        for_managers=True,
    )
    SurveyQuestion.objects.create(
        survey=draft,
        position=0,
        text="How many beds do you expect to have free in December?",
        kind=SurveyQuestionKind.TEXT,
    )
    SurveyQuestion.objects.create(
        survey=draft,
        position=1,
        text="How confident are you about staffing this winter?",
        kind=SurveyQuestionKind.RATING,
    )


def _feedback_items(ctx: DemoContext, today: date) -> None:
    themes = {t.slug: t for t in Theme.objects.all()}
    groups = list(EngagementGroup.objects.filter(status=GroupStatus.ACTIVE).order_by("pk"))
    officers = list(Officer.objects.filter(user__is_active=True).order_by("pk"))
    for n, (text, source, slugs, we_did, open_action) in enumerate(FEEDBACK_STORIES):
        group = groups[n % len(groups)] if groups and n % 3 != 2 else None
        received = today - timedelta(days=40 + 23 * (len(FEEDBACK_STORIES) - n))
        item = FeedbackItem.objects.create(
            text=text, source=source, received_on=received, group=group
        )
        item.themes.set([themes[s] for s in slugs if s in themes])
        title = open_action or (f"Act on: {text[:200]}" if we_did else None)
        if title is None:
            continue
        action = Action.objects.create(
            title=title,
            description=f"From feedback: {text}",
            group=group,
            owner=officers[n % len(officers)] if officers else None,
            due_on=received + timedelta(days=60),
            status=ActionStatus.DONE if we_did else ActionStatus.IN_PROGRESS,
            outcome=we_did or "",
            completed_on=received + timedelta(days=45) if we_did else None,
        )
        item.action = action
        item.status = FeedbackItem.Status.ACTIONED
        item.save(update_fields=["action", "status"])


def _portal_user_evaluations() -> None:
    """The demo provider user came to the two latest held gatherings: one evaluation to give."""
    contact = Contact.objects.filter(user__email="provider@engage.example").first()
    if contact is None:
        return
    latest = list(
        Activity.objects.filter(
            status__in=HELD, kind__in=GATHERING_KINDS, starts_at__lt=timezone.now()
        ).order_by("-starts_at")[:2]
    )
    for n, activity in enumerate(latest):
        invitation, _ = EvaluationInvitation.objects.get_or_create(
            activity=activity,
            contact=contact,
            defaults={"created_at": activity.ends_at + timedelta(hours=2)},
        )
        if n == 1 and invitation.responded_at is None:
            invitation.responded_at = activity.ends_at + timedelta(days=1)
            invitation.save(update_fields=["responded_at"])
            EvaluationResponse.objects.get_or_create(
                invitation=invitation,
                defaults={"activity": activity, "submitted_at": invitation.responded_at},
            )


def seed(ctx: DemoContext) -> Any:
    """Evaluations, the provider engagement survey and "you said, we did"."""
    today = timezone.localdate()
    with transaction.atomic():
        _ensure_meetings(ctx, today)
        _evaluations(ctx, today)
        _survey(ctx, today)
        _feedback_items(ctx, today)
        _portal_user_evaluations()
