"""Demo planning data: team capacities, a few leave ranges and Essex-like school holidays.

The school holidays of 2026–27 are invented but plausible for an English county (the real
dates are set by each local authority); a council enters its own on the planning data page.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from engage.core.demo import DemoContext
from engage.council.models import Team
from engage.planner.models import PlannerSettings, SchoolHoliday, TeamLeave

#: How many activities each team can attend at once (``Team.officers_out_at_once``): the
#: larger teams send different officers to two meetings at the same time. The calendar's clash
#: rule reads the same field, so the planner's plans with these capacities are accepted.
CAPACITIES = {
    "commissioning": 2,
    "quality-improvement": 2,
    "contracts": 1,
    "safeguarding": 1,
    "service-placement": 1,
    "adult-operations": 2,
    "provider-engagement": 1,
}

SCHOOL_HOLIDAYS = (
    ("Christmas holiday 2026", date(2026, 12, 21), date(2027, 1, 1)),
    ("February half term 2027", date(2027, 2, 15), date(2027, 2, 19)),
    ("Easter holiday 2027", date(2027, 3, 29), date(2027, 4, 9)),
    ("May half term 2027", date(2027, 5, 31), date(2027, 6, 4)),
    ("Summer holiday 2027", date(2027, 7, 22), date(2027, 9, 1)),
    ("October half term 2027", date(2027, 10, 25), date(2027, 10, 29)),
    ("Christmas holiday 2027", date(2027, 12, 20), date(2027, 12, 31)),
    ("February half term 2028", date(2028, 2, 14), date(2028, 2, 18)),
)


def seed(ctx: DemoContext) -> None:
    """Capacities, school holidays and three leave ranges relative to today."""
    PlannerSettings.objects.get_or_create(pk=1)
    teams = {t.slug: t for t in Team.objects.all()}
    for slug, capacity in CAPACITIES.items():
        if slug in teams:
            Team.objects.filter(pk=teams[slug].pk).update(officers_out_at_once=capacity)
    for name, first, last in SCHOOL_HOLIDAYS:
        SchoolHoliday.objects.get_or_create(name=name, first_day=first, last_day=last)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    leave = (
        ("contracts", 10, 4, "Contract re-tender evaluation week"),
        ("quality-improvement", 22, 4, "Team training week"),
        ("commissioning", 30, 2, "Market position statement away days"),
    )
    for slug, weeks, days, reason in leave:
        if slug in teams:
            first = monday + timedelta(weeks=weeks)
            TeamLeave.objects.get_or_create(
                team=teams[slug],
                first_day=first,
                last_day=first + timedelta(days=days),
                defaults={"reason": reason},
            )
