"""API of the council side: who am I, teams, officers."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel

from engage.accounts.models import User
from engage.accounts.permissions import Capability, capabilities_of, require
from engage.api.pagination import EngagePagination, PageRows
from engage.api.schemas import COMMON_ERRORS
from engage.council import selectors
from engage.council.models import Team

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


# A plain pydantic model, not a ninja ``Schema``: the list gives it dictionaries with exactly
# these keys (``_officer_items``), which pydantic checks without a Python call per field of
# each row. (No docstring: it would become the model's description in the OpenAPI document.)
class OfficerOut(BaseModel):
    id: int
    name: str
    email: str
    role: str
    team: str
    job_title: str
    locality: str | None


def _officer_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of ``selectors.officer_rows`` as ``OfficerOut`` names its fields."""
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "email": row["email"],
            "role": row["role"],
            "team": row["team_name"],
            "job_title": row["job_title"],
            "locality": row["locality_name"],
        }
        for row in rows
    ]


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
def list_officers(request: HttpRequest, q: str = "", team: str = "") -> PageRows:
    """Active officers; ``q`` searches name, email and job title, ``team`` is a team slug."""
    require(request.user, Capability.COUNCIL_VIEW)
    team_obj = Team.objects.filter(slug=team).first() if team else None
    queryset = selectors.officers(search=q, team=team_obj)
    if team and team_obj is None:
        queryset = queryset.none()
    return PageRows(
        selectors.officer_rows(queryset.order_by("user__full_name", "pk")), _officer_items
    )
