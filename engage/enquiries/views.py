"""Officer pages of enquiries: the queue, an enquiry, logging one, the overview, categories."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import Column, SortOption, export_response, paginate, sort_queryset
from engage.council.models import Team
from engage.council.selectors import officer_for
from engage.enquiries import selectors, services
from engage.enquiries.forms import (
    CategoryForm,
    LogEnquiryForm,
    NoteForm,
    PeriodForm,
    ReassignForm,
    ReplyForm,
    StatusForm,
)
from engage.enquiries.models import Enquiry, EnquiryCategory, Status
from engage.enquiries.selectors import QUEUE_ROW_FIELDS, QUEUE_TABS, QueueFilters
from engage.market.models import Provider

QUEUE_SORTS = (
    SortOption("due", "Next target", ("next_due",)),
    SortOption("received", "Received", ("received_at",)),
    SortOption("reference", "Reference", ("reference",)),
    SortOption("provider", "Enquiry and provider", ("provider__name",)),
    SortOption("status", "Status", ("status",)),
)

QUEUE_EXPORT = (
    Column("Reference", lambda e: e.reference),
    Column("Received", lambda e: e.received_at),
    Column("Provider", lambda e: e.provider.name),
    Column("Category", lambda e: e.category.name),
    Column("Subject", lambda e: e.subject),
    Column("Status", lambda e: e.get_status_display()),
    Column("Owner", lambda e: e.owner.user.full_name if e.owner else ""),
    Column("Team", lambda e: e.team.name),
    Column("First reply by", lambda e: e.first_response_due),
    Column("First reply sent", lambda e: e.first_response_at),
    Column("First reply on time", lambda e: e.first_response_met),
    Column("Resolve by", lambda e: e.resolve_due),
    Column("Resolved", lambda e: e.resolved_at),
)

STATUS_FILTERS = (("open", "Open"), ("any", "Any status"), *Status.choices)


def _crumbs(*extra: str) -> list[str]:
    return ["Enquiries", reverse("enquiries:queue"), *extra]


@capability_required(Capability.ENQUIRIES_WORK)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Tabs (mine, my team's, due soon, overdue, all) with filters, sorting and pages."""
    tabs = dict(QUEUE_TABS)
    tab = request.GET.get("tab", "mine")
    if tab not in tabs:
        tab = "mine"
    officer = officer_for(request.user)
    today = selectors.today_local()
    status = request.GET.get("status", "open")
    if status not in dict(STATUS_FILTERS):
        status = "open"
    target = request.GET.get("target", "")
    if target not in {"", "due-soon", "overdue"}:
        target = ""
    provider_id = request.GET.get("provider", "")
    category_slug = request.GET.get("category", "")
    team_slug = request.GET.get("team", "")
    filters = QueueFilters(
        search=request.GET.get("q", "").strip(),
        status=status,
        # No slug chosen, no query: an empty slug matches nothing anyway.
        category=EnquiryCategory.objects.filter(slug=category_slug).first()
        if category_slug
        else None,
        team=Team.objects.filter(slug=team_slug).first() if team_slug else None,
        provider=Provider.objects.filter(pk=int(provider_id)).first()
        if provider_id.isdigit()
        else None,
        target=target,
    )
    queryset = selectors.queue(tab=tab, officer=officer, filters=filters, today=today)
    queryset, sort = sort_queryset(request, queryset, QUEUE_SORTS, "due")
    export_format = request.GET.get("export")
    if export_format in {"csv", "xlsx"}:
        return export_response(
            export_format, filename_stem="enquiries", columns=QUEUE_EXPORT, rows=queryset.iterator()
        )
    # The page reads only what its rows show (``queue_rows`` builds them from these tuples).
    page = paginate(request, queryset.values_list(*QUEUE_ROW_FIELDS))
    counts = selectors.queue_counts(officer, today)
    return render(
        request,
        "enquiries/queue.html",
        {
            "tab": tab,
            "tab_label": tabs[tab],
            "tabs": [(key, label, counts[key]) for key, label in QUEUE_TABS],
            "page": page,
            "sort": sort,
            "filters": filters,
            "status_filters": STATUS_FILTERS,
            "categories": EnquiryCategory.objects.all(),
            "teams": Team.objects.filter(is_active=True),
            "officer": officer,
            "today": today,
        },
    )


