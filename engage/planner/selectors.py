"""Reads of the year planner, shaped for its pages and the API (fixed query counts)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from engage.engagement.clashes import LONDON
from engage.engagement.models import Activity
from engage.engagement.selectors import CALENDAR_HOLDING
from engage.groups.models import EngagementGroup, GroupStatus
from engage.planner.models import PlanRun, ProposedMeeting
from engage.planner.services import series_key

#: Calendar days either side of a proposed date for "already in the calendar around it".
AROUND_DAYS = 7


def plannable_groups(start: date, end: date) -> QuerySet[EngagementGroup]:
    """Active groups with ``scheduled``: their meetings on the calendar from ``start`` to ``end``."""
    low = datetime.combine(start, datetime.min.time(), tzinfo=LONDON)
    high = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
    return (
        EngagementGroup.objects.filter(status=GroupStatus.ACTIVE)
        .select_related("owner__user", "locality")
        .annotate(
            scheduled=Count(
                "meetings",
                filter=Q(
                    meetings__activity__status__in=CALENDAR_HOLDING,
                    meetings__activity__starts_at__gte=low,
                    meetings__activity__starts_at__lt=high,
                ),
            )
        )
        .order_by("name")
    )


def recent_runs(limit: int = 10) -> list[PlanRun]:
    return list(
        PlanRun.objects.select_related("created_by")
        .annotate(group_count=Count("groups", distinct=True))
        .order_by("-created_at", "-pk")[:limit]
    )


def get_run(pk: int) -> PlanRun:
    """A run with its groups, pins and proposals (404 when there is none)."""
    run = (
        PlanRun.objects.select_related("created_by", "accepted_by", "rerun_of")
        .prefetch_related(
            Prefetch("groups", queryset=EngagementGroup.objects.order_by("name")),
            "pins",
            Prefetch(
                "proposals",
                queryset=ProposedMeeting.objects.select_related(
                    "group", "venue", "meeting__activity"
                ).order_by("starts_at", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404("No such plan run")
    return run


@dataclass
class Neighbour:
    day: date
    title: str
    status: str
    pk: int


@dataclass
class ProposalView:
    proposal: ProposedMeeting
    around: list[Neighbour] = field(default_factory=list)


@dataclass
class GroupReview:
    group: EngagementGroup
    proposals: list[ProposalView]
    costs: list[dict[str, Any]]
    cost_total: int


@dataclass
class Review:
    groups: list[GroupReview]
    shared_costs: list[dict[str, Any]]
    cost_by_kind: list[tuple[str, int, int]]


COST_LABELS = {
    "spacing": "Uneven spacing",
    "audience_warning": "Same providers within a few working days",
    "school_holiday": "In a school holiday",
    "monday_friday": "On a Monday or a Friday",
    "busy_week": "Too many events in one week",
}


def review(run: PlanRun) -> Review:
    """The run's proposals per group, what is on the calendar around each, costs in words.

    One query for the calendar, whatever the number of proposals (the run must come from
    `get_run`).
    """
    proposals = list(run.proposals.all())
    own = [p.meeting.activity_id for p in proposals if p.meeting is not None]
    low = datetime.combine(run.start - timedelta(days=AROUND_DAYS), datetime.min.time(), LONDON)
    high = datetime.combine(run.end + timedelta(days=AROUND_DAYS + 1), datetime.min.time(), LONDON)
    calendar = [
        Neighbour(starts.astimezone(LONDON).date(), title, status, pk)
        for pk, title, starts, status in Activity.objects.filter(
            status__in=CALENDAR_HOLDING, starts_at__gte=low, starts_at__lt=high
        )
        .exclude(pk__in=own)
        .order_by("starts_at", "pk")
        .values_list("pk", "title", "starts_at", "status")
    ]
    days = [n.day for n in calendar]
    by_group: dict[int, list[ProposalView]] = {}
    for proposal in proposals:
        day = proposal.starts_at.astimezone(LONDON).date()
        first = bisect_left(days, day - timedelta(days=AROUND_DAYS))
        last = bisect_right(days, day + timedelta(days=AROUND_DAYS))
        by_group.setdefault(proposal.group_id, []).append(
            ProposalView(proposal, calendar[first:last])
        )
    groups = []
    shared = []
    per_series: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, tuple[int, int]] = {}
    for cost in run.costs:
        count, amount = totals.get(cost["kind"], (0, 0))
        totals[cost["kind"]] = (count + 1, amount + int(cost["amount"]))
        keys = cost.get("series_keys") or []
        if len(keys) == 1:
            per_series.setdefault(keys[0], []).append(cost)
        else:
            shared.append(cost)
    for group in run.groups.all():
        costs = per_series.get(series_key(group.pk), [])
        groups.append(
            GroupReview(
                group=group,
                proposals=sorted(by_group.get(group.pk, []), key=lambda v: v.proposal.index),
                costs=costs,
                cost_total=sum(int(c["amount"]) for c in costs),
            )
        )
    return Review(
        groups=groups,
        shared_costs=shared,
        cost_by_kind=[
            (COST_LABELS.get(kind, kind), count, amount)
            for kind, (count, amount) in sorted(totals.items())
        ],
    )


def progress_of(run: PlanRun, now: datetime) -> int:
    """Per cent done: stored stages, and while solving the share of the time limit used."""
    if run.status != PlanRun.Status.RUNNING or run.started_at is None or run.progress < 15:
        return run.progress
    used = (now - run.started_at).total_seconds() / max(1, run.time_limit_seconds)
    return max(run.progress, min(95, 15 + int(80 * used)))
