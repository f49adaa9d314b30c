"""The PEM's overview: response-time figures by category and by team."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from engage.enquiries import services
from engage.enquiries.models import Status
from engage.enquiries.selectors import _median, response_overview
from tests.enquiries.factories import london, submit

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("enquiries:overview")


@pytest.fixture
def history(provider_a: Any, categories: Any, officer: Any) -> None:
    """Payments: one reply on time (0 days), one late (3 days) and resolved in 4.
    Placements: one never answered and past its target, one received today."""
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        quick = submit(provider_a, categories["payments"])
        slow = submit(provider_a, categories["payments"])
        forgotten = submit(provider_a, categories["placements"])
        services.post_reply(actor=officer, enquiry=quick, body="Done")
    with time_machine.travel(london(2027, 1, 14, 10), tick=False):
        services.post_reply(actor=officer, enquiry=slow, body="Sorry")
    with time_machine.travel(london(2027, 1, 15, 10), tick=False):
        services.change_status(actor=officer, enquiry=slow, to_status=Status.RESOLVED)
    with time_machine.travel(london(2027, 1, 20, 10), tick=False):
        submit(provider_a, categories["placements"])
    assert forgotten.first_response_due == date(2027, 1, 12)


def test_figures_by_category_count_late_and_unanswered_enquiries(history: None) -> None:
    overview = response_overview(
        start=date(2027, 1, 1), end=date(2027, 1, 31), today=date(2027, 1, 20)
    )
    rows = {f.label: f for f in overview.by_category}
    payments, placements = rows["Payments and invoices"], rows["Placements"]
    assert (payments.received, payments.open, payments.responded) == (2, 1, 2)
    assert payments.on_time_percent == 50.0
    assert payments.median_response_days == 1.5
    assert (payments.resolved, payments.median_resolution_days) == (1, 4)
    assert placements.received == 2
    # One past its target without a reply (late); the other not due yet (not judged).
    assert (placements.first_response_judged, placements.on_time_percent) == (1, 0.0)
    assert placements.median_response_days is None
    assert overview.total.received == 4
    assert overview.total.on_time_percent == round(100 / 3, 1)


def test_figures_by_team_follow_the_team_each_enquiry_is_with(history: None) -> None:
    overview = response_overview(
        start=date(2027, 1, 1), end=date(2027, 1, 31), today=date(2027, 1, 20)
    )
    assert [(f.label, f.received) for f in overview.by_team] == [
        ("Contracts", 2),
        ("Service Placement", 2),
    ]


def test_the_period_limits_what_is_counted(history: None) -> None:
    overview = response_overview(start=date(2027, 1, 12), end=date(2027, 1, 31))
    assert overview.total.received == 1


def test_the_overview_page_has_a_chart_and_the_same_figures_in_tables(
    client_for: Any, pem: Any, history: None
) -> None:
    with time_machine.travel(london(2027, 1, 20, 12), tick=False):
        response = client_for(pem).get(OVERVIEW + "?start=2027-01-01&end=2027-01-31")
    html = response.content.decode()
    assert response.status_code == 200
    data = json.loads(re.search(r'id="enquiry-chart-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert data["labels"] == ["Payments and invoices", "Placements"]
    assert data["on_time"] == [50.0, 0.0]
    assert "enquiries/overview-chart.js" in html
    assert "50.0%" in html
    assert "1 of 2" in html
    assert "<caption" in html and "By team" in html


def test_a_bad_period_is_explained(client_for: Any, pem: Any) -> None:
    html = client_for(pem).get(OVERVIEW + "?start=2027-02-01&end=2027-01-01").content.decode()
    assert "The end date must be on or after the start date" in html


def test_only_the_pem_sees_the_overview(client_for: Any, officer: Any, ldd: Any) -> None:
    assert client_for(officer).get(OVERVIEW).status_code == 403
    assert client_for(ldd).get(OVERVIEW).status_code == 403


def test_the_overview_uses_the_same_queries_for_few_or_many(
    client_for: Any, pem: Any, provider_a: Any, categories: Any
) -> None:
    client = client_for(pem)
    submit(provider_a, categories["payments"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(OVERVIEW)
        return len(queries)

    few = count()
    for slug in list(categories) * 3:
        submit(provider_a, categories[slug])
    assert count() == few


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=200))
def test_the_median_of_tallied_days_is_the_median_of_the_days(days: list[int]) -> None:
    # The overview counts alike enquiries once: its medians come from those tallies.
    expected = statistics.median(days) if days else None
    assert repr(_median(Counter(days))) == repr(expected)


def test_the_cached_figures_follow_every_change_to_an_enquiry(
    history: None, officer: Any, teams: Any, provider_a: Any, categories: Any
) -> None:
    # The tally is cached under the enquiries' data version: each writer must renew it.
    def payments() -> Any:
        overview = response_overview(
            start=date(2027, 1, 1), end=date(2027, 1, 31), today=date(2027, 1, 20)
        )
        return {f.label: f for f in overview.by_category}["Payments and invoices"]

    def team_labels() -> set[str]:
        overview = response_overview(
            start=date(2027, 1, 1), end=date(2027, 1, 31), today=date(2027, 1, 20)
        )
        return {f.label for f in overview.by_team}

    assert (payments().received, payments().open, payments().resolved) == (2, 1, 1)
    with time_machine.travel(london(2027, 1, 18, 10), tick=False):
        new = submit(provider_a, categories["payments"])
    assert (payments().received, payments().open) == (3, 2)
    with time_machine.travel(london(2027, 1, 18, 11), tick=False):
        services.post_reply(actor=officer, enquiry=new, body="On it")
    assert payments().responded == 3
    with time_machine.travel(london(2027, 1, 19, 10), tick=False):
        services.change_status(actor=officer, enquiry=new, to_status=Status.RESOLVED)
    assert (payments().open, payments().resolved) == (1, 2)
    other_team = next(t for t in teams.values() if t.pk != new.team_id)
    assert other_team.name not in team_labels()
    services.reassign_enquiry(actor=officer, enquiry=new, owner=None, team=other_team)
    assert other_team.name in team_labels()
    new.delete()
    assert (payments().received, payments().open, payments().resolved) == (2, 1, 1)
