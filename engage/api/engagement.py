"""API of engagement planning: activities, their clashes, a clash check, and the calendar.

Planning endpoints (``/activities…``) are for council staff: provider and partner users get 403.
``/calendar`` answers provider users too, with only the published events meant for them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from engage.accounts.permissions import Capability, has_capability, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import COMMON_ERRORS, DbId, ErrorOut, InputSchema, Moment, PathId
from engage.council.models import Officer, PartnerPerson, Team
from engage.engagement import selectors, services
from engage.engagement.clashes import LONDON, Clash
from engage.engagement.models import Activity, Venue
from engage.engagement.modes import Kind
from engage.market.audience import Audience, reach
from engage.market.models import Level, Locality, ServiceType

router = Router(tags=["engagement"])

MAX_CALENDAR_DAYS = 400


class AudienceSchema(Schema):
    service_types: list[str] = Field(
        default_factory=list, description="Service type slugs; empty: all"
    )
    levels: list[str] = Field(
        default_factory=list, description="owner, manager, worker; empty: all"
    )
    localities: list[str] = Field(default_factory=list, description="Locality slugs; empty: all")
    tier_one_only: bool = False


class ActivityIn(InputSchema):
    title: str = Field(max_length=200)
    kind: str = Kind.EVENT
    purpose: str = ""
    topic: str = Field("", max_length=200)
    mode: str = ""
    mechanism: str = ""
    mechanism_reason: str = ""
    audience: AudienceSchema = Field(default_factory=AudienceSchema)
    lead_officer_id: DbId | None = None
    facilitator_id: DbId | None = None
    external_facilitator: str = Field("", max_length=200)
    required_teams: list[str] = Field(default_factory=list, description="Team slugs")
    invited_partner_ids: list[DbId] = Field(default_factory=list)
    venue_id: DbId | None = None
    online_link: str = ""
    capacity: int | None = Field(None, ge=1)
    starts_at: Moment
    ends_at: Moment
    outcomes_sought: str = ""
    questions: str = ""
    cost_venue_pence: int = Field(0, ge=0)
    officer_hours: Decimal = Field(Decimal("0"), ge=0, max_digits=7, decimal_places=2)
    cost_other_pence: int = Field(0, ge=0)
    ad_hoc_justification: str = ""


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    mode: str
    mechanism: str
    topic: str
    starts_at: datetime
    ends_at: datetime
    audience: AudienceSchema
    lead_officer: str | None
    venue: str | None
    online_link: str
    is_ad_hoc: bool
    sequence: int
    estimated_cost_pence: int
    url: str

    @staticmethod
    def resolve_audience(obj: Activity) -> dict[str, Any]:
        audience = obj.audience()
        return {
            "service_types": sorted(audience.service_types),
            "levels": sorted(audience.levels),
            "localities": sorted(audience.localities),
            "tier_one_only": audience.tier_one_only,
        }

    @staticmethod
    def resolve_lead_officer(obj: Activity) -> str | None:
        return obj.lead_officer.user.full_name if obj.lead_officer else None

    @staticmethod
    def resolve_venue(obj: Activity) -> str | None:
        return obj.venue.name if obj.venue else None

    @staticmethod
    def resolve_url(obj: Activity) -> str:
        return reverse("engagement:activity_detail", args=[obj.pk])


class ClashOut(Schema):
    key: str
    kind: str
    severity: str
    message: str
    other_activity_id: int | None
    day: date | None
    accepted: bool = False


class ReachOut(Schema):
    providers: int
    services: int
    contacts: int
    emailable: int


class CheckOut(Schema):
    clashes: list[ClashOut]
    reach: ReachOut


class CalendarItemOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online: bool

    @staticmethod
    def resolve_venue(obj: Activity) -> str | None:
        return obj.venue.name if obj.venue else None

    @staticmethod
    def resolve_online(obj: Activity) -> bool:
        return bool(obj.online_link)


def _clash_out(clash: Clash, accepted: set[str] | None = None) -> ClashOut:
    return ClashOut(
        key=clash.key,
        kind=str(clash.kind),
        severity=str(clash.severity),
        message=clash.message,
        other_activity_id=clash.other_activity_id,
        day=clash.day,
        accepted=clash.key in (accepted or set()),
    )


def _day(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DjangoValidationError(f"'{name}' must be a date like 2026-03-27.") from None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)


def _by_slugs(model: Any, slugs: list[str], what: str) -> list[Any]:
    found = list(model.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {o.slug for o in found})
    if missing:
        raise DjangoValidationError(f"Unknown {what}: {', '.join(missing)}")
    return found


def _one(model: Any, pk: int | None, what: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError(f"Unknown {what}: {pk}")
    return found


def _data(payload: ActivityIn) -> services.ActivityData:
    """The API's input as the services' ``ActivityData`` (unknown references are 422)."""
    unknown_levels = sorted(set(payload.audience.levels) - set(Level.values))
    if unknown_levels:
        raise DjangoValidationError(f"Unknown levels: {', '.join(unknown_levels)}")
    if payload.kind not in Kind.values:
        raise DjangoValidationError(f"Unknown kind: {payload.kind}")
    partners = list(PartnerPerson.objects.filter(pk__in=payload.invited_partner_ids))
    if len(partners) != len(set(payload.invited_partner_ids)):
        raise DjangoValidationError("Unknown partner in invited_partner_ids")
    levels = set(payload.audience.levels)
    data = services.ActivityData(
        title=payload.title,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        kind=payload.kind,
        purpose=payload.purpose,
        topic=payload.topic,
        mode=payload.mode,
        mechanism=payload.mechanism,
        mechanism_reason=payload.mechanism_reason,
        lead_officer=_one(Officer, payload.lead_officer_id, "lead officer"),
        facilitator=_one(Officer, payload.facilitator_id, "facilitator"),
        external_facilitator=payload.external_facilitator,
        required_teams=_by_slugs(Team, payload.required_teams, "teams"),
        invited_partners=partners,
        venue=_one(Venue, payload.venue_id, "venue"),
        online_link=payload.online_link,
        capacity=payload.capacity,
        outcomes_sought=payload.outcomes_sought,
        questions=payload.questions,
        cost_venue_pence=payload.cost_venue_pence,
        officer_hours=payload.officer_hours,
        cost_other_pence=payload.cost_other_pence,
        ad_hoc_justification=payload.ad_hoc_justification,
        audience_service_types=_by_slugs(
            ServiceType, payload.audience.service_types, "service types"
        ),
        audience_localities=_by_slugs(Locality, payload.audience.localities, "localities"),
        for_owners=Level.OWNER in levels,
        for_managers=Level.MANAGER in levels,
        for_workers=Level.WORKER in levels,
        tier_one_only=payload.audience.tier_one_only,
    )
    errors = services.activity_data_errors(data)
    if errors:
        raise DjangoValidationError(list(errors.values()))
    return data


def _require_planning(request: HttpRequest) -> None:
    require(request.user, Capability.CALENDAR_VIEW)


@router.get("/activities", response={200: list[ActivityOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_activities(
    request: HttpRequest,
    status: str = "",
    starts_from: str = Query("", alias="from", description="First day (YYYY-MM-DD)"),  # type: ignore[type-arg]
    starts_to: str = Query("", alias="to", description="Last day (YYYY-MM-DD)"),  # type: ignore[type-arg]
) -> QuerySet[Activity]:
    """Activities the user may see, soonest first; ``status``, ``from`` and ``to`` narrow them."""
    _require_planning(request)
    first, last = _day(starts_from, "from"), _day(starts_to, "to")
    queryset = selectors.with_details(selectors.activities_for_user(request.user))
    if status:
        queryset = queryset.filter(status=status)
    if first:
        queryset = queryset.filter(starts_at__gte=datetime.combine(first, time.min, LONDON))
    if last:
        queryset = queryset.filter(
            starts_at__lt=datetime.combine(last + timedelta(days=1), time.min, LONDON)
        )
    return queryset.order_by("starts_at", "pk")


@router.post("/activities", response={201: ActivityOut, **COMMON_ERRORS})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    """Create a draft planning record."""
    require(request.user, Capability.ACTIVITY_PROPOSE)
    activity = services.create_activity(actor=request.user, data=_data(payload))  # type: ignore[arg-type]
    return Status(201, selectors.get_activity_for_user(request.user, activity.pk))


@router.get(
    "/activities/{int:activity_id}", response={200: ActivityOut, 404: ErrorOut, **COMMON_ERRORS}
)
def get_activity(request: HttpRequest, activity_id: PathId) -> Activity:
    """One activity."""
    _require_planning(request)
    return selectors.get_activity_for_user(request.user, activity_id)


@router.get(
    "/activities/{int:activity_id}/clashes",
    response={200: list[ClashOut], 404: ErrorOut, **COMMON_ERRORS},
)
def activity_clashes(request: HttpRequest, activity_id: PathId) -> list[ClashOut]:
    """The activity's clashes and warnings, each explained; ``accepted`` for accepted warnings."""
    _require_planning(request)
    activity = selectors.get_activity_for_user(request.user, activity_id)
    report = selectors.report_for(activity)
    accepted = set(report.accepted)
    return [_clash_out(c, accepted) for c in [*report.clashes, *report.warnings]]


