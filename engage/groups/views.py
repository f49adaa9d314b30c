"""Pages of the groups register: the register, a group, its terms of reference and maturity."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from engage.accounts.permissions import Capability, capability_required
from engage.core import data_versions
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import Column, SortOption, export_response, paginate, sort_queryset
from engage.groups import selectors, services, standards
from engage.groups.forms import (
    ApproveTermsForm,
    GroupForm,
    GroupKindForm,
    MaturityForm,
    SessionForm,
    SessionFormSet,
    TermsForm,
)
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    GroupKind,
    GroupStatus,
    MaturityLevel,
    TermsState,
)
from engage.groups.selectors import meeting_figures

REGISTER_SORTS = (
    SortOption("name", "Name", ("name",)),
    SortOption("locality", "Locality", ("locality__name", "name")),
    SortOption("owner", "Owner", ("owner__user__full_name", "name")),
    SortOption("terms", "Terms of reference", ("terms_state", "name")),
    SortOption("maturity", "Maturity (1–4)", ("maturity_total", "name")),
    SortOption("status", "Status", ("status", "name")),
)

REGISTER_EXPORT = (
    Column("Name", lambda g: g.name),
    Column("Kind", lambda g: g.get_kind_display()),
    Column("Status", lambda g: g.get_status_display()),
    Column("Locality", lambda g: g.locality.name if g.locality else ""),
    Column("Owner", lambda g: g.owner.user.full_name),
    Column("Chair", lambda g: g.chair),
    Column("Meetings a year (target)", lambda g: g.frequency_target),
    Column("Months ahead published", lambda g: g.publication_horizon_months),
    Column("Terms of reference", lambda g: TermsState(g.terms_state).label),
    Column("Terms version", lambda g: g.terms_version),
    Column("Terms review due", lambda g: g.terms_review_due),
    Column("Maturity (latest average)", lambda g: g.latest_maturity_average),
    Column("Maturity assessed on", lambda g: g.maturity_assessed_on),
    Column("Meetings in the last 12 months", lambda g: meeting_figures(g).last_12_months_label),
    Column("Next meeting", lambda g: meeting_figures(g).next_meeting_label),
)


def _crumbs(*extra: Any) -> list[Any]:
    return ["Groups", reverse("groups:register"), *extra]


def _group_crumbs(group: EngagementGroup, *extra: Any) -> list[Any]:
    return _crumbs(group.name, reverse("groups:group_detail", args=[group.pk]), *extra)


def _manageable_group(request: AuthenticatedHttpRequest, pk: int) -> EngagementGroup:
    """The group, if the user may see it (else 404) and change it (else 403)."""
    group = selectors.get_group_for_user(request.user, pk)
    if not selectors.may_manage_group(request.user, group):
        raise PermissionDenied("You cannot change this group.")
    return group


# --- Register and groups ---------------------------------------------------------------------


@capability_required(Capability.GROUPS_VIEW)
# The page only reads; its rows, counts and filter choices are cached under one version.
@data_versions.pinned([selectors.PAGES_VERSION])
def register(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    params = {
        "search": request.GET.get("q", "").strip(),
        "kind": request.GET.get("kind", ""),
        "locality_slug": request.GET.get("locality", ""),
        "status": request.GET.get("status", ""),
        "terms_state": request.GET.get("terms", ""),
    }
    export_format = request.GET.get("export")
    groups = selectors.register(
        search=params["search"],
        kind=params["kind"],
        locality_slug=params["locality_slug"],
        status=params["status"],
        terms_state=params["terms_state"],
        with_meetings=export_format in {"csv", "xlsx"},
    )
    groups, sort = sort_queryset(request, groups, REGISTER_SORTS, "name")
    if export_format in {"csv", "xlsx"}:
        return export_response(
            export_format, filename_stem="engagement-groups", columns=REGISTER_EXPORT, rows=groups
        )
    # Counted without the rows' joins and subqueries (the same filters, the same number).
    count = selectors.cached_register_count(**params)
    page = paginate(request, groups, count=count)
    rows = selectors.cached_register_rows(page.object_list)
    page.object_list = rows
    figures = selectors.meeting_figures_by_group(group.pk for group in rows)
    for group in rows:
        group.figures = figures[group.pk]
    totals = selectors.register_totals()
    return render(
        request,
        "groups/register.html",
        {
            "page": page,
            "sort": sort,
            "params": params,
            "kinds": GroupKind.choices,
            "statuses": GroupStatus.choices,
            "terms_states": TermsState.choices,
            "localities": selectors.locality_choices(),
            "totals": totals,
            "filtered": any(params.values()),
        },
    )


@capability_required(Capability.GROUPS_MANAGE)
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1: the kind (and a forum's locality), which decide the defaults of step 2.

    Step 1 posts and is redirected to ``?kind=…&locality=…``; step 2 is that address.
    """
    if "kind" in request.GET:
        choice = GroupKindForm(request.GET)
        if choice.is_valid():
            return _group_create_details(request, choice.cleaned_data)
        form = choice
    else:
        form = GroupKindForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            query = QueryDict(mutable=True)
            query["kind"] = form.cleaned_data["kind"]
            if form.cleaned_data["locality"] is not None:
                query["locality"] = form.cleaned_data["locality"].slug
            return redirect(f"{reverse('groups:group_create')}?{query.urlencode()}")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Add a group",
            "crumbs": _crumbs("Add a group"),
            "submit_label": "Continue",
            "cancel_url": reverse("groups:register"),
        },
    )


