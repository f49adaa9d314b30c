"""Demo data of the groups register: the review's structure of groups with two years of history.

A provider forum per locality (each meeting split into a residential and nursing session, a
domiciliary session and a networking overlap), the Tier One providers group, strategic groups,
liaison with each association, the skills-board care sector group and working groups. Terms of
reference are in every state the review found (the forums had none) and maturity assessments run
over two years. Groups are the council's structure, so both scales have the same set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from engage.accounts.models import Role, User
from engage.core.demo import DemoContext
from engage.council.models import Officer, PartnerOrganisation, Team
from engage.groups import services
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    ForumStream,
    GroupKind,
    GroupKindDefaults,
    GroupStatus,
    TermsOfReference,
)
from engage.market.models import Association, Locality, ServiceType

if TYPE_CHECKING:
    from engage.engagement.models import Activity

#: (name, slug, service type slugs, networking overlap)
DEMO_STREAMS = (
    ("Residential and nursing", "residential-nursing", ("residential", "nursing"), False),
    ("Domiciliary care", "domiciliary", ("domiciliary",), False),
    ("Networking overlap", "networking", (), True),
)

#: Teams that must attend, by kind (the review: forums need all five).
REQUIRED_TEAMS = {
    GroupKind.PROVIDER_FORUM: (
        "commissioning",
        "quality-improvement",
        "contracts",
        "safeguarding",
        "service-placement",
    ),
    GroupKind.TIER_ONE: ("commissioning", "contracts", "quality-improvement"),
    GroupKind.STRATEGIC: ("commissioning", "contracts"),
    GroupKind.ASSOCIATION_LIAISON: ("commissioning",),
    GroupKind.SKILLS_BOARD: ("commissioning",),
}

#: Days before today of the maturity assessments (about every six months over two years).
ASSESSMENT_DAYS_AGO = (715, 540, 360, 185, 20)

EVIDENCE = {
    "purpose": (
        "No written purpose; members describe it differently.",
        "Purpose drafted but not yet agreed by members.",
        "Purpose and terms of reference agreed and shared with members.",
        "Terms of reference in date and used to plan the forward plan.",
    ),
    "membership": (
        "Few providers attend and one service type dominates.",
        "Most service types attend; teams that must attend are often missing.",
        "Providers from every stream attend with the required teams.",
        "Membership reviewed each year against the market; partners attend.",
    ),
    "attendance": (
        "Meetings cancelled at short notice; attendance falling.",
        "Meetings held, but dates not published far enough ahead.",
        "Dates published a year ahead; most members attend most meetings.",
        "Stable attendance over the year; members send deputies when away.",
    ),
    "outcomes": (
        "Actions not recorded.",
        "Actions recorded but many overdue.",
        "Most actions completed on time; notes distributed.",
        "Actions completed and outcomes reported back to providers.",
    ),
    "evaluation": (
        "Meetings not evaluated.",
        "Evaluation forms used occasionally; little follow-up.",
        "Every meeting evaluated; results shared.",
        "Feedback acted on and reported as “you said, we did”.",
    ),
}


@dataclass
class GroupPlan:
    """A demo group: what it is, and the story its terms and maturity tell."""

    name: str
    kind: str
    purpose: str
    owner: Officer
    locality: Locality | None = None
    status: str = GroupStatus.ACTIVE
    frequency_target: int | None = None
    horizon: int | None = None
    partners: list[PartnerOrganisation] = field(default_factory=list)
    service_types: list[ServiceType] | None = None
    association: Association | None = None
    tier_one_only: bool | None = None
    #: Approved versions as (days ago approved, months until review), oldest first.
    approvals: tuple[tuple[int, int], ...] = ()
    #: Whether a draft of the next version is in progress.
    draft: bool = False
    #: Starting maturity and how much it rises per assessment (negative: declines).
    maturity_start: float = 1.6
    maturity_step: float = 0.3
    established_days_ago: int = 1100


def _setup_defaults(teams: dict[str, Team], types: dict[str, ServiceType]) -> list[ForumStream]:
    streams = []
    for position, (name, slug, type_slugs, overlap) in enumerate(DEMO_STREAMS):
        stream, _ = ForumStream.objects.update_or_create(
            slug=slug, defaults={"name": name, "is_overlap": overlap, "position": position}
        )
        stream.service_types.set([types[s] for s in type_slugs if s in types])
        streams.append(stream)
    for kind in GroupKind:
        row, _ = GroupKindDefaults.objects.get_or_create(kind=kind)
        row.required_teams.set([teams[s] for s in REQUIRED_TEAMS.get(kind, ()) if s in teams])
        row.streams.set(streams if kind == GroupKind.PROVIDER_FORUM else [])
    return streams


def _terms_body(plan: GroupPlan, version: int, group: EngagementGroup) -> str:
    teams = ", ".join(t.name for t in group.required_teams.all()) or "the owner's team"
    partners = ", ".join(p.name for p in group.invited_partners.all())
    streams = [s.name for s in group.streams.all()]
    lines = [
        "# Purpose",
        "",
        plan.purpose,
        "",
        "# Membership",
        "",
        f"- Chaired by {group.chair or 'the owner'}; owned by {plan.owner.user.full_name}.",
        f"- Council teams: {teams}.",
    ]
    if version >= 2 and partners:
        lines.append(f"- Partners who attend: {partners}.")
    lines += [
        "- Provider members: any provider the group is for may attend; each sends someone "
        "able to speak for their service.",
        "",
        "# Meetings",
        "",
        f"- At least {group.frequency_target} meetings a year.",
        f"- Dates are published {group.publication_horizon_months} months ahead."
        if version >= 2
        else "- Dates are agreed at each meeting.",
    ]
    if streams:
        lines.append(f"- Each meeting has sessions for: {', '.join(streams)}.")
    lines += [
        "",
        "# Roles and responsibilities",
        "",
        "- The owner agrees the agenda and makes sure actions are followed up.",
        "- Members prepare for items and share what they learn with their colleagues.",
        "",
    ]
    if version >= 2:
        lines += [
            "# Forward plan",
            "",
            "Providers are invited to propose items for the forward plan before each meeting.",
            "",
        ]
    lines += [
        "# Notes and actions",
        "",
        "Notes and actions are sent to members within ten working days."
        if version >= 2
        else "Notes are kept by the council.",
        "",
    ]
    if version >= 3:
        lines += [
            "# Evaluation",
            "",
            "Every meeting is evaluated; the results and what was done about them are reported "
            "at the next meeting (“you said, we did”).",
            "",
        ]
    lines += ["# Review", "", "These terms of reference are reviewed every year."]
    return "\n".join(lines)


CHANGE_SUMMARIES = {
    1: "First terms of reference.",
    2: "Adds partners, publishing dates a year ahead, the forward plan and notes within ten "
    "working days.",
    3: "Adds evaluation of every meeting.",
}


def _add_terms(plan: GroupPlan, group: EngagementGroup, today: date, approver: User) -> None:
    version = 0
    for days_ago, review_months in plan.approvals:
        version += 1
        approved_on = today - timedelta(days=days_ago)
        terms = services.draft_terms(
            actor=None,
            group=group,
            title=f"{group.name}: terms of reference",
            body=_terms_body(plan, version, group),
            change_summary=CHANGE_SUMMARIES.get(version, ""),
        )
        services.approve_terms(
            actor=approver,
            terms=terms,
            approved_on=approved_on,
            review_due=services.add_months(approved_on, review_months),
            approval_note=f"Agreed at the meeting of {approved_on:%-d %B %Y}.",
        )
        drafted = timezone.now() - timedelta(days=days_ago + 21)
        TermsOfReference.objects.filter(pk=terms.pk).update(created_at=drafted, created_by=approver)
    if plan.draft:
        version += 1
        terms = services.draft_terms(
            actor=None,
            group=group,
            title=f"{group.name}: terms of reference",
            body=_terms_body(plan, version, group),
            change_summary=CHANGE_SUMMARIES.get(version, "Updated after the annual review."),
        )
        TermsOfReference.objects.filter(pk=terms.pk).update(created_by=plan.owner.user)


def _add_maturity(ctx: DemoContext, plan: GroupPlan, group: EngagementGroup, today: date) -> None:
    level = plan.maturity_start
    for days_ago in ASSESSMENT_DAYS_AGO:
        if days_ago > plan.established_days_ago:
            continue
        scores = {}
        evidence = {}
        for index, dimension in enumerate(DIMENSIONS):
            key = dimension.key.value
            offset = (index - 2) * 0.15 + ctx.rng.uniform(-0.5, 0.5)
            if key == "purpose" and not plan.approvals:
                offset -= 0.8  # no terms of reference: the review's finding
            score = max(1, min(4, round(level + offset)))
            scores[key] = score
            evidence[key] = EVIDENCE[key][score - 1]
        services.record_maturity_assessment(
            actor=plan.owner.user,
            group=group,
            assessed_on=today - timedelta(days=days_ago),
            scores=scores,
            evidence=evidence,
            summary="Agree terms of reference and publish next year's dates."
            if scores["purpose"] < 3
            else "Keep evaluating every meeting and report back what changed.",
        )
        level = max(1.0, min(4.0, level + plan.maturity_step))


def _partners_for(
    locality: Locality, partners: list[PartnerOrganisation]
) -> list[PartnerOrganisation]:
    """The ICB whose name mentions the locality's area (else the first), and the trusts."""
    area = locality.name.split()[0].lower()
    icbs = [p for p in partners if p.kind == PartnerOrganisation.Kind.ICB]
    trusts = [p for p in partners if p.kind == PartnerOrganisation.Kind.TRUST]
    icb = next((p for p in icbs if area in p.name.lower()), icbs[0] if icbs else None)
    return ([icb] if icb else []) + trusts


