"""API of the groups register: the groups, their terms of reference state and latest maturity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, get_type_hints

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from engage.accounts.permissions import Capability, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import COMMON_ERRORS, ErrorOut, RefOut
from engage.groups import selectors
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    GroupKind,
    GroupStatus,
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
    recorded: bool = Field(description="False until meetings are recorded in Engage")
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
def get_group(request: HttpRequest, group_id: int) -> EngagementGroup:
    """One group: its details, audience, approved terms of reference and latest assessment."""
    return selectors.get_group_for_user(request.user, group_id)
