"""Demo forward plans, agendas with outcomes, notes and actions over the groups' meetings.

Runs after the groups (and, once merged, their two years of meeting history). A group without
meetings gets a few past and future ones so that every page has something to show. Items come
from officers and from provider contacts (some declined with a reason, some carried forward);
past meetings have outcomes, published notes and actions (some done with what was done, some
overdue). People are the demo's invented contacts and officers.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from engage.accounts.models import Role, User
from engage.core.demo import DemoContext
from engage.council.models import Officer
from engage.engagement.models import Activity
from engage.groups import actions as action_services
from engage.groups import forward_plan as plan
from engage.groups import notes as notes_services
from engage.groups.meeting_selectors import groups_for_contact
from engage.groups.models import (
    EngagementGroup,
    ForwardPlanEvent,
    ForwardPlanItem,
    GroupStatus,
    ItemOutcome,
    ItemStatus,
    Meeting,
    MeetingNotes,
)
from engage.groups.services import schedule_meeting
from engage.market.audience import contacts_reached
from engage.market.models import Contact
from engage.portal.access import contact_for

#: Days from today of the meetings a group without any gets (negative: past).
FALLBACK_MEETING_DAYS = (-300, -200, -110, -25, 65, 155)

#: Topics an agenda draws on: (title, detail, decision or what was noted, action, what was done).
TOPICS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Fee uplift for the coming year",
        "How the uplift was calculated and when providers hear their rates.",
        "The council will publish the fee model before the budget is set.",
        "Publish the fee model with worked examples",
        "The fee model and three worked examples are on the provider pages.",
    ),
    (
        "Hospital discharge: the trusted assessor pilot",
        "Early results of the pilot and whether to extend it to home care.",
        "The pilot extends to home care providers in the spring.",
        "Invite home care providers to the trusted assessor briefing",
        "Forty providers came to two briefings; slides sent to all.",
    ),
    (
        "Recruitment and retention of care workers",
        "A shared recruitment campaign and the skills passport.",
        "Providers back one county-wide campaign in the autumn.",
        "Share the campaign toolkit with providers",
        "The toolkit went out with the newsletter and is on the portal.",
    ),
    (
        "Infection prevention: winter preparedness",
        "Vaccination uptake and outbreak support over the winter.",
        "The outbreak support line runs seven days a week from November.",
        "Circulate the outbreak support rota",
        "The rota was circulated and added to the portal.",
    ),
    (
        "Contract monitoring visits: what changes",
        "The new visit schedule and what providers are asked to prepare.",
        "Visits give two weeks' notice and one checklist.",
        "Publish the single monitoring checklist",
        "The checklist is published; feedback from five providers included.",
    ),
    (
        "Digital care records funding",
        "Which providers can still claim funding and the deadline.",
        "Funding closes at the end of March.",
        "Email eligible providers about the deadline",
        "Every eligible provider was emailed; twelve applied.",
    ),
    (
        "Safeguarding: learning from reviews",
        "Themes from recent safeguarding adult reviews.",
        "Themes to be covered at the next workshop.",
        "Book a safeguarding learning workshop",
        "The workshop is booked and advertised on the calendar.",
    ),
    (
        "Market position statement refresh",
        "What providers want the next market position statement to say.",
        "Providers join a task-and-finish group for the refresh.",
        "Set up the market position statement task group",
        "The group has met twice; a draft is due in the summer.",
    ),
)

#: Provider suggestions, with the reason given when one is declined.
PROVIDER_SUGGESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "Parking for home care workers near the hospital",
        "Our carers lose time looking for parking on visits.",
        "Parking permits are a matter for the borough councils; we have passed this on to them "
        "and will report back through the newsletter.",
    ),
    (
        "Agency staff costs",
        "Agency rates are rising faster than fees.",
        "",
    ),
    (
        "A single form for all council returns",
        "We fill in the same data three times.",
        "",
    ),
    (
        "Individual fee disputes",
        "Our home's fee for one resident.",
        "The forum discusses the market as a whole; individual fees are for your contract "
        "manager, who will contact you this week.",
    ),
    (
        "Mental health support for staff after a death",
        "What support is there for staff?",
        "",
    ),
)


def _at(day: datetime, days: int) -> datetime:
    return day + timedelta(days=days)


def _date_events(item: ForwardPlanItem, starts: datetime) -> None:
    """Give an item's history dates around its meeting (the demo writes it all today)."""
    offsets: dict[str, int] = {
        ForwardPlanEvent.Kind.PROPOSED: -45,
        ForwardPlanEvent.Kind.ACCEPTED: -35,
        ForwardPlanEvent.Kind.DECLINED: -35,
        ForwardPlanEvent.Kind.SCHEDULED: -28,
        ForwardPlanEvent.Kind.OUTCOME: 0,
    }
    for event in item.events.all():
        if event.kind in offsets:
            event.at = _at(starts, offsets[event.kind])
        elif event.kind == ForwardPlanEvent.Kind.CARRIED_FORWARD and event.from_meeting:
            event.at = _at(event.from_meeting.activity.starts_at, 1)
        event.save(update_fields=["at"])
    ForwardPlanItem.objects.filter(pk=item.pk).update(created_at=_at(starts, -45))