@router.post("/activities/check", response={200: CheckOut, **COMMON_ERRORS})
def check_activity(request: HttpRequest, payload: ActivityIn) -> CheckOut:
    """Clashes and reach of a proposed activity (the create schema), without saving it."""
    require(request.user, Capability.ACTIVITY_PROPOSE)
    data = _data(payload)
    clashes = selectors.clashes_for_slot(
        data.slot(),
        notice=datetime.now(tz=LONDON).date(),
        teams=data.required_teams,
    )
    found = reach(data.audience())
    return CheckOut(
        clashes=[_clash_out(c) for c in clashes],
        reach=ReachOut(
            providers=found.providers,
            services=found.services,
            contacts=found.contacts,
            emailable=found.emailable,
        ),
    )


@router.get("/calendar", response={200: list[CalendarItemOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def calendar(
    request: HttpRequest,
    starts_from: str = Query("", alias="from", description="First day; default today"),  # type: ignore[type-arg]
    starts_to: str = Query("", alias="to", description="Last day; default 90 days on"),  # type: ignore[type-arg]
    locality: str = "",
    service_type: str = "",
    level: str = "",
) -> Any:
    """Activities between ``from`` and ``to`` (default: the next 90 days) for a segment.

    Council staff see every activity they may see; a provider user sees only the published
    events meant for them.
    """
    start = _day(starts_from, "from") or datetime.now(tz=LONDON).date()
    end = _day(starts_to, "to") or start + timedelta(days=90)
    if end < start or (end - start).days > MAX_CALENDAR_DAYS:
        raise DjangoValidationError(
            f"'to' must be on or after 'from' and at most {MAX_CALENDAR_DAYS} days later."
        )
    low = datetime.combine(start, time.min, LONDON)
    high = datetime.combine(end + timedelta(days=1), time.min, LONDON)
    if has_capability(request.user, Capability.PORTAL_USE):
        contact = selectors.contact_of(request.user)
        if contact is None:
            return []
        segment = Audience(
            service_types=frozenset({service_type}) if service_type else frozenset(),
            levels=frozenset({level}) if level else frozenset(),
            localities=frozenset({locality}) if locality else frozenset(),
        )
        return [
            a
            for a in selectors.events_for_contact(contact, upcoming_only=False)
            if a.starts_at < high and a.ends_at > low and a.audience().overlaps(segment)
        ]
    if not has_capability(request.user, Capability.CALENDAR_VIEW):
        raise PermissionDenied("Your role cannot see the coordinated calendar.")
    filters = selectors.CalendarFilters(
        locality=locality, service_type=service_type, level=level if level in Level.values else ""
    )
    queryset = selectors.filter_activities(selectors.activities_for_user(request.user), filters)
    return selectors.activities_between(queryset, low, high).select_related("venue")
