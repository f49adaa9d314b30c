"""Demo data of engagement planning: venues and about a year past and a year ahead of
activities of every kind and status, with registrations, a few clashes and ad hoc events.

Bulk inserts only, so the national scale stays fast (a few hundred activities either way).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from engage.core.demo import DemoContext
from engage.core.working_days import is_bank_holiday
from engage.council.models import Officer, PartnerPerson, Team
from engage.engagement.clashes import LONDON
from engage.engagement.models import AcceptedWarning, Activity, Registration, StatusChange, Venue
from engage.engagement.modes import Kind, Mechanism, Mode
from engage.market.audience import Segment
from engage.market.models import Contact, Locality, ServiceType

Status = Activity.Status

DEMO_VENUES = (
    ("County Hall, Council Chamber Suite", "Market Road, Chelmsford", "CM1 1QH", 120),
    ("Colchester Community Hub", "12 High Street, Colchester", "CO1 1PJ", 60),
    ("Harlow Civic Centre, Room 3", "The Water Gardens, Harlow", "CM20 1WG", 45),
    ("Basildon Centre, Meeting Room A", "St Martin's Square, Basildon", "SS14 1DL", 40),
    ("Braintree Enterprise Centre", "Springwood Drive, Braintree", "CM7 2YN", 30),
    ("Clacton Town Hall, Princes Theatre Room", "Station Road, Clacton-on-Sea", "CO15 1SE", 80),
    ("Brentwood Conference Centre", "Ingrave Road, Brentwood", "CM15 8AY", 100),
    ("Saffron Walden Library Room", "2 King Street, Saffron Walden", "CB10 1ES", 25),
)

FORUM_TEAMS = (
    "commissioning",
    "quality-improvement",
    "contracts",
    "safeguarding",
    "service-placement",
)

#: (title, kind, mode, mechanism, topic, levels, service types, purpose)
ONE_OFFS: tuple[tuple[str, str, str, str, str, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        "Fee uplift {year}: consultation session",
        Kind.EVENT,
        Mode.CONSULT,
        Mechanism.CONSULTATION_SESSION,
        "Fee uplift and pricing",
        ("owner",),
        (),
        "Hear providers' views on the options for next year's fee uplift before the Cabinet decides.",
    ),
    (
        "Market position statement workshop",
        Kind.WORKSHOP,
        Mode.PARTICIPATE,
        Mechanism.WORKSHOP,
        "Market position and commissioning strategy",
        ("owner",),
        (),
        "Work through the draft market position statement with owners and directors.",
    ),
    (
        "Medicines management scheme: rollout workshop",
        Kind.WORKSHOP,
        Mode.PARTICIPATE,
        Mechanism.WORKSHOP,
        "Implementing the medicines management scheme",
        ("manager",),
        ("residential", "nursing"),
        "Plan with care home managers how the new medicines scheme will work in practice.",
    ),
    (
        "Safer moving and handling: practice briefing",
        Kind.BRIEFING,
        Mode.INFORM,
        Mechanism.EMAIL,
        "Moving and handling frontline practice",
        ("worker",),
        ("domiciliary",),
        "Share the updated guidance with care workers and answer their questions.",
    ),
    (
        "Hospital discharge pathway workshop",
        Kind.WORKSHOP,
        Mode.COLLABORATE,
        Mechanism.OPEN_WORKSHOP,
        "Hospital discharge",
        ("manager",),
        ("residential", "nursing", "domiciliary"),
        "Explore with managers and the NHS why discharges stall and design a better pathway.",
    ),
    (
        "Home care recommissioning: co-production group",
        Kind.WORKING_GROUP,
        Mode.COLLABORATE,
        Mechanism.WORKING_GROUP,
        "Home care commissioning strategy",
        ("owner", "manager"),
        ("domiciliary",),
        "Design the next home care model together with providers.",
    ),
    (
        "Infection prevention and control update",
        Kind.BRIEFING,
        Mode.INFORM,
        Mechanism.EMAIL,
        "Infection control",
        ("worker", "manager"),
        ("residential", "nursing"),
        "Brief staff on the winter infection control arrangements.",
    ),
    (
        "Supported living tender: market engagement event",
        Kind.EVENT,
        Mode.CONSULT,
        Mechanism.CONSULTATION_SESSION,
        "Supported living tender",
        ("owner",),
        ("supported-living",),
        "Test the tender's lots and timetable with the market before it is published.",
    ),
    (
        "Workforce recruitment and retention workshop",
        Kind.WORKSHOP,
        Mode.PARTICIPATE,
        Mechanism.WORKSHOP,
        "Workforce strategy",
        ("owner", "manager"),
        (),
        "Agree joint actions on recruitment and retention.",
    ),
    (
        "Oral health in care homes: practice session",
        Kind.EVENT,
        Mode.PARTICIPATE,
        Mechanism.WORKSHOP,
        "Oral health frontline practice",
        ("worker",),
        ("residential", "nursing"),
        "Share good practice in mouth care with care workers.",
    ),
)

OUTCOMES = (
    "Providers understand the proposal and the timetable; we have their main concerns recorded.",
    "A short list of practical changes that providers support, with owners for each.",
    "Agreement on the next steps and who will take them.",
)
QUESTIONS = (
    "What would make this work in your service? What gets in the way today?",
    "Which option would you choose, and why? What would you change?",
    "What do you need from the council to do this well?",
)
AD_HOC_REASONS = (
    "The tender timetable is set nationally and cannot wait for the next forum.",
    "A one-off topic for a small group of providers that no forum covers.",
    "Needs a longer, interactive session than a forum agenda item allows.",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5 or is_bank_holiday(day):
        day += timedelta(days=1)
    return day


def _status_for(ctx: DemoContext, start: date, today: date, kind: str) -> str:
    rng = ctx.rng
    if start < today - timedelta(days=21):
        return rng.choices(
            [Status.CLOSED, Status.EVALUATED, Status.HELD, Status.CANCELLED], [65, 15, 12, 8]
        )[0]
    if start < today:
        return rng.choices([Status.HELD, Status.EVALUATED, Status.CANCELLED], [70, 20, 10])[0]
    if kind == Kind.FORUM_MEETING:
        return rng.choices([Status.PUBLISHED, Status.APPROVED], [85, 15])[0]
    if start < today + timedelta(days=56):
        return rng.choices(
            [Status.PUBLISHED, Status.APPROVED, Status.SUBMITTED, Status.DRAFT, Status.CANCELLED],
            [68, 10, 12, 5, 5],
        )[0]
    return rng.choices(
        [Status.PUBLISHED, Status.APPROVED, Status.SUBMITTED, Status.DRAFT, Status.CANCELLED],
        [35, 15, 22, 24, 4],
    )[0]


_PATH: list[str] = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.PUBLISHED,
    Status.HELD,
    Status.EVALUATED,
    Status.CLOSED,
]


def seed(ctx: DemoContext) -> None:
    """County and national alike: about 300 activities over two years (bulk inserts)."""
    rng = ctx.rng
    today = timezone.localdate()
    for name, address, postcode, capacity in DEMO_VENUES:
        Venue.objects.get_or_create(
            name=name,
            defaults={
                "address": address,
                "postcode": postcode,
                "capacity": capacity,
                "accessibility": rng.choice(
                    [
                        "Step-free access, hearing loop",
                        "Step-free access, free parking",
                        "Lift to first floor",
                    ]
                ),
            },
        )
    venues = list(Venue.objects.order_by("pk"))
    localities = list(Locality.objects.order_by("slug"))
    types = {t.slug: t for t in ServiceType.objects.all()}
    teams = {t.slug: t for t in Team.objects.all()}
    officers = list(Officer.objects.select_related("user", "team").order_by("pk"))
    if not officers or not localities:
        return
    pem = next((o for o in officers if o.user.email == "pem@engage.example"), officers[0])
    demo_officer = next(
        (o for o in officers if o.user.email == "officer@engage.example"), officers[0]
    )
    ldd_by_locality = {
        o.locality_id: o
        for o in officers
        if o.job_title == "Local Delivery Director" and o.locality_id
    }
    partners = list(PartnerPerson.objects.order_by("pk"))
    start_day = today - timedelta(days=365)
    end_day = today + timedelta(days=365)

    specs: list[dict[str, Any]] = []

    # Provider forums: each locality, residential & nursing and domiciliary, three times a year,
    # on different weeks per locality so the compulsory teams are not double-booked.
    for index, locality in enumerate(localities):
        for split, split_types, hour in (
            ("residential and nursing", ("residential", "nursing"), 10),
            ("domiciliary care", ("domiciliary",), 14),
        ):
            day = start_day + timedelta(days=14 + index * 9)
            while day <= end_day:
                meeting_day = _weekday_on_or_after(day)
                specs.append(
                    {
                        "title": f"{locality.name} {split} provider forum",
                        "kind": Kind.FORUM_MEETING,
                        "mode": Mode.PARTICIPATE,
                        "mechanism": Mechanism.FORUM_ITEM,
                        "topic": "Forum: implementing this year's priorities",
                        "levels": ("manager", "worker"),
                        "types": split_types,
                        "localities": (locality.slug,),
                        "day": meeting_day,
                        "hour": hour,
                        "hours": 2,
                        "lead": ldd_by_locality.get(locality.pk, rng.choice(officers)),
                        "teams": FORUM_TEAMS,
                        "agreed": True,
                        "purpose": "The locality's forum: updates, the forward plan and providers' items.",
                        "partners": partners[:1] + rng.sample(partners, min(1, len(partners))),
                    }
                )
                day += timedelta(days=121)

    # The Tier One providers' group: quarterly, owners and directors.
    day = start_day + timedelta(days=20)
    while day <= end_day:
        specs.append(
            {
                "title": "Tier One providers strategic group",
                "kind": Kind.FORUM_MEETING,
                "mode": Mode.COLLABORATE,
                "mechanism": Mechanism.WORKING_GROUP,
                "topic": "Commissioning strategy and market sustainability",
                "levels": ("owner",),
                "types": (),
                "localities": (),
                "tier_one": True,
                "day": _weekday_on_or_after(day),
                "hour": 13,
                "hours": 3,
                "lead": pem,
                "teams": ("commissioning",),
                "agreed": True,
                "purpose": "The council and its Tier One providers work on the market's biggest issues.",
                "partners": partners[:2],
            }
        )
        day += timedelta(days=91)

    # The monthly provider bulletin (newsletter items) and a few surveys.
    month = date(start_day.year, start_day.month, 1)
    while month <= end_day:
        specs.append(
            {
                "title": f"Provider bulletin: {month:%B %Y}",
                "kind": Kind.NEWSLETTER_ITEM,
                "mode": Mode.INFORM,
                "mechanism": Mechanism.NEWSLETTER,
                "topic": "News for providers",
                "levels": ("owner", "manager", "worker"),
                "types": (),
                "localities": (),
                "day": _weekday_on_or_after(month + timedelta(days=2)),
                "hour": 9,
                "hours": 1,
                "lead": rng.choice(
                    [o for o in officers if o.team.slug == "provider-engagement"] or officers
                ),
                "teams": (),
                "agreed": True,
                "purpose": "The month's news, dates and decisions in one place.",
            }
        )
        month = (month + timedelta(days=32)).replace(day=1)

    # One-off events, workshops and briefings through the two years (many of them ad hoc).
    for _ in range(420):
        title, kind, mode, mechanism, topic, levels, type_slugs, purpose = rng.choice(ONE_OFFS)
        day = start_day + timedelta(days=rng.randint(0, 729))
        if rng.random() > 0.04:
            day = _weekday_on_or_after(day)
        lead = demo_officer if rng.random() < 0.12 else rng.choice(officers)
        place = rng.choice(localities) if rng.random() < 0.6 else None
        specs.append(
            {
                "title": title.format(year=day.year) + (f": {place.name}" if place else ""),
                "kind": kind,
                "mode": mode,
                "mechanism": mechanism,
                "topic": topic,
                "levels": levels,
                "types": type_slugs,
                "localities": (place.slug,) if place else (),
                "day": day,
                "hour": rng.choice([9, 10, 13, 14]),
                "hours": rng.choice([2, 2, 3]),
                "lead": lead,
                "teams": tuple(rng.sample(sorted(teams), rng.choice([0, 1, 1, 2]))),
                "agreed": rng.random() < 0.35,
                "purpose": purpose,
                "partners": rng.sample(partners, 1) if partners and rng.random() < 0.3 else [],
            }
        )

    facilitators = [
        o for o in officers if o.team.slug in ("provider-engagement", "quality-improvement")
    ] or officers
    activities: list[Activity] = []
    for spec in specs:
        status = _status_for(ctx, spec["day"], today, spec["kind"])
        starts = _at(spec["day"], spec["hour"])
        gathering = spec["kind"] not in (Kind.NEWSLETTER_ITEM, Kind.SURVEY, Kind.MAILING)
        venue = rng.choice(venues) if gathering and rng.random() < 0.85 else None
        complete = status != Status.DRAFT or rng.random() < 0.5
        notice_weeks = rng.choice([3, 8, 8, 10, 12]) if spec["kind"] != Kind.FORUM_MEETING else 52
        published_at = (
            starts - timedelta(weeks=notice_weeks)
            if _PATH.index(status if status != Status.CANCELLED else Status.PUBLISHED) >= 3
            else None
        )
        if published_at and published_at > timezone.now():
            published_at = timezone.now() - timedelta(days=rng.randint(1, 20))
        approved = status in _PATH[2:] or (status == Status.CANCELLED and published_at is not None)
        now = timezone.now()
        submitted_at = min(
            (published_at or starts) - timedelta(days=10), now - timedelta(days=rng.randint(2, 9))
        )
        approved_at = min((published_at or starts) - timedelta(days=3), now - timedelta(days=1))
        activities.append(
            Activity(
                title=spec["title"],
                kind=spec["kind"],
                purpose=spec["purpose"] if complete else "",
                topic=spec["topic"],
                mode=spec["mode"],
                mechanism=spec["mechanism"],
                lead_officer=spec["lead"],
                facilitator=rng.choice(facilitators) if complete and gathering else None,
                venue=venue,
                online_link="https://meet.example/engage-" + str(len(activities))
                if gathering and (venue is None or rng.random() < 0.2)
                else "",
                starts_at=starts,
                ends_at=starts + timedelta(hours=spec["hours"]),
                outcomes_sought=rng.choice(OUTCOMES) if complete else "",
                questions=rng.choice(QUESTIONS) if complete and gathering else "",
                cost_venue_pence=rng.choice([0, 0, 15000, 32000, 60000]) if venue else 0,
                officer_hours=Decimal(rng.choice([4, 6, 8, 12, 20, 30])),
                cost_other_pence=rng.choice([0, 0, 4500, 12000, 25000]),
                for_owners="owner" in spec["levels"],
                for_managers="manager" in spec["levels"],
                for_workers="worker" in spec["levels"],
                tier_one_only=spec.get("tier_one", False),
                within_agreed_structure=spec["agreed"],
                ad_hoc_justification="" if spec["agreed"] else rng.choice(AD_HOC_REASONS),
                status=status,
                sequence=rng.choice([0, 0, 0, 1]) if published_at else 0,
                cancellation_reason="Too few providers could attend on this date; we will rearrange."
                if status == Status.CANCELLED
                else "",
                created_by=spec["lead"].user,
                approved_by=pem.user if approved else None,
                submitted_at=submitted_at if status != Status.DRAFT else None,
                approved_at=approved_at if approved else None,
                published_at=published_at,
            )
        )
    Activity.objects.bulk_create(activities, batch_size=500)
    activities = list(Activity.objects.order_by("pk"))
    now = timezone.now()
    for activity in activities:
        activity.created_at = min(
            (activity.published_at or activity.starts_at) - timedelta(days=30),
            (activity.submitted_at or now) - timedelta(days=5),
        )
    Activity.objects.bulk_update(activities, ["created_at"], batch_size=500)

    type_links, locality_links, team_links, partner_links = [], [], [], []
    for activity, spec in zip(activities, specs, strict=True):
        for slug in spec["types"]:
            if slug in types:
                type_links.append(
                    Activity.audience_service_types.through(
                        activity_id=activity.pk, servicetype_id=types[slug].pk
                    )
                )
        for slug in spec["localities"]:
            chosen_locality = next((loc for loc in localities if loc.slug == slug), None)
            if chosen_locality:
                locality_links.append(
                    Activity.audience_localities.through(
                        activity_id=activity.pk, locality_id=chosen_locality.pk
                    )
                )
        for slug in spec["teams"]:
            if slug in teams:
                team_links.append(
                    Activity.required_teams.through(activity_id=activity.pk, team_id=teams[slug].pk)
                )
        for person in {p.pk: p for p in spec.get("partners", [])}.values():
            partner_links.append(
                Activity.invited_partners.through(
                    activity_id=activity.pk, partnerperson_id=person.pk
                )
            )
    Activity.audience_service_types.through._default_manager.bulk_create(
        type_links, batch_size=2000
    )
    Activity.audience_localities.through._default_manager.bulk_create(
        locality_links, batch_size=2000
    )
    Activity.required_teams.through.objects.bulk_create(team_links, batch_size=2000)
    Activity.invited_partners.through.objects.bulk_create(partner_links, batch_size=2000)

    _status_history(activities, pem)
    _registrations(ctx, activities)
    _accept_some_warnings(activities, pem)


def _status_history(activities: list[Activity], pem: Officer) -> None:
    changes = []
    for activity in activities:
        target = activity.status
        path = _PATH[: _PATH.index(target) + 1] if target in _PATH else [Status.DRAFT]
        if target == Status.CANCELLED:
            path = _PATH[:4] if activity.published_at else _PATH[:2]
        moments: dict[str, datetime | None] = {
            Status.SUBMITTED: activity.submitted_at,
            Status.APPROVED: activity.approved_at,
            Status.PUBLISHED: activity.published_at,
            Status.HELD: activity.ends_at,
            Status.EVALUATED: activity.ends_at + timedelta(days=7),
            Status.CLOSED: activity.ends_at + timedelta(days=14),
        }
        for previous, step in itertools.pairwise(path):
            at = moments.get(step) or activity.starts_at
            by = pem.user if step == Status.APPROVED else activity.created_by
            changes.append(
                StatusChange(activity=activity, from_status=previous, to_status=step, by=by, at=at)
            )
        if target == Status.CANCELLED:
            changes.append(
                StatusChange(
                    activity=activity,
                    from_status=path[-1],
                    to_status=Status.CANCELLED,
                    by=activity.created_by,
                    at=activity.starts_at - timedelta(days=5),
                    note=activity.cancellation_reason,
                )
            )
    StatusChange.objects.bulk_create(changes, batch_size=2000)


def _contacts_by_segment() -> dict[tuple[str, str, str, bool], list[int]]:
    """Contact ids by (level, locality, service type, Tier One), built in three queries so that
    the national scale stays fast (no per-activity audience query)."""
    from engage.market.models import Service

    services_of: dict[int, list[tuple[str, str, bool]]] = {}
    cells: dict[int, list[tuple[str, str, bool]]] = {}
    for service_id, provider_id, locality, service_type, tier_one in Service.objects.filter(
        status=Service.Status.ACTIVE
    ).values_list(
        "pk", "provider_id", "locality__slug", "service_types__slug", "provider__is_tier_one"
    ):
        cell = (locality or "", service_type or "", bool(tier_one))
        services_of.setdefault(provider_id, []).append(cell)
        cells.setdefault(service_id, []).append(cell)
    own: dict[int, list[int]] = {}
    for contact_id, service_id in Contact.services.through.objects.values_list(
        "contact_id", "service_id"
    ):
        own.setdefault(contact_id, []).append(service_id)
    index: dict[tuple[str, str, str, bool], list[int]] = {}
    for contact_id, level, provider_id in Contact.objects.filter(
        is_active=True, unsubscribed=False, erased_at__isnull=True
    ).values_list("pk", "level", "provider_id"):
        if contact_id in own:
            found = [cell for service_id in own[contact_id] for cell in cells.get(service_id, [])]
        else:
            found = services_of.get(provider_id, [])
        for locality, service_type, tier_one in set(found):
            index.setdefault((level, locality, service_type, tier_one), []).append(contact_id)
    return index


def _registrations(ctx: DemoContext, activities: list[Activity]) -> None:
    rng = ctx.rng
    registrations = []
    with_places = [
        a
        for a in activities
        if a.is_gathering
        and a.status in (Status.PUBLISHED, Status.HELD, Status.EVALUATED, Status.CLOSED)
    ]
    demo_contact = Contact.objects.filter(user__email="provider@engage.example").first()
    demo_pk = demo_contact.pk if demo_contact is not None else None
    index = _contacts_by_segment()
    prefetched = (
        Activity.objects.filter(pk__in=[a.pk for a in with_places])
        .prefetch_related("audience_service_types", "audience_localities")
        .select_related("venue")
    )
    for activity in prefetched:
        audience = activity.audience()
        pool: set[int] = set()
        for (level, locality, service_type, tier_one), ids in index.items():
            if audience.includes(Segment(service_type, level, locality, tier_one)):
                pool.update(ids)
        places = activity.places or 60
        wanted = rng.randint(places // 4, places)
        if rng.random() < 0.08:
            wanted = places + rng.randint(2, 6)  # full, with a waiting list
        candidates = sorted(pool)
        chosen = rng.sample(candidates, min(wanted, len(candidates)))
        # The demo provider user has a place at about a quarter of the events meant for them.
        chosen = [pk for pk in chosen if pk != demo_pk]
        if demo_pk in pool and rng.random() < 0.25:
            chosen = [demo_pk, *chosen[:-1]] if chosen else [demo_pk]
        base = (activity.published_at or activity.starts_at - timedelta(days=30)) + timedelta(
            hours=2
        )
        for index_in_queue, contact_id in enumerate(chosen):
            registrations.append(
                Registration(
                    activity=activity,
                    contact_id=contact_id,
                    status=Registration.Status.REGISTERED
                    if index_in_queue < places
                    else Registration.Status.WAITING,
                    created_at=base + timedelta(minutes=37 * index_in_queue),
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=2000)


def _accept_some_warnings(activities: list[Activity], pem: Officer) -> None:
    """The PEM accepted the warnings of a few published events, with reasons."""
    from engage.engagement.selectors import report_for

    published = [a for a in activities if a.status == Status.PUBLISHED and a.is_gathering][:40]
    accepted = []
    for activity in published[::4]:
        fresh = Activity.objects.prefetch_related(
            "audience_service_types", "audience_localities", "required_teams"
        ).get(pk=activity.pk)
        for warning in report_for(fresh).open_warnings:
            accepted.append(
                AcceptedWarning(
                    activity=fresh,
                    clash_key=warning.key,
                    message=warning.message,
                    reason="The date is fixed by the NHS partners; we will share the slides afterwards.",
                    accepted_by=pem.user,
                    accepted_at=activity.approved_at or timezone.now(),
                )
            )
    AcceptedWarning.objects.bulk_create(accepted, ignore_conflicts=True)
