"""The cost and value of held events: cost per provider who came beside mean usefulness, by
event and by month; the page's filters, sorting and export; the activity's own cost per head."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engage.engagement.models import Activity, Attendance
from engage.engagement.modes import Kind
from engage.feedback import costs
from tests.engagement.factories import ActivityFactory, at
from tests.feedback.factories import answer, invite
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _held(
    day: date, *, came: int, absent: int = 0, scores: tuple[int, ...] = (), **fields: Any
) -> Activity:
    fields.setdefault("cost_venue_pence", 10_000)
    fields.setdefault("officer_hours", Decimal("2"))
    fields.setdefault("officer_hourly_rate_pence", 3_000)
    fields.setdefault("cost_other_pence", 500)  # 100 + 60 + 5 = £165
    event = ActivityFactory(starts_at=at(day.isoformat()), status=Activity.Status.HELD, **fields)
    for n in range(came + absent):
        Attendance.objects.create(
            activity=event, kind="contact", contact=ContactFactory(), attended=n < came
        )
    for invitation, score in zip(invite(event), scores, strict=False):
        answer(invitation, score)
    return event


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def test_each_event_has_its_cost_per_provider_who_came_and_its_usefulness() -> None:
    event = _held(_ago(20), came=3, absent=1, scores=(5, 3))
    [row] = costs.held_events_with_costs(_ago(60))
    assert row.pk == event.pk
    assert row.cost_pence == 16_500 == event.estimated_cost_pence
    assert row.attended == 3  # the one who did not come is not counted
    assert row.cost_per_attendee_pence == pytest.approx(5_500)
    assert row.usefulness == pytest.approx(4.0)


def test_only_held_events_of_the_period_and_kind_count() -> None:
    _held(_ago(20), came=2)
    _held(_ago(20), came=2, kind=Kind.FORUM_MEETING)
    _held(_ago(400), came=2)  # before the period
    ActivityFactory(starts_at=at(_ago(10).isoformat()), status=Activity.Status.PUBLISHED)
    since = costs.period_start(12)
    assert costs.held_events_with_costs(since).count() == 2
    assert costs.held_events_with_costs(since, Kind.FORUM_MEETING).count() == 1


def test_an_event_nobody_came_to_has_no_cost_per_attendee() -> None:
    _held(_ago(5), came=0, absent=2)
    [row] = costs.held_events_with_costs(_ago(30))
    assert row.attended == 0 and row.cost_per_attendee_pence is None and row.usefulness is None


def test_the_summary_has_every_month_of_the_period_and_the_totals() -> None:
    today = date(2026, 11, 25)
    since = costs.period_start(3, today)
    assert since == date(2026, 9, 1)
    _held(date(2026, 9, 10), came=3, scores=(4,))
    _held(date(2026, 11, 2), came=1, scores=(2,))
    summary = costs.cost_summary(costs.held_events_with_costs(since), since, today)
    assert [m.month for m in summary.by_month] == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]
    september, october, november = summary.by_month
    assert (september.events, september.attended, september.cost_per_attendee_pence) == (
        1,
        3,
        5_500,
    )
    assert (october.events, october.cost_per_attendee_pence, october.usefulness) == (0, None, None)
    assert november.cost_per_attendee_pence == 16_500
    assert (summary.events, summary.cost_pence, summary.attended) == (2, 33_000, 4)
    assert summary.cost_per_attendee_pence == 8_250
    assert summary.events_with_attendance == 2
    assert summary.usefulness == 3.0  # each event's mean counts once
    assert summary.chart["values"] == [55.0, None, 165.0]


def test_the_period_starts_on_the_first_of_a_month_across_a_new_year() -> None:
    assert costs.period_start(12, date(2027, 1, 15)) == date(2026, 2, 1)
    assert costs.period_start(3, date(2027, 1, 31)) == date(2026, 11, 1)
    assert costs.period_start(1, date(2027, 1, 31)) == date(2027, 1, 1)


def test_the_page_sorts_filters_and_exports(client_for: Any, councillor: Any) -> None:
    cheap = _held(_ago(20), came=10, title="Well attended forum")
    dear = _held(_ago(30), came=1, title="Poorly attended workshop")
    client = client_for(councillor)
    url = reverse("feedback:event_costs")
    page = client.get(url, {"sort": "-per_attendee"}).text
    assert page.index(dear.title) < page.index(cheap.title)
    assert "£165.00" in page and "£16.50" in page  # per attendee: one came, ten came
    assert "Cost per attendee by month" in page  # the chart's table
    assert client.get(url, {"kind": Kind.FORUM_MEETING}).text.count("No event was held") == 1
    assert client.get(url, {"months": "7", "kind": "nonsense"}).status_code == 200
    export = client.get(url, {"export": "csv", "sort": "per_attendee"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Held on", "Event"]
    assert [r[1] for r in rows[1:]] == [cheap.title, dear.title]
    assert rows[1][3:7] == ["165.0", "estimate", "10", "16.5"]


def test_a_provider_may_not_see_the_costs(client_for: Any, provider_a_user: Any) -> None:
    assert client_for(provider_a_user).get(reverse("feedback:event_costs")).status_code == 403


def test_a_held_activity_shows_its_cost_per_provider_who_came(client_for: Any, pem: Any) -> None:
    event = _held(_ago(3), came=3, absent=1)
    page = client_for(pem).get(reverse("engagement:activity_detail", args=[event.pk])).text
    assert "Per provider who came (3)" in page and "£55.00" in page


def test_events_without_attendance_are_left_out_of_the_cost_per_head() -> None:
    today = date(2026, 11, 25)
    since = costs.period_start(1, today)
    _held(date(2026, 11, 2), came=4)  # £165 over 4 who came
    _held(date(2026, 11, 3), came=0)  # attendance never taken: £165 over nobody
    summary = costs.cost_summary(costs.held_events_with_costs(since), since, today)
    assert summary.cost_pence == 33_000 and summary.events_with_attendance == 1
    assert summary.cost_per_attendee_pence == 4_125
    assert summary.by_month[0].cost_per_attendee_pence == 4_125


@pytest.mark.parametrize("sort", ["per_attendee", "-per_attendee", "usefulness", "-usefulness"])
def test_events_without_a_figure_sort_last_both_ways(client_for: Any, pem: Any, sort: str) -> None:
    _held(_ago(10), came=4, scores=(5,), title="Counted one")
    _held(_ago(12), came=1, scores=(2,), title="Counted two")
    _held(_ago(11), came=0, title="Nobody recorded")
    page = client_for(pem).get(reverse("feedback:event_costs"), {"sort": sort}).text
    order = sorted(["Counted one", "Counted two", "Nobody recorded"], key=page.index)
    assert order[-1] == "Nobody recorded"


def test_the_page_reads_the_same_number_of_queries_for_more_events(
    client_for: Any, pem: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(pem)
    url = reverse("feedback:event_costs")
    client.get(url)  # warm the session and caches
    _held(_ago(10), came=2, scores=(4,))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        _held(_ago(20 + n), came=n, scores=(3, 4))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
