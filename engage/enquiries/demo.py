"""Demo enquiries: a year of them across categories and statuses, with threads and history.

County scale makes about 360 (national about 4,000), some overdue, some waiting on the
provider, and a dozen for provider A (provider@engage.example) so that the portal is not
empty. Targets, pauses and response figures are computed with the same functions the
services use, and everything is bulk-inserted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from engage.accounts.models import Role, User
from engage.core.demo import DemoContext
from engage.core.working_days import (
    add_working_days,
    is_working_day,
    local_date,
    next_working_day,
    working_days_elapsed,
    working_days_paused,
)
from engage.council.models import Officer
from engage.enquiries.models import (
    Channel,
    Enquiry,
    EnquiryCategory,
    EnquiryEvent,
    EnquiryMessage,
    EnquiryPause,
    ReferenceCounter,
    Status,
)
from engage.enquiries.routing import route_enquiry
from engage.enquiries.services import ensure_default_categories
from engage.enquiries.targets import met, targets_for
from engage.market.models import Contact, Provider

CATEGORY_WEIGHTS = {
    "contract": 18,
    "payments": 22,
    "placements": 20,
    "quality": 14,
    "training": 8,
    "other": 10,
    "safeguarding": 8,
}

SUBJECTS = {
    "contract": [
        (
            "Contract variation for extra beds",
            "We would like to discuss varying our contract to add {n} beds from next quarter. Who should we speak to, and what do you need from us?",
        ),
        (
            "Renewal of our framework contract",
            "Our framework contract ends soon. Can you confirm the timetable for renewal and whether the terms will change?",
        ),
        (
            "Question about the fee uplift clause",
            "Clause {n} mentions an annual uplift. Could you explain how the figure for this year was worked out?",
        ),
        (
            "Change of registered manager",
            "Our registered manager has changed. Do we need to tell the contracts team formally, and is there a form?",
        ),
    ],
    "payments": [
        (
            "Invoice {n} not paid",
            "Invoice {n} was submitted over a month ago and has not been paid. Could you check where it is?",
        ),
        (
            "Remittance does not match invoices",
            "The remittance we received this week does not match our invoices for last month. The difference is about £{n}.",
        ),
        (
            "Backdated fee rate",
            "We have not yet received the backdated amount for the new fee rate. When will it be paid?",
        ),
        (
            "Payment for a resident who moved",
            "A resident moved to hospital and then to another home. We have not been paid for the final {n} days.",
        ),
    ],
    "placements": [
        (
            "Vacancy for a placement",
            "We have a vacancy from Monday and could take a referral for someone with dementia. Please let the placement team know.",
        ),
        (
            "Referral details missing",
            "We received a referral without the care plan. Could you send it so that we can assess?",
        ),
        (
            "Placement ending early",
            "A placement is ending earlier than planned at the family's request. What do we need to do?",
        ),
        (
            "Emergency respite request",
            "We have been asked to take someone for emergency respite for {n} nights. Can you confirm funding?",
        ),
    ],
    "quality": [
        (
            "Support after our inspection",
            "Our recent inspection rated us 'requires improvement'. We would welcome support from the quality team on our action plan.",
        ),
        (
            "Medicines audit tool",
            "Is there a recommended medicines audit tool? We want to improve our monthly audits.",
        ),
        (
            "Infection control guidance",
            "Could you point us to the current infection control guidance you expect homes to follow?",
        ),
        (
            "Falls prevention project",
            "We heard about a falls prevention project in another locality. Could we join it?",
        ),
    ],
    "training": [
        (
            "Places on the safeguarding course",
            "Are there places left on the next safeguarding training course? We would like to send {n} staff.",
        ),
        (
            "Joint training on listening skills",
            "We are interested in the joint training for providers and officers. How do we sign up?",
        ),
        (
            "Moving and handling trainers",
            "Does the council fund train-the-trainer courses for moving and handling?",
        ),
    ],
    "other": [
        (
            "Who do we talk to about parking permits?",
            "Our home-care staff need parking permits in a controlled zone. Who at the council deals with this?",
        ),
        ("Provider forum dates", "When are the next provider forum dates? We missed the last one."),
        (
            "Data return deadline",
            "What is the deadline for this quarter's data return, and where do we send it?",
        ),
    ],
    "safeguarding": [
        (
            "Follow-up on a safeguarding concern",
            "We raised a concern through the safeguarding line last week. We would like to know what happens next and what we should record.",
        ),
        (
            "Concern about a visiting relative",
            "We have a concern about the behaviour of a visiting relative. We have called the safeguarding line; this is for your records.",
        ),
        (
            "Safeguarding meeting invitation",
            "We have been invited to a safeguarding meeting. Who will attend from the council, and what should we bring?",
        ),
    ],
}

REPLIES = [
    "Thank you for getting in touch. I am looking into this and will come back to you shortly.",
    "Thanks for your enquiry. I have checked with colleagues and can confirm the next steps below.",
    "Thank you. Could you send us a little more detail so that we can look into this?",
    "I have passed this to the right person and will keep you updated.",
]
CLOSING = [
    "This has now been sorted. Please reply if anything is still not right.",
    "The payment has been made and should reach you within three working days.",
    "I have sent you the information by email as well. I will close this enquiry now.",
    "We have updated our records. Thank you for letting us know.",
]
PROVIDER_FOLLOW_UPS = [
    "Thank you, here are the details you asked for.",
    "Thanks. We have attached nothing more, but the reference number is on our last invoice.",
    "That is helpful, thank you. One more question: does this apply to all our homes?",
]
NOTES = [
    "Checked our records: they raised the same question in the spring.",
    "Spoke to a colleague in the team; they will follow up next week.",
    "Related to a wider issue with this provider; see the contract review notes.",
    "Provider has called twice about this. Prioritise.",
]

LONDON = ZoneInfo(settings.TIME_ZONE)


@dataclass
class _Plan:
    """Everything about one demo enquiry before it is written."""

    enquiry: Enquiry
    messages: list[EnquiryMessage] = field(default_factory=list)
    events: list[EnquiryEvent] = field(default_factory=list)
    pauses: list[EnquiryPause] = field(default_factory=list)


def _moment(ctx: DemoContext, day: date, earliest: time | None = None) -> datetime:
    """A time in working hours on ``day`` (local), not before ``earliest``."""
    start_minutes = (earliest.hour * 60 + earliest.minute) if earliest else 9 * 60
    start_minutes = min(max(start_minutes, 9 * 60), 16 * 60 + 50)
    minutes = ctx.rng.randint(start_minutes, 17 * 60 - 5)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=LONDON)


def _after(ctx: DemoContext, moment: datetime, working_days: int) -> datetime:
    """A moment ``working_days`` working days after ``moment`` (same day when 0)."""
    start = next_working_day(local_date(moment))
    day = add_working_days(start, working_days)
    earliest = moment.astimezone(LONDON).time() if day == local_date(moment) else None
    return _moment(ctx, day, earliest)


def seed(ctx: DemoContext) -> None:
    """About 360 enquiries (county) or 4,000 (national) over the past year."""
    ensure_default_categories()
    rng = ctx.rng
    now = timezone.now()
    categories = {c.slug: c for c in EnquiryCategory.objects.select_related("team")}
    officers = list(
        Officer.objects.select_related("user", "team").filter(
            user__is_active=True, user__role__in=[Role.OFFICER, Role.PEM, Role.LDD]
        )
    )
    by_team: dict[int, list[Officer]] = {}
    for officer in officers:
        by_team.setdefault(officer.team_id, []).append(officer)
    providers = list(
        Provider.objects.filter(contacts__isnull=False)
        .select_related("contract_manager__user", "contract_manager__team")
        .distinct()
        .order_by("pk")
    )
    if not providers or not categories:
        return
    provider_user = User.objects.filter(email="provider@engage.example").first()
    provider_a_contact = (
        Contact.objects.select_related("provider__contract_manager__user")
        .filter(user=provider_user)
        .first()
        if provider_user
        else None
    )
    total = 4000 if ctx.is_national else 360
    sample = rng.sample(providers, min(len(providers), total // 2))
    contacts_by_provider: dict[int, list[Contact]] = {}
    for person in Contact.objects.filter(
        provider__in=sample, is_active=True, erased_at__isnull=True
    ).order_by("pk"):
        contacts_by_provider.setdefault(person.provider_id, []).append(person)

    plans: list[_Plan] = []
    weights = [CATEGORY_WEIGHTS.get(slug, 5) for slug in categories]
    slugs = list(categories)
    for index in range(total):
        for_a = provider_a_contact is not None and index < 12
        if for_a and provider_a_contact is not None:
            provider = provider_a_contact.provider
            contact: Contact | None = provider_a_contact
            # Spread provider A's enquiries over the year, newest (and open ones) first.
            age_days = [1, 3, 6, 9, 14, 30, 60, 90, 130, 180, 240, 320][index]
            slug = [
                "payments",
                "contract",
                "quality",
                "placements",
                "payments",
                "safeguarding",
                "contract",
                "training",
                "payments",
                "other",
                "placements",
                "quality",
            ][index]
        else:
            provider = rng.choice(sample)
            choices = contacts_by_provider.get(provider.pk, [])
            contact = rng.choice(choices) if choices else None
            age_days = int(rng.triangular(0, 365, 40))
            slug = rng.choices(slugs, weights=weights)[0]
        if slug not in categories or contact is None:
            continue
        day = local_date(now) - timedelta(days=age_days)
        if not is_working_day(day) and rng.random() < 0.85:
            day = next_working_day(day)
        received = _moment(ctx, day)
        if received >= now:
            received = now - timedelta(minutes=rng.randint(30, 600))
        plans.append(
            _plan(ctx, categories[slug], provider, contact, received, now, by_team, for_a, index)
        )

    _write(plans)


def _plan(
    ctx: DemoContext,
    category: EnquiryCategory,
    provider: Provider,
    contact: Contact,
    received: datetime,
    now: datetime,
    by_team: dict[int, list[Officer]],
    for_a: bool,
    index: int,
) -> _Plan:
    rng = ctx.rng
    routing = route_enquiry(provider=provider, category=category)
    targets = targets_for(
        received_at=received,
        first_response_days=category.first_response_days,
        resolve_days=category.resolve_days,
    )
    subject, body = rng.choice(SUBJECTS.get(category.slug, SUBJECTS["other"]))
    n = rng.randint(2, 9000)
    enquiry = Enquiry(
        provider=provider,
        category=category,
        subject=subject.format(n=n)[:200],
        channel=rng.choices([Channel.PORTAL, Channel.EMAIL, Channel.PHONE], weights=[70, 18, 12])[0]
        if not for_a
        else Channel.PORTAL,
        contact=contact,
        contact_name=contact.name,
        contact_email=contact.email,
        owner=routing.owner,
        team=routing.team,
        status=Status.NEW,
        received_at=received,
        clock_started_at=received,
        first_response_due=targets.first_response_due,
        resolve_due_base=targets.resolve_due,
        resolve_due=targets.resolve_due,
    )
    plan = _Plan(enquiry)
    author_user = contact.user if contact.user_id else None
    plan.messages.append(
        EnquiryMessage(
            kind=EnquiryMessage.Kind.PROVIDER,
            author=author_user,
            author_name=contact.name,
            body=body.format(n=n),
            created_at=received,
        )
    )
    plan.events.append(
        EnquiryEvent(
            kind=EnquiryEvent.Kind.RECEIVED,
            at=received,
            note=f"Received by {enquiry.get_channel_display().lower()}",
            to_status=Status.NEW,
            to_owner=routing.owner,
            to_team=routing.team,
        )
    )
    team_officers = by_team.get(routing.team.pk, [])
    owner = routing.owner
    # Most queue enquiries are taken by an officer of the team within a day.
    if owner is None and team_officers and rng.random() < 0.85:
        taker = rng.choice(team_officers)
        # The demo officer login works in this team: give them a fair share to look at.
        demo_officer = next(
            (o for o in team_officers if o.user.email == "officer@engage.example"), None
        )
        if demo_officer is not None and rng.random() < 0.3:
            taker = demo_officer
        taken_at = _after(ctx, received, rng.choice([0, 0, 1]))
        if taken_at < now:
            owner = taker
            enquiry.owner = taker
            enquiry.status = Status.ACKNOWLEDGED
            plan.events.append(
                EnquiryEvent(
                    kind=EnquiryEvent.Kind.ASSIGNED,
                    actor=taker.user,
                    at=taken_at,
                    note="Taken",
                    from_team=routing.team,
                    to_owner=taker,
                    to_team=taker.team,
                )
            )
            plan.events.append(
                EnquiryEvent(
                    kind=EnquiryEvent.Kind.STATUS,
                    actor=taker.user,
                    at=taken_at,
                    from_status=Status.NEW,
                    to_status=Status.ACKNOWLEDGED,
                )
            )
    replier = owner or (rng.choice(team_officers) if team_officers else None)
    if replier is None:
        return plan
    # Provider A's first three stay open in three different states, for the portal.
    forced = {0: "new", 1: "waiting", 2: "in-progress"}.get(index) if for_a else None
    delay = rng.choices([0, 1, 2, 3, 5, 8], weights=[35, 30, 15, 10, 6, 4])[0]
    if forced == "new":
        return plan
    if forced is not None:
        delay = 0
    first_at = _after(ctx, received, delay)
    if first_at >= now:
        return plan
    _reply(plan, replier, first_at, rng.choice(REPLIES))
    enquiry.first_response_at = first_at
    enquiry.first_responder = replier
    enquiry.first_response_working_days = working_days_elapsed(received, first_at)
    enquiry.first_response_met = met(due=enquiry.first_response_due, at=first_at)
    _status(plan, replier, first_at, Status.IN_PROGRESS)
    if rng.random() < 0.3 or (for_a and index in {2, 5}):
        plan.messages.append(
            EnquiryMessage(
                kind=EnquiryMessage.Kind.NOTE,
                author=replier.user,
                author_name=replier.user.full_name,
                body=rng.choice(NOTES),
                created_at=first_at + timedelta(minutes=rng.randint(5, 90)),
            )
        )
    cursor = first_at
    # Some wait on the provider for a while; recent ones may still be waiting.
    if rng.random() < 0.3 or forced == "waiting":
        _status(plan, replier, cursor, Status.WAITING)
        pause = EnquiryPause(started_at=cursor)
        plan.pauses.append(pause)
        resume = _after(ctx, cursor, rng.randint(1, 6))
        still_waiting = now - cursor < timedelta(days=25) and rng.random() < 0.5
        if resume >= now or forced == "waiting" or (still_waiting and forced is None):
            return plan
        plan.messages.append(
            EnquiryMessage(
                kind=EnquiryMessage.Kind.PROVIDER,
                author=contact.user if contact.user_id else None,
                author_name=contact.name,
                body=rng.choice(PROVIDER_FOLLOW_UPS),
                created_at=resume,
            )
        )
        days = working_days_paused(cursor, resume)
        pause.ended_at = resume
        pause.working_days = days
        enquiry.paused_working_days += days
        enquiry.resolve_due = add_working_days(
            enquiry.resolve_due_base, enquiry.paused_working_days
        )
        _status(plan, contact.user, resume, Status.IN_PROGRESS, "The provider replied")
        cursor = resume
    if forced == "in-progress":
        return plan
    # Resolution: usually within target, sometimes late; some left open (overdue).
    recent = now - received < timedelta(days=45)
    if not for_a and rng.random() < (0.25 if recent else 0.02):
        return plan
    extra = rng.choices([1, 2, 3, 5, 8, 13, 20], weights=[20, 22, 20, 15, 10, 8, 5])[0]
    resolved_at = _after(ctx, cursor, extra)
    if resolved_at >= now:
        return plan
    _reply(plan, replier, resolved_at, rng.choice(CLOSING))
    _status(plan, replier, resolved_at, Status.RESOLVED)
    enquiry.resolved_at = resolved_at
    enquiry.resolution_working_days = max(
        0,
        working_days_elapsed(enquiry.clock_started_at, resolved_at) - enquiry.paused_working_days,
    )
    enquiry.resolution_met = met(due=enquiry.resolve_due, at=resolved_at)
    closed_at = _after(ctx, resolved_at, 10)
    if closed_at < now and rng.random() < 0.7:
        _status(plan, replier, closed_at, Status.CLOSED)
        enquiry.closed_at = closed_at
    return plan


def _reply(plan: _Plan, officer: Officer, at: datetime, body: str) -> None:
    plan.messages.append(
        EnquiryMessage(
            kind=EnquiryMessage.Kind.REPLY,
            author=officer.user,
            author_name=officer.user.full_name,
            body=body,
            created_at=at,
        )
    )


def _status(plan: _Plan, actor: object, at: datetime, to_status: str, note: str = "") -> None:
    enquiry = plan.enquiry
    if enquiry.status == to_status:
        return
    plan.events.append(
        EnquiryEvent(
            kind=EnquiryEvent.Kind.STATUS,
            actor=actor if isinstance(actor, User) else None,
            at=at,
            from_status=enquiry.status,
            to_status=to_status,
            note=note,
        )
    )
    enquiry.status = to_status


def _write(plans: list[_Plan]) -> None:
    plans.sort(key=lambda p: p.enquiry.received_at)
    counters: dict[int, int] = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    for plan in plans:
        year = local_date(plan.enquiry.received_at).year
        counters[year] = counters.get(year, 0) + 1
        plan.enquiry.reference = f"ENQ-{year}-{counters[year]:05d}"
    Enquiry.objects.bulk_create([p.enquiry for p in plans], batch_size=1000)
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})
    messages, events, pauses = [], [], []
    for plan in plans:
        for message in plan.messages:
            message.enquiry = plan.enquiry
            messages.append(message)
        for event in plan.events:
            event.enquiry = plan.enquiry
            events.append(event)
        for pause in plan.pauses:
            pause.enquiry = plan.enquiry
            pauses.append(pause)
    EnquiryMessage.objects.bulk_create(messages, batch_size=2000)
    EnquiryEvent.objects.bulk_create(events, batch_size=2000)
    EnquiryPause.objects.bulk_create(pauses, batch_size=2000)
