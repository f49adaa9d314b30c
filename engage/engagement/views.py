"""Pages of engagement planning: the calendar, the planning form, an activity, the mode guide,
registrations, venues and feed links for officers; events for provider users; invitations for
partners; and the calendar feeds."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from engage.accounts.permissions import Capability, capability_required, has_capability
from engage.core import data_versions
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import paginate
from engage.core.working_days import bank_holiday_name
from engage.council.selectors import officer_for
from engage.engagement import attendance, calendar_version, ics, selectors, services
from engage.engagement.clashes import LONDON, describe_audience
from engage.engagement.forms import (
    AcceptWarningForm,
    ActivityForm,
    ActualCostsForm,
    ModeGuideForm,
    ReasonForm,
    VenueForm,
    WalkInForm,
)
from engage.engagement.models import HELD_STATUSES, Activity, Registration, Venue
from engage.engagement.modes import (
    KIND_FOR_MECHANISM,
    MODE_DESCRIPTIONS,
    RECOMMENDED_MECHANISMS,
    Kind,
    Mechanism,
    Mode,
    recommend_mode,
)
from engage.engagement.templatetags.engagement_tags import pounds
from engage.market.audience import Audience, contacts_reached, reach
from engage.market.models import Contact, Level

Status = Activity.Status


def _crumbs(*extra: str) -> list[str]:
    return ["Calendar", reverse("engagement:calendar"), *extra]


def _parse_day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


# --- The calendar ---------------------------------------------------------------------------


def _filters(request: HttpRequest) -> selectors.CalendarFilters:
    get = request.GET
    status = get.get("status", "")
    kind = get.get("kind", "")
    level = get.get("level", "")
    # One "Group" choice: any agreed group, ad hoc, or one group (its id).
    group_choice = get.get("group", "") or get.get("structure", "")
    group_id = int(group_choice) if group_choice.isdigit() and len(group_choice) < 10 else None
    return selectors.CalendarFilters(
        locality=get.get("locality", "")[:60],
        service_type=get.get("service_type", "")[:60],
        level=level if level in Level.values else "",
        team=get.get("team", "")[:60],
        status=status if status in Status.values else "",
        kind=kind if kind in Kind.values else "",
        structure=group_choice if group_choice in ("agreed", "ad-hoc") else "",
        group=group_id,
        mine=get.get("mine") == "1",
    )


@capability_required(Capability.CALENDAR_VIEW)
@data_versions.pinned([calendar_version.NAME])  # the page only reads: one version read
def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Month (default), week or list of every activity the user may see, filtered."""
    view = request.GET.get("view", "month")
    if view not in ("month", "week", "list"):
        view = "month"
    today = datetime.now(tz=LONDON).date()
    anchor = _parse_day(request.GET.get("date"), today)
    filters = _filters(request)
    base = selectors.filter_activities(
        selectors.activities_for_user(request.user), filters, request.user
    )
    context: dict[str, Any] = {
        "view": view,
        "anchor": anchor,
        "today": today,
        "filters": filters,
        **selectors.calendar_filter_choices(),
        "levels": Level.choices,
        "statuses": Status.choices,
        "kinds": Kind.choices,
    }
    if view == "month":
        first = anchor.replace(day=1)
        grid_start = first - timedelta(days=first.weekday())
        last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
        grid_end = last + timedelta(days=6 - last.weekday())
        days = _days_with_activities(base, grid_start, grid_end)
        context.update(
            weeks=[days[i : i + 7] for i in range(0, len(days), 7)],
            title=f"{first:%B %Y}",
            previous_date=(first - timedelta(days=1)).replace(day=1),
            next_date=last + timedelta(days=1),
            month=first.month,
        )
    elif view == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        sunday = monday + timedelta(days=6)
        days = _days_with_activities(base, monday, sunday)
        context.update(
            days=days,
            title=f"Week of {monday.day} {monday:%B %Y}",
            previous_date=monday - timedelta(days=7),
            next_date=monday + timedelta(days=7),
        )
    else:
        queryset = selectors.with_details(
            base.filter(ends_at__gte=_start_of(anchor)).order_by("starts_at", "pk")
        )
        page = paginate(request, queryset)
        reports = selectors.clash_map(list(page.object_list))
        context.update(
            page=page,
            rows=[(a, reports.get(a.pk)) for a in page.object_list],
            title=f"From {anchor.day} {anchor:%B %Y}",
            previous_date=anchor - timedelta(days=30),
            next_date=anchor + timedelta(days=30),
        )
    return render(request, "engagement/calendar.html", context)