def _detail(
    request: AuthenticatedHttpRequest, enquiry: Enquiry, *, status: int = 200, **forms: Any
) -> HttpResponse:
    reply_form = forms.get("reply_form") or ReplyForm(enquiry=enquiry)
    note_form = forms.get("note_form") or NoteForm()
    status_form = forms.get("status_form") or StatusForm(enquiry=enquiry)
    reassign_form = forms.get("reassign_form") or ReassignForm(
        initial={"owner": enquiry.owner_id, "team": enquiry.team_id}
    )
    all_forms = [reply_form, note_form, status_form, reassign_form]
    context = {
        "enquiry": enquiry,
        "thread": selectors.messages_for_user(request.user, enquiry),
        "events": selectors.events_of(enquiry),
        "pauses": enquiry.pauses.order_by("started_at"),
        "reply_form": reply_form,
        "note_form": note_form,
        "status_form": status_form,
        "reassign_form": reassign_form,
        "all_forms": all_forms,
        "has_errors": any(f.is_bound and f.errors for f in all_forms),
        "who_to_contact": selectors.who_to_contact(enquiry.provider),
        "officer": officer_for(request.user),
        "crumbs": _crumbs(enquiry.reference),
    }
    return render(request, "enquiries/detail.html", context, status=status)


@capability_required(Capability.ENQUIRIES_WORK)
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The enquiry, its thread with internal notes, its targets, history and actions."""
    enquiry = selectors.get_enquiry_for_user(request.user, pk)
    return _detail(request, enquiry)


def _rule_broken(
    request: AuthenticatedHttpRequest, enquiry: Enquiry, form_name: str, form: Any, error: Any
) -> HttpResponse:
    form.add_error(None, error)
    return _detail(request, enquiry, status=422, **{form_name: form})


@require_POST
@capability_required(Capability.ENQUIRIES_WORK)
def reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = selectors.get_enquiry_for_user(request.user, pk)
    form = ReplyForm(request.POST, request.FILES, enquiry=enquiry)
    if not form.is_valid():
        return _detail(request, enquiry, status=422, reply_form=form)
    try:
        services.post_reply(
            actor=request.user,
            enquiry=enquiry,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
            then_status=form.cleaned_data["then_status"] or None,
        )
    except ValidationError as error:
        return _rule_broken(request, enquiry, "reply_form", form, error)
    where = enquiry.contact_email or "the provider"
    messages.success(request, f"Your reply has been sent to {where}.")
    return redirect("enquiries:detail", pk=enquiry.pk)


@require_POST
@capability_required(Capability.ENQUIRIES_WORK)
def note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = selectors.get_enquiry_for_user(request.user, pk)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, enquiry, status=422, note_form=form)
    services.add_note(
        actor=request.user,
        enquiry=enquiry,
        body=form.cleaned_data["body"],
        files=form.cleaned_data["attachments"],
    )
    messages.success(request, "Your internal note has been added. The provider cannot see it.")
    return redirect("enquiries:detail", pk=enquiry.pk)


@require_POST
@capability_required(Capability.ENQUIRIES_WORK)
def change_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = selectors.get_enquiry_for_user(request.user, pk)
    form = StatusForm(request.POST, enquiry=enquiry)
    if not form.is_valid():
        return _detail(request, enquiry, status=422, status_form=form)
    try:
        updated = services.change_status(
            actor=request.user,
            enquiry=enquiry,
            to_status=form.cleaned_data["to_status"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        return _rule_broken(request, enquiry, "status_form", form, error)
    messages.success(request, f"{enquiry.reference} is now {updated.get_status_display().lower()}.")
    return redirect("enquiries:detail", pk=enquiry.pk)


@require_POST
@capability_required(Capability.ENQUIRIES_WORK)
def reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = selectors.get_enquiry_for_user(request.user, pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _detail(request, enquiry, status=422, reassign_form=form)
    try:
        updated = services.reassign_enquiry(
            actor=request.user,
            enquiry=enquiry,
            owner=form.cleaned_data["owner"],
            team=form.cleaned_data["team"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        return _rule_broken(request, enquiry, "reassign_form", form, error)
    messages.success(request, f"{enquiry.reference} is now with {updated.owner_label}.")
    return redirect("enquiries:detail", pk=enquiry.pk)


@require_POST
@capability_required(Capability.ENQUIRIES_WORK)
def take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = selectors.get_enquiry_for_user(request.user, pk)
    try:
        services.take_enquiry(actor=request.user, enquiry=enquiry)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"{enquiry.reference} is now yours.")
    return redirect("enquiries:detail", pk=enquiry.pk)


@capability_required(Capability.ENQUIRIES_WORK)
def attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Download a file, only for those who may see it; always as a download."""
    found = selectors.get_attachment_for_user(request.user, pk)
    return _file_response(found)


