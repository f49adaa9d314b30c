"""A small world with one user per role and a sample of every kind of record.

The authorization matrix and the query budgets visit every page in it. Each domain app adds
its own records in ``APP_WORLDS`` (a function that adds named objects, and one that grows the
data tenfold for the query-budget test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engage.accounts.models import Role, User
from engage.api.services import create_token
from tests.council.factories import (
    CouncillorFactory,
    OfficerFactory,
    PartnerPersonFactory,
    TeamFactory,
    UserFactory,
)
from tests.market.factories import (
    AssociationFactory,
    ContactFactory,
    LocalityFactory,
    MembershipFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceTypeFactory,
)

#: Every role the matrix checks; "anonymous" is a visitor who has not signed in.
ROLES = ("anonymous", "pem", "officer", "ldd", "councillor", "provider", "partner", "admin")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.objects[name]


def _council(world: World) -> None:
    teams = {
        slug: TeamFactory(slug=slug, name=slug.replace("-", " ").title())
        for slug in (
            "commissioning",
            "quality-improvement",
            "contracts",
            "safeguarding",
            "service-placement",
            "adult-operations",
            "provider-engagement",
        )
    }
    world.objects["team"] = teams["contracts"]
    world.objects["teams"] = teams
    world.users["pem"] = OfficerFactory(
        user__role=Role.PEM, user__email="pem@world.example", team=teams["provider-engagement"]
    ).user
    world.users["officer"] = OfficerFactory(
        user__email="officer@world.example", team=teams["contracts"]
    ).user
    world.users["ldd"] = OfficerFactory(
        user__role=Role.LDD, user__email="ldd@world.example", team=teams["adult-operations"]
    ).user
    world.users["councillor"] = UserFactory(role=Role.COUNCILLOR, email="councillor@world.example")
    CouncillorFactory(user=world.users["councillor"])
    partner_user = UserFactory(role=Role.PARTNER, email="partner@world.example")
    world.objects["partner_person"] = PartnerPersonFactory(user=partner_user)
    world.objects["partner_organisation"] = world.objects["partner_person"].organisation
    world.users["partner"] = partner_user
    world.users["admin"] = UserFactory(
        role=Role.ADMIN, email="admin@world.example", is_staff=True, is_superuser=True
    )
    world.objects["officer_record"] = world.users["officer"].officer
    world.objects["councillor_record"] = CouncillorFactory()


def _grow_council(world: World, factor: int) -> None:
    for _ in range(factor):
        OfficerFactory(team=world.objects["team"])
        CouncillorFactory()
        PartnerPersonFactory(organisation=world.objects["partner_organisation"])


def _market(world: World) -> None:
    types = {
        slug: ServiceTypeFactory(slug=slug) for slug in ("residential", "nursing", "domiciliary")
    }
    localities = {
        slug: LocalityFactory(slug=slug, name=slug.title())
        for slug in ("north", "mid", "south", "west")
    }
    world.objects["service_types"] = types
    world.objects["localities"] = localities
    provider_a = ProviderFactory(
        name="World Alpha Ltd", is_tier_one=True, contract_manager=world.users["officer"].officer
    )
    provider_b = ProviderFactory(name="World Beta Ltd")
    world.objects["provider_a"] = provider_a
    world.objects["provider_b"] = provider_b
    world.objects["service_a"] = ServiceFactory(
        provider=provider_a, locality=localities["mid"], types=[types["residential"]]
    )
    world.objects["service_b"] = ServiceFactory(
        provider=provider_b, locality=localities["south"], types=[types["nursing"]]
    )
    provider_user = UserFactory(role=Role.PROVIDER, email="provider@world.example")
    world.objects["contact_a"] = ContactFactory(
        provider=provider_a, user=provider_user, works_at=[world.objects["service_a"]]
    )
    world.objects["contact_b"] = ContactFactory(provider=provider_b)
    world.users["provider"] = provider_user
    association = AssociationFactory(name="World Care Association")
    world.objects["association"] = association
    world.objects["membership"] = MembershipFactory(association=association, provider=provider_a)
    from engage.market.models import CqcImport

    world.objects["cqc_import"] = CqcImport.objects.create(
        file_name="world.csv",
        layout="care-directory",
        outcome=CqcImport.Outcome.REFUSED,
        errors=[[3, "bad"]],
    )


def _grow_market(world: World, factor: int) -> None:
    types = list(world.objects["service_types"].values())
    localities = list(world.objects["localities"].values())
    for n in range(factor):
        provider = ProviderFactory(
            contract_manager=world.users["officer"].officer, is_tier_one=n % 3 == 0
        )
        service = ServiceFactory(
            provider=provider,
            locality=localities[n % len(localities)],
            types=[types[n % len(types)]],
        )
        ContactFactory(provider=provider, works_at=[service])
        ContactFactory(provider=world.objects["provider_a"])
        MembershipFactory(association=world.objects["association"], provider=provider)


def _engagement(world: World) -> None:
    from engage.engagement.models import Activity, CalendarFeed, Registration

    Status = Activity.Status
    from tests.engagement.factories import ActivityFactory, RegistrationFactory, VenueFactory

    officer = world.users["officer"].officer
    venue = VenueFactory(capacity=40)
    world.objects["venue"] = venue
    published = ActivityFactory(
        title="World published event",
        lead_officer=officer,
        venue=venue,
        status=Status.PUBLISHED,
        service_types=[world.objects["service_types"]["residential"]],
        localities=[world.objects["localities"]["mid"]],
        teams=[world.objects["teams"]["contracts"]],
        partners=[world.objects["partner_person"]],
    )
    world.objects["activity"] = published
    world.objects["draft_activity"] = ActivityFactory(
        title="World draft", lead_officer=officer, venue=venue
    )
    world.objects["registration"] = RegistrationFactory(
        activity=published,
        contact=world.objects["contact_a"],
        status=Registration.Status.REGISTERED,
    )
    from engage.engagement.selectors import report_for
    from tests.engagement.factories import at

    # Christmas Day: a warning the PEM may accept with a reason.
    warned = ActivityFactory(
        title="World Christmas event",
        lead_officer=officer,
        venue=venue,
        status=Status.SUBMITTED,
        starts_at=at("2030-12-25"),
    )
    world.objects["warned_activity"] = warned
    world.objects["open_event"] = ActivityFactory(
        title="World open event",
        lead_officer=officer,
        venue=venue,
        status=Status.PUBLISHED,
        starts_at=at("2030-09-10"),
        service_types=[world.objects["service_types"]["residential"]],
        localities=[world.objects["localities"]["mid"]],
    )
    # Ready for approval: complete, for its own audience on a quiet day, nothing to accept.
    world.objects["submitted_activity"] = ActivityFactory(
        title="World ready for approval",
        lead_officer=officer,
        venue=venue,
        status=Status.SUBMITTED,
        starts_at=at("2030-06-11"),
        service_types=[world.objects["service_types"]["nursing"]],
        localities=[world.objects["localities"]["south"]],
    )
    world.objects["warning_key"] = next(w.key for w in report_for(warned).warnings)
    world.objects["contact_feed"] = CalendarFeed.objects.create(contact=world.objects["contact_a"])
    world.objects["officer_feed"] = CalendarFeed.objects.create(officer=officer)


def _grow_engagement(world: World, factor: int) -> None:
    from engage.engagement.models import Activity, Registration

    Status = Activity.Status
    from tests.engagement.factories import ActivityFactory, RegistrationFactory
    from tests.market.factories import ContactFactory

    officer = world.users["officer"].officer
    residential = world.objects["service_types"]["residential"]
    for n in range(factor):
        activity = ActivityFactory(
            lead_officer=officer,
            venue=world.objects["venue"],
            status=Status.PUBLISHED if n % 2 else Status.SUBMITTED,
            service_types=[residential],
            localities=[world.objects["localities"]["mid"]],
            teams=[world.objects["teams"]["contracts"]],
            partners=[world.objects["partner_person"]],
        )
        RegistrationFactory(
            activity=activity, contact=ContactFactory(provider=world.objects["provider_a"])
        )
        RegistrationFactory(
            activity=world.objects["activity"],
            contact=ContactFactory(provider=world.objects["provider_b"]),
            status=Registration.Status.WAITING,
        )


def _enquiries(world: World) -> None:
    from engage.enquiries.attachments import check_upload
    from engage.enquiries.models import EnquiryAttachment, EnquiryCategory
    from engage.enquiries.services import ensure_default_categories
    from tests.enquiries.factories import submit
    from tests.enquiries.files import PDF, upload

    ensure_default_categories()
    categories = {c.slug: c for c in EnquiryCategory.objects.all()}
    world.objects["category"] = categories[
        "contract"
    ]  # routed to the officer, the contract manager
    contact = world.objects["contact_a"]
    enquiry = submit(
        world.objects["provider_a"],
        categories["contract"],
        actor=world.users["provider"],
        contact=contact,
        files=[check_upload(upload("invoice.pdf", PDF))],
    )
    world.objects["enquiry"] = enquiry
    world.objects["attachment"] = EnquiryAttachment.objects.get(message__enquiry=enquiry)
    world.objects["colleague_a"] = ContactFactory(provider=world.objects["provider_a"])


def _grow_enquiries(world: World, factor: int) -> None:
    from engage.enquiries.attachments import check_upload
    from engage.enquiries.models import EnquiryCategory
    from tests.enquiries.factories import submit
    from tests.enquiries.files import PDF, upload

    categories = list(EnquiryCategory.objects.order_by("pk"))
    for n in range(factor):
        for provider, actor in (
            (world.objects["provider_a"], world.users["provider"]),
            (world.objects["provider_b"], None),
        ):
            submit(
                provider,
                categories[n % len(categories)],
                actor=actor,
                files=[check_upload(upload(f"f{n}.pdf", PDF))],
            )


def _groups(world: World) -> None:
    """A working group with approved terms (version 1), a draft (version 2) and an assessment."""
    from tests.groups.factories import AssessmentFactory, ForumFactory, GroupFactory, TermsFactory

    group = GroupFactory(name="World Working Group", owner=world.users["officer"].officer)
    TermsFactory(group=group, version=1, body="# Purpose\n\nTo meet.\n")
    TermsFactory(
        group=group,
        version=2,
        status="draft",
        approved_on=None,
        approved_by=None,
        review_due=None,
        body="# Purpose\n\nTo meet often.\n",
    )
    world.objects["group"] = group
    world.objects["group_assessment"] = AssessmentFactory(group=group)
    forum = ForumFactory(locality=world.objects["localities"]["mid"])
    _held_meetings(world, group)
    world.objects["forum"] = forum
    _meetings(world)


def _meetings(world: World) -> None:
    """A past meeting of the world group with an agenda item, published notes and an overdue
    action of the officer's; a later meeting to carry items to; a provider's proposal."""
    from datetime import timedelta

    from django.utils import timezone

    from engage.engagement.models import Attendance
    from engage.groups import actions, forward_plan, notes
    from engage.groups.services import schedule_meeting

    group, pem = world.objects["group"], world.users["pem"]
    # Months away from today, so that this month's calendar stays as the other apps measured it.
    start = timezone.now().replace(microsecond=0) - timedelta(days=120)
    past = schedule_meeting(
        actor=pem, group=group, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    later = schedule_meeting(
        actor=pem,
        group=group,
        starts_at=start + timedelta(days=60),
        ends_at=start + timedelta(days=60, hours=2),
    )
    item = forward_plan.propose_item(actor=pem, group=group, title="World agenda item")
    item = forward_plan.schedule_item(actor=pem, item=item, meeting=past)
    world.objects["agenda_item"] = item
    world.objects["proposal"] = forward_plan.propose_item(
        actor=world.users["provider"], group=group, title="World provider proposal"
    )
    world.objects["meeting_action"] = actions.create_action(
        actor=pem,
        meeting=past,
        agenda_item=item,
        title="World action",
        owner=world.users["officer"].officer,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    Attendance.objects.create(
        activity=past.activity, kind="contact", contact=world.objects["contact_a"]
    )
    notes.save_notes(actor=pem, meeting=past, body="## World notes\n\nDiscussed.")
    notes.publish_and_send(actor=pem, meeting=past)
    world.objects["meeting"] = past
    world.objects["next_meeting"] = later


def _held_meetings(world: World, group: Any) -> None:
    """A held meeting of the world's group with sessions and attendance, and a published one."""
    from engage.engagement.models import Attendance
    from engage.groups.models import MeetingSession
    from tests.groups.factories import meeting_of

    teams = world.objects["teams"]
    group.required_teams.set([teams["contracts"], teams["safeguarding"]])
    group.invited_partners.set([world.objects["partner_organisation"]])
    held = meeting_of(group, days_from_now=-30, teams=[teams["contracts"], teams["safeguarding"]])
    meeting_of(group, days_from_now=60, status="published")
    MeetingSession.objects.create(
        meeting=held,
        title="Morning session",
        starts_at=held.activity.starts_at,
        ends_at=held.activity.ends_at,
    )
    Attendance.objects.create(
        activity=held.activity,
        kind="officer",
        officer=world.users["officer"].officer,
        recorded_by=world.users["officer"],
    )
    Attendance.objects.create(
        activity=held.activity,
        kind="contact",
        contact=world.objects["contact_a"],
        recorded_by=world.users["officer"],
    )
    world.objects["held_meeting"] = held
    world.objects["held_activity"] = held.activity