def _days_with_activities(base: Any, first: date, last: date) -> list[dict[str, Any]]:
    # A day's entry shows the activity's own fields and its clash marker; ``clash_map`` loads
    # the audiences and teams it compares, so nothing else is joined or prefetched here.
    activities = list(
        selectors.activities_between(base, _start_of(first), _start_of(last + timedelta(days=1)))
    )
    reports = selectors.clash_map(activities)
    by_day: dict[date, list[tuple[Activity, Any]]] = {}
    for activity in activities:
        day = activity.starts_at.astimezone(LONDON).date()
        by_day.setdefault(max(day, first), []).append((activity, reports.get(activity.pk)))
    today = datetime.now(tz=LONDON).date()
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        days.append(
            {
                "date": day,
                "is_today": day == today,
                "weekend": day.weekday() >= 5,
                "holiday": bank_holiday_name(day),
                "items": by_day.get(day, []),
            }
        )
    return days


# --- The planning form ----------------------------------------------------------------------


def _live_context(form: ActivityForm, activity: Activity | None) -> dict[str, Any]:
    """What the live panel shows for what is typed so far: reach, level hint, mechanisms,
    clashes. Works on a partly valid form (uses whatever fields are valid)."""
    if not form.is_bound:
        if activity is None:
            return {"live": None}
        data_source: dict[str, Any] = dict(form.initial)
        starts_at: datetime | None = activity.starts_at
        ends_at: datetime | None = activity.ends_at
    else:
        form.is_valid()
        data_source = getattr(form, "cleaned_data", {}) or {}
        starts_at, ends_at = data_source.get("starts_at"), data_source.get("ends_at")
    levels = set(data_source.get("levels") or [])
    audience = Audience(
        service_types=frozenset(t.slug for t in data_source.get("audience_service_types") or []),
        levels=frozenset(str(level) for level in levels),
        localities=frozenset(loc.slug for loc in data_source.get("audience_localities") or []),
        tier_one_only=bool(data_source.get("tier_one_only")),
    )
    names = selectors.reference_names()
    topic = data_source.get("topic") or ""
    hints = selectors.suggested_levels(topic)
    suggested = sorted({h.level for h in hints})
    mode = data_source.get("mode") or ""
    clashes = None
    if starts_at and ends_at and ends_at > starts_at:
        teams = list(data_source.get("required_teams") or [])
        slot_data = services.ActivityData(
            title=data_source.get("title") or "This activity",
            starts_at=starts_at,
            ends_at=ends_at,
            kind=data_source.get("kind") or Kind.EVENT,
            required_teams=teams,
        )
        slot = slot_data.slot(activity.pk if activity else None)
        slot = type(slot)(
            id=slot.id,
            title=slot.title,
            kind=slot.kind,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            audience=audience,
            team_ids=slot.team_ids,
        )
        notice = selectors.notice_from(activity) if activity else datetime.now(tz=LONDON).date()
        clashes = selectors.clashes_for_slot(slot, notice=notice, teams=teams)
    accepted = (
        {a.clash_key for a in activity.accepted_warnings.all()} if activity is not None else set()
    )
    return {
        "live": {
            "reach": reach(audience),
            "audience_text": describe_audience(audience, names),
            "hints": hints,
            "suggested_levels": [Level(level).label for level in suggested],
            "levels_differ": bool(suggested) and not set(suggested) <= levels,
            "mode": Mode(mode) if mode in Mode.values else None,
            "mechanisms": [Mechanism(m).label for m in RECOMMENDED_MECHANISMS.get(mode, ())],
            "clashes": clashes,
            "accepted": accepted,
        }
    }