def _file_response(found: Any) -> FileResponse:
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required(Capability.ENQUIRIES_WORK)
def log_find_provider(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Logging an enquiry received by phone or email, step one: which provider."""
    search = request.GET.get("q", "").strip()
    providers = Provider.objects.none()
    if search:
        providers = Provider.objects.filter(name__icontains=search) | Provider.objects.filter(
            cqc_provider_id__iexact=search
        )
        providers = providers.order_by("name", "pk")
    return render(
        request,
        "enquiries/log_find_provider.html",
        {
            "search": search,
            "page": paginate(request, providers, per_page=20),
            "crumbs": _crumbs("Log an enquiry"),
        },
    )


@capability_required(Capability.ENQUIRIES_WORK)
def log_enquiry(request: AuthenticatedHttpRequest, provider_pk: int) -> HttpResponse:
    """Logging an enquiry received by phone or email, step two: the enquiry."""
    provider = get_object_or_404(Provider, pk=provider_pk)
    form = LogEnquiryForm(
        request.POST if request.method == "POST" else None, request.FILES or None, provider=provider
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = services.submit_enquiry(
                actor=request.user,
                provider=provider,
                category=data["category"],
                subject=data["subject"],
                body=data["body"],
                contact=data["contact"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                channel=data["channel"],
                received_at=data["received_at"],
                files=data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{enquiry.reference} has been logged and is with {enquiry.owner_label}.",
            )
            return redirect("enquiries:detail", pk=enquiry.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Log an enquiry",
            "caption": provider.name,
            "intro": "For an enquiry received by phone or email. The provider is sent the "
            "acknowledgement with the reference, the named owner and the target dates.",
            "submit_label": "Log the enquiry",
            "cancel_url": reverse("enquiries:log"),
            "multipart": True,
            "crumbs": _crumbs("Log an enquiry", reverse("enquiries:log"), provider.name),
        },
        status=422 if request.method == "POST" else 200,
    )


@capability_required(Capability.ENQUIRIES_OVERVIEW)
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Response-time figures by category and by team, for a period (default: a year)."""
    today = selectors.today_local()
    start, end = today - timedelta(days=365), today
    form = PeriodForm(
        request.GET or None, initial={"start": start.isoformat(), "end": end.isoformat()}
    )
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    figures = selectors.response_overview(start=start, end=end, today=today)
    chart = {
        "labels": [f.label for f in figures.by_category],
        "on_time": [f.on_time_percent for f in figures.by_category],
        "median_response": [f.median_response_days for f in figures.by_category],
    }
    return render(
        request,
        "enquiries/overview.html",
        {"form": form, "figures": figures, "chart": chart, "crumbs": _crumbs("Overview")},
    )


@capability_required(Capability.ENQUIRIES_CONFIGURE)
def category_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    categories = EnquiryCategory.objects.select_related("team").order_by("position", "name")
    return render(
        request,
        "enquiries/category_list.html",
        {"categories": categories, "crumbs": _crumbs("Categories and targets")},
    )


@capability_required(Capability.ENQUIRIES_CONFIGURE)
def category_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    category = get_object_or_404(EnquiryCategory, pk=pk) if pk else None
    form = CategoryForm(request.POST if request.method == "POST" else None, instance=category)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CategoryForm.Meta.fields}
        if category is None:
            fields["slug"] = form.cleaned_data["slug"]
        try:
            category = services.save_category(actor=request.user, category=category, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"'{category.name}' has been saved. New targets apply to enquiries received "
                "from now on.",
            )
            return redirect("enquiries:categories")
    title = f"Edit '{category.name}'" if category else "Add a category"
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": "Targets are in working days (weekends and England bank holidays are not "
            "counted). Enquiries already received keep their dates.",
            "cancel_url": reverse("enquiries:categories"),
            "crumbs": _crumbs("Categories and targets", reverse("enquiries:categories"), title),
        },
    )
