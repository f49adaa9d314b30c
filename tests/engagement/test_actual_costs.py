"""What a held activity cost in the end: recorded by its owners, shown beside the estimate,
and counted by the cost and value page instead of the estimate."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from engage.engagement import services
from engage.engagement.models import Activity, Attendance
from engage.feedback import costs
from tests.engagement.factories import ActivityFactory, at
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(officer: Any) -> Activity:
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    event = ActivityFactory(
        starts_at=at(day),
        status=Activity.Status.HELD,
        lead_officer=officer.officer,
        created_by=officer,
        cost_venue_pence=10_000,
        officer_hours=Decimal("2"),
        officer_hourly_rate_pence=3_000,
        cost_other_pence=0,
    )
    for _ in range(4):
        Attendance.objects.create(activity=event, kind="contact", contact=ContactFactory())
    return event


def _post(client: Any, event: Activity, venue: str, hours: str, other: str) -> Any:
    url = reverse("engagement:activity_costs", args=[event.pk])
    return client.post(url, {"venue": venue, "officer_hours": hours, "other": other})


def test_the_lead_records_what_it_cost_and_the_page_shows_it(
    client_for: Any, officer: Any, held: Activity
) -> None:
    client = client_for(officer)
    detail = reverse("engagement:activity_detail", args=[held.pk])
    assert "Record what it cost" in client.get(detail).text
    form = client.get(reverse("engagement:activity_costs", args=[held.pk])).text
    assert "The estimate was £160.00" in form and 'value="100.00"' in form  # prefilled
    response = _post(client, held, "80.00", "3", "12.50")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.actual_cost_pence == 8_000 + 9_000 + 1_250
    assert held.reported_cost_pence == 18_250 and held.estimated_cost_pence == 16_000
    page = client.get(detail).text
    assert "What it cost" in page and "£182.50" in page
    assert "Per provider who came (4)" in page and "£45.62" in page  # 18,250 / 4
    assert "Change what it cost" in page
    assert LogEntry.objects.get_for_object(held).filter(actor=officer).exists()


def test_the_cost_and_value_page_counts_the_actual_cost(
    client_for: Any, officer: Any, held: Activity
) -> None:
    since = costs.period_start(12)
    [before] = costs.held_events_with_costs(since)
    assert (before.cost_pence, before.cost_is_actual) == (16_000, False)
    services.record_actual_costs(
        actor=officer,
        activity=held,
        venue_pence=0,
        officer_hours=Decimal("1"),
        other_pence=0,
    )
    [after] = costs.held_events_with_costs(since)
    assert (after.cost_pence, after.cost_is_actual) == (3_000, True)
    assert after.cost_per_attendee_pence == pytest.approx(750)
    page = client_for(officer).get(reverse("feedback:event_costs")).text
    assert "£30.00" in page and "actual" in page


def test_evaluated_and_closed_events_count_as_held(officer: Any, held: Activity) -> None:
    held.status = Activity.Status.EVALUATED
    held.save()
    ActivityFactory(starts_at=held.starts_at, status=Activity.Status.CLOSED)
    ActivityFactory(starts_at=held.starts_at, status=Activity.Status.CANCELLED)
    assert costs.held_events_with_costs(costs.period_start(12)).count() == 2


def test_a_bad_amount_is_refused_and_what_was_typed_is_kept(
    client_for: Any, officer: Any, held: Activity
) -> None:
    response = _post(client_for(officer), held, "-5", "3", "twelve")
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.text and 'value="twelve"' in response.text
    held.refresh_from_db()
    assert held.actual_costs_recorded_at is None


def test_costs_wait_until_it_is_held(client_for: Any, officer: Any, held: Activity) -> None:
    held.status = Activity.Status.PUBLISHED
    held.save()
    response = _post(client_for(officer), held, "80", "1", "0")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.actual_costs_recorded_at is None
    with pytest.raises(ValidationError, match="once it has been held"):
        services.record_actual_costs(
            actor=officer, activity=held, venue_pence=1, officer_hours=Decimal(0), other_pence=0
        )


def test_only_its_owners_may_record_what_it_cost(
    client_for: Any, held: Activity, ldd: Any, councillor: Any, pem: Any
) -> None:
    from tests.council.factories import OfficerFactory

    other_officer = OfficerFactory().user
    assert _post(client_for(other_officer), held, "1", "1", "1").status_code == 403
    assert _post(client_for(councillor), held, "1", "1", "1").status_code == 403
    assert _post(client_for(pem), held, "1", "0", "0").status_code == 302  # the PEM may
    held.refresh_from_db()
    assert held.actual_cost_pence == 100


def test_a_refusal_from_the_service_comes_back_on_the_form_with_what_was_typed(
    client_for: Any, officer: Any, held: Activity, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise ValidationError("What it cost can be recorded once it has been held.")

    monkeypatch.setattr(services, "record_actual_costs", refuse)
    response = _post(client_for(officer), held, "80.00", "3", "12.50")
    assert response.status_code == 200
    assert "once it has been held" in response.text and 'value="12.50"' in response.text
