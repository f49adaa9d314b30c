"""Pages of the year planner: plan the year, a run's progress and review, pins, acceptance,
and the planning data (team capacity and leave, school holidays, weights)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.council.models import Team
from engage.planner import selectors, services
from engage.planner.forms import (
    PinForm,
    PlanForm,
    PlannerSettingsForm,
    SchoolHolidayForm,
    TeamCapacityForm,
    TeamLeaveForm,
)
from engage.planner.models import PlanRun, SchoolHoliday, TeamLeave


def _crumbs(*extra: Any) -> list[Any]:
    return ["Plan the year", reverse("planner:plan"), *extra]


@capability_required(Capability.PLANNER_USE)
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose groups and a start date, and run the planner."""
    today = timezone.localdate()
    default_start = services.next_monday(today)
    end = services.horizon_end(default_start, 12)
    groups = selectors.plannable_groups(default_start, end)
    form = PlanForm(
        request.POST or None,
        groups=groups,
        today=today,
        initial={"start": default_start, "months": 12},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_plan_run(
                actor=request.user,
                groups=list(form.cleaned_data["groups"]),
                start=form.cleaned_data["start"],
                months=form.cleaned_data["months"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("planner:run_detail", pk=run.pk)
    chosen = {str(v) for v in (form["groups"].value() or [])}
    rows = []
    for group in groups:
        low, high = services.spacing_weeks(group.frequency_target)
        rows.append(
            {
                "group": group,
                "spacing": f"{low}–{high} weeks apart",
                "checked": str(group.pk) in chosen or request.method != "POST",
            }
        )
    return render(
        request,
        "planner/plan.html",
        {
            "form": form,
            "groups": rows,
            "default_start": default_start,
            "horizon_end": end,
            "runs": selectors.recent_runs(),
            "time_limit": services.planner_settings().time_limit_seconds,
        },
    )


def _run_context(run: PlanRun, pin_form: PinForm | None = None) -> dict[str, Any]:
    proposals = list(run.proposals.all())
    context: dict[str, Any] = {
        "run": run,
        "crumbs": _crumbs(f"Year plan #{run.pk}"),
        "progress": selectors.progress_of(run, timezone.now()),
        "pins": list(run.pins.all()),
    }
    if run.finished_at is not None and run.accepted_at is None:
        context["calendar_changed"] = (
            PlanRun.objects.filter(accepted_at__gt=run.finished_at).exclude(pk=run.pk).first()
        )
    if run.has_plan:
        context["review"] = selectors.review(run)
        context["pin_form"] = pin_form or PinForm(run=run, proposals=proposals)
    return context


@capability_required(Capability.PLANNER_USE)
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A run: its progress while it runs, then the review of its proposals."""
    run = selectors.get_run(pk)
    return render(request, "planner/run_detail.html", _run_context(run))


@capability_required(Capability.PLANNER_USE)
def run_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress panel (htmx polls it every 2 s); when the run ends, the page reloads."""
    run = get_object_or_404(PlanRun, pk=pk)
    response = render(
        request,
        "planner/_progress.html",
        {"run": run, "progress": selectors.progress_of(run, timezone.now())},
    )
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@capability_required(Capability.PLANNER_USE)
@require_POST
def run_pin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Pin or move one proposed meeting (or unpin it) and plan again as a new run."""
    run = selectors.get_run(pk)
    if not run.has_plan or run.accepted_at:
        messages.error(request, "Only a plan that has not been accepted can be changed.")
        return redirect("planner:run_detail", pk=run.pk)
    form = PinForm(request.POST, run=run, proposals=list(run.proposals.all()))
    if form.is_valid():
        proposal = form.cleaned_data["proposal_object"]
        try:
            new = services.rerun_with_pin(
                actor=request.user,
                run=run,
                group=proposal.group,
                index=proposal.index,
                day=form.cleaned_data["day"],
            )
        except ValidationError as error:
            form.add_error("day", error)
        else:
            messages.success(request, f"Planning again with your pins as year plan #{new.pk}.")
            return redirect("planner:run_detail", pk=new.pk)
    return render(request, "planner/run_detail.html", _run_context(run, form), status=200)


@capability_required(Capability.PLANNER_USE, Capability.ACTIVITY_APPROVE)
def run_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then create, approve and publish the plan's meetings (once)."""
    run = selectors.get_run(pk)
    if run.accepted_at:
        messages.info(request, f"Year plan #{run.pk} was already accepted.")
        return redirect("planner:run_detail", pk=run.pk)
    if not run.has_plan:
        messages.error(request, "This run has no plan to accept.")
        return redirect("planner:run_detail", pk=run.pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            made = services.accept_plan(actor=request.user, run=run)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("planner:run_detail", pk=run.pk)
        messages.success(
            request,
            f"{len(made)} meetings are published on the calendar and sent to those invited.",
        )
        return redirect("planner:run_detail", pk=run.pk)
    proposals = list(run.proposals.all())
    groups = {p.group_id for p in proposals}
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Publish the {len(proposals)} meetings of year plan #{run.pk}?",
            "crumbs": _crumbs(f"Year plan #{run.pk}", run_url(run), "Accept"),
            "consequences": [
                f"{len(proposals)} meetings of {len(groups)} groups are created, approved and "
                f"published on the calendar, from {run.start:%-d %B %Y} to {run.end:%-d %B %Y}.",
                "Providers, required teams and partners are sent calendar invitations; the dates "
                "appear in everyone's calendar feeds.",
                f"Clash warnings are accepted with the reason “{services.acceptance_reason(run)}”.",
                "Accepting again does nothing: each meeting is created once.",
            ],
            "confirm_label": "Accept and publish",
            "cancel_url": run_url(run),
        },
    )


def run_url(run: PlanRun) -> str:
    return reverse("planner:run_detail", args=[run.pk])


# --- Planning data -------------------------------------------------------------------------------


@capability_required(Capability.PLANNER_USE)
def planning_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Team capacity, team leave, school holidays and the weights of the soft costs."""
    teams = list(Team.objects.filter(is_active=True).order_by("name"))
    action = request.POST.get("action") if request.method == "POST" else None
    capacity_form = TeamCapacityForm(request.POST if action == "capacity" else None, teams=teams)
    leave_form = TeamLeaveForm(request.POST if action == "leave" else None, prefix="leave")
    holiday_form = SchoolHolidayForm(request.POST if action == "holiday" else None, prefix="school")
    settings_form = PlannerSettingsForm(
        request.POST if action == "weights" else None,
        instance=services.planner_settings(),
        prefix="weights",
    )
    done = None
    if action == "capacity" and capacity_form.is_valid():
        for team, value in capacity_form.values():
            services.set_team_capacity(actor=request.user, team=team, officers_out_at_once=value)
        done = "Team capacities saved."
    elif action == "leave" and leave_form.is_valid():
        data = leave_form.cleaned_data
        services.add_team_leave(
            actor=request.user,
            team=data["team"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            reason=data["reason"],
        )
        done = f"Leave added for {data['team'].name}."
    elif action == "holiday" and holiday_form.is_valid():
        data = holiday_form.cleaned_data
        services.add_school_holiday(
            actor=request.user,
            name=data["name"],
            first_day=data["first_day"],
            last_day=data["last_day"],
        )
        done = f"{data['name']} added."
    elif action == "weights" and settings_form.is_valid():
        services.save_planner_settings(
            actor=request.user,
            **{name: settings_form.cleaned_data[name] for name in settings_form.Meta.fields},
        )
        done = "Weights saved."
    if done:
        messages.success(request, done)
        return redirect("planner:data")
    return render(
        request,
        "planner/data.html",
        {
            "crumbs": _crumbs("Planning data"),
            "capacity_form": capacity_form,
            "leave_form": leave_form,
            "holiday_form": holiday_form,
            "settings_form": settings_form,
            "leave": TeamLeave.objects.select_related("team").order_by("first_day", "pk"),
            "holidays": SchoolHoliday.objects.order_by("first_day", "pk"),
            "forms": [capacity_form, leave_form, holiday_form, settings_form],
        },
    )


def _delete_row(
    request: AuthenticatedHttpRequest, row: TeamLeave | SchoolHoliday, what: str
) -> HttpResponse:
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.delete_planning_date(actor=request.user, row=row)
        messages.success(request, f"{what} removed.")
        return redirect("planner:data")
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Remove {what.lower()}?",
            "crumbs": _crumbs("Planning data", reverse("planner:data"), "Remove"),
            "consequences": [
                f"{what}: {row.first_day:%-d %B %Y} to {row.last_day:%-d %B %Y}.",
                "Plans made from now on no longer take these dates into account.",
            ],
            "confirm_label": "Remove",
            "destructive": True,
            "cancel_url": reverse("planner:data"),
        },
    )


@capability_required(Capability.PLANNER_USE)
def leave_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(TeamLeave.objects.select_related("team"), pk=pk)
    return _delete_row(request, row, f"Leave of {row.team.name}")


@capability_required(Capability.PLANNER_USE)
def holiday_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(SchoolHoliday, pk=pk)
    return _delete_row(request, row, row.name)