def _form_page(
    request: AuthenticatedHttpRequest, form: ActivityForm, activity: Activity | None
) -> HttpResponse:
    title = f"Edit {activity.title}" if activity else "Plan an activity"
    crumbs = (
        _crumbs(activity.title, reverse("engagement:activity_detail", args=[activity.pk]), "Edit")
        if activity
        else _crumbs("Plan an activity")
    )
    return render(
        request,
        "engagement/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "title": title,
            "crumbs": crumbs,
            **_live_context(form, activity),
        },
    )


@capability_required(Capability.ACTIVITY_PROPOSE)
def activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ActivityForm(request.POST)
        if "check" not in request.POST and form.is_valid():
            activity = services.create_activity(actor=request.user, data=form.to_data())
            messages.success(request, f"“{activity.title}” is saved as a draft.")
            return redirect("engagement:activity_detail", activity.pk)
        return _form_page(request, form, None)
    initial: dict[str, Any] = {}
    officer = officer_for(request.user)
    if officer is not None:
        initial["lead_officer"] = officer
    mode, mechanism = request.GET.get("mode", ""), request.GET.get("mechanism", "")
    if mode in Mode.values:
        initial["mode"] = mode
    if mechanism in Mechanism.values:
        initial["mechanism"] = mechanism
        initial["kind"] = KIND_FOR_MECHANISM[mechanism]
    return _form_page(request, ActivityForm(initial=initial), None)


@capability_required(Capability.ACTIVITY_PROPOSE)
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    if not selectors.can_edit(request.user, activity):
        raise PermissionDenied(
            "Only the activity's author, its lead officer or the PEM can edit it."
        )
    if request.method == "POST":
        form = ActivityForm(request.POST, activity=activity)
        if "check" not in request.POST and form.is_valid():
            before = activity.sequence
            activity = services.update_activity(
                actor=request.user, activity=activity, data=form.to_data()
            )
            note = (
                " Everyone invited has been sent the update." if activity.sequence > before else ""
            )
            messages.success(request, f"Your changes are saved.{note}")
            return redirect("engagement:activity_detail", activity.pk)
        return _form_page(request, form, activity)
    return _form_page(request, ActivityForm(activity=activity), activity)


