"""Reads of the enquiries app, shaped for the pages and the API, and scoped to the user.

Every enquiry, message and attachment a page or endpoint touches is fetched through the
``get_*_for_user`` helpers: officers who work on enquiries see them all; a provider user sees
only their own organisation's, never an internal note nor its files; anyone else sees none.
What is not the user's is answered with 404, as if it did not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from engage.accounts.models import Role
from engage.accounts.permissions import Capability, has_capability
from engage.core import data_versions
from engage.core.working_days import local_date
from engage.council.models import Officer, Team
from engage.enquiries.models import (
    OPEN_STATUSES,
    Enquiry,
    EnquiryAttachment,
    EnquiryCategory,
    EnquiryEvent,
    EnquiryMessage,
    Route,
    Status,
)
from engage.enquiries.targets import due_soon_limit, due_soon_q, overdue_q
from engage.market.models import Provider, Service
from engage.portal.access import provider_for


def today_local() -> date:
    """Today in the council's time zone."""
    return local_date(timezone.now())


# --- Scoping ---------------------------------------------------------------------------------


def is_officer_reader(user: Any) -> bool:
    """True for those who work on enquiries (and so see every enquiry and internal note)."""
    return has_capability(user, Capability.ENQUIRIES_WORK)


def enquiries_for_user(user: Any) -> QuerySet[Enquiry]:
    """The enquiries ``user`` may see: all for officers, their organisation's for providers."""
    queryset = Enquiry.objects.all()
    if is_officer_reader(user):
        return queryset
    if has_capability(user, Capability.PORTAL_USE):
        provider = provider_for(user)
        if provider is not None:
            return queryset.filter(provider_id=provider.pk)
    return queryset.none()


