"""What held events cost and what providers made of them: cost per provider attendee beside
mean usefulness, event by event and month by month (the "fewer but better" evidence).

Costs are what each activity cost in the end where that was recorded, else its planning
record's estimate (venue, officer hours at the rate, other costs); attendees are the provider contacts recorded as having come. A
cost per head counts only the events whose attendance was taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.utils import timezone

from engage.engagement.clashes import LONDON
from engage.engagement.models import HELD_STATUSES, Activity
from engage.feedback.selectors import count_who_came, mean_usefulness

#: The periods a reader can choose, in months back from today.
PERIODS = (3, 6, 12, 24)
DEFAULT_PERIOD = 12


def period_start(months: int, today: date | None = None) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s (12: the last
    twelve calendar months including this one)."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def held_events_with_costs(since: date, kind: str = "") -> QuerySet[Activity]:
    """Held activities (evaluated and closed ones too) from ``since`` on, each annotated with ``cost_pence`` (the actual cost
    once recorded, else the estimate; ``cost_is_actual`` says which), ``attended``
    (provider contacts who came), ``cost_per_attendee_pence`` (None when nobody came) and
    ``usefulness`` (mean of the evaluations' headline score, None when unanswered)."""
    start = datetime.combine(since, time.min, tzinfo=LONDON)

    def officer_cost(hours: str) -> Any:
        return Round(
            ExpressionWrapper(
                F(hours) * F("officer_hourly_rate_pence"),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        )

    estimate = F("cost_venue_pence") + F("cost_other_pence") + officer_cost("officer_hours")
    actual = (
        Coalesce(F("actual_venue_pence"), 0)
        + Coalesce(F("actual_other_pence"), 0)
        + Coalesce(officer_cost("actual_officer_hours"), 0, output_field=DecimalField())
    )
    events = Activity.objects.filter(status__in=HELD_STATUSES, starts_at__gte=start)
    if kind:
        events = events.filter(kind=kind)
    return events.annotate(
        cost_is_actual=ExpressionWrapper(
            Q(actual_costs_recorded_at__isnull=False), output_field=BooleanField()
        ),
        cost_pence=Cast(
            Case(When(actual_costs_recorded_at__isnull=False, then=actual), default=estimate),
            output_field=IntegerField(),
        ),
        attended=count_who_came(OuterRef("pk")),
        cost_per_attendee_pence=Cast(F("cost_pence"), FloatField()) / NullIf(F("attended"), 0),
        usefulness=mean_usefulness(OuterRef("pk")),
    )


def _per_head(cost_pence: int, heads: int) -> int | None:
    return round(cost_pence / heads) if heads else None


@dataclass(frozen=True)
class MonthFigures:
    month: date
    events: int
    cost_pence: int
    attended: int
    usefulness: float | None
    #: The cost of the events whose attendance was taken: the numerator of the cost per head.
    cost_with_attendance_pence: int = 0

    @property
    def cost_per_attendee_pence(self) -> int | None:
        return _per_head(self.cost_with_attendance_pence, self.attended)


@dataclass(frozen=True)
class CostSummary:
    events: int
    cost_pence: int
    attended: int
    #: Mean usefulness over the events that were evaluated (each event counts once).
    usefulness: float | None
    by_month: list[MonthFigures]
    #: The events whose attendance was taken, and their cost: an event with no attendance
    #: recorded says nothing of its cost per head, so it is left out of it.
    events_with_attendance: int = 0
    cost_with_attendance_pence: int = 0

    @property
    def cost_per_attendee_pence(self) -> int | None:
        return _per_head(self.cost_with_attendance_pence, self.attended)

    @property
    def chart(self) -> dict[str, Any]:
        """Cost per attendee by month, in pounds, for Chart.js (the table has the same)."""
        return {
            "labels": [f"{m.month:%b %Y}" for m in self.by_month],
            "values": [
                round(m.cost_per_attendee_pence / 100, 2)
                if m.cost_per_attendee_pence is not None
                else None
                for m in self.by_month
            ],
            "label": "Cost per attendee (£)",
        }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def cost_summary(events: QuerySet[Activity], since: date, today: date | None = None) -> CostSummary:
    """Totals and month-by-month figures of ``events`` (from `held_events_with_costs`), with
    a row for every month from ``since`` to ``today``'s, empty months included."""
    today = today or timezone.localdate()
    months: dict[date, list[tuple[int, int, float | None]]] = defaultdict(list)
    rows = events.order_by().values_list(  # type: ignore[misc]  # annotations mypy cannot see
        "starts_at", "cost_pence", "attended", "usefulness"
    )
    for starts_at, cost, attended, useful in rows:
        day = starts_at.astimezone(LONDON).date()
        months[day.replace(day=1)].append((cost or 0, attended or 0, useful))
    by_month = []
    month = since.replace(day=1)
    while month <= today:
        entries = months.get(month, [])
        by_month.append(
            MonthFigures(
                month=month,
                events=len(entries),
                cost_pence=sum(c for c, _, _ in entries),
                attended=sum(a for _, a, _ in entries),
                usefulness=_mean([u for _, _, u in entries if u is not None]),
                cost_with_attendance_pence=sum(c for c, a, _ in entries if a),
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)
    everything = [e for entries in months.values() for e in entries]
    return CostSummary(
        events=len(everything),
        cost_pence=sum(c for c, _, _ in everything),
        attended=sum(a for _, a, _ in everything),
        usefulness=_mean([u for _, _, u in everything if u is not None]),
        by_month=by_month,
        events_with_attendance=sum(1 for _, a, _ in everything if a),
        cost_with_attendance_pence=sum(c for c, a, _ in everything if a),
    )