def _grow_groups(world: World, factor: int) -> None:
    from datetime import timedelta

    from tests.groups.factories import AssessmentFactory, ForumFactory, TermsFactory

    group = world.objects["group"]
    first = world.objects["group_assessment"].assessed_on
    from engage.engagement.models import Attendance
    from engage.groups.models import MeetingSession
    from tests.council.factories import PartnerPersonFactory
    from tests.groups.factories import meeting_of
    from tests.market.factories import ContactFactory

    teams = world.objects["teams"]
    held = world.objects["held_activity"]
    for n in range(factor):
        forum = ForumFactory(locality=world.objects["localities"]["north"])
        TermsFactory(group=forum, version=1)
        AssessmentFactory(group=forum)
        AssessmentFactory(group=group, assessed_on=first - timedelta(days=30 * (n + 1)))
        forum.required_teams.set([teams["contracts"]])
        forum.invited_partners.set([world.objects["partner_organisation"]])
        past = meeting_of(group, days_from_now=-40 - n, teams=[teams["safeguarding"]])
        meeting_of(forum, days_from_now=-50 - n, teams=[teams["contracts"]])
        meeting_of(forum, days_from_now=30 + n, status="published")
        MeetingSession.objects.create(
            meeting=past,
            title=f"Session {n}",
            starts_at=past.activity.starts_at,
            ends_at=past.activity.ends_at,
        )
        MeetingSession.objects.create(
            meeting=world.objects["held_meeting"],
            title=f"Extra session {n}",
            starts_at=held.starts_at,
            ends_at=held.ends_at,
        )
        contact = ContactFactory(
            provider=world.objects["provider_a"], works_at=[world.objects["service_a"]]
        )
        for activity in (held, past.activity):
            Attendance.objects.create(activity=activity, kind="contact", contact=contact)
        Attendance.objects.create(
            activity=held,
            kind="partner",
            partner=PartnerPersonFactory(organisation=world.objects["partner_organisation"]),
        )
    _grow_meetings(world, factor)


