"""API of the year planner: start a run, read its status, progress and proposals (the PEM)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from engage.accounts.permissions import Capability, require
from engage.api.schemas import COMMON_ERRORS, DbId, ErrorOut, InputSchema, PathId, RefOut
from engage.groups.models import EngagementGroup, GroupStatus
from engage.planner import selectors, services
from engage.planner.models import PlanRun

router = Router(tags=["planner"])


class PinIn(InputSchema):
    group_id: DbId
    index: int = Field(ge=0, le=52, description="0-based: 0 is the group's first new meeting")
    day: date


class PlanRunIn(InputSchema):
    group_ids: list[DbId] = Field(min_length=1, max_length=500)
    start: date = Field(description="First day of the plan: after today, within a year")
    months: int = Field(12, ge=1, le=24)
    pins: list[PinIn] = Field(default_factory=list, max_length=500)


class CostOut(Schema):
    kind: str
    amount: int
    description: str
    series_keys: list[str]


class ProposalOut(Schema):
    group: RefOut
    index: int = Field(description="0-based position among the group's new meetings")
    starts_at: datetime
    ends_at: datetime
    venue: RefOut | None
    pinned: bool
    activity_id: int | None = Field(description="The published activity, once accepted")


class PlanRunOut(Schema):
    id: int
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="Per cent done")
    stage: str
    start: date
    end: date
    months: int
    groups: list[RefOut]
    solver_status: str = Field(description="optimal, feasible, infeasible, unknown or empty")
    objective: int | None
    best_bound: int | None
    gap: float | None
    seconds: float | None
    costs: list[CostOut]
    conflicts: list[str] = Field(description="Why there is no plan, in words")
    error: str
    accepted_at: datetime | None
    proposals: list[ProposalOut]


def _out(run: PlanRun) -> PlanRunOut:
    return PlanRunOut(
        id=run.pk,
        status=run.status,
        progress=selectors.progress_of(run, timezone.now()),
        stage=run.stage,
        start=run.start,
        end=run.end,
        months=run.horizon_months,
        groups=[RefOut(id=g.pk, name=g.name) for g in run.groups.all()],
        solver_status=run.solver_status,
        objective=run.objective,
        best_bound=run.best_bound,
        gap=run.gap,
        seconds=run.seconds,
        costs=[CostOut(**c) for c in run.costs],
        conflicts=list(run.conflicts),
        error=run.error,
        accepted_at=run.accepted_at,
        proposals=[
            ProposalOut(
                group=RefOut(id=p.group_id, name=p.group.name),
                index=p.index,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                venue=RefOut(id=p.venue.pk, name=p.venue.name) if p.venue else None,
                pinned=p.pinned,
                activity_id=p.meeting.activity_id if p.meeting else None,
            )
            for p in run.proposals.all()
        ],
    )


@router.post("/planner/runs", response={201: PlanRunOut, **COMMON_ERRORS})
def create_run(request: HttpRequest, payload: PlanRunIn) -> Status[PlanRunOut]:
    """Plan the chosen groups from ``start`` (the PEM). Without a task broker the run
    finishes before the answer; otherwise poll ``GET /planner/runs/{id}``."""
    require(request.user, Capability.PLANNER_USE)
    wanted = set(payload.group_ids)
    groups = list(EngagementGroup.objects.filter(pk__in=wanted, status=GroupStatus.ACTIVE))
    missing = wanted - {g.pk for g in groups}
    if missing:
        raise HttpError(400, f"No active group with id {', '.join(map(str, sorted(missing)))}.")
    today = timezone.localdate()
    if not today < payload.start or (payload.start - today).days > 366:
        raise HttpError(400, "The first day of the plan must be after today and within a year.")
    run = services.start_plan_run(
        actor=request.user,  # type: ignore[arg-type]
        groups=groups,
        start=payload.start,
        months=payload.months,
        pins=[(p.group_id, p.index, p.day) for p in payload.pins],
    )
    return Status(201, _out(selectors.get_run(run.pk)))


@router.get(
    "/planner/runs/{int:run_id}", response={200: PlanRunOut, 404: ErrorOut, **COMMON_ERRORS}
)
def get_run(request: HttpRequest, run_id: PathId) -> PlanRunOut:
    """A run's status, progress, solver verdict, costs in words and proposed meetings."""
    require(request.user, Capability.PLANNER_USE)
    return _out(selectors.get_run(run_id))
