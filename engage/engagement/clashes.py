"""Clash detection for the coordinated calendar: pure functions, no database.

Plain dataclasses in (``Slot``: an activity's time, kind, audience and must-attend teams),
a list of ``Clash`` out, each explained in words. The rules:

(a) overlapping audience on the same day — a clash;
(b) overlapping audience within ``Rules.warning_working_days`` working days — a warning;
(c) a team that must attend committed to more activities at one moment than its capacity
    (``Names.team_capacity``: how many activities it can attend at once, 1 unless given) — a
    clash with each other activity that is part of the excess;
(d) a bank holiday in England or a weekend — a warning;
(e) notice shorter than ``Rules.min_notice_weeks`` (forum meetings: ``forum_notice_months``)
    — a warning.

(a)–(c) compare gatherings (events, workshops, meetings: see ``modes.GATHERING_KINDS``) and are
symmetric: (a) and (b) pair by pair, (c) over all the activities overlapping in time, since with
a capacity of 2 a third overlapping activity is what breaks it; (d) and (e) look at one
activity. ``engage.engagement.selectors`` loads the
candidates from the database; the groups app and the year planner reuse this module as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from engage.core.working_days import bank_holiday_name, working_days_between
from engage.engagement.modes import Kind, is_gathering
from engage.market.audience import Audience
from engage.market.models import Level

LONDON = ZoneInfo("Europe/London")


class ClashKind(models.TextChoices):
    SAME_DAY = "same-day", "Same audience on the same day"
    NEARBY = "nearby", "Same audience within a few working days"
    TEAM = "team", "A team that must attend is already committed"
    DAY_OFF = "day-off", "Bank holiday or weekend"
    NOTICE = "notice", "Short notice"


class Severity(models.TextChoices):
    CLASH = "clash", "Clash"
    WARNING = "warning", "Warning"


@dataclass(frozen=True)
class Rules:
    """The thresholds a council sets (from settings: see ``selectors.clash_rules``)."""

    warning_working_days: int = 3
    min_notice_weeks: int = 6
    forum_notice_months: int = 12


@dataclass(frozen=True)
class Names:
    """What the rules know of the things slots refer to: display names of service-type and
    locality slugs and of team ids, and each team's capacity (activities it can attend at
    once; a team not listed has 1)."""

    service_types: Mapping[str, str] = field(default_factory=dict)
    localities: Mapping[str, str] = field(default_factory=dict)
    teams: Mapping[int, str] = field(default_factory=dict)
    team_capacity: Mapping[int, int] = field(default_factory=dict)

    def capacity_of(self, team_id: int) -> int:
        return self.team_capacity.get(team_id, 1)


@dataclass(frozen=True)
class Slot:
    """What the clash rules need to know about one activity (saved or proposed)."""

    id: int | None
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    audience: Audience
    team_ids: frozenset[int] = frozenset()

    # Cached: the calendar compares every slot with dozens of others (a frozen dataclass
    # keeps its fields fixed, so the days never go stale).
    @cached_property
    def first_day(self) -> date:
        return local_day(self.starts_at)

    @cached_property
    def last_day(self) -> date:
        # An activity ending at midnight does not occupy the next day.
        return local_day(self.ends_at - timedelta(microseconds=1))

    @cached_property
    def days(self) -> list[date]:
        first, last = self.first_day, max(self.first_day, self.last_day)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Clash:
    kind: ClashKind
    severity: Severity
    message: str
    other_activity_id: int | None = None
    day: date | None = None

    @property
    def key(self) -> str:
        """Stable identity of this clash for one activity (used to record an accepted warning)."""
        subject = self.other_activity_id if self.other_activity_id is not None else self.day
        return f"{self.kind}:{subject}"

    @property
    def is_warning(self) -> bool:
        return self.severity == Severity.WARNING


def local_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def working_gap(start: date, end: date) -> int:
    """``working_days_between``, remembered: the calendar asks for the same pairs of days on
    every request. The council's closure days are part of the key, so a change to them is
    never answered from an old count (bank holidays are fixed for a given date)."""
    return _working_gap(start, end, tuple(getattr(settings, "ENGAGE_CLOSURE_DATES", ())))


@lru_cache(maxsize=8192)
def _working_gap(start: date, end: date, closures: tuple[str, ...]) -> int:
    return working_days_between(start, end)


def format_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def format_time_range(slot: Slot) -> str:
    start, end = slot.starts_at.astimezone(LONDON), slot.ends_at.astimezone(LONDON)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M} on {format_day(start.date())}"
    return f"{start:%H:%M} on {format_day(start.date())} to {end:%H:%M} on {format_day(end.date())}"


_LEVEL_ORDER = [str(level) for level in Level]
_LEVEL_NAMES = {str(level): str(level.label) for level in Level}


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe_audience(audience: Audience, names: Names | None = None) -> str:
    """``Audience`` in words: "care managers of residential care in North Essex"."""
    names = names or Names()
    levels = [
        _LEVEL_NAMES[level].lower() for level in _LEVEL_ORDER if level in audience.levels
    ] or ["people at every level"]
    types = sorted(names.service_types.get(s, s).lower() for s in audience.service_types)
    localities = sorted(names.localities.get(s, s) for s in audience.localities)
    text = _join(levels)
    text += f" of {_join(types)}" if types else " of every service type"
    text += f" in {_join(localities)}" if localities else " in every locality"
    if audience.tier_one_only:
        text += " (Tier One providers only)"
    return text


def _quote(title: str) -> str:
    return f"“{title}”"


def _overlap(slot: Slot, other: Slot) -> bool:
    return slot.starts_at < other.ends_at and other.starts_at < slot.ends_at


def audience_clashes(
    slot: Slot, other: Slot, rules: Rules, names: Names | None = None
) -> list[Clash]:
    """Rules (a) and (b) between two activities, seen from ``slot``."""
    names = names or Names()
    if not (is_gathering(slot.kind) and is_gathering(other.kind)):
        return []
    if not slot.audience.overlaps(other.audience):
        return []
    shared = describe_audience(slot.audience.shared_with(other.audience), names)
    common = sorted(set(slot.days) & set(other.days))
    if common:
        return [
            Clash(
                ClashKind.SAME_DAY,
                Severity.CLASH,
                f"Same day, shared audience: {_quote(other.title)} on "
                f"{format_day(common[0])} is also for {shared}.",
                other.id,
                common[0],
            )
        ]
    if slot.last_day < other.first_day:
        gap = working_gap(slot.last_day, other.first_day)
    else:
        gap = working_gap(other.last_day, slot.first_day)
    if gap > rules.warning_working_days:
        return []
    plural = "day" if gap == 1 else "days"
    return [
        Clash(
            ClashKind.NEARBY,
            Severity.WARNING,
            f"{gap} working {plural} apart: {_quote(other.title)} on "
            f"{format_day(other.first_day)} is also for {shared}; providers may not come to both.",
            other.id,
            other.first_day,
        )
    ]


def peak_commitments(slot: Slot, others: Iterable[Slot]) -> list[tuple[datetime, list[Slot]]]:
    """The moments within ``slot`` at which the set of ``others`` running changes, each with
    the others running from then (only moments where at least one is running).

    ``others`` are the activities that overlap ``slot`` in time; at each returned moment the
    team is committed to ``1 + len(running)`` activities at once. Intervals are half-open, so
    one activity ending at 12:00 and another starting at 12:00 do not overlap.
    """
    clipped = [
        (max(slot.starts_at, o.starts_at), min(slot.ends_at, o.ends_at), o)
        for o in others
        if _overlap(slot, o)
    ]
    moments = sorted({begin for begin, _, _ in clipped} | {end for _, end, _ in clipped})
    found = []
    for moment in moments:
        running = [o for begin, end, o in clipped if begin <= moment < end]
        if running:
            found.append((moment, running))
    return found


def _team_message(
    slot: Slot, team_id: int, capacity: int, running: list[Slot], names: Names
) -> str:
    team = f"The {names.teams.get(team_id, f'team {team_id}')} team"
    if capacity == 0:
        return f"{team} can attend no activities (its capacity is 0), and it must attend this."
    capacity_text = "one activity" if capacity == 1 else f"{capacity} activities"
    listed = [f"{_quote(o.title)} ({format_time_range(o)})" for o in running]
    if len(running) == 1:
        return (
            f"{team} must attend both this and {listed[0]}, and the times overlap; the team "
            f"can attend {capacity_text} at a time."
        )
    return (
        f"{team} must attend this, {_join(listed)} at overlapping times: "
        f"{len(running) + 1} at once, and the team can attend {capacity_text} at a time."
    )


def team_clashes(
    slot: Slot, others: Iterable[Slot], names: Names | None = None, *, alone: bool = True
) -> list[Clash]:
    """Rule (c) for ``slot`` against ``others`` (itself skipped): for each team it must attend,
    the most activities needing the team at any one moment of ``slot`` (it included) against
    the team's capacity.

    One clash per other activity that runs at a moment when the team is over its capacity
    (naming each team, its capacity and the activities at once), so each links to the other
    activity; a team of capacity 0 gives one clash of its own (``alone=False`` leaves it out).
    Capacity 1 is the pairwise rule: any two overlapping activities needing the team clash.
    """
    names = names or Names()
    if not is_gathering(slot.kind) or not slot.team_ids:
        return []
    candidates = [
        o
        for o in others
        if is_gathering(o.kind)
        and o.team_ids & slot.team_ids
        and not (slot.id is not None and o.id == slot.id)
        and _overlap(slot, o)
    ]
    per_other: dict[int, list[str]] = {}
    by_key: dict[int, Slot] = {}
    found: list[Clash] = []
    for team_id in sorted(slot.team_ids, key=lambda t: names.teams.get(t, f"team {t}")):
        capacity = names.capacity_of(team_id)
        if capacity == 0:
            if not alone:
                continue
            found.append(
                Clash(
                    ClashKind.TEAM,
                    Severity.CLASH,
                    _team_message(slot, team_id, 0, [], names),
                    None,
                    slot.first_day,
                )
            )
            continue
        needing = [o for o in candidates if team_id in o.team_ids]
        worst: dict[int, list[Slot]] = {}
        for _, running in peak_commitments(slot, needing):
            if len(running) + 1 <= capacity:
                continue
            for other in running:
                if len(running) > len(worst.get(id(other), [])):
                    worst[id(other)] = running
                    by_key[id(other)] = other
        for key, running in worst.items():
            others_in_order = sorted(running, key=lambda o: (o.starts_at, o.title))
            per_other.setdefault(key, []).append(
                _team_message(slot, team_id, capacity, others_in_order, names)
            )
    for key, messages in per_other.items():
        other = by_key[key]
        found.append(
            Clash(ClashKind.TEAM, Severity.CLASH, " ".join(messages), other.id, other.first_day)
        )
    return found


def pair_clashes(slot: Slot, other: Slot, rules: Rules, names: Names | None = None) -> list[Clash]:
    """Rules (a)–(c) between two activities alone, seen from ``slot``. Symmetric in kind and
    severity. (Rule (c) over a whole calendar needs every overlapping activity at once: see
    ``team_clashes``.)"""
    return [
        *audience_clashes(slot, other, rules, names),
        *team_clashes(slot, [other], names, alone=False),
    ]


def day_clashes(slot: Slot) -> list[Clash]:
    """Rule (d): every day of the activity that is a bank holiday in England or a weekend."""
    found = []
    for day in slot.days:
        holiday = bank_holiday_name(day)
        if holiday:
            reason = f"{format_day(day)} is a bank holiday ({holiday})."
        elif day.weekday() >= 5:
            reason = f"{format_day(day)} is a weekend."
        else:
            continue
        found.append(Clash(ClashKind.DAY_OFF, Severity.WARNING, reason, None, day))
    return found


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(f"Cannot add {months} months to {day}")  # pragma: no cover


def notice_clashes(slot: Slot, notice_from: date, rules: Rules) -> list[Clash]:
    """Rule (e): less notice than the minimum, counted from ``notice_from`` (when providers
    learn of it: its publication, or today while it is not yet published)."""
    if not is_gathering(slot.kind):
        return []
    start = slot.first_day
    if slot.kind == Kind.FORUM_MEETING and rules.forum_notice_months:
        due = _add_months(notice_from, rules.forum_notice_months)
        if start < due:
            months = (start.year - notice_from.year) * 12 + start.month - notice_from.month
            months = max(months - (1 if start.day < notice_from.day else 0), 0)
            ahead = f"{months} month{'s' if months != 1 else ''}"
            return [
                Clash(
                    ClashKind.NOTICE,
                    Severity.WARNING,
                    f"Forum dates are due {rules.forum_notice_months} months ahead; this one is "
                    f"set only {ahead} ahead.",
                    None,
                    start,
                )
            ]
        return []
    minimum = timedelta(weeks=rules.min_notice_weeks)
    notice = start - notice_from
    if notice < minimum:
        days = max(notice.days, 0)
        weeks, rest = divmod(days, 7)
        given = f"{weeks} week{'s' if weeks != 1 else ''}" + (
            f" and {rest} day{'s' if rest != 1 else ''}" if rest else ""
        )
        return [
            Clash(
                ClashKind.NOTICE,
                Severity.WARNING,
                f"Only {given} of notice; the minimum is {rules.min_notice_weeks} weeks.",
                None,
                start,
            )
        ]
    return []


_SEVERITY_ORDER = {Severity.CLASH: 0, Severity.WARNING: 1}


def find_clashes(
    slot: Slot,
    others: Iterable[Slot],
    *,
    rules: Rules,
    notice_from: date | None,
    names: Names | None = None,
) -> list[Clash]:
    """Every clash and warning for ``slot`` against ``others`` (itself skipped), clashes first.

    ``notice_from=None`` skips the notice rule (for activities already held).
    """
    found: list[Clash] = []
    others = list(others)
    for other in others:
        if slot.id is not None and other.id == slot.id:
            continue
        found.extend(audience_clashes(slot, other, rules, names))
    found.extend(team_clashes(slot, others, names))
    found.extend(day_clashes(slot))
    if notice_from is not None:
        found.extend(notice_clashes(slot, notice_from, rules))
    found.sort(key=lambda c: (_SEVERITY_ORDER[c.severity], c.day or date.min, c.key))
    return found