def _ensure_meetings(group: EngagementGroup, actor: User, today: Any) -> list[Meeting]:
    meetings = list(group.meetings.select_related("activity").order_by("activity__starts_at"))
    if meetings:
        return meetings
    for days in FALLBACK_MEETING_DAYS:
        starts = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(10)))
        meeting = schedule_meeting(
            actor=actor, group=group, starts_at=starts, ends_at=starts + timedelta(hours=2)
        )
        status = Activity.Status.HELD if days < 0 else Activity.Status.PUBLISHED
        Activity.objects.filter(pk=meeting.activity_id).update(status=status)
    return list(group.meetings.select_related("activity").order_by("activity__starts_at"))


def _owners(group: EngagementGroup, officers: list[Officer], ctx: DemoContext) -> list[Officer]:
    teams = set(group.required_teams.values_list("pk", flat=True))
    candidates = [o for o in officers if o.team_id in teams] or officers
    chosen = ctx.rng.sample(candidates, k=min(3, len(candidates)))
    return [group.owner, *chosen]


def _provider_proposal(
    group: EngagementGroup, contact: Contact, title: str, detail: str
) -> ForwardPlanItem:
    """A proposal from a provider contact without a sign-in (as if sent in by email)."""
    item = ForwardPlanItem.objects.create(
        group=group, title=title, detail=detail, proposer_contact=contact
    )
    ForwardPlanEvent.objects.create(item=item, kind=ForwardPlanEvent.Kind.PROPOSED)
    return item


def seed(ctx: DemoContext) -> None:
    """Forward plans, agendas, outcomes, notes and actions for the groups that meet."""
    today = timezone.localdate()
    now = timezone.now()
    pem = User.objects.get(role=Role.PEM, email__startswith="pem@")
    officers = list(Officer.objects.select_related("user", "team").filter(user__is_active=True))
    demo_officer = next((o for o in officers if o.user.email.startswith("officer@")), None)
    groups = EngagementGroup.objects.filter(
        status__in=(GroupStatus.ACTIVE, GroupStatus.PAUSED)
    ).select_related("owner__user")
    for index, group in enumerate(groups.order_by("name")):
        actor = group.owner.user
        meetings = _ensure_meetings(group, pem, today)
        past = [m for m in meetings if m.activity.starts_at < now]
        future = [m for m in meetings if m.activity.starts_at >= now]
        owners = _owners(group, officers, ctx)
        if demo_officer and index % 3 == 0:
            owners.append(demo_officer)
        contacts = list(contacts_reached(group.audience()).order_by("pk")[:40])
        topics = list(TOPICS)
        ctx.rng.shuffle(topics)
        topic_at = 0
        for position, meeting in enumerate(past[-4:]):
            starts = meeting.activity.starts_at
            is_latest = position == len(past[-4:]) - 1
            for carried in meeting.agenda_items.filter(status=ItemStatus.SCHEDULED):
                plan.record_outcome(
                    actor=actor,
                    item=carried,
                    outcome=ItemOutcome.NOTED,
                    text="Discussed, having been carried forward from the last meeting.",
                )
                carried.events.filter(kind=ForwardPlanEvent.Kind.OUTCOME).update(at=starts)
            items = []
            for _ in range(3):
                title, detail, decision, action_title, done = topics[topic_at % len(topics)]
                topic_at += 1
                if contacts and ctx.rng.random() < 0.35:
                    item = _provider_proposal(group, ctx.rng.choice(contacts), title, detail)
                else:
                    item = plan.propose_item(actor=actor, group=group, title=title, detail=detail)
                item = plan.schedule_item(actor=actor, item=item, meeting=meeting)
                items.append((item, decision, action_title, done))
            for n, (item, decision, action_title, done) in enumerate(items):
                if n == 0:
                    plan.record_outcome(
                        actor=actor, item=item, outcome=ItemOutcome.NOTED, text=decision
                    )
                elif n == 1:
                    plan.record_outcome(
                        actor=actor, item=item, outcome=ItemOutcome.DECISION, text=decision
                    )
                else:
                    owner = owners[(topic_at + n) % len(owners)]
                    due = (starts + timedelta(days=35)).date()
                    action = action_services.create_action(
                        actor=actor,
                        meeting=meeting,
                        agenda_item=item,
                        title=action_title,
                        owner=owner,
                        due_on=due,
                    )
                    if due < today and ctx.rng.random() < 0.7:
                        action_services.update_action(
                            actor=actor, action=action, status="in-progress", note="Started."
                        )
                        action_services.update_action(
                            actor=actor, action=action, status="done", outcome=done
                        )
                        type(action).objects.filter(pk=action.pk).update(
                            completed_on=due - timedelta(days=ctx.rng.randint(0, 10))
                        )
                    plan.record_outcome(actor=actor, item=item, outcome=ItemOutcome.ACTIONS)
                _date_events(item, starts)
            # One item the meeting ran out of time for, carried to the next meeting.
            title, detail, *_ = topics[topic_at % len(topics)]
            topic_at += 1
            unreached = plan.propose_item(actor=actor, group=group, title=title, detail=detail)
            plan.schedule_item(actor=actor, item=unreached, meeting=meeting)
            if future or not is_latest:
                plan.carry_forward(actor=actor, meeting=meeting)
            _date_events(unreached, starts)
            # Notes: published and sent for all but the latest meeting (a draft).
            body = _notes_body(group, meeting, [i for i, *_ in items], ctx)
            notes_services.save_notes(actor=actor, meeting=meeting, body=body + "\n\n_Draft._")
            notes = notes_services.save_notes(actor=actor, meeting=meeting, body=body)
            if not is_latest:
                late = index % 4 == 0 and position == 0
                sent = starts + timedelta(
                    days=ctx.rng.randint(16, 24) if late else ctx.rng.randint(2, 9)
                )
                MeetingNotes.objects.filter(pk=notes.pk).update(
                    published_at=sent, published_by=actor, sent_at=sent, updated_at=sent
                )
            else:
                MeetingNotes.objects.filter(pk=notes.pk).update(
                    updated_at=starts + timedelta(days=1)
                )
            notes.revisions.update(at=starts + timedelta(days=1))
        # An overdue action of the demo officer's, so their home page shows one.
        if past and demo_officer and index % 3 == 0:
            action_services.create_action(
                actor=actor,
                meeting=past[-1],
                title="Send providers the revised monitoring timetable",
                owner=demo_officer,
                due_on=today - timedelta(days=5 + index),
            )
        # The forward plan beyond the meetings: suggestions, accepted items and declines.
        for n, (title, detail, reason) in enumerate(PROVIDER_SUGGESTIONS[: 2 + index % 3]):
            if not contacts or group.status != GroupStatus.ACTIVE:
                break
            item = _provider_proposal(group, contacts[(n * 7) % len(contacts)], title, detail)
            if reason:
                plan.decline_item(actor=actor, item=item, reason=reason)
            elif n == 2 and future:
                plan.schedule_item(actor=actor, item=item, meeting=future[0])
            elif n == 4:
                plan.accept_item(actor=actor, item=item)
            # else: waiting for the group to decide (proposed)
    _seed_demo_provider_proposals()


