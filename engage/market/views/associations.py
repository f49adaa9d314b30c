"""Provider associations: the list, each one's members over time, memberships, merging, and
market coverage."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import paginate
from engage.market import selectors, services
from engage.market.coverage import market_coverage
from engage.market.forms import AssociationForm, EndMembershipForm, MembershipForm, MergeForm
from engage.market.views.common import form_page, market_crumbs


def _association_crumbs(*extra: str) -> list[str]:
    return market_crumbs("Associations", reverse("market:association_list"), *extra)


@capability_required(Capability.MARKET_VIEW)
def association_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "market/association_list.html",
        {
            "associations": selectors.associations_with_counts(),
            "crumbs": market_crumbs("Associations"),
        },
    )


@capability_required(Capability.MARKET_VIEW)
def association_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    association = selectors.get_association_for_user(request.user, pk)
    memberships = list(selectors.memberships_of_association(association))
    today = timezone.localdate()
    current = [m for m in memberships if m.start <= today and (m.end is None or m.end >= today)]
    current_ids = {m.pk for m in current}
    series = selectors.members_over_time(association, until=association.merged_on or today)
    return render(
        request,
        "market/association_detail.html",
        {
            "association": association,
            "memberships": memberships,
            "current": current,
            "current_page": paginate(request, current),
            "past": [m for m in memberships if m.pk not in current_ids],
            "series": series,
            "chart": {
                "labels": [point.on.strftime("%d %b %Y") for point in series],
                "values": [point.members for point in series],
                "label": "Members",
            },
            "crumbs": _association_crumbs(association.name),
        },
    )


@capability_required(Capability.MARKET_EDIT)
def association_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        association = services.save_association(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{association.name} has been added.")
        return redirect("market:association_detail", association.pk)
    return form_page(
        request,
        form=form,
        title="Add an association",
        crumbs=_association_crumbs("Add an association"),
        submit_label="Add the association",
        cancel_url=reverse("market:association_list"),
    )


@capability_required(Capability.MARKET_EDIT)
def association_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    association = selectors.get_association_for_user(request.user, pk)
    form = AssociationForm(request.POST or None, instance=association)
    detail_url = reverse("market:association_detail", args=[association.pk])
    if request.method == "POST" and form.is_valid():
        services.save_association(actor=request.user, association=association, **form.cleaned_data)
        messages.success(request, f"{association.name} has been saved.")
        return redirect(detail_url)
    return form_page(
        request,
        form=form,
        title=f"Edit {association.name}",
        crumbs=_association_crumbs(association.name, detail_url, "Edit"),
        cancel_url=detail_url,
    )


@capability_required(Capability.MARKET_EDIT)
def membership_add(request: AuthenticatedHttpRequest, provider_pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_user(request.user, provider_pk)
    form = MembershipForm(
        request.POST or None, provider=provider, initial={"start": timezone.localdate()}
    )
    provider_url = reverse("market:provider_detail", args=[provider.pk])
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_membership(
                actor=request.user, provider=provider, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{provider.name} is now a member of {membership.association.name}."
            )
            return redirect(f"{provider_url}#associations")
    return form_page(
        request,
        form=form,
        title="Add to an association",
        caption=provider.name,
        crumbs=market_crumbs(provider.name, provider_url, "Add to an association"),
        submit_label="Add the membership",
        cancel_url=provider_url,
    )


@capability_required(Capability.MARKET_EDIT)
def membership_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_user(request.user, pk)
    provider_url = reverse("market:provider_detail", args=[membership.provider_id])
    form = EndMembershipForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        services.end_membership(
            actor=request.user, membership=membership, end=form.cleaned_data["end"]
        )
        messages.success(
            request,
            f"{membership.provider.name}'s membership of {membership.association.name} has ended.",
        )
        return redirect(f"{provider_url}#associations")
    return form_page(
        request,
        form=form,
        title=f"End the membership of {membership.association.name}",
        caption=membership.provider.name,
        intro=f"Member since {membership.start:%d/%m/%Y}. The history of the membership is kept.",
        crumbs=market_crumbs(membership.provider.name, provider_url, "End a membership"),
        submit_label="End the membership",
        cancel_url=provider_url,
    )


@capability_required(Capability.MARKET_EDIT)
def association_merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Merge associations: the form, then "check your answers", then the merger."""
    form = MergeForm(request.POST or None)
    editing = request.POST.get("edit") == "yes"
    if request.method == "POST" and not editing and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                merged = services.merge_associations(actor=request.user, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"{merged.name} has been formed; the history of every membership is kept.",
                )
                return redirect("market:association_detail", merged.pk)
        else:
            return render(
                request,
                "market/association_merge_check.html",
                {
                    "form": form,
                    "data": data,
                    "summary": _merge_summary(data["associations"], data["merged_on"]),
                    "crumbs": _association_crumbs("Check the merger"),
                },
            )
    return form_page(
        request,
        form=form,
        title="Merge associations",
        intro=(
            "The associations you choose become one new association. Their current members "
            "become members of the new one from the date of the merger; past memberships stay "
            "as they were."
        ),
        crumbs=_association_crumbs("Merge associations"),
        submit_label="Continue",
        cancel_url=reverse("market:association_list"),
    )


def _merge_summary(associations: list, merged_on: date) -> dict[str, object]:  # type: ignore[type-arg]
    current = selectors.current_memberships(merged_on).filter(association__in=associations)
    per_association = {a.pk: 0 for a in associations}
    providers: set[int] = set()
    for association_id, provider_id in current.values_list("association_id", "provider_id"):
        per_association[association_id] += 1
        providers.add(provider_id)
    return {
        "rows": [(a, per_association[a.pk]) for a in associations],
        "providers": len(providers),
        "in_several": sum(per_association.values()) - len(providers),
    }


@capability_required(Capability.MARKET_VIEW)
def coverage(request: AuthenticatedHttpRequest) -> HttpResponse:
    on = timezone.localdate()
    raw = request.GET.get("on", "")
    error = ""
    if raw:
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            error = "Enter the date as YYYY-MM-DD, for example 2026-04-01"
    result = market_coverage(on=on)
    chart = {
        "labels": [g.label for g in result.groups],
        "datasets": [
            {
                "label": "Providers",
                "values": [g.overall.providers.percent or 0 for g in result.groups],
            },
            {
                "label": "Services",
                "values": [g.overall.services.percent or 0 for g in result.groups],
            },
            {"label": "Beds", "values": [g.overall.beds.percent or 0 for g in result.groups]},
        ],
    }
    return render(
        request,
        "market/coverage.html",
        {
            "coverage": result,
            "on": on,
            "date_error": error,
            "raw_date": raw,
            "chart": chart,
            "crumbs": market_crumbs("Coverage"),
        },
    )
