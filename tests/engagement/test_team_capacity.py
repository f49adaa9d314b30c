"""A team's capacity (``Team.officers_out_at_once``) in the calendar's clash check, from the
database: the same field the year planner reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from engage.api import services as api_services
from engage.council.models import Team
from engage.engagement import selectors
from engage.engagement.services import approval_problems
from engage.market.models import Level
from tests.engagement.factories import ActivityFactory, at

pytestmark = pytest.mark.django_db


def _needing(team: Team, hour: int, level: str, title: str, status: str = "submitted") -> Any:
    starts = at("2030-03-12").replace(hour=hour)
    levels = {"for_owners": False, "for_managers": False, "for_workers": False}
    levels[{"owner": "for_owners", "manager": "for_managers", "worker": "for_workers"}[level]] = (
        True
    )
    return ActivityFactory(
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=status,
        teams=[team],
        **levels,
    )


def _team_clashes(activity: Any) -> list[str]:
    activity.refresh_from_db()
    return [c.message for c in selectors.report_for(activity).clashes if c.kind == "team"]


def test_capacity_one_refuses_a_second_overlapping_activity(teams: dict[str, Any]) -> None:
    contracts = teams["contracts"]
    assert contracts.officers_out_at_once == 1
    _needing(contracts, 10, Level.OWNER, "Contract review")
    second = _needing(contracts, 11, Level.MANAGER, "Tender briefing")
    assert _team_clashes(second) == [
        "The Contracts team must attend both this and “Contract review” (10:00–12:00 on "
        "Tuesday 12 March 2030), and the times overlap; the team can attend one activity at "
        "a time."
    ]
    assert any("Clash: The Contracts team" in p for p in approval_problems(second))


def test_capacity_two_allows_two_overlapping_and_refuses_a_third(teams: dict[str, Any]) -> None:
    contracts = teams["contracts"]
    # Saved (not a bulk update), as the team page and the planning data page do: the
    # calendar's cached clash markers are renewed by the save.
    contracts.officers_out_at_once = 2
    contracts.save(update_fields=["officers_out_at_once"])
    first = _needing(contracts, 10, Level.OWNER, "Contract review")
    second = _needing(contracts, 11, Level.MANAGER, "Tender briefing")
    assert _team_clashes(first) == [] and _team_clashes(second) == []
    assert not any(p.startswith("Clash") for p in approval_problems(second))
    third = _needing(contracts, 11, Level.WORKER, "Fee uplift workshop", status="draft")
    found = _team_clashes(third)
    assert len(found) == 2  # with each of the other two, each linking to it
    assert "3 at once, and the team can attend 2 activities at a time" in found[0]
    assert "The Contracts team" in found[0]
    # Once the third holds a place on the calendar, the first two clash too.
    third.status = "submitted"
    third.save(update_fields=["status"])
    assert len(_team_clashes(first)) == 2


def test_the_capacity_of_a_draft_s_own_team_counts_even_with_nothing_around_it(
    teams: dict[str, Any],
) -> None:
    Team.objects.filter(pk=teams["safeguarding"].pk).update(officers_out_at_once=0)
    draft = _needing(
        Team.objects.get(pk=teams["safeguarding"].pk), 10, Level.OWNER, "Alone", "draft"
    )
    assert _team_clashes(draft) == [
        "The Safeguarding team can attend no activities (its capacity is 0), and it must "
        "attend this."
    ]


def test_the_calendar_list_marks_only_the_activities_over_capacity(
    client_for: Any, pem: Any, teams: dict[str, Any]
) -> None:
    contracts = teams["contracts"]
    # Saved (not a bulk update), as the team page and the planning data page do: the
    # calendar's cached clash markers are renewed by the save.
    contracts.officers_out_at_once = 2
    contracts.save(update_fields=["officers_out_at_once"])
    first = _needing(contracts, 10, Level.OWNER, "Contract review")
    second = _needing(contracts, 11, Level.MANAGER, "Tender briefing")
    activities = list(
        selectors.with_details(selectors.Activity.objects.filter(pk__in=[first.pk, second.pk]))
    )
    reports = selectors.clash_map(activities)
    assert all(not r.clashes for r in reports.values())
    contracts.officers_out_at_once = 1
    contracts.save(update_fields=["officers_out_at_once"])
    activities = list(
        selectors.with_details(selectors.Activity.objects.filter(pk__in=[first.pk, second.pk]))
    )
    reports = selectors.clash_map(activities)
    assert all(len(r.clashes) == 1 for r in reports.values())
    assert client_for(pem).get(reverse("engagement:calendar")).status_code == 200


def test_the_api_and_the_team_page_show_and_change_the_capacity(
    client_for: Any, pem: Any, officer: Any, teams: dict[str, Any]
) -> None:
    contracts = teams["contracts"]
    form = {"name": "Contracts", "description": "", "email": "", "is_active": "on"}
    page = client_for(pem)
    assert page.post(reverse("council:team_edit", args=[contracts.pk]), form).status_code == 302
    contracts.refresh_from_db()
    assert contracts.officers_out_at_once == 1  # left empty: unchanged
    form["officers_out_at_once"] = "2"
    assert page.post(reverse("council:team_edit", args=[contracts.pk]), form).status_code == 302
    form["officers_out_at_once"] = "51"
    refused = page.post(reverse("council:team_edit", args=[contracts.pk]), form)
    assert refused.status_code == 200
    _, token = api_services.create_token(user=officer, name="script")
    body = Client().get("/api/teams", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {r["slug"]: r["officers_out_at_once"] for r in body["items"]}["contracts"] == 2