def seed(ctx: DemoContext) -> None:
    """About twenty groups with terms of reference and maturity over two years."""
    today = timezone.localdate()
    teams = {t.slug: t for t in Team.objects.all()}
    types = {t.slug: t for t in ServiceType.objects.all()}
    _setup_defaults(teams, types)
    partners = list(PartnerOrganisation.objects.order_by("name"))
    officers = list(Officer.objects.select_related("user", "team").order_by("pk"))
    pem = next(o for o in officers if o.user.role == Role.PEM)
    commissioners = [o for o in officers if o.team.slug == "commissioning"] or [pem]
    leads = iter(commissioners * 3)

    plans: list[GroupPlan] = []
    forum_stories = {
        # locality slug -> (approvals, draft, maturity start, step)
        "mid": (((700, 12), (330, 12)), True, 1.8, 0.35),
        "north": (((500, 12),), False, 2.4, -0.2),
        "south": ((), True, 1.4, 0.25),
        "west": ((), False, 1.2, 0.2),
    }
    for locality in Locality.objects.filter(is_active=True).order_by("name"):
        owner = services.forum_owner_for(locality)
        if owner is None:
            continue
        approvals, draft, start, step = forum_stories.get(locality.slug, ((), False, 1.5, 0.2))
        plans.append(
            GroupPlan(
                name=f"{locality.name} Provider Forum",
                kind=GroupKind.PROVIDER_FORUM,
                purpose=f"Care managers and care staff of {locality.name} work with the council "
                "and the NHS on putting new schemes into practice, and say what needs to "
                "improve.",
                owner=owner,
                locality=locality,
                frequency_target=4 if locality.slug == "mid" else 3,
                horizon=12,
                partners=_partners_for(locality, partners),
                approvals=approvals,
                draft=draft,
                maturity_start=start,
                maturity_step=step,
            )
        )
    plans.append(
        GroupPlan(
            name="Tier One Providers Group",
            kind=GroupKind.TIER_ONE,
            purpose="The council meets its strategic (Tier One) providers regularly and formally "
            "on quality, safeguarding, capacity and the market's direction.",
            owner=pem,
            approvals=((600, 12), (200, 12)),
            maturity_start=2.0,
            maturity_step=0.3,
        )
    )
    strategic = (
        ("Residential and Nursing Strategic Group", ("residential", "nursing"), ((420, 12),)),
        ("Domiciliary Care Strategic Group", ("domiciliary",), ((250, 12),)),
        ("Learning Disability and Supported Living Strategic Group", ("supported-living",), ()),
    )
    for name, type_slugs, approvals in strategic:
        plans.append(
            GroupPlan(
                name=name,
                kind=GroupKind.STRATEGIC,
                purpose="Owners and directors work with commissioners on strategy, pricing and "
                "contracting for their part of the market.",
                owner=next(leads),
                service_types=[types[s] for s in type_slugs if s in types],
                approvals=approvals,
                maturity_start=1.7,
                maturity_step=0.25,
                established_days_ago=800,
            )
        )
    plans.append(
        GroupPlan(
            name="Independent Living and Extra Care Strategic Group",
            kind=GroupKind.STRATEGIC,
            purpose="Proposed: owners of extra care schemes and commissioners plan new capacity.",
            owner=next(leads),
            status=GroupStatus.PROPOSED,
            service_types=[types["extra-care"]] if "extra-care" in types else None,
            established_days_ago=0,
        )
    )
    liaison_stories = (((300, 12),), (), ((520, 12),))
    associations = Association.objects.filter(is_active=True, merged_into__isnull=True)
    for index, association in enumerate(associations.order_by("name")):
        plans.append(
            GroupPlan(
                name=f"Liaison with {association.name}",
                kind=GroupKind.ASSOCIATION_LIAISON,
                purpose=f"Regular liaison between the council and {association.name}, which "
                "speaks for its member providers.",
                owner=pem if index % 2 == 0 else next(leads),
                association=association,
                frequency_target=4 if association.kind == Association.Kind.MEMBER_BODY else 2,
                approvals=liaison_stories[index % len(liaison_stories)],
                maturity_start=2.2,
                maturity_step=0.15,
            )
        )
    plans.append(
        GroupPlan(
            name="Employment and Skills Board: Care Sector Group",
            kind=GroupKind.SKILLS_BOARD,
            purpose="Employers, colleges and the council work on recruiting and training the care "
            "workforce.",
            owner=next(leads),
            draft=True,
            maturity_start=1.3,
            maturity_step=0.3,
            established_days_ago=600,
        )
    )
    nhs = [
        p
        for p in partners
        if p.kind in {PartnerOrganisation.Kind.ICB, PartnerOrganisation.Kind.TRUST}
    ]
    plans += [
        GroupPlan(
            name="Hospital Discharge Working Group",
            kind=GroupKind.WORKING_GROUP,
            purpose="Providers, hospitals and the council co-produce a faster, safer discharge "
            "to care homes and home care.",
            owner=next(leads),
            partners=nhs,
            service_types=[
                types[s] for s in ("residential", "nursing", "domiciliary") if s in types
            ],
            approvals=((150, 9),),
            maturity_start=2.0,
            maturity_step=0.3,
            established_days_ago=400,
        ),
        GroupPlan(
            name="Care Workforce Recruitment Working Group",
            kind=GroupKind.WORKING_GROUP,
            purpose="A shared recruitment campaign for care workers across the county.",
            owner=next(leads),
            status=GroupStatus.PAUSED,
            maturity_start=1.5,
            maturity_step=0.1,
            established_days_ago=380,
        ),
        GroupPlan(
            name="Home Care Fee Review Co-production Group",
            kind=GroupKind.WORKING_GROUP,
            purpose="Co-produced the home care fee model; closed when the new rates were agreed.",
            owner=next(leads),
            status=GroupStatus.CLOSED,
            service_types=[types["domiciliary"]] if "domiciliary" in types else None,
            approvals=((690, 6),),
            maturity_start=2.0,
            maturity_step=0.4,
            established_days_ago=760,
        ),
    ]

    for plan in plans:
        group = services.create_group(
            actor=None,
            name=plan.name,
            kind=plan.kind,
            purpose=plan.purpose,
            owner=plan.owner,
            locality=plan.locality,
            status=plan.status,
            chair=f"{ctx.person_name()} ({'provider representative' if plan.kind == GroupKind.PROVIDER_FORUM else 'co-chair'})",
            frequency_target=plan.frequency_target,
            publication_horizon_months=plan.horizon,
            invited_partners=plan.partners,
            audience_service_types=plan.service_types,
            tier_one_only=plan.tier_one_only,
            established_on=today - timedelta(days=plan.established_days_ago)
            if plan.established_days_ago
            else None,
            association=plan.association,
        )
        approver = plan.owner.user if plan.kind == GroupKind.PROVIDER_FORUM else pem.user
        _add_terms(plan, group, today, approver)
        _add_maturity(ctx, plan, group, today)
    seed_meetings(ctx)


