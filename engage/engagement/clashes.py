"""Clash detection for the coordinated calendar: pure functions, no database.

Plain dataclasses in (``Slot``: an activity's time, kind, audience and must-attend teams),
a list of ``Clash`` out, each explained in words. The rules:

(a) overlapping audience on the same day — a clash;
(b) overlapping audience within ``Rules.warning_working_days`` working days — a warning;
(c) a team that must attend already committed to another activity at an overlapping time —
    a clash;
(d) a bank holiday in England or a weekend — a warning;
(e) notice shorter than ``Rules.min_notice_weeks`` (forum meetings: ``forum_notice_months``)
    — a warning.

(a)–(c) compare two gatherings (events, workshops, meetings: see ``modes.GATHERING_KINDS``) and
are symmetric; (d) and (e) look at one activity. ``engage.engagement.selectors`` loads the
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
    """Display names for messages: service-type and locality slugs, team ids."""

    service_types: Mapping[str, str] = field(default_factory=dict)
    localities: Mapping[str, str] = field(default_factory=dict)
    teams: Mapping[int, str] = field(default_factory=dict)


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


def pair_clashes(slot: Slot, other: Slot, rules: Rules, names: Names | None = None) -> list[Clash]:
    """Rules (a)–(c) between two activities, seen from ``slot``. Symmetric in kind and severity."""
    names = names or Names()
    if not (is_gathering(slot.kind) and is_gathering(other.kind)):
        return []
    found: list[Clash] = []
    if slot.audience.overlaps(other.audience):
        shared = describe_audience(slot.audience.shared_with(other.audience), names)
        mine, theirs = set(slot.days), set(other.days)
        common = sorted(mine & theirs)
        if common:
            found.append(
                Clash(
                    ClashKind.SAME_DAY,
                    Severity.CLASH,
                    f"Same day, shared audience: {_quote(other.title)} on "
                    f"{format_day(common[0])} is also for {shared}.",
                    other.id,
                    common[0],
                )
            )
        else:
            if slot.last_day < other.first_day:
                gap = working_gap(slot.last_day, other.first_day)
            else:
                gap = working_gap(other.last_day, slot.first_day)
            if gap <= rules.warning_working_days:
                plural = "day" if gap == 1 else "days"
                found.append(
                    Clash(
                        ClashKind.NEARBY,
                        Severity.WARNING,
                        f"{gap} working {plural} apart: {_quote(other.title)} on "
                        f"{format_day(other.first_day)} is also for {shared}; providers may "
                        "not come to both.",
                        other.id,
                        other.first_day,
                    )
                )
    shared_teams = slot.team_ids & other.team_ids
    if shared_teams and slot.starts_at < other.ends_at and other.starts_at < slot.ends_at:
        team_names = sorted(names.teams.get(t, f"team {t}") for t in shared_teams)
        noun = "team must" if len(team_names) == 1 else "teams must"
        found.append(
            Clash(
                ClashKind.TEAM,
                Severity.CLASH,
                f"The {_join(team_names)} {noun} attend both this and {_quote(other.title)} "
                f"({format_time_range(other)}), and the times overlap.",
                other.id,
                other.first_day,
            )
        )
    return found


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
    for other in others:
        if slot.id is not None and other.id == slot.id:
            continue
        found.extend(pair_clashes(slot, other, rules, names))
    found.extend(day_clashes(slot))
    if notice_from is not None:
        found.extend(notice_clashes(slot, notice_from, rules))
    found.sort(key=lambda c: (_SEVERITY_ORDER[c.severity], c.day or date.min, c.key))
    return found