@capability_required(Capability.ACTIVITY_PROPOSE)
@require_POST
def activity_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The live panel of the planning form (htmx): reach, level hint and clashes, unsaved."""
    activity = None
    raw_pk = request.POST.get("activity_id", "")
    if raw_pk.isdigit():
        activity = selectors.get_activity_for_user(request.user, int(raw_pk))
    form = ActivityForm(request.POST, activity=activity)
    return render(request, "engagement/_live_panel.html", _live_context(form, activity))


# --- An activity ----------------------------------------------------------------------------

#: action -> (service, who may do it: "editor" or "pem", asks for a reason, button label)
ACTIONS: dict[str, tuple[str, str, str, str]] = {
    "submit": ("submit_activity", "editor", "", "Submit for approval"),
    "approve": ("approve_activity", "pem", "", "Approve"),
    "return": ("return_activity", "pem", "What needs to change?", "Return for changes"),
    "publish": ("publish_activity", "editor", "", "Publish and send invitations"),
    "hold": ("mark_held", "editor", "", "Mark as held"),
    "evaluate": ("mark_evaluated", "editor", "", "Mark as evaluated"),
    "close": ("close_activity", "editor", "", "Close"),
    "cancel": ("cancel_activity", "editor", "Why is it cancelled?", "Cancel the activity"),
}


def _actions_for(user: Any, activity: Activity) -> list[dict[str, str]]:
    allowed = services.allowed_actions(activity)
    is_pem = has_capability(user, Capability.ACTIVITY_APPROVE)
    editor = selectors.is_owner(user, activity)
    shown = []
    for name in allowed:
        _, who, _, label = ACTIONS[name]
        if (who == "pem" and is_pem) or (who == "editor" and editor):
            shown.append({"name": name, "label": label})
    return shown


def _cost_context(activity: Activity, registered: int, user: Any) -> dict[str, Any]:
    """The estimate's parts, what it cost in the end once recorded, and its cost per head
    (of the actual cost once recorded, else the estimate): per provider who came once the
    activity is held and attendance was taken, else per person registered."""
    total = activity.reported_cost_pence
    held = activity.status in HELD_STATUSES
    came = selectors.contacts_who_came(activity) if held else 0
    heads = came or registered
    return {
        "venue": activity.cost_venue_pence,
        "officer": activity.officer_cost_pence,
        "other": activity.cost_other_pence,
        "total": activity.estimated_cost_pence,
        "actual": activity.actual_cost_pence,
        "actual_officer": activity.actual_officer_cost_pence,
        "per_attendee": round(total / heads) if heads else None,
        "per_label": f"Per provider who came ({came})" if came else "Per registered attendee",
        "may_record": held and selectors.is_owner(user, activity),
    }


@capability_required(Capability.CALENDAR_VIEW)
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    report = selectors.report_for(activity)
    counts = selectors.registration_counts([activity.pk]).get(
        activity.pk, {"registered": 0, "waiting": 0}
    )
    audience = activity.audience()
    return render(
        request,
        "engagement/activity_detail.html",
        {
            "activity": activity,
            "report": report,
            "reach": reach(audience),
            "audience_text": describe_audience(audience, selectors.reference_names()),
            "counts": counts,
            "costs": _cost_context(activity, counts["registered"], request.user),
            "gaps": activity.design_gaps(),
            "submission_gaps": services.submission_gaps(activity)
            if activity.status == Status.DRAFT
            else [],
            "actions": _actions_for(request.user, activity),
            "can_edit": selectors.can_edit(request.user, activity),
            "is_pem": has_capability(request.user, Capability.ACTIVITY_APPROVE),
            "history": activity.status_changes.select_related("by"),
            "invitation_count": activity.invitations.filter(cancelled=False).count(),
            "recommended": [
                Mechanism(m).label for m in RECOMMENDED_MECHANISMS.get(activity.mode, ())
            ],
            "crumbs": _crumbs(activity.title),
        },
    )


@capability_required(Capability.ACTIVITY_PROPOSE)
def activity_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Confirm, then take one lifecycle step; a refusal lists what is missing."""
    if action not in ACTIONS:
        raise Http404("No such action")
    activity = selectors.get_activity_for_user(request.user, pk)
    service_name, who, reason_label, label = ACTIONS[action]
    # Refuse at the door what the service would refuse at the end, so nobody confirms in vain.
    if who == "pem" and not has_capability(request.user, Capability.ACTIVITY_APPROVE):
        raise PermissionDenied("Only the Provider Engagement Manager can do this.")
    if who == "editor" and not selectors.is_owner(request.user, activity):
        raise PermissionDenied(
            "Only the activity's author, its lead officer or the PEM can do this."
        )
    detail_url = reverse("engagement:activity_detail", args=[activity.pk])
    form = ReasonForm(request.POST or None, label=reason_label) if reason_label else None
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
    if confirmed and (form is None or form.is_valid()):
        kwargs: dict[str, Any] = {"actor": request.user, "activity": activity}
        if form is not None:
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            getattr(services, service_name)(**kwargs)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(detail_url)
        messages.success(request, _done_message(action, activity))
        return redirect(detail_url)
    consequences = _consequences(action, activity)
    return render(
        request,
        "engagement/action_confirm.html",
        {
            "title": f"{label}: {activity.title}?",
            "consequences": consequences,
            "confirm_label": label,
            "destructive": action == "cancel",
            "cancel_url": detail_url,
            "form": form,
            "crumbs": _crumbs(activity.title, detail_url, label),
        },
    )