# --- Meetings, sessions and attendance ---------------------------------------------------------

#: The group whose meetings lag (met twice last year, dates published only a few months ahead),
#: so the standards page shows failures as well as successes.
LAGGING_LOCALITY = "west"
#: How often a team that must attend misses a meeting.
TEAM_MISS_RATE = 0.07
MEETING_HOURS = 3
#: An invitation to write: activity id, email, name, role, person key, sent at.
InvitationRow = tuple[int, str, str, str, str, datetime]
#: Invitations are written in chunks of this many (bounded memory at the national scale).
INVITATION_FLUSH = 20_000


def _meeting_days(group: EngagementGroup, today: date, lagging: bool) -> list[tuple[date, str]]:
    """(day, status) of a group's meetings: two years back (or since established) and, for most
    groups, published up to the horizon ahead."""
    interval = 365 // max(1, group.frequency_target)
    start = today - timedelta(days=730)
    if group.established_on and group.established_on > start:
        start = group.established_on + timedelta(days=14)
    days: list[tuple[date, str]] = []
    day = start + timedelta(days=interval // 3)
    while day < today - timedelta(days=2):
        if (
            lagging
            and day > today - timedelta(days=365)
            and len([d for d, _ in days if d > today - timedelta(days=365)]) >= 2
        ):
            break
        status = "evaluated" if day < today - timedelta(days=120) else "held"
        days.append((day, status))
        day += timedelta(days=interval if not lagging else int(interval * 1.5))
    if group.status != GroupStatus.ACTIVE:
        return days
    horizon_end = services.add_months(today, 4 if lagging else group.publication_horizon_months)
    day = max(day, today + timedelta(days=14))
    while day <= horizon_end:
        days.append((day, "published"))
        day += timedelta(days=interval)
    return days


def _weekday(day: date) -> date:
    """The Tuesday to Thursday nearest ``day`` (meetings are mid-week)."""
    from engage.core.working_days import is_working_day

    while day.weekday() not in (1, 2, 3) or not is_working_day(day):
        day += timedelta(days=1)
    return day


def seed_meetings(ctx: DemoContext) -> None:
    """Two years of meetings of every group, with sessions, registrations and attendance.

    Written in bulk: the activities (within the agreed structure) and their audience and team
    links, the meetings, the forums' sessions, registrations and attendance.
    """
    from engage.council.models import Councillor, PartnerPerson
    from engage.engagement.clashes import LONDON
    from engage.engagement.models import Activity, Attendance, Registration, Venue
    from engage.engagement.modes import Kind, Mechanism, Mode
    from engage.groups.models import Meeting, MeetingSession
    from engage.market.models import Contact

    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    groups = list(
        EngagementGroup.objects.exclude(status=GroupStatus.PROPOSED)
        .select_related("owner__user", "locality")
        .prefetch_related(
            "required_teams",
            "invited_partners",
            "streams__service_types",
            "audience_service_types",
            "audience_localities",
        )
        .order_by("pk")
    )
    venues: list[Venue | None] = list(Venue.objects.filter(is_active=True).order_by("pk")) or [None]
    officers_by_team: dict[int, list[Officer]] = {}
    for officer in (
        Officer.objects.filter(user__is_active=True).select_related("user").order_by("pk")
    ):
        officers_by_team.setdefault(officer.team_id, []).append(officer)
    people_by_org: dict[int, list[int]] = {}
    for pk, org_id in PartnerPerson.objects.filter(is_active=True).values_list(
        "pk", "organisation_id"
    ):
        people_by_org.setdefault(org_id, []).append(pk)
    councillors = list(Councillor.objects.filter(is_active=True).values_list("pk", flat=True))
    # Contacts by (locality slug, service type slug), and of Tier One providers (those who
    # unsubscribed are left out: they register for nothing and are invited to nothing).
    contacts_by_cell: dict[tuple[str, str], list[int]] = {}
    tier_one_contacts: list[int] = []
    rows = (
        Contact.objects.filter(is_active=True, unsubscribed=False, erased_at__isnull=True)
        .values_list(
            "pk",
            "services__locality__slug",
            "services__service_types__slug",
            "provider__is_tier_one",
        )
        .order_by("pk")
    )
    for pk, locality_slug, type_slug, tier_one in rows:
        if locality_slug and type_slug:
            contacts_by_cell.setdefault((locality_slug, type_slug), []).append(pk)
        if tier_one:
            tier_one_contacts.append(pk)
    # Who engagement would invite (``engagement.services.invitees``): the audience's emailable
    # contacts (once per group: its meetings share its audience) and anyone registered with an
    # email address. No email is sent: these are the invitations as if sent on publication.
    addresses = {
        pk: (name, email)
        for pk, name, email in Contact.objects.filter(unsubscribed=False, erased_at__isnull=True)
        .exclude(email="")
        .values_list("pk", "name", "email")
    }
    reached_by_group = _emailable_reach(groups)

    plans: list[tuple[EngagementGroup, date, str]] = []
    for group in groups:
        lagging = (
            group.is_forum
            and group.locality is not None
            and (group.locality.slug == LAGGING_LOCALITY)
        )
        for day, status in _meeting_days(group, today, lagging):
            plans.append((group, _weekday(day), status))
    activities = []
    for group, day, status in plans:
        starts = datetime.combine(day, time(10, 0), tzinfo=LONDON)
        published = status != "draft"
        activities.append(
            Activity(
                title=f"{group.name} meeting",
                kind=Kind.FORUM_MEETING if group.is_forum else Kind.WORKING_GROUP,
                purpose=group.purpose,
                topic=group.name,
                mode=Mode.PARTICIPATE,
                mechanism=Mechanism.FORUM_ITEM,
                lead_officer=group.owner,
                facilitator=group.owner,
                venue=rng.choice(venues),
                starts_at=starts,
                ends_at=starts + timedelta(hours=MEETING_HOURS),
                outcomes_sought="The agenda's items discussed, decisions and actions recorded.",
                questions="Set by the meeting's agenda from the group's forward plan.",
                officer_hours=Decimal(12),
                for_owners=group.for_owners,
                for_managers=group.for_managers,
                for_workers=group.for_workers,
                tier_one_only=group.tier_one_only,
                within_agreed_structure=True,
                status=status,
                created_by=group.owner.user,
                submitted_at=min(now, starts - timedelta(days=200)),
                approved_at=min(now, starts - timedelta(days=190)) if published else None,
                published_at=min(now, starts - timedelta(days=180)) if published else None,
            )
        )
    Activity.objects.bulk_create(activities, batch_size=500)
    meetings = Meeting.objects.bulk_create(
        [Meeting(group=g, activity=a) for (g, _, _), a in zip(plans, activities, strict=True)],
        batch_size=500,
    )
    through = Activity.required_teams.through
    type_links, locality_links, team_links = [], [], []
    sessions: list[MeetingSession] = []
    session_types: list[tuple[int, list[int]]] = []
    attendances: list[Attendance] = []
    registrations: list[Registration] = []
    invitations: list[InvitationRow] = []
    for (group, _, status), activity, meeting in zip(plans, activities, meetings, strict=True):
        if len(invitations) >= INVITATION_FLUSH:
            # Written as the loop goes: at the national scale they run to millions of rows.
            _write_invitations(invitations)
            invitations.clear()
        group_types = [t.pk for t in group.audience_service_types.all()]
        group_localities = list(group.audience_localities.all())
        for type_id in group_types:
            type_links.append(
                Activity.audience_service_types.through(
                    activity_id=activity.pk, servicetype_id=type_id
                )
            )
        for loc in group_localities:
            locality_links.append(
                Activity.audience_localities.through(activity_id=activity.pk, locality_id=loc.pk)
            )
        required = list(group.required_teams.all())
        for team in required:
            team_links.append(through(activity_id=activity.pk, team_id=team.pk))
        streams = [s for s in group.streams.all() if s.is_active]
        for position, (stream, starts, ends) in enumerate(
            services.session_layout(streams, starts_at=activity.starts_at, ends_at=activity.ends_at)
        ):
            sessions.append(
                MeetingSession(
                    meeting=meeting,
                    title=stream.name,
                    stream=stream,
                    starts_at=starts,
                    ends_at=ends,
                    position=position,
                    for_owners=group.for_owners,
                    for_managers=group.for_managers,
                    for_workers=group.for_workers,
                )
            )
            session_types.append(
                (
                    len(sessions) - 1,
                    [] if stream.is_overlap else [t.pk for t in stream.service_types.all()],
                )
            )
        if status == "draft":
            continue
        invited_contacts = set(reached_by_group[group.pk])
        _invite_officers(invitations, activity, required, officers_by_team)
        if status not in ("held", "evaluated"):
            _invite_contacts(invitations, activity, sorted(invited_contacts), addresses)
            continue
        # Officers: one of each team that must attend (now and then one team misses it).
        missing = rng.choice(required) if required and rng.random() < TEAM_MISS_RATE else None
        for team in required:
            pool = officers_by_team.get(team.pk, [])
            if pool and team != missing:
                attendances.append(
                    Attendance(
                        activity=activity,
                        kind=Attendance.Kind.OFFICER,
                        officer=rng.choice(pool),
                        recorded_by=group.owner.user,
                    )
                )
        if group.owner.team_id not in {t.pk for t in required}:
            attendances.append(
                Attendance(
                    activity=activity,
                    kind=Attendance.Kind.OFFICER,
                    officer=group.owner,
                    recorded_by=group.owner.user,
                )
            )
        # Partners: someone from an invited organisation, most of the time.
        for organisation in group.invited_partners.all():
            pool_ids = people_by_org.get(organisation.pk, [])
            if pool_ids and rng.random() < 0.7:
                attendances.append(
                    Attendance(
                        activity=activity,
                        kind=Attendance.Kind.PARTNER,
                        partner_id=rng.choice(pool_ids),
                        recorded_by=group.owner.user,
                    )
                )
        if councillors and rng.random() < 0.25:
            attendances.append(
                Attendance(
                    activity=activity,
                    kind=Attendance.Kind.COUNCILLOR,
                    councillor_id=rng.choice(councillors),
                    recorded_by=group.owner.user,
                )
            )
        # Contacts of matching segments: registered, and most of them came.
        locality_slugs = [loc.slug for loc in group_localities] or sorted(
            {cell[0] for cell in contacts_by_cell}
        )
        type_slugs = [t.slug for t in group.audience_service_types.all()] or sorted(
            {cell[1] for cell in contacts_by_cell}
        )
        contact_pool = (
            tier_one_contacts
            if group.tier_one_only or group.kind == GroupKind.TIER_ONE
            else sorted(
                {
                    pk
                    for loc in locality_slugs
                    for slug in type_slugs
                    for pk in contacts_by_cell.get((loc, slug), [])
                }
            )
        )
        chosen = (
            rng.sample(contact_pool, min(len(contact_pool), rng.randint(6, 18)))
            if contact_pool
            else []
        )
        _invite_contacts(invitations, activity, sorted(invited_contacts | set(chosen)), addresses)
        for contact_id in chosen:
            registrations.append(
                Registration(
                    activity=activity,
                    contact_id=contact_id,
                    status=Registration.Status.REGISTERED,
                    created_at=activity.starts_at - timedelta(days=rng.randint(5, 40)),
                )
            )
            came = rng.random() < 0.85
            if came or rng.random() < 0.5:
                attendances.append(
                    Attendance(
                        activity=activity,
                        kind=Attendance.Kind.CONTACT,
                        contact_id=contact_id,
                        attended=came,
                        apologies=not came,
                        recorded_by=group.owner.user,
                    )
                )
    Activity.audience_service_types.through._default_manager.bulk_create(
        type_links, batch_size=2000
    )
    Activity.audience_localities.through._default_manager.bulk_create(
        locality_links, batch_size=2000
    )
    through.objects.bulk_create(team_links, batch_size=2000)
    MeetingSession.objects.bulk_create(sessions, batch_size=1000)
    session_links = [
        MeetingSession.audience_service_types.through(
            meetingsession_id=sessions[index].pk, servicetype_id=type_id
        )
        for index, type_ids in session_types
        for type_id in type_ids
    ]
    MeetingSession.audience_service_types.through._default_manager.bulk_create(
        session_links, batch_size=2000
    )
    Registration.objects.bulk_create(registrations, batch_size=2000, ignore_conflicts=True)
    Attendance.objects.bulk_create(attendances, batch_size=2000, ignore_conflicts=True)
    _write_invitations(invitations)


def _emailable_reach(groups: list[EngagementGroup]) -> dict[int, list[int]]:
    """Each group's emailable audience: ``emailable(contacts_reached(group.audience()))``,
    worked out in memory from four reads (the same rules; one query per group is too slow at
    the national scale, where SQLite runs its nested subqueries for every contact).

    A contact is reached when current, at one of the audience's levels, and working at an active
    service of its types and localities (Tier One if asked) or, tied to no service, when their
    provider has such a service; emailable with an address, consent and not unsubscribed.
    """
    from engage.market.models import Contact, Service

    services: dict[int, tuple[int, str, bool]] = {}
    for pk, provider_id, locality, tier_one in Service.objects.filter(
        status=Service.Status.ACTIVE
    ).values_list("pk", "provider_id", "locality__slug", "provider__is_tier_one"):
        services[pk] = (provider_id, locality or "", tier_one)
    types: dict[int, set[str]] = {}
    for service_id, slug in Service.service_types.through.objects.values_list(
        "service_id", "servicetype__slug"
    ):
        types.setdefault(service_id, set()).add(slug)
    works_at: dict[int, list[int]] = {}
    for contact_id, service_id in Contact.services.through.objects.values_list(
        "contact_id", "service_id"
    ):
        works_at.setdefault(contact_id, []).append(service_id)
    contacts = list(
        Contact.objects.filter(
            is_active=True, unsubscribed=False, erased_at__isnull=True, email_consent=True
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "provider_id", "level")
    )
    reach: dict[int, list[int]] = {}
    for group in groups:
        audience = group.audience()
        reached = {
            pk
            for pk, (_, locality, tier_one) in services.items()
            if (not audience.service_types or types.get(pk, set()) & audience.service_types)
            and (not audience.localities or locality in audience.localities)
            and (tier_one or not audience.tier_one_only)
        }
        providers = {services[pk][0] for pk in reached}
        reach[group.pk] = [
            pk
            for pk, provider_id, level in contacts
            if (not audience.levels or level in audience.levels)
            and (
                any(s in reached for s in works_at[pk])
                if pk in works_at
                else provider_id in providers
            )
        ]
    return reach


def _invite_contacts(
    invitations: list[InvitationRow],
    activity: Activity,
    contact_ids: list[int],
    addresses: dict[int, tuple[str, str]],
) -> None:
    """Invitations of the contacts with an address, as sent when the meeting was published."""
    from engage.engagement.models import Invitation

    sent = activity.published_at or activity.starts_at
    role = str(Invitation.Role.PROVIDER)
    for pk in contact_ids:
        if pk in addresses:
            name, email = addresses[pk]
            invitations.append((activity.pk, email, name, role, f"contact:{pk}", sent))


def _invite_officers(
    invitations: list[InvitationRow],
    activity: Activity,
    required: list[Team],
    officers_by_team: dict[int, list[Officer]],
) -> None:
    """Invitations of the officers of the teams that must attend and of the group's owner."""
    from engage.engagement.models import Invitation

    sent = activity.published_at or activity.starts_at
    role = str(Invitation.Role.OFFICER)
    officers = {o.pk: o for team in required for o in officers_by_team.get(team.pk, [])}
    if activity.lead_officer is not None:
        officers.setdefault(activity.lead_officer.pk, activity.lead_officer)
    for officer in sorted(officers.values(), key=lambda o: o.pk):
        invitations.append(
            (
                activity.pk,
                officer.user.email,
                officer.user.full_name,
                role,
                f"user:{officer.user_id}",
                sent,
            )
        )


def _write_invitations(rows: list[InvitationRow]) -> None:
    """Insert (activity id, email, name, role, person key, sent at) rows as invitations with
    SEQUENCE 0: one ``executemany`` per 5,000 (model instances are too slow for the millions
    of the national scale; there are no signals or audit entries to skip for invitations)."""
    from django.db import connection

    from engage.engagement.models import Invitation

    table = connection.ops.quote_name(Invitation._meta.db_table)
    columns = ("activity_id", "email", "name", "role", "person_key", "created_at", "sequence_sent")
    names = ", ".join(connection.ops.quote_name(c) for c in (*columns, "cancelled"))
    # The names are the model's own (quoted), never input; the values are parameters.
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * (len(columns) + 1))})"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql,
                [
                    (a, email, name, role, key, adapt(sent), 0, False)
                    for a, email, name, role, key, sent in rows[start : start + 5000]
                ],
            )