def with_list_fields(queryset: QuerySet[Enquiry], today: date | None = None) -> QuerySet[Enquiry]:
    """What every list shows, loaded in the same query: ``next_due`` (the next target date)
    and ``is_overdue`` (on ``today``, default today in the council's time zone)."""
    day = today or today_local()
    return queryset.select_related(
        "provider", "category", "owner__user", "owner__team", "team"
    ).annotate(
        next_due=Case(
            When(first_response_at__isnull=True, then=F("first_response_due")),
            default=F("resolve_due"),
            output_field=DateField(),
        ),
        is_overdue=Case(
            When(overdue_q(day), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def get_enquiry_for_user(user: Any, pk: int) -> Enquiry:
    """The enquiry if ``user`` may see it, else 404."""
    enquiry = with_list_fields(enquiries_for_user(user)).filter(pk=pk).first()
    if enquiry is None:
        raise Http404("No such enquiry")
    return enquiry


def messages_for_user(user: Any, enquiry: Enquiry) -> QuerySet[EnquiryMessage]:
    """The thread as ``user`` may read it (providers never see internal notes), with files."""
    messages = enquiry.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=EnquiryAttachment.objects.order_by("pk"))
    )
    if not is_officer_reader(user):
        messages = messages.exclude(kind=EnquiryMessage.Kind.NOTE)
    return messages.order_by("created_at", "pk")


def get_message_for_user(user: Any, enquiry_pk: int, message_pk: int) -> EnquiryMessage:
    """One message of an enquiry the user may see; an internal note is 404 for providers."""
    enquiry = get_enquiry_for_user(user, enquiry_pk)
    message = messages_for_user(user, enquiry).filter(pk=message_pk).first()
    if message is None:
        raise Http404("No such message")
    return message


def get_attachment_for_user(user: Any, pk: int) -> EnquiryAttachment:
    """A file the user may download: on an enquiry they see, not on a note unless an officer."""
    attachments = EnquiryAttachment.objects.select_related("enquiry", "message").filter(
        enquiry__in=enquiries_for_user(user)
    )
    if not is_officer_reader(user):
        attachments = attachments.exclude(message__kind=EnquiryMessage.Kind.NOTE)
    attachment = attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment


def events_of(enquiry: Enquiry) -> QuerySet[EnquiryEvent]:
    """The history of an enquiry (officers only), oldest first."""
    return enquiry.events.select_related(
        "actor", "from_owner__user", "to_owner__user", "from_team", "to_team"
    ).order_by("at", "pk")


# --- The officer queue -----------------------------------------------------------------------

QUEUE_TABS: tuple[tuple[str, str], ...] = (
    ("mine", "Mine"),
    ("team", "My team's"),
    ("due-soon", "Due soon"),
    ("overdue", "Overdue"),
    ("all", "All"),
)


def _mine_or_team(officer: Officer | None) -> Q:
    if officer is None:
        return Q(pk__in=[])
    return Q(owner_id=officer.pk) | Q(team_id=officer.team_id)


def queue_filter(tab: str, officer: Officer | None, today: date) -> Q:
    """The condition of a queue tab: mine, my team's, due soon or overdue (of mine and my
    team's), or all. Mine and my team's show open enquiries unless a status filter says else."""
    if tab == "mine":
        return Q(owner_id=officer.pk) if officer is not None else Q(pk__in=[])
    if tab == "team":
        return Q(team_id=officer.team_id) if officer is not None else Q(pk__in=[])
    if tab == "due-soon":
        return _mine_or_team(officer) & due_soon_q(today)
    if tab == "overdue":
        return _mine_or_team(officer) & overdue_q(today)
    return Q()


#: The data version (``engage.core.data_versions``) of the cached queue counts: every save or
#: delete of an enquiry bumps it.
QUEUE_COUNTS_DATA = "enquiries"
#: Counts are also keyed by day, so a day's entry is not needed after it.
QUEUE_COUNTS_TIMEOUT = 24 * 60 * 60


def queue_counts(officer: Officer | None, today: date) -> dict[str, int]:
    """How many open enquiries each tab holds.

    One query over open enquiries only (the status index finds them, however many closed
    ones there are), kept in the cache until any enquiry changes: the key holds the version
    that every save or delete of an enquiry renews, the officer and their team, and the day
    with its due-soon limit (which moves with the calendar of working days).
    """
    return data_versions.cached(
        QUEUE_COUNTS_DATA,
        (
            "queue-counts",
            officer.pk if officer is not None else None,
            officer.team_id if officer is not None else None,
            today,
            due_soon_limit(today),
        ),
        lambda: _count_queues(officer, today),
        timeout=QUEUE_COUNTS_TIMEOUT,
    )


def _count_queues(officer: Officer | None, today: date) -> dict[str, int]:
    aggregates = {
        tab.replace("-", "_"): Count("pk", filter=queue_filter(tab, officer, today))
        for tab, _ in QUEUE_TABS
    }
    counts = Enquiry.objects.filter(status__in=OPEN_STATUSES).aggregate(**aggregates)
    found = {tab: counts[tab.replace("-", "_")] or 0 for tab, _ in QUEUE_TABS}
    found["due_soon"] = found["due-soon"]  # for templates, which cannot read "due-soon"
    return found


@dataclass(frozen=True)
class QueueFilters:
    search: str = ""
    status: str = "open"  # "open", "any" or a Status value
    category: EnquiryCategory | None = None
    team: Team | None = None
    provider: Provider | None = None
    target: str = ""  # "", "due-soon" or "overdue"


def queue(
    *, tab: str, officer: Officer | None, filters: QueueFilters, today: date
) -> QuerySet[Enquiry]:
    """The enquiries of a queue tab, filtered; list fields loaded (order them afterwards)."""
    queryset = Enquiry.objects.filter(queue_filter(tab, officer, today))
    if filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(reference__icontains=term)
            | Q(subject__icontains=term)
            | Q(provider__name__icontains=term)
            | Q(contact_name__icontains=term)
        )
    if filters.category is not None:
        queryset = queryset.filter(category=filters.category)
    if filters.team is not None:
        queryset = queryset.filter(team=filters.team)
    if filters.provider is not None:
        queryset = queryset.filter(provider=filters.provider)
    if filters.target == "overdue":
        queryset = queryset.filter(overdue_q(today))
    elif filters.target == "due-soon":
        queryset = queryset.filter(due_soon_q(today))
    return with_list_fields(queryset, today)


#: What the queue page's rows show of each enquiry (``with_list_fields`` annotates the last
#: two), in the order ``enquiries_tags.queue_rows`` reads them.
QUEUE_ROW_FIELDS = (
    "pk",
    "reference",
    "subject",
    "provider__name",
    "category__name",
    "category__is_safeguarding",
    "status",
    "owner_id",
    "owner__user__full_name",
    "team__name",
    "received_at",
    "first_response_at",
    "first_response_due",
    "next_due",
    "is_overdue",
)


