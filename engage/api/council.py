"""API of the council side: who am I, teams, officers."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from engage.accounts.models import User
from engage.accounts.permissions import Capability, capabilities_of, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import COMMON_ERRORS
from engage.council import selectors
from engage.council.models import Officer, Team

router = Router(tags=["council"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    capabilities: list[str]


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    email: str
    is_active: bool
    officers_out_at_once: int = Field(
        description="How many activities needing the team can overlap in time (its capacity)"
    )


class OfficerOut(Schema):
    id: int
    name: str
    email: str
    role: str
    team: str
    job_title: str
    locality: str | None

    # The list reads rows as dictionaries (``selectors.officer_rows``), not model instances.
    @staticmethod
    def resolve_team(obj: dict[str, Any]) -> str:
        return str(obj["team_name"])

    @staticmethod
    def resolve_locality(obj: dict[str, Any]) -> str | None:
        locality = obj["locality_name"]
        return str(locality) if locality is not None else None


@router.get("/me", response={200: MeOut, **COMMON_ERRORS})
def me(request: HttpRequest) -> MeOut:
    """The signed-in user and what they may do."""
    user = cast(User, request.user)  # authentication guarantees a user
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        capabilities=sorted(c.value for c in capabilities_of(user)),
    )


@router.get("/teams", response={200: list[TeamOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_teams(request: HttpRequest) -> QuerySet[Team]:
    """Council teams, by name."""
    require(request.user, Capability.COUNCIL_VIEW)
    return Team.objects.order_by("name", "pk")


@router.get("/officers", response={200: list[OfficerOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_officers(request: HttpRequest, q: str = "", team: str = "") -> QuerySet[Officer, Any]:
    """Active officers; ``q`` searches name, email and job title, ``team`` is a team slug."""
    require(request.user, Capability.COUNCIL_VIEW)
    team_obj = Team.objects.filter(slug=team).first() if team else None
    queryset = selectors.officers(search=q, team=team_obj)
    if team and team_obj is None:
        queryset = queryset.none()
    return selectors.officer_rows(queryset.order_by("user__full_name", "pk"))
