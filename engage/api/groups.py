"""API of the groups register: the groups, their terms of reference state and latest maturity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, get_type_hints

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from engage.accounts.permissions import Capability, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import COMMON_ERRORS, ErrorOut, PathId, RefOut
from engage.groups import selectors, standards
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    GroupKind,
    GroupStatus,
    Meeting,
    MeetingSession,
    TermsOfReference,
    TermsState,
)

router = Router(tags=["groups"])


class TermsSummaryOut(Schema):
    state: str = Field(description="current, review-overdue or none")
    state_label: str
    version: int | None = Field(description="The approved version, if any")
    approved_on: date | None
    review_due: date | None
    draft_version: int | None = Field(description="A draft in progress, if any")


class MaturitySummaryOut(Schema):
    assessed_on: date
    average: float = Field(description="Mean of the five scores, 1 to 4")


class MeetingsOut(Schema):
    recorded: bool = Field(description="Whether meetings are recorded in Engage (they are)")
    last_12_months: int | None
    next_meeting_on: date | None


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    locality: RefOut | None
    owner: RefOut
    frequency_target: int
    publication_horizon_months: int
    terms_of_reference: TermsSummaryOut
    latest_maturity: MaturitySummaryOut | None
    meetings: MeetingsOut

    @staticmethod
    def resolve_kind_label(obj: EngagementGroup) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_locality(obj: EngagementGroup) -> dict[str, Any] | None:
        return {"id": obj.locality.pk, "name": obj.locality.name} if obj.locality else None

    @staticmethod
    def resolve_owner(obj: EngagementGroup) -> dict[str, Any]:
        return {"id": obj.owner.pk, "name": obj.owner.user.full_name}

    @staticmethod
    def resolve_terms_of_reference(obj: Any) -> dict[str, Any]:
        state = TermsState(obj.terms_state)
        return {
            "state": state.value,
            "state_label": state.label,
            "version": obj.terms_version,
            "approved_on": obj.terms_approved_on,
            "review_due": obj.terms_review_due,
            "draft_version": obj.terms_draft_version,
        }

    @staticmethod
    def resolve_latest_maturity(obj: Any) -> dict[str, Any] | None:
        if obj.latest_maturity_average is None:
            return None
        return {"assessed_on": obj.maturity_assessed_on, "average": obj.latest_maturity_average}

    @staticmethod
    def resolve_meetings(obj: EngagementGroup) -> dict[str, Any]:
        figures = selectors.meeting_figures(obj)
        return {
            "recorded": figures.recorded,
            "last_12_months": figures.last_12_months,
            "next_meeting_on": figures.next_meeting_on,
        }


class AudienceOut(Schema):
    service_types: list[str] = Field(description="Slugs; empty means every service type")
    localities: list[str] = Field(description="Slugs; empty means every locality")
    levels: list[str] = Field(description="owner, manager, worker; empty means every level")
    tier_one_only: bool


class ScoreOut(Schema):
    dimension: str
    label: str
    score: int
    evidence: str


class MaturityOut(Schema):
    assessed_on: date
    assessed_by: str
    average: float
    scores: list[ScoreOut]


class TermsVersionOut(Schema):
    version: int
    title: str
    status: str
    approved_on: date | None
    review_due: date | None


class StandardOut(Schema):
    key: str = Field(
        description="frequency, horizon, teams, partners, notes, evaluation, forward-plan"
    )
    title: str
    outcome: str = Field(description="met, not-met, not-measured or not-applicable")
    outcome_label: str
    reason: str
    details: list[str] = Field(description="Each failing: a meeting and what was missing")


class ComplianceOut(Schema):
    met: int = Field(description="Standards met")
    measured: int = Field(description="Standards that could be measured")
    summary: str
    standards: list[StandardOut]


class GroupDetailOut(GroupOut):
    purpose: str
    chair: str
    established_on: date | None
    association: RefOut | None
    streams: list[RefOut]
    required_teams: list[RefOut]
    invited_partners: list[RefOut]
    audience: AudienceOut
    latest_assessment: MaturityOut | None
    current_terms: TermsVersionOut | None
    compliance: ComplianceOut

    @staticmethod
    def resolve_compliance(obj: EngagementGroup) -> dict[str, Any]:
        compliance = standards.compliance_for([obj])[obj.pk]
        return {
            "met": compliance.met,
            "measured": compliance.measured,
            "summary": compliance.score_label,
            "standards": [
                {
                    "key": r.key,
                    "title": r.title,
                    "outcome": r.outcome.value,
                    "outcome_label": r.outcome.label,
                    "reason": r.reason,
                    "details": list(r.details),
                }
                for r in compliance.results
            ],
        }

    @staticmethod
    def resolve_association(obj: EngagementGroup) -> dict[str, Any] | None:
        association = obj.association
        return {"id": association.pk, "name": association.name} if association else None

    @staticmethod
    def resolve_streams(obj: EngagementGroup) -> list[dict[str, Any]]:
        return _refs(obj.streams.all())

    @staticmethod
    def resolve_required_teams(obj: EngagementGroup) -> list[dict[str, Any]]:
        return _refs(obj.required_teams.all())

    @staticmethod
    def resolve_invited_partners(obj: EngagementGroup) -> list[dict[str, Any]]:
        return _refs(obj.invited_partners.all())

    @staticmethod
    def resolve_audience(obj: EngagementGroup) -> dict[str, Any]:
        audience = obj.audience()
        return {
            "service_types": sorted(audience.service_types),
            "localities": sorted(audience.localities),
            "levels": sorted(audience.levels),
            "tier_one_only": audience.tier_one_only,
        }

    @staticmethod
    def resolve_latest_assessment(obj: EngagementGroup) -> dict[str, Any] | None:
        latest = selectors.maturity_trend(obj).latest
        if latest is None:
            return None
        return {
            "assessed_on": latest.assessed_on,
            "assessed_by": latest.assessed_by.full_name,
            "average": latest.average,
            "scores": [
                {
                    "dimension": d.key.value,
                    "label": d.label,
                    "score": latest.score(d),
                    "evidence": latest.evidence(d),
                }
                for d in DIMENSIONS
            ],
        }

    @staticmethod
    def resolve_current_terms(obj: EngagementGroup) -> TermsOfReference | None:
        return selectors.approved_terms(obj)


def _refs(items: Any) -> list[dict[str, Any]]:
    return [{"id": item.pk, "name": item.name} for item in items]


class GroupFilters(Schema):
    kind: GroupKind | None = Field(None, description="Only groups of this kind")
    locality: str = Field("", description="Only groups of this locality (its slug)")
    status: GroupStatus | None = Field(None, description="Only groups with this status")


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def _typed(view: ViewFunc) -> ViewFunc:
    """Give ``view`` evaluated annotations before ``@paginate`` wraps it.

    ninja resolves a view's string annotations (``from __future__ import annotations``) in the
    module of the function it is given; ``@paginate`` hands it a wrapper from ninja's own
    module, where names of this module (``Query``, the filter schema) do not resolve.
    """
    view.__annotations__ = get_type_hints(view, include_extras=True)
    return view


@router.get("/groups", response={200: list[GroupOut], **COMMON_ERRORS})
@paginate(EngagePagination)
@_typed
def list_groups(request: HttpRequest, filters: Query[GroupFilters]) -> QuerySet[EngagementGroup]:
    """The register of engagement groups, by name, with terms of reference state and maturity."""
    require(request.user, Capability.GROUPS_VIEW)
    return selectors.register(
        kind=filters.kind.value if filters.kind else "",
        locality_slug=filters.locality,
        status=filters.status.value if filters.status else "",
    ).order_by("name", "pk")


@router.get("/groups/{group_id}", response={200: GroupDetailOut, 404: ErrorOut, **COMMON_ERRORS})
def get_group(request: HttpRequest, group_id: PathId) -> EngagementGroup:
    """One group: its details, audience, approved terms of reference and latest assessment."""
    return selectors.get_group_for_user(request.user, group_id)


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    stream: RefOut | None
    service_types: list[str] = Field(description="Slugs; empty means every service type")

    @staticmethod
    def resolve_stream(obj: MeetingSession) -> dict[str, Any] | None:
        stream = obj.stream
        return {"id": stream.pk, "name": stream.name} if stream else None

    @staticmethod
    def resolve_service_types(obj: MeetingSession) -> list[str]:
        return sorted(t.slug for t in obj.audience_service_types.all())


class MeetingOut(Schema):
    id: int
    activity_id: int = Field(description="The meeting's engagement activity")
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    venue: RefOut | None
    attended: int = Field(description="People recorded as attending")
    sessions: list[SessionOut]

    @staticmethod
    def resolve_title(obj: Meeting) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_starts_at(obj: Meeting) -> datetime:
        return obj.activity.starts_at

    @staticmethod
    def resolve_ends_at(obj: Meeting) -> datetime:
        return obj.activity.ends_at

    @staticmethod
    def resolve_status(obj: Meeting) -> str:
        return obj.activity.status

    @staticmethod
    def resolve_venue(obj: Meeting) -> dict[str, Any] | None:
        venue = obj.activity.venue
        return {"id": venue.pk, "name": venue.name} if venue else None

    @staticmethod
    def resolve_attended(obj: Any) -> int:
        return int(obj.attended_count)


@router.get(
    "/groups/{group_id}/meetings",
    response={200: list[MeetingOut], 404: ErrorOut, **COMMON_ERRORS},
)
@paginate(EngagePagination)
@_typed
def list_group_meetings(request: HttpRequest, group_id: PathId) -> QuerySet[Meeting]:
    """A group's meetings, latest first, with their sessions and how many attended."""
    group = selectors.get_group_for_user(request.user, group_id)
    return selectors.meetings_for_api(group)