# --- Response-time figures for the Provider Engagement Manager -------------------------------


def _median(histogram: Counter[int]) -> float | None:
    """``statistics.median`` of the values counted in ``histogram`` (value -> how many)."""
    size = histogram.total()
    if not size:
        return None
    ordered = sorted(histogram.items())

    def nth(n: int) -> int:  # the n-th smallest value, counting from 0
        seen = 0
        for value, count in ordered:
            seen += count
            if n < seen:
                return value
        raise IndexError(n)

    if size % 2:
        return nth(size // 2)
    return (nth(size // 2 - 1) + nth(size // 2)) / 2


@dataclass
class Figures:
    """Response-time figures of one group of enquiries (a category, a team, or all)."""

    label: str
    received: int = 0
    open: int = 0
    responded: int = 0
    responded_on_time: int = 0
    #: Target passed without a reply: counts as late.
    unanswered_late: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    #: How many enquiries took each number of working days (to the first response, to resolve).
    _response_days: Counter[int] = field(default_factory=Counter, repr=False)
    _resolution_days: Counter[int] = field(default_factory=Counter, repr=False)

    @property
    def first_response_judged(self) -> int:
        return self.responded + self.unanswered_late

    @property
    def on_time_percent(self) -> float | None:
        """Share of first responses on time, of those replied to or past their target."""
        judged = self.first_response_judged
        return round(100 * self.responded_on_time / judged, 1) if judged else None

    @property
    def resolved_on_time_percent(self) -> float | None:
        return round(100 * self.resolved_on_time / self.resolved, 1) if self.resolved else None

    @property
    def median_response_days(self) -> float | None:
        return _median(self._response_days)

    @property
    def median_resolution_days(self) -> float | None:
        return _median(self._resolution_days)

    def add(
        self,
        *,
        status: str,
        first_response_days: int | None,
        first_response_met: bool | None,
        first_response_due: date,
        resolution_days: int | None,
        resolution_met: bool | None,
        today: date,
    ) -> None:
        """Count one enquiry."""
        self.add_tally(
            count=1,
            is_open=status in OPEN_STATUSES,
            first_response_days=first_response_days,
            first_response_met=bool(first_response_met),
            unanswered_late=first_response_days is None and first_response_due < today,
            resolution_days=resolution_days,
            resolution_met=bool(resolution_met),
        )

    def add_tally(
        self,
        *,
        count: int,
        is_open: bool,
        first_response_days: int | None,
        first_response_met: bool,
        unanswered_late: bool,
        resolution_days: int | None,
        resolution_met: bool,
    ) -> None:
        """Count ``count`` enquiries alike in every figure (``first_response_met`` and
        ``unanswered_late`` already say whether the enquiry was answered)."""
        self.received += count
        if is_open:
            self.open += count
        if first_response_days is not None:
            self.responded += count
            self._response_days[first_response_days] += count
            if first_response_met:
                self.responded_on_time += count
        elif unanswered_late:
            self.unanswered_late += count
        if resolution_days is not None:
            self.resolved += count
            self._resolution_days[resolution_days] += count
            if resolution_met:
                self.resolved_on_time += count


@dataclass(frozen=True)
class Overview:
    start: date
    end: date
    total: Figures
    by_category: list[Figures]
    by_team: list[Figures]


def _flag(condition: Q) -> Case:
    """1 where ``condition`` holds, else 0 (an integer: no conversion per row)."""
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


#: The response overview's tallies are keyed by day too: a day's entry is not needed after it.
OVERVIEW_TIMEOUT = 24 * 60 * 60


def response_overview(*, start: date, end: date, today: date | None = None) -> Overview:
    """Figures by category and by team for enquiries received from ``start`` to ``end``.

    Counts, % of first responses on time (of those replied to or already past their target),
    median working days to the first response and to resolution (less days waiting on the
    provider). Three queries whatever the number of enquiries: the names of the categories
    and of the teams, and the figures. The figures are counted by ``_count_responses``, kept
    in the cache under the enquiries' data version (``QUEUE_COUNTS_DATA``: every save or
    delete of an enquiry renews it), the period and ``today`` (which moves the late flags);
    until an enquiry changes, the third query is the version's.
    """
    today = today or today_local()
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    until = datetime.combine(end, datetime.max.time(), tzinfo=tz)
    categories = dict(EnquiryCategory.objects.values_list("pk", "name"))
    teams = dict(Team.objects.values_list("pk", "name"))
    total, by_category, by_team = data_versions.cached(
        QUEUE_COUNTS_DATA,
        ("response-figures", since, until, today),
        lambda: _count_responses(since, until, today),
        timeout=OVERVIEW_TIMEOUT,
    )
    # Named here, not in the cache: categories and teams are not enquiries' data.
    total.label = "All enquiries"
    for pk, figures in by_category.items():
        figures.label = categories.get(pk, "?")
    for pk, figures in by_team.items():
        figures.label = teams.get(pk, "?")
    return Overview(
        start=start,
        end=end,
        total=total,
        by_category=[by_category[pk] for pk in categories if pk in by_category],
        by_team=sorted(by_team.values(), key=lambda f: f.label),
    )


def _count_responses(
    since: datetime, until: datetime, today: date
) -> tuple[Figures, dict[int, Figures], dict[int, Figures]]:
    """The figures of the enquiries received from ``since`` to ``until``: of all, by category
    id and by team id (unnamed). One query: the database reduces each enquiry to a few small
    integers (its open, on-time and late flags are worked out there) and enquiries alike are
    counted once each, so the figures add up tallies, not rows."""
    answered = Q(first_response_working_days__isnull=False)
    rows = (
        Enquiry.objects.filter(received_at__gte=since, received_at__lte=until)
        .order_by()
        .annotate(
            still_open=_flag(Q(status__in=OPEN_STATUSES)),
            answered_on_time=_flag(answered & Q(first_response_met=True)),
            unanswered_late=_flag(~answered & Q(first_response_due__lt=today)),
            resolved_on_time=_flag(Q(resolution_working_days__isnull=False, resolution_met=True)),
        )
        .values_list(
            "category_id",
            "team_id",
            "still_open",
            "first_response_working_days",
            "answered_on_time",
            "unanswered_late",
            "resolution_working_days",
            "resolved_on_time",
        )
    )
    # Straight from the cursor: the rows are plain integers, and Django's per-row work would
    # cost more than the counting.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        tally = Counter(cursor.fetchall())
    total = Figures(label="")
    by_category: dict[int, Figures] = {}
    by_team: dict[int, Figures] = {}
    for (
        category_id,
        team_id,
        is_open,
        fr_days,
        fr_met,
        late,
        res_days,
        res_met,
    ), n in tally.items():
        if category_id not in by_category:
            by_category[category_id] = Figures(label="")
        if team_id not in by_team:
            by_team[team_id] = Figures(label="")
        for group in (total, by_category[category_id], by_team[team_id]):
            group.add_tally(
                count=n,
                is_open=bool(is_open),
                first_response_days=fr_days,
                first_response_met=bool(fr_met),
                unanswered_late=bool(late),
                resolution_days=res_days,
                resolution_met=bool(res_met),
            )
    return total, by_category, by_team


# --- Who to contact --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRoute:
    """One topic of "who to contact": a named person or team, and how to reach them."""

    topic: str
    name: str
    detail: str = ""
    email: str = ""
    phone: str = ""
    is_person: bool = True
    note: str = ""


def _person(topic: str, officer: Officer, note: str = "") -> ContactRoute:
    return ContactRoute(
        topic=topic,
        name=officer.user.full_name,
        detail=f"{officer.job_title}, {officer.team.name}"
        if officer.job_title
        else officer.team.name,
        email=officer.user.email,
        phone=officer.phone,
        note=note,
    )


def _team(topic: str, team: Team, note: str = "") -> ContactRoute:
    return ContactRoute(
        topic=topic, name=f"The {team.name} team", email=team.email, is_person=False, note=note
    )


def main_locality_id(provider: Provider) -> int | None:
    """The locality where the provider has most active services (ties: by name)."""
    row = (
        Service.objects.filter(
            provider=provider, status=Service.Status.ACTIVE, locality__isnull=False
        )
        .values("locality_id", "locality__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "locality__name")
        .first()
    )
    return row["locality_id"] if row else None


def who_to_contact(provider: Provider) -> list[ContactRoute]:
    """The named people for each topic, derived from the data (nothing typed twice).

    - contract manager: the provider's, else the team of the contract-manager category;
    - quality lead: the officer of the quality category's team covering the provider's main
      locality, else that team;
    - placements: the placements category's team;
    - safeguarding: the urgent route (setting SAFEGUARDING_URGENT_ROUTE) and the team of the
      safeguarding category;
    - engagement manager: the active Provider Engagement Manager.
    """
    categories = {
        c.slug: c for c in EnquiryCategory.objects.filter(is_active=True).select_related("team")
    }
    routes: list[ContactRoute] = []
    contract_category = next(
        (c for c in categories.values() if c.route == Route.CONTRACT_MANAGER), None
    )
    quality = categories.get("quality")
    # The named people in one query: the contract manager, the quality team's officers of
    # the provider's main locality, and the engagement managers (by name, as each is chosen).
    # (The main locality is read first: as a subquery of this one, it costs more to build.)
    wanted = Q(user__role=Role.PEM)
    if provider.contract_manager_id:
        wanted |= Q(pk=provider.contract_manager_id)
    locality_id = main_locality_id(provider) if quality is not None else None
    if quality is not None and locality_id is not None:
        wanted |= Q(team=quality.team, locality_id=locality_id)
    people = list(
        Officer.objects.select_related("user", "team")
        .filter(wanted, user__is_active=True)
        .order_by("user__full_name", "pk")
    )
    manager = next((o for o in people if o.pk == provider.contract_manager_id), None)
    if manager is not None:
        routes.append(_person("Contract manager", manager, "Contracts, terms and payments."))
    elif contract_category is not None:
        routes.append(
            _team("Contract manager", contract_category.team, "No named contract manager yet.")
        )
    if quality is not None:
        lead = next(
            (
                o
                for o in people
                if o.team_id == quality.team_id
                and locality_id is not None
                and o.locality_id == locality_id
            ),
            None,
        )
        if lead is not None:
            routes.append(_person("Quality lead", lead, "Quality of care and improvement."))
        else:
            routes.append(_team("Quality lead", quality.team, "Quality of care and improvement."))
    placements = categories.get("placements")
    if placements is not None:
        routes.append(
            _team("Placements", placements.team, "Referrals, placements and care packages.")
        )
    safeguarding = next((c for c in categories.values() if c.is_safeguarding), None)
    routes.append(
        ContactRoute(
            topic="Safeguarding",
            name=f"The {safeguarding.team.name} team" if safeguarding else "Safeguarding",
            email=safeguarding.team.email if safeguarding else "",
            is_person=False,
            note=settings.SAFEGUARDING_URGENT_ROUTE,
        )
    )
    pem = next((o for o in people if o.user.role == Role.PEM), None)
    if pem is not None:
        routes.append(_person("Engagement manager", pem, "Events, forums and anything else."))
    return routes


def provider_open_enquiries(provider: Provider) -> QuerySet[Enquiry]:
    """A provider's open enquiries, next target first."""
    return with_list_fields(
        Enquiry.objects.filter(provider=provider, status__in=OPEN_STATUSES)
    ).order_by(F("next_due").asc(), "pk")


def active_categories() -> QuerySet[EnquiryCategory]:
    return EnquiryCategory.objects.filter(is_active=True).select_related("team")


def officers_for_assignment() -> QuerySet[Officer]:
    """Active officers who may own enquiries, by team then name."""
    return (
        Officer.objects.select_related("user", "team")
        .filter(user__is_active=True, user__role__in=[Role.OFFICER, Role.PEM, Role.LDD])
        .order_by("team__name", "user__full_name")
    )


def flatten(groups: Iterable[Figures]) -> list[dict[str, object]]:
    """Figures as plain rows (for the chart's JSON and exports)."""
    return [
        {
            "label": f.label,
            "received": f.received,
            "on_time_percent": f.on_time_percent,
            "median_response_days": f.median_response_days,
            "median_resolution_days": f.median_resolution_days,
        }
        for f in groups
    ]