def _group_create_details(
    request: AuthenticatedHttpRequest, choice: dict[str, Any]
) -> HttpResponse:
    """Step 2: the details, started from the kind's defaults; saving creates the group."""
    kind, locality = choice["kind"], choice["locality"]
    if request.method == "POST":
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                group = services.create_group(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{group.name} has been added to the register.")
                return redirect("groups:group_detail", pk=group.pk)
    else:
        defaults = services.group_defaults(kind)
        owner = services.forum_owner_for(locality) if kind == GroupKind.PROVIDER_FORUM else None
        form = GroupForm(
            initial={
                "kind": kind,
                "status": GroupStatus.ACTIVE,
                "locality": locality,
                "owner": owner,
                "required_teams": list(defaults.required_teams),
                "streams": list(defaults.streams),
                "frequency_target": defaults.frequency_target,
                "publication_horizon_months": defaults.publication_horizon_months,
                "audience_localities": [locality] if locality else [],
                "audience_service_types": sorted(
                    {t for s in defaults.streams for t in s.service_types.all()},
                    key=lambda t: t.pk,
                ),
                "levels": [
                    level
                    for level, chosen in (
                        ("owner", defaults.for_owners),
                        ("manager", defaults.for_managers),
                        ("worker", defaults.for_workers),
                    )
                    if chosen
                ],
                "tier_one_only": defaults.tier_one_only,
            }
        )
    title = f"Add a {GroupKind(kind).label.lower()}"
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": "The teams, frequency, horizon and audience start from what this kind of "
            "group usually has; change them as needed.",
            "crumbs": _crumbs(title),
            "submit_label": "Add the group",
            "cancel_url": reverse("groups:register"),
        },
    )


@capability_required(Capability.GROUPS_VIEW)
# The page only reads; its lists, assessments and compliance are cached under these.
@data_versions.pinned([selectors.PAGES_VERSION, standards.DATA_VERSION])
def group_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for_user(request.user, pk, with_meetings=False, for_overview=True)
    lists = selectors.group_lists(group)
    trend = selectors.maturity_trend(group)
    now = timezone.now()
    meetings = list(selectors.group_meetings(group))
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "meetings": selectors.meeting_figures_of(meetings, now=now),
            "upcoming": sorted(
                (m for m in meetings if m.activity.starts_at >= now),
                key=lambda m: m.activity.starts_at,
            ),
            "past": [m for m in meetings if m.activity.starts_at < now][:12],
            "past_total": sum(1 for m in meetings if m.activity.starts_at < now),
            "compliance": standards.compliance_for([group], now=now)[group.pk],
            "lists": lists,
            "audience": selectors.audience_summary(group, lists),
            "trend": trend,
            "dimensions": DIMENSIONS,
            "may_manage": selectors.may_manage_group(request.user, group),
            "crumbs": _crumbs(group.name),
        },
    )


@capability_required(Capability.GROUPS_VIEW)
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = _manageable_group(request, pk)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(actor=request.user, group=group, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{group.name} has been saved.")
            return redirect("groups:group_detail", pk=group.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Edit {group.name}",
            "caption": group.get_kind_display(),
            "crumbs": _group_crumbs(group, "Edit"),
            "cancel_url": reverse("groups:group_detail", args=[group.pk]),
        },
    )


# --- Terms of reference ---------------------------------------------------------------------


@capability_required(Capability.GROUPS_VIEW)
def terms_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for_user(request.user, pk)
    versions = list(selectors.terms_versions(group))
    return render(
        request,
        "groups/terms_history.html",
        {
            "group": group,
            "versions": versions,
            "has_draft": any(v.is_draft for v in versions),
            "may_manage": selectors.may_manage_group(request.user, group),
            "crumbs": _group_crumbs(group, "Terms of reference"),
        },
    )