def _grow_meetings(world: World, factor: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from engage.engagement.models import Activity, Attendance
    from engage.groups import actions, forward_plan, notes
    from engage.groups.services import schedule_meeting

    group, pem = world.objects["group"], world.users["pem"]
    past, later = world.objects["meeting"], world.objects["next_meeting"]
    officer = world.users["officer"].officer
    for n in range(factor):
        item = forward_plan.propose_item(actor=pem, group=group, title=f"Grown item {n}")
        item = forward_plan.schedule_item(actor=pem, item=item, meeting=past if n % 2 else later)
        forward_plan.propose_item(
            actor=world.users["provider"], group=group, title=f"Grown proposal {n}"
        )
        action = actions.create_action(
            actor=pem,
            meeting=past,
            agenda_item=item if item.meeting_id == past.pk else None,
            title=f"Grown action {n}",
            owner=officer,
            due_on=timezone.localdate() - timedelta(days=n + 2),
        )
        actions.update_action(actor=pem, action=action, note="Progress.")
        notes.save_notes(actor=pem, meeting=past, body=f"## World notes\n\nRevision {n}.")
        Attendance.objects.create(
            activity=past.activity,
            kind="officer",
            officer=OfficerFactory(team=world.objects["team"]),
        )
        start = timezone.now().replace(microsecond=0) - timedelta(days=200 + n * 30)
        other = schedule_meeting(
            actor=pem, group=group, starts_at=start, ends_at=start + timedelta(hours=2)
        )
        # Closed, as old meetings are: they wait on nobody (the home page's "needing action").
        Activity.objects.filter(pk=other.activity_id).update(status=Activity.Status.CLOSED)
        notes.save_notes(actor=pem, meeting=other, body=f"Old notes {n}.")
        notes.publish_and_send(actor=pem, meeting=other)


def _feedback(world: World) -> None:
    """A held meeting of the world group with attendance, evaluations (one of the provider
    user's, unanswered), outcomes, a sent survey with a response, and feedback done."""
    from django.utils import timezone

    from engage.feedback import services
    from engage.feedback.models import EvaluationInvitation, FeedbackSource, SurveyInvitation
    from tests.feedback.factories import answer, attended, held_meeting, registered_contacts

    officer = world.users["officer"]
    meeting = held_meeting(world.objects["group"], day="2026-03-12", lead_officer=officer.officer)
    contacts = registered_contacts(meeting.activity, 3)
    attended(meeting.activity, contacts, 2)
    for invitation in _invite(meeting.activity):
        answer(invitation, 4, **{"what-worked": "Talking"})
    world.objects["evaluated_meeting"] = meeting
    world.objects["evaluated_activity"] = meeting.activity
    world.objects["evaluation_invitation"] = EvaluationInvitation.objects.create(
        activity=meeting.activity, contact=world.objects["contact_a"], created_at=timezone.now()
    )
    survey = services.create_survey(
        actor=officer,
        title="World survey",
        closes_on=timezone.localdate() + timezone.timedelta(days=30),
        questions=[
            services.QuestionInput("Rate us", "rating"),
            services.QuestionInput("Want?", "multiple", True, ("Meetings", "Events")),
            services.QuestionInput("Else?", "text", False),
        ],
    )
    services.send_survey(actor=officer, survey=survey)
    world.objects["survey"] = survey
    world.objects["survey_invitation"] = SurveyInvitation.objects.get(
        survey=survey, contact=world.objects["contact_a"]
    )
    _answer_survey(survey, exclude=world.objects["survey_invitation"].pk)
    item = services.create_feedback_item(
        actor=officer,
        text="World feedback",
        source=FeedbackSource.FORUM,
        group=world.objects["group"],
    )
    services.turn_into_action(actor=officer, item=item, title="Act", owner=None, due_on=None)
    services.record_we_did(actor=officer, item=item, outcome="Done it")
    world.objects["feedback_item"] = item
    services.create_feedback_item(
        actor=officer, text="World feedback to triage", source=FeedbackSource.EVALUATION
    )


def _invite(activity: Any) -> list[Any]:
    from engage.feedback import services
    from engage.feedback.models import EvaluationInvitation

    services.send_evaluations(activity_id=activity.pk)
    return list(EvaluationInvitation.objects.filter(activity=activity))


def _answer_survey(survey: Any, exclude: int | None = None) -> None:
    from engage.feedback import services

    questions = list(survey.questions.all())
    for invitation in survey.invitations.filter(used=False).exclude(pk=exclude):
        services.submit_survey_response(
            token=invitation.token,
            answers={questions[0].pk: 3, questions[1].pk: ["Events"], questions[2].pk: "More"},
        )


def _grow_feedback(world: World, factor: int) -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    from engage.feedback import services
    from engage.feedback.models import EvaluationInvitation, FeedbackSource
    from tests.feedback.factories import answer, attended, held_meeting, registered_contacts

    officer = world.users["officer"]
    for n in range(factor):
        day = (date(2025, 1, 6) + timedelta(days=14 * n)).isoformat()
        meeting = held_meeting(world.objects["group"], day=day, lead_officer=officer.officer)
        contacts = registered_contacts(meeting.activity, 3)
        attended(meeting.activity, contacts, 2)
        for invitation in _invite(meeting.activity):
            answer(invitation, 1 + n % 5)
        EvaluationInvitation.objects.create(
            activity=meeting.activity, contact=world.objects["contact_a"], created_at=timezone.now()
        )
        survey = services.create_survey(
            actor=officer,
            title=f"World survey {n}",
            closes_on=timezone.localdate() + timedelta(days=30),
            questions=[services.QuestionInput("Rate us", "rating")],
        )
        services.send_survey(actor=officer, survey=survey)
        item = services.create_feedback_item(
            actor=officer,
            text=f"Feedback {n}",
            source=FeedbackSource.SURVEY,
            group=world.objects["group"],
        )
        services.turn_into_action(actor=officer, item=item, title="Act", owner=None, due_on=None)
        services.record_we_did(actor=officer, item=item, outcome=f"Did {n}")
        services.create_feedback_item(actor=officer, text=f"New {n}", source=FeedbackSource.FORUM)
    # More responses to the world survey: new contacts in its audience, invited and answering.
    for _ in range(factor):
        ContactFactory(provider=world.objects["provider_b"], email_consent=True)
    services.send_survey(actor=officer, survey=world.objects["survey"])
    _answer_survey(world.objects["survey"], exclude=world.objects["survey_invitation"].pk)


def _plan_run(world: World, groups: list[Any], proposals_each: int) -> Any:
    """A finished, not yet accepted run of the planner with proposals for ``groups``."""
    from datetime import datetime, timedelta

    from engage.engagement.clashes import LONDON
    from engage.planner.models import PlanRun, ProposedMeeting
    from engage.planner.services import next_monday, series_key

    start = next_monday()
    run = PlanRun.objects.create(
        created_by=world.users["pem"],
        start=start,
        end=start + timedelta(days=364),
        status=PlanRun.Status.DONE,
        progress=100,
        solver_status="feasible",
        objective=12,
        best_bound=10,
        gap=1 / 6,
        seconds=1.5,
        finished_at=datetime.now(tz=LONDON),
        costs=[
            {
                "kind": "monday_friday",
                "amount": 2,
                "description": f"{g.name}, meeting 1 on a Monday (cost 2)",
                "series_keys": [series_key(g.pk)],
            }
            for g in groups
        ],
    )
    run.groups.set(groups)
    rows = []
    for g in groups:
        for index in range(proposals_each):
            starts = datetime.combine(
                start + timedelta(days=1 + 28 * index), datetime.min.time(), LONDON
            ) + timedelta(hours=10)
            rows.append(
                ProposedMeeting(
                    run=run,
                    group=g,
                    index=index,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    venue=world.objects["venue"],
                )
            )
    ProposedMeeting.objects.bulk_create(rows)
    return run


def _planner(world: World) -> None:
    """A finished plan run over the world's group, a team's leave and a school holiday."""
    from datetime import date

    from engage.planner.models import SchoolHoliday, TeamLeave

    world.objects["plan_run"] = _plan_run(world, [world.objects["group"]], 2)
    world.objects["team_leave"] = TeamLeave.objects.create(
        team=world.objects["team"],
        first_day=date(2030, 3, 4),
        last_day=date(2030, 3, 8),
        reason="Training",
    )
    world.objects["school_holiday"] = SchoolHoliday.objects.create(
        name="Half term", first_day=date(2030, 2, 18), last_day=date(2030, 2, 22)
    )


def _grow_planner(world: World, factor: int) -> None:
    from datetime import date, timedelta

    from engage.groups.models import EngagementGroup
    from engage.planner.models import ProposedMeeting, SchoolHoliday, TeamLeave

    run = world.objects["plan_run"]
    others = list(EngagementGroup.objects.exclude(pk=world.objects["group"].pk)[:factor])
    run.groups.add(*others)
    first = run.proposals.order_by("starts_at").first()
    ProposedMeeting.objects.bulk_create(
        [
            ProposedMeeting(
                run=run,
                group=g,
                index=0,
                starts_at=first.starts_at + timedelta(days=7 * (n + 1)),
                ends_at=first.ends_at + timedelta(days=7 * (n + 1)),
                venue=world.objects["venue"],
            )
            for n, g in enumerate(others)
        ]
    )
    for n in range(factor):
        _plan_run(world, others[:2], 2)
        TeamLeave.objects.create(
            team=world.objects["team"],
            first_day=date(2030, 4, 1) + timedelta(days=n),
            last_day=date(2030, 4, 1) + timedelta(days=n),
            reason="Leave",
        )
        SchoolHoliday.objects.create(
            name=f"Holiday {n}",
            first_day=date(2031, 1, 1) + timedelta(days=10 * n),
            last_day=date(2031, 1, 3) + timedelta(days=10 * n),
        )


def _tokens(world: World) -> None:
    for role, user in world.users.items():
        world.tokens[role] = create_token(user=user, name="world")[1]
        if role == "officer":
            world.objects["officer_token"] = user.api_tokens.get()


#: (build, grow) per domain app, in dependency order. Add your app's records here.
APP_WORLDS: tuple[tuple[Callable[[World], None], Callable[[World, int], None] | None], ...] = (
    (_council, _grow_council),
    (_market, _grow_market),
    (_engagement, _grow_engagement),
    (_enquiries, _grow_enquiries),
    (_groups, _grow_groups),
    (_planner, _grow_planner),
    (_feedback, _grow_feedback),
    (_tokens, None),
)


def build_world() -> World:
    world = World()
    for build, _ in APP_WORLDS:
        build(world)
    return world


def grow_world(world: World, factor: int = 10) -> None:
    """Add ``factor`` times more of every kind of record (for the query-budget test)."""
    for _, grow in APP_WORLDS:
        if grow is not None:
            grow(world, factor)