def _seed_demo_provider_proposals() -> None:
    """The demo provider user's own suggestions: one accepted, one declined, one waiting."""
    user = User.objects.filter(email="provider@engage.example").first()
    contact = contact_for(user) if user else None
    if user is None or contact is None:
        return
    groups = [g for g in groups_for_contact(contact) if g.status == GroupStatus.ACTIVE][:2]
    if not groups:
        return
    pem = User.objects.get(role=Role.PEM, email__startswith="pem@")
    first = groups[0]
    plan.propose_item(
        actor=user,
        group=first,
        title="Fuel costs for rural home care rounds",
        detail="Mileage rates have not kept up with fuel prices in rural areas.",
    )
    declined = plan.propose_item(
        actor=user,
        group=groups[-1],
        title="Our CQC inspection report",
        detail="We would like to talk through our last inspection.",
    )
    plan.decline_item(
        actor=pem,
        item=declined,
        reason="Inspection reports are discussed one to one: your contract manager will "
        "arrange a call.",
    )
    accepted = plan.propose_item(
        actor=user,
        group=first,
        title="Training places on the medication course",
        detail="The course fills up within a day of opening.",
    )
    plan.accept_item(actor=pem, item=accepted)


def _notes_body(
    group: EngagementGroup, meeting: Meeting, items: list[ForwardPlanItem], ctx: DemoContext
) -> str:
    chair = group.chair or "the chair"
    lines = [
        "## Present",
        "",
        f"Chaired by {chair}. Officers from the teams that must attend, and providers of the "
        "group's audience (see the attendance).",
        "",
        "## Discussion",
        "",
    ]
    for n, item in enumerate(items, start=1):
        lines += [f"### {n}. {item.title}", "", item.detail, ""]
        if item.outcome_text:
            lines += [f"**Outcome:** {item.outcome_text}", ""]
    lines += [
        "## Any other business",
        "",
        "- Dates of the next meetings are on the calendar.",
        f"- {ctx.person_name()} thanked everyone for their contributions.",
    ]
    return "\n".join(lines)
