"""The year planner's pages: plan, progress, review, pins, infeasibility, acceptance, data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from engage.engagement.services import feed_for_officer
from engage.groups.models import Meeting
from engage.planner.models import PlanRun, SchoolHoliday, TeamLeave
from tests.planner.conftest import weekday_on_or_after

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _plan(client: Any, world: dict[str, Any], start: date, **extra: Any) -> PlanRun:
    with_commit = {
        "groups": [g.pk for g in world["groups"]],
        **_date("start", start),
        "months": "12",
    }
    response = client.post(reverse("planner:plan"), {**with_commit, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = PlanRun.objects.latest("pk")
    assert response["Location"] == reverse("planner:run_detail", args=[run.pk])
    return run


@pytest.fixture
def pem_client(client_for: Any, pem: Any) -> Any:
    return client_for(pem)


def test_the_plan_page_lists_groups_with_target_and_a_default_start(
    pem_client: Any, planning_world: dict[str, Any], start: date
) -> None:
    response = pem_client.get(reverse("planner:plan"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "North Provider Forum" in text and "Fee Setting Working Group" in text
    assert "12–23 weeks apart" in text
    assert f'value="{start.day}"' in text  # the day of next Monday, prefilled


def test_planning_without_groups_or_with_a_past_start_shows_errors(
    pem_client: Any, planning_world: dict[str, Any]
) -> None:
    response = pem_client.post(
        reverse("planner:plan"), {**_date("start", date(2020, 1, 6)), "months": "12"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Choose at least one group to plan" in text
    assert "must be after today" in text
    assert PlanRun.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_plan_review_pin_and_accept_end_to_end(
    client_for: Any, pem: Any, planning_world: dict[str, Any], start: date, teams: dict[str, Any]
) -> None:
    client = client_for(pem)
    run = _plan(client, planning_world, start)
    run.refresh_from_db()
    assert run.status == "done" and run.solver_status == "optimal"
    page = client.get(reverse("planner:run_detail", args=[run.pk])).content.decode()
    assert "Proposed dates by group" in page
    assert "The best possible plan" in page
    assert "Accept and publish these dates" in page
    assert page.count('<h3 class="govuk-heading-m"') == 3

    # The progress panel is finished: htmx is told to reload the page.
    progress = client.get(reverse("planner:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"

    # A bad pin is refused with the reason, and no new run is made.
    proposal = run.proposals.get(group=planning_world["north"], index=0)
    saturday = weekday_on_or_after(start + timedelta(days=20), 5)
    bad = client.post(
        reverse("planner:run_pin", args=[run.pk]),
        {"proposal": proposal.pk, **_date("day", saturday)},
    )
    assert bad.status_code == 200
    assert "is a weekend" in bad.content.decode()
    assert PlanRun.objects.count() == 1

    wanted = weekday_on_or_after(proposal.starts_at.date() + timedelta(days=8), 2)
    moved = client.post(
        reverse("planner:run_pin", args=[run.pk]), {"proposal": proposal.pk, **_date("day", wanted)}
    )
    rerun = PlanRun.objects.latest("pk")
    assert moved["Location"] == reverse("planner:run_detail", args=[rerun.pk])
    assert rerun.proposals.get(group=planning_world["north"], index=0).starts_at.date() == wanted
    assert "Pinned" in client.get(moved["Location"]).content.decode()

    confirm = client.get(reverse("planner:run_accept", args=[rerun.pk]))
    assert "Publish the 10 meetings" in confirm.content.decode()
    done = client.post(reverse("planner:run_accept", args=[rerun.pk]), {"confirm": "yes"})
    assert done.status_code == 302
    assert Meeting.objects.count() == 10
    # Twice: nothing more.
    client.post(reverse("planner:run_accept", args=[rerun.pk]), {"confirm": "yes"})
    assert Meeting.objects.count() == 10

    # The meetings are on the calendar page in their month, and in a required team's feed.
    first = rerun.proposals.order_by("starts_at").first()
    assert first is not None
    calendar = client.get(
        reverse("engagement:calendar"), {"view": "list", "date": first.starts_at.date().isoformat()}
    ).content.decode()
    assert first.group.name in calendar
    from tests.council.factories import OfficerFactory

    quality_officer = OfficerFactory(team=teams["quality-improvement"])
    feed = feed_for_officer(officer=quality_officer)
    ics = client.get(reverse("engagement:officer_feed", args=[feed.token])).content.decode()
    assert ics.count("North Provider Forum meeting") == 3
    assert ics.count("South Provider Forum meeting") == 3


def test_an_impossible_plan_is_explained_on_the_page(
    client_for: Any, pem: Any, planning_world: dict[str, Any], start: date, teams: dict[str, Any]
) -> None:
    TeamLeave.objects.create(
        team=teams["quality-improvement"],
        first_day=start - timedelta(days=1),
        last_day=start + timedelta(days=400),
        reason="Inspection year",
    )
    client = client_for(pem)
    from engage.planner.services import execute_plan_run, start_plan_run

    run = start_plan_run(actor=pem, groups=planning_world["groups"], start=start)
    execute_plan_run(run_id=run.pk)
    page = client.get(reverse("planner:run_detail", args=[run.pk])).content.decode()
    assert "No plan possible" in page
    assert "These rules cannot all be kept" in page
    assert "Quality Improvement" in page
    assert "Accept and publish" not in page


def test_a_running_plan_polls_every_two_seconds(
    client_for: Any, pem: Any, planning_world: dict[str, Any], start: date
) -> None:
    run = PlanRun.objects.create(created_by=pem, start=start, end=start + timedelta(days=364))
    page = client_for(pem).get(reverse("planner:run_detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Queued" in page


def test_the_planning_data_page_saves_capacity_leave_holidays_and_weights(
    pem_client: Any, pem: Any, teams: dict[str, Any], start: date
) -> None:
    url = reverse("planner:data")
    assert pem_client.get(url).status_code == 200
    values = {f"team_{t.pk}": "1" for t in teams.values()}
    values[f"team_{teams['contracts'].pk}"] = "3"
    assert pem_client.post(url, {"action": "capacity", **values}).status_code == 302
    teams["contracts"].refresh_from_db()
    assert teams["contracts"].officers_out_at_once == 3
    change = LogEntry.objects.get_for_object(teams["contracts"]).order_by("-pk").first()
    assert change is not None and change.actor == pem
    assert change.changes_dict["officers_out_at_once"] == ["1", "3"]

    bad = pem_client.post(
        url,
        {
            "action": "leave",
            "leave-team": teams["contracts"].pk,
            **_date("leave-first_day", start + timedelta(days=7)),
            **_date("leave-last_day", start),
            "leave-reason": "Training",
        },
    )
    assert "The last day cannot be before the first" in bad.content.decode()
    assert 'value="Training"' in bad.content.decode()  # what was typed is kept
    pem_client.post(
        url,
        {
            "action": "leave",
            "leave-team": teams["contracts"].pk,
            **_date("leave-first_day", start),
            **_date("leave-last_day", start + timedelta(days=4)),
            "leave-reason": "Training",
        },
    )
    assert TeamLeave.objects.get().reason == "Training"
    pem_client.post(
        url,
        {
            "action": "holiday",
            "school-name": "Half term",
            **_date("school-first_day", start),
            **_date("school-last_day", start + timedelta(days=4)),
        },
    )
    holiday = SchoolHoliday.objects.get()
    weights = {
        "action": "weights",
        "weights-spacing_per_day": "2",
        "weights-audience_warning": "3",
        "weights-school_holiday": "9",
        "weights-monday_friday": "2",
        "weights-busy_week_excess": "8",
        "weights-busy_week_threshold": "5",
        "weights-time_limit_seconds": "10",
    }
    assert pem_client.post(url, weights).status_code == 302
    from engage.planner.services import planner_settings

    assert planner_settings().school_holiday == 9
    remove = reverse("planner:holiday_delete", args=[holiday.pk])
    assert "Remove half term?" in pem_client.get(remove).content.decode()
    pem_client.post(remove, {"confirm": "yes"})
    assert not SchoolHoliday.objects.exists()


@pytest.mark.parametrize("role", ["officer", "ldd", "councillor", "admin_user"])
def test_only_the_pem_reaches_the_planner(
    role: str, request: Any, client_for: Any, pem: Any, start: date
) -> None:
    user = request.getfixturevalue(role)
    run = PlanRun.objects.create(created_by=pem, start=start, end=start + timedelta(days=364))
    client = client_for(user)
    for url in (
        reverse("planner:plan"),
        reverse("planner:data"),
        reverse("planner:run_detail", args=[run.pk]),
        reverse("planner:run_accept", args=[run.pk]),
    ):
        assert client.get(url).status_code == 403, url