def _terms_crumbs(group: EngagementGroup, *extra: Any) -> list[Any]:
    return _group_crumbs(
        group, "Terms of reference", reverse("groups:terms_history", args=[group.pk]), *extra
    )


@capability_required(Capability.GROUPS_VIEW)
def terms_detail(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    group = selectors.get_group_for_user(request.user, pk)
    terms = selectors.get_terms_version(group, version)
    return render(
        request,
        "groups/terms_detail.html",
        {
            "group": group,
            "terms": terms,
            "previous": selectors.previous_version(terms),
            "has_draft": selectors.open_draft(group) is not None,
            "state": terms.state_on(_today()),
            "may_manage": selectors.may_manage_group(request.user, group),
            "crumbs": _terms_crumbs(group, f"Version {terms.version}"),
        },
    )


def _today() -> date:
    return timezone.localdate()


@capability_required(Capability.GROUPS_VIEW)
def terms_changes(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    group = selectors.get_group_for_user(request.user, pk)
    newer = selectors.get_terms_version(group, version)
    older = selectors.previous_version(newer)
    if older is None:
        messages.info(request, f"Version {newer.version} is the first: there is nothing before it.")
        return redirect("groups:terms_detail", pk=group.pk, version=newer.version)
    whole = request.GET.get("whole") == "1"
    comparison = selectors.compare_versions(older, newer, whole=whole)
    return render(
        request,
        "groups/terms_changes.html",
        {
            "group": group,
            "older": older,
            "newer": newer,
            "comparison": comparison,
            "whole": whole,
            "crumbs": _terms_crumbs(group, f"Changes in version {newer.version}"),
        },
    )


@capability_required(Capability.GROUPS_VIEW)
def terms_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start the next version (from the latest text), or go on editing the open draft."""
    group = _manageable_group(request, pk)
    draft = selectors.open_draft(group)
    latest = draft or selectors.terms_versions(group).first()
    if latest is None:
        initial = {"title": f"{group.name}: terms of reference"}
    else:
        initial = {"title": latest.title, "body": latest.body}
        if draft is not None:
            initial["change_summary"] = draft.change_summary
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if draft is not None:
                saved = services.update_draft_terms(actor=request.user, terms=draft, **data)
            else:
                saved = services.draft_terms(actor=request.user, group=group, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Draft version {saved.version} has been saved.")
            return redirect("groups:terms_detail", pk=group.pk, version=saved.version)
    title = (
        f"Edit draft version {draft.version}"
        if draft
        else "Draft new terms of reference"
        if latest
        else "Draft terms of reference"
    )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": group.name,
            "intro": "A draft can be changed until it is approved. Approved versions are never "
            "changed: a change is a new version."
            if not draft
            else None,
            "crumbs": _terms_crumbs(group, title),
            "submit_label": "Save the draft",
            "cancel_url": reverse("groups:terms_history", args=[group.pk]),
        },
    )


@capability_required(Capability.GROUPS_VIEW)
def terms_approve(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    """Approve a draft: the dates first, then a check of what will happen, then approval."""
    group = _manageable_group(request, pk)
    terms = selectors.get_terms_version(group, version)
    if not terms.is_draft:
        messages.error(request, f"Version {terms.version} is not a draft: it cannot be approved.")
        return redirect("groups:terms_detail", pk=group.pk, version=terms.version)
    today = _today()
    initial = {
        "approved_on": today,
        "review_due": services.default_review_due(group=group, approved_on=today),
    }
    form = ApproveTermsForm(request.POST or None, initial=initial)
    crumbs = _terms_crumbs(group, f"Approve version {terms.version}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                services.approve_terms(actor=request.user, terms=terms, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Version {terms.version} is now the approved terms of reference."
                )
                return redirect("groups:terms_detail", pk=group.pk, version=terms.version)
        else:
            current = getattr(group, "terms_version", None)
            consequences = [
                f"Version {terms.version} becomes the group's terms of reference, approved on "
                f"{data['approved_on']:%-d %B %Y}, for review by {data['review_due']:%-d %B %Y}.",
                "Once approved it cannot be changed: a later change is a new version.",
            ]
            if current:
                consequences.insert(1, f"Version {current} is superseded and stays in the history.")
            return render(
                request,
                "groups/terms_approve_confirm.html",
                {
                    "title": f"Approve version {terms.version}?",
                    "group": group,
                    "terms": terms,
                    "data": data,
                    "posted": [
                        (key, value)
                        for key, value in request.POST.items()
                        if key not in {"csrfmiddlewaretoken", "confirm"}
                    ],
                    "consequences": consequences,
                    "crumbs": crumbs,
                },
            )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Approve version {terms.version}",
            "caption": group.name,
            "intro": "Record when the terms of reference were agreed and when they are due for "
            "review. You can check before anything is saved.",
            "crumbs": crumbs,
            "submit_label": "Continue",
            "cancel_url": reverse("groups:terms_detail", args=[group.pk, terms.version]),
        },
    )


# --- Maturity -------------------------------------------------------------------------------


@capability_required(Capability.GROUPS_VIEW)
def maturity_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for_user(request.user, pk)
    return render(
        request,
        "groups/maturity_history.html",
        {
            "group": group,
            "trend": selectors.maturity_trend(group),
            "dimensions": DIMENSIONS,
            "levels": MaturityLevel.choices,
            "may_manage": selectors.may_manage_group(request.user, group),
            "crumbs": _group_crumbs(group, "Maturity"),
        },
    )


@capability_required(Capability.GROUPS_VIEW)
def maturity_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = _manageable_group(request, pk)
    form = MaturityForm(request.POST or None, initial={"assessed_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_maturity_assessment(
                actor=request.user,
                group=group,
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                evidence=form.evidence(),
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"The assessment of {assessment.assessed_on:%-d %B %Y} has been saved."
            )
            return redirect("groups:maturity_history", pk=group.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Assess maturity",
            "caption": group.name,
            "intro": "Score each dimension from 1 (not in place) to 4 (embedded), with the "
            "evidence for the score.",
            "crumbs": _group_crumbs(
                group, "Maturity", reverse("groups:maturity_history", args=[group.pk]), "Assess"
            ),
            "submit_label": "Save the assessment",
            "cancel_url": reverse("groups:maturity_history", args=[group.pk]),
        },
    )


@capability_required(Capability.GROUPS_VIEW)
def maturity_detail(request: AuthenticatedHttpRequest, pk: int, assessment: int) -> HttpResponse:
    group = selectors.get_group_for_user(request.user, pk)
    found = selectors.get_assessment(group, assessment)
    return render(
        request,
        "groups/maturity_detail.html",
        {
            "group": group,
            "assessment": found,
            "crumbs": _group_crumbs(
                group,
                "Maturity",
                reverse("groups:maturity_history", args=[group.pk]),
                f"{found.assessed_on:%-d %B %Y}",
            ),
        },
    )


# --- Standards across groups -------------------------------------------------------------------


@capability_required(Capability.GROUPS_VIEW)
def standards_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open group's compliance with the review's standards, worst first."""
    groups = list(
        selectors.groups_visible_to(request.user)
        .exclude(status__in=[GroupStatus.CLOSED, GroupStatus.PROPOSED])
        .select_related("locality")
        .order_by("name", "pk")
    )
    compliance = standards.compliance_for(groups)
    rows = sorted(
        ((g, compliance[g.pk]) for g in groups),
        key=lambda row: (
            row[1].percent if row[1].percent is not None else 101,
            row[0].name,
        ),
    )
    return render(
        request,
        "groups/standards.html",
        {
            "rows": rows,
            "overview": standards.standards_overview(compliance.values()),
            "notes_due_days": standards.notes_due_days(),
            "crumbs": _crumbs("Standards"),
        },
    )


# --- Sessions of a meeting ---------------------------------------------------------------------


@capability_required(Capability.GROUPS_VIEW)
def meeting_sessions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The sessions of a meeting: see them, and (those who run the group) change them."""
    meeting = selectors.get_meeting_for_user(request.user, pk)
    group = meeting.group
    may_manage = selectors.may_manage_group(request.user, group)
    sessions = list(selectors.meeting_sessions(meeting))
    formset = None
    if may_manage:
        formset = SessionFormSet(
            request.POST or None,
            meeting=meeting,
            initial=[SessionForm.initial_for(s) for s in sessions],
        )
        if request.method == "POST" and formset.is_valid():
            data, deleted = formset.session_data(sessions)
            try:
                services.save_sessions(
                    actor=request.user, meeting=meeting, sessions=data, delete_ids=deleted
                )
            except services.SessionsError as error:
                formset.add_session_errors(error.by_index)
            else:
                messages.success(request, "The meeting's sessions have been saved.")
                return redirect("groups:meeting_sessions", pk=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied("You cannot change this group's meetings.")
    return render(
        request,
        "groups/meeting_sessions.html",
        {
            "group": group,
            "meeting": meeting,
            "activity": meeting.activity,
            "sessions": sessions,
            "formset": formset,
            "may_manage": may_manage,
            "crumbs": _group_crumbs(
                group, f"Meeting of {timezone.localtime(meeting.activity.starts_at):%-d %B %Y}"
            ),
        },
    )
