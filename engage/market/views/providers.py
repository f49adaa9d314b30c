"""Providers: the list (with filters, export and bulk actions), the page, add and edit."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engage.accounts.permissions import Capability, capability_required, has_capability
from engage.core import data_versions
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import Column, SortOption, export_response, paginate, sort_queryset
from engage.enquiries.portal import WHO_TO_CONTACT_VERSIONS
from engage.market import selectors, services
from engage.market.caching import REGISTER, cached_page
from engage.market.filters import ProviderFilterForm
from engage.market.forms import BULK_ACTIONS, BulkActionForm, ProviderForm
from engage.market.models import Provider
from engage.market.views.common import export_format, form_page, market_crumbs, safe_next

PROVIDER_SORTS = (
    SortOption("name", "Name", ("name",)),
    SortOption("services", "Services", ("active_services", "name")),
    SortOption("beds", "Beds", ("total_beds", "name")),
    SortOption("localities", "Localities", ("locality_count", "name")),
    SortOption("manager", "Contract manager", ("sort_manager", "name")),
)


def _associations(provider: Provider) -> str:
    return ", ".join(m.association.name for m in getattr(provider, "current_memberships", ()))


PROVIDER_EXPORT = (
    Column("Name", lambda p: p.name),
    Column("CQC provider ID", lambda p: p.cqc_provider_id or ""),
    Column("Tier One", lambda p: p.is_tier_one),
    Column(
        "Contract manager",
        lambda p: p.contract_manager.user.full_name if p.contract_manager else "",
    ),
    Column("Registered services", lambda p: p.active_services),
    Column("Beds", lambda p: p.total_beds),
    Column("Localities", lambda p: p.locality_count),
    Column("Associations", _associations),
    Column("Phone", lambda p: p.phone),
    Column("Email", lambda p: p.email),
    Column("Website", lambda p: p.website),
    Column("Active", lambda p: p.is_active),
)


@capability_required(Capability.MARKET_VIEW)
# The page only reads; the filters' choices and the page's rows are cached under the
# register's version: read it once.
@data_versions.pinned([REGISTER])
def provider_list(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = ProviderFilterForm(request.GET or None)
    providers = (
        selectors.matching_providers(user=request.user, filters=form.filters())
        .with_cached_count()
        .annotate(
            # Providers without a contract manager sort first on every database.
            sort_manager=Coalesce("contract_manager__user__full_name", Value(""))
        )
    )
    queryset, sort = sort_queryset(request, providers, PROVIDER_SORTS, "name")
    wanted = export_format(request)
    if wanted:
        return export_response(
            wanted,
            filename_stem="providers",
            columns=PROVIDER_EXPORT,
            rows=selectors.with_managers_and_memberships(queryset).iterator(chunk_size=2000),
        )
    page = paginate(request, selectors.provider_rows(queryset))
    rows = cast("QuerySet[Provider, dict[str, Any]]", page.object_list)  # a slice of the rows
    page.object_list = cached_page(rows, selectors.with_current_associations)
    return render(
        request,
        "market/provider_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "bulk_actions": BULK_ACTIONS,
            "crumbs": ["Market"],
        },
    )


@capability_required(Capability.MARKET_VIEW)
@data_versions.pinned(WHO_TO_CONTACT_VERSIONS)  # the page only reads: read them at once
def provider_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_user(request.user, pk)
    show_contacts = has_capability(request.user, Capability.CONTACTS_VIEW)
    provider_services = list(selectors.service_rows_of_provider(provider))
    return render(
        request,
        "market/provider_detail.html",
        {
            "provider": provider,
            "services": provider_services,
            "active_services": [s for s in provider_services if s.is_active],
            "contacts": list(selectors.contacts_of_provider(provider)) if show_contacts else None,
            "memberships": list(selectors.memberships_of_provider(provider)),
            "total_beds": sum(s.beds or 0 for s in provider_services if s.is_active),
            "crumbs": market_crumbs(provider.name),
        },
    )


@capability_required(Capability.MARKET_EDIT)
def provider_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        provider = services.save_provider(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{provider.name} has been added.")
        return redirect("market:provider_detail", provider.pk)
    return form_page(
        request,
        form=form,
        title="Add a provider",
        crumbs=market_crumbs("Add a provider"),
        submit_label="Add the provider",
        cancel_url=reverse("market:provider_list"),
    )


@capability_required(Capability.MARKET_EDIT)
def provider_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_user(request.user, pk)
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        services.save_provider(actor=request.user, provider=provider, **form.cleaned_data)
        messages.success(request, f"{provider.name} has been saved.")
        return redirect("market:provider_detail", provider.pk)
    detail_url = reverse("market:provider_detail", args=[provider.pk])
    return form_page(
        request,
        form=form,
        title=f"Edit {provider.name}",
        caption="Provider",
        crumbs=market_crumbs(provider.name, detail_url, "Edit"),
        cancel_url=detail_url,
    )


def _providers(count: int) -> str:
    return f"{count} provider{'' if count == 1 else 's'}"


@capability_required(Capability.MARKET_EDIT)
def provider_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Select providers on the list, choose an action, confirm, done (each change audited)."""
    back = safe_next(request, reverse("market:provider_list"))
    if request.method != "POST":
        return redirect(back)
    form = BulkActionForm(request.POST)
    provider_field = form.fields["provider"]
    provider_field.queryset = selectors.providers_visible_to(request.user)  # type: ignore[attr-defined]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    action = form.cleaned_data["action"]
    chosen = list(form.cleaned_data["provider"].order_by("name", "pk"))
    chose, officer = form.chosen_manager()
    needs_manager = action == "contract-manager" and not chose
    if request.POST.get("confirm") == "yes" and needs_manager:
        form.add_error("contract_manager", "Choose the contract manager, or no one")
    elif request.POST.get("confirm") == "yes":
        if action == "contract-manager":
            try:
                changed = services.assign_contract_manager(
                    actor=request.user, providers=chosen, officer=officer
                )
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
                return redirect(back)
            who = officer.user.full_name if officer else "no one"
            messages.success(
                request, f"The contract manager of {_providers(changed)} is now {who}."
            )
        else:
            tier_one = action == "tier-one"
            changed = services.set_tier_one(actor=request.user, providers=chosen, tier_one=tier_one)
            state = "marked as Tier One" if tier_one else "no longer Tier One"
            messages.success(request, f"{_providers(changed)} {state}.".capitalize())
        return redirect(back)
    return render(
        request,
        "market/provider_bulk_confirm.html",
        {
            "form": form,
            "action": action,
            "action_label": dict(BULK_ACTIONS)[action],
            "providers": chosen,
            "back": back,
            "crumbs": market_crumbs(dict(BULK_ACTIONS)[action]),
        },
    )
