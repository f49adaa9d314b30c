"""Services (registered locations): the list, the page, add and edit."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engage.accounts.permissions import Capability, capability_required, has_capability
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import Column, SortOption, export_response, paginate, sort_queryset
from engage.market import selectors, services
from engage.market.filters import ServiceFilterForm
from engage.market.forms import ServiceForm
from engage.market.models import Service
from engage.market.views.common import export_format, form_page, market_crumbs

SERVICE_SORTS = (
    SortOption("name", "Service", ("name",)),
    SortOption("provider", "Provider", ("sort_provider", "name")),
    SortOption("locality", "Locality", ("sort_locality", "name")),
    SortOption("beds", "Beds", ("sort_beds", "name")),
    SortOption("rating", "CQC rating", ("rating", "name")),
    SortOption("rated", "Rated on", ("sort_rated", "name")),
)


def _sortable(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """Empty values sort as the smallest on every database (PostgreSQL puts NULL last)."""
    return queryset.annotate(
        sort_provider=Coalesce("provider__name", Value("")),
        sort_locality=Coalesce("locality__name", Value("")),
        sort_beds=Coalesce("beds", Value(-1)),
        sort_rated=Coalesce("rating_date", Value(date.min)),
    )


def _types(service: Service) -> str:
    return ", ".join(t.name for t in service.service_types.all())


SERVICE_EXPORT = (
    Column("Service", lambda s: s.name),
    Column("CQC location ID", lambda s: s.cqc_location_id or ""),
    Column("Provider", lambda s: s.provider.name if s.provider else ""),
    Column("CQC provider ID", lambda s: s.provider.cqc_provider_id if s.provider else ""),
    Column("Tier One provider", lambda s: bool(s.provider and s.provider.is_tier_one)),
    Column("Service types", _types),
    Column("Locality", lambda s: s.locality.name if s.locality else ""),
    Column("Address", lambda s: s.address),
    Column("Postcode", lambda s: s.postcode),
    Column("Local authority", lambda s: s.local_authority),
    Column("Beds", lambda s: s.beds),
    Column("CQC rating", lambda s: s.get_rating_display()),
    Column("Rated on", lambda s: s.rating_date),
    Column("Contracted", lambda s: s.is_contracted),
    Column("Registration", lambda s: s.get_status_display()),
    Column("Deregistered on", lambda s: s.deregistered_on),
    Column("Phone", lambda s: s.phone),
    Column("Website", lambda s: s.website),
)


@capability_required(Capability.MARKET_VIEW)
def service_list(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = ServiceFilterForm(request.GET or None)
    filters = form.filters()
    queryset = _sortable(selectors.services(user=request.user, filters=filters))
    queryset, sort = sort_queryset(request, queryset, SERVICE_SORTS, "name")
    wanted = export_format(request)
    if wanted:
        return export_response(
            wanted,
            filename_stem="services",
            columns=SERVICE_EXPORT,
            rows=queryset.iterator(chunk_size=2000),
        )
    provider = (
        selectors.get_provider_for_user(request.user, filters.provider)
        if filters.provider
        else None
    )
    return render(
        request,
        "market/service_list.html",
        {"form": form, "page": paginate(request, queryset), "sort": sort, "provider": provider},
    )


@capability_required(Capability.MARKET_VIEW)
def service_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = selectors.get_service_for_user(request.user, pk)
    contacts = None
    if has_capability(request.user, Capability.CONTACTS_VIEW):
        contacts = list(
            service.contacts.filter(erased_at__isnull=True).order_by("-is_active", "level", "name")
        )
    crumbs = market_crumbs()
    if service.provider:
        crumbs += [
            service.provider.name,
            reverse("market:provider_detail", args=[service.provider_id]),
        ]
    return render(
        request,
        "market/service_detail.html",
        {"service": service, "contacts": contacts, "crumbs": [*crumbs, service.name]},
    )


@capability_required(Capability.MARKET_EDIT)
def service_create(request: AuthenticatedHttpRequest, provider_pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_user(request.user, provider_pk)
    form = ServiceForm(request.POST or None, initial={"status": Service.Status.ACTIVE})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        service = services.save_service(
            actor=request.user,
            provider=provider,
            service_types=data.pop("service_types"),
            **data,
        )
        messages.success(request, f"{service.name} has been added to {provider.name}.")
        return redirect("market:service_detail", service.pk)
    provider_url = reverse("market:provider_detail", args=[provider.pk])
    return form_page(
        request,
        form=form,
        title="Add a service",
        caption=provider.name,
        crumbs=market_crumbs(provider.name, provider_url, "Add a service"),
        submit_label="Add the service",
        cancel_url=provider_url,
    )


@capability_required(Capability.MARKET_EDIT)
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = selectors.get_service_for_user(request.user, pk)
    form = ServiceForm(request.POST or None, instance=service)
    detail_url = reverse("market:service_detail", args=[service.pk])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.save_service(
            actor=request.user,
            provider=service.provider,
            service=service,
            service_types=data.pop("service_types"),
            **data,
        )
        messages.success(request, f"{service.name} has been saved.")
        return redirect(detail_url)
    return form_page(
        request,
        form=form,
        title=f"Edit {service.name}",
        caption=service.provider.name if service.provider else "Service",
        crumbs=market_crumbs(service.name, detail_url, "Edit"),
        cancel_url=detail_url,
    )