def _done_message(action: str, activity: Activity) -> str:
    return {
        "submit": "Submitted to the Provider Engagement Manager for approval.",
        "approve": "Approved. It can now be published.",
        "return": "Returned to draft with your comments.",
        "publish": "Published. Invitations are on their way to everyone invited.",
        "hold": "Marked as held.",
        "evaluate": "Marked as evaluated.",
        "close": "Closed.",
        "cancel": "Cancelled. Everyone invited is told.",
    }[action]


def _consequences(action: str, activity: Activity) -> list[str]:
    if action == "publish":
        people = len(services.invitees(activity)) if activity.is_gathering else 0
        lines = ["It appears on the published calendar and the providers' events pages."]
        if people:
            lines.append(f"{people} people are sent an invitation with a calendar file.")
        return lines
    if action == "cancel" and activity.status == Status.PUBLISHED:
        return ["Everyone invited is sent a cancellation that removes it from their calendar."]
    if action == "approve":
        return ["The officer can then publish it and send the invitations."]
    if action == "submit":
        return ["The Provider Engagement Manager reviews it against the design checklist."]
    return []


@capability_required(Capability.ACTIVITY_APPROVE)
def accept_warning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    report = selectors.report_for(activity)
    key = request.POST.get("clash_key") or request.GET.get("clash", "")
    warning = next((w for w in report.warnings if w.key == key), None)
    if warning is None:
        raise Http404("No such warning")
    form = AcceptWarningForm(request.POST or None, initial={"clash_key": key})
    detail_url = reverse("engagement:activity_detail", args=[activity.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_warning(
                actor=request.user,
                activity=activity,
                clash_key=form.cleaned_data["clash_key"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(detail_url)
        messages.success(request, "The warning is accepted and your reason recorded.")
        return redirect(detail_url)
    return render(
        request,
        "engagement/accept_warning.html",
        {
            "form": form,
            "activity": activity,
            "warning": warning,
            "crumbs": _crumbs(activity.title, detail_url, "Accept a warning"),
        },
    )


# --- Registrations (officers) -----------------------------------------------------------------


@capability_required(Capability.ACTIVITY_PROPOSE)
def registrations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who is registered and waiting; register a contact on their behalf."""
    activity = selectors.get_activity_for_user(request.user, pk)
    detail_url = reverse("engagement:activity_detail", args=[activity.pk])
    if request.method == "POST":
        contact = get_object_or_404(Contact, pk=request.POST.get("contact", "0") or 0)
        try:
            registration = services.register_contact(
                actor=request.user, activity=activity, contact=contact
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            where = (
                "has a place"
                if registration.status == Registration.Status.REGISTERED
                else "is on the waiting list"
            )
            messages.success(request, f"{contact.name} {where}.")
        return redirect("engagement:registrations", activity.pk)
    search = request.GET.get("q", "").strip()
    matches: list[Contact] = []
    if search:
        matches = list(
            contacts_reached(activity.audience())
            .filter(name__icontains=search)
            .select_related("provider")
            .order_by("name", "pk")[:20]
        )
    queryset = selectors.registrations_for(activity).order_by("status", "created_at", "pk")
    counts = selectors.registration_counts([activity.pk]).get(
        activity.pk, {"registered": 0, "waiting": 0}
    )
    return render(
        request,
        "engagement/registrations.html",
        {
            "activity": activity,
            "page": paginate(request, queryset),
            "counts": counts,
            "search": search,
            "matches": matches,
            "open": activity.status == Status.PUBLISHED and activity.is_gathering,
            "crumbs": _crumbs(activity.title, detail_url, "Registrations"),
        },
    )


@capability_required(Capability.ACTIVITY_PROPOSE)
def registration_cancel(
    request: AuthenticatedHttpRequest, pk: int, registration_pk: int
) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("contact"), pk=registration_pk, activity=activity
    )
    back = reverse("engagement:registrations", args=[activity.pk])
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            promoted = services.cancel_registration(actor=request.user, registration=registration)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(back)
        text = f"{registration.contact.name}'s place is cancelled."
        if promoted is not None:
            text += f" {promoted.contact.name} moves up from the waiting list."
        messages.success(request, text)
        return redirect(back)
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Cancel {registration.contact.name}'s place?",
            "consequences": ["If the event is full, the first person waiting gets the place."],
            "confirm_label": "Cancel the place",
            "destructive": True,
            "cancel_url": back,
            "crumbs": _crumbs(activity.title, back, "Cancel a place"),
        },
    )


# --- The mode guide ---------------------------------------------------------------------------


@capability_required(Capability.ACTIVITY_PROPOSE)
def mode_guide(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ModeGuideForm(request.GET or None)
    recommendation = None
    if form.is_bound and form.is_valid():
        recommendation = recommend_mode(**form.answers())
    return render(
        request,
        "engagement/mode_guide.html",
        {
            "form": form,
            "recommendation": recommendation,
            "descriptions": [(Mode(m).label, d) for m, d in MODE_DESCRIPTIONS.items()],
            "table": [
                (Mode(m).label, [Mechanism(x).label for x in mechs])
                for m, mechs in RECOMMENDED_MECHANISMS.items()
            ],
            "crumbs": _crumbs("Mode guide"),
        },
    )


# --- Venues -----------------------------------------------------------------------------------


@capability_required(Capability.CALENDAR_VIEW)
def venue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    venues = Venue.objects.all()
    if search:
        venues = venues.filter(name__icontains=search)
    return render(
        request,
        "engagement/venue_list.html",
        {
            "page": paginate(request, venues.order_by("name", "pk")),
            "search": search,
            "crumbs": _crumbs("Venues"),
        },
    )


@capability_required(Capability.ACTIVITY_APPROVE)
def venue_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    venue = get_object_or_404(Venue, pk=pk) if pk else None
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        venue = services.save_venue(actor=request.user, venue=venue, **form.cleaned_data)
        messages.success(request, f"{venue.name} is saved.")
        return redirect("engagement:venue_list")
    title = f"Edit {venue.name}" if venue else "Add a venue"
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "crumbs": _crumbs("Venues", reverse("engagement:venue_list"), title),
            "cancel_url": reverse("engagement:venue_list"),
        },
    )


# --- Feeds ------------------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_not_required
def public_feed(request: HttpRequest) -> HttpResponse:
    """Published events for an audience segment: ``?service_type=&level=&locality=``."""
    get = request.GET
    level = get.get("level", "")
    audience = Audience(
        service_types=frozenset({get["service_type"][:60]})
        if get.get("service_type")
        else frozenset(),
        levels=frozenset({level}) if level in Level.values else frozenset(),
        localities=frozenset({get["locality"][:60]}) if get.get("locality") else frozenset(),
    )
    activities = selectors.public_feed_activities(audience)
    body = ics.feed(activities, name="Provider engagement events", url_for=ics.portal_url)
    response = _ics_response(body, "events.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


@login_not_required
def contact_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.feed_by_token(token)
    if feed is None or feed.contact is None or not feed.contact.is_active:
        raise Http404("No such feed")
    services.touch_feed(feed=feed)
    activities = selectors.contact_feed_activities(feed.contact)
    return _ics_response(
        ics.feed(activities, name="My provider engagement events", url_for=ics.portal_url),
        "my-events.ics",
    )


@login_not_required
def officer_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.feed_by_token(token)
    if feed is None or feed.officer is None or not feed.officer.user.is_active:
        raise Http404("No such feed")
    services.touch_feed(feed=feed)
    activities = selectors.officer_feed_activities(feed.officer)
    return _ics_response(
        ics.feed(activities, name="My engagement activities", url_for=ics.officer_url),
        "my-activities.ics",
    )


def feed_links(request: HttpRequest, path: str) -> dict[str, str]:
    https = request.build_absolute_uri(path)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@capability_required(Capability.ACTIVITY_PROPOSE)
def my_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An officer's private feed link, with a way to replace it."""
    officer = officer_for(request.user)
    if officer is None:
        raise Http404("You are not set up as an officer")
    feed = services.feed_for_officer(officer=officer)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.reset_feed(actor=request.user, feed=feed)
        messages.success(request, "You have a new link. The old one no longer works.")
        return redirect("engagement:my_feed")
    path = reverse("engagement:officer_feed", args=[feed.token])
    public_path = reverse("engagement:public_feed")
    return render(
        request,
        "engagement/my_feed.html",
        {
            "feed": feed,
            "links": feed_links(request, path),
            "public": feed_links(request, public_path),
            "crumbs": _crumbs("Your calendar feed"),
        },
    )


# --- Attendance (officers) --------------------------------------------------------------------


@capability_required(Capability.ACTIVITY_PROPOSE)
def activity_costs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record what a held activity cost in the end (its owners); prefilled with the estimate."""
    activity = selectors.get_activity_for_user(request.user, pk)
    detail = reverse("engagement:activity_detail", args=[activity.pk])
    if not selectors.is_owner(request.user, activity):
        raise PermissionDenied(
            "Only the activity's author, its lead officer or the PEM can do this."
        )
    if activity.status not in HELD_STATUSES:
        messages.error(request, "What it cost can be recorded once it has been held.")
        return redirect(detail)
    form = ActualCostsForm.for_activity(activity, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_actual_costs(
                actor=request.user,
                activity=activity,
                venue_pence=form.pence("venue"),
                officer_hours=form.cleaned_data["officer_hours"] or Decimal("0"),
                other_pence=form.pence("other"),
            )
        except ValidationError as error:  # e.g. its status changed meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, "What it cost is recorded.")
            return redirect(detail)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record what it cost",
            "caption": activity.title,
            "intro": (
                f"The estimate was {pounds(activity.estimated_cost_pence)}. Officer time is "
                f"costed at {pounds(activity.officer_hourly_rate_pence)} an hour."
            ),
            "submit_label": "Save the costs",
            "cancel_url": detail,
            "crumbs": _crumbs(activity.title, detail, "What it cost"),
        },
    )


@capability_required(Capability.ACTIVITY_PROPOSE)
def attendance_capture(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A tick list of everyone on the activity's list, searchable, saved in one go: per person
    "attended" and "sent apologies".

    Searching keeps every row (those that do not match are hidden), and the ticks made so far
    travel with the search, so nothing ticked is lost; with JavaScript htmx filters as you type.
    Someone marked both as attended and as sent apologies is refused: the page comes back with
    what was ticked and an error for each of them.
    """
    activity = selectors.get_activity_for_user(request.user, pk)
    here = reverse("engagement:attendance", args=[activity.pk])
    if request.method == "POST":
        try:
            result = attendance.record_attendance(
                actor=request.user,
                activity=activity,
                listed=request.POST.getlist("listed"),
                present=request.POST.getlist("present"),
                apologies=request.POST.getlist("apologies"),
            )
        except ValidationError as error:
            if error.code == attendance.BOTH_CODE and error.params:
                return _attendance_page(
                    request, activity, request.POST, both=set(error.params["keys"])
                )
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                f"Attendance saved: {result.added} marked as attended, "
                f"{result.removed} no longer marked, {result.apologies_added} sent apologies, "
                f"{result.apologies_removed} apologies cleared.",
            )
        return redirect(here)
    ticked = "filter" in request.GET or bool(request.headers.get("HX-Request"))
    return _attendance_page(request, activity, request.GET if ticked else None)


def _attendance_page(
    request: AuthenticatedHttpRequest,
    activity: Activity,
    submitted: QueryDict | None,
    *,
    both: set[str] | frozenset[str] = frozenset(),
) -> HttpResponse:
    """The capture page (or, for htmx, its list), with the ticks ``submitted`` (a search, or a
    refused save) in place of those recorded; ``both`` are the people refused."""
    detail_url = reverse("engagement:activity_detail", args=[activity.pk])
    register = attendance.attendance_register(activity)
    data = submitted if submitted is not None else request.GET
    search = data.get("q", "").strip()[:100]
    present = set(data.getlist("present"))
    sent = set(data.getlist("apologies"))

    def ticked(rows: list[attendance.Person]) -> list[attendance.Person]:
        """The rows as ticked on the page (copies: the summary keeps what is recorded)."""
        if submitted is None:
            return list(rows)
        return [replace(p, attended=p.key in present, apologies=p.key in sent) for p in rows]

    listed_contacts = {int(p.key.split(":")[1]) for p in register.contacts}
    extra_ids = [
        int(k.split(":")[1])
        for k in data.getlist("listed")
        if k.startswith("contact:") and k.split(":")[1].isdigit()
    ]
    found = attendance.find_contacts(search, exclude=listed_contacts)
    if extra_ids:
        # Walk-ins found by an earlier search stay on the list while the officer keeps typing.
        kept = {p.key for p in found}
        for row in attendance.find_contacts_by_id(set(extra_ids) - listed_contacts):
            if row.key not in kept:
                row.attended = row.key in present
                row.apologies = row.key in sent
                found.append(row)
    # Those registered or already recorded first (most of the invited never reply), then the
    # rest of the invited, each by name; walk-ins found by a search last.
    contacts = sorted(
        register.contacts, key=lambda p: not (p.registered or p.attended or p.apologies)
    )
    sections = [
        ("contacts", "Provider contacts", ticked(contacts) + found),
        ("officers", "Officers", ticked(register.officers)),
        ("partners", "Partners", ticked(register.partners)),
        ("councillors", "Councillors", ticked(register.councillors)),
    ]
    errors = []
    for _, _, rows in sections:
        for row in rows:
            row.hidden = bool(search) and not row.matches(search)
            if row.key in both:
                row.error = (
                    f"{row.name} is marked both as attended and as sent apologies: choose one"
                )
                row.hidden = False
                errors.append(row)
    context = {
        "activity": activity,
        "register": register,
        "sections": sections,
        "search": search,
        "found": found,
        "errors": errors,
        "open": activity.status in attendance.CAPTURE_STATUSES,
        "walk_in_form": WalkInForm(activity=activity),
        "crumbs": _crumbs(activity.title, detail_url, "Attendance"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "engagement/attendance/_list.html", context)
    return render(
        request, "engagement/attendance/capture.html", context, status=400 if errors else 200
    )


@capability_required(Capability.ACTIVITY_PROPOSE)
@require_POST
def attendance_walk_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add someone who came without being on the list (a new contact) as attended."""
    activity = selectors.get_activity_for_user(request.user, pk)
    here = reverse("engagement:attendance", args=[activity.pk])
    form = WalkInForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            record = attendance.add_walk_in(
                actor=request.user, activity=activity, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"{record.contact} is added and marked as attended.")
        return redirect(here)
    detail_url = reverse("engagement:activity_detail", args=[activity.pk])
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Add someone who came",
            "crumbs": _crumbs(activity.title, detail_url, "Attendance", here, "Add someone"),
            "submit_label": "Add and mark as attended",
            "cancel_url": here,
        },
        status=400,
    )
