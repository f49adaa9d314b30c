"""Pages of the council side: officers, teams, partners and councillors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import Column, SortOption, export_response, paginate, sort_queryset
from engage.council import selectors, services
from engage.council.forms import (
    CouncillorForm,
    OfficerForm,
    PartnerOrganisationForm,
    PartnerPersonForm,
    TeamForm,
)
from engage.council.models import Councillor, Officer, PartnerOrganisation, PartnerPerson, Team

OFFICER_SORTS = (
    SortOption("name", "Name", ("user__full_name",)),
    SortOption("team", "Team", ("team__name", "user__full_name")),
    SortOption("job_title", "Job title", ("job_title",)),
    SortOption("locality", "Locality", ("locality__name",)),
)

OFFICER_EXPORT = (
    Column("Name", lambda o: o.user.full_name),
    Column("Email", lambda o: o.user.email),
    Column("Role", lambda o: o.user.get_role_display()),
    Column("Team", lambda o: o.team.name),
    Column("Job title", lambda o: o.job_title),
    Column("Locality", lambda o: o.locality.name if o.locality else ""),
    Column("Phone", lambda o: o.phone),
)


def _council_crumbs(*extra: str) -> list[str]:
    return ["Council", reverse("council:officer_list"), *extra]


@capability_required(Capability.COUNCIL_VIEW)
def officer_list(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    search = request.GET.get("q", "").strip()
    team = Team.objects.filter(slug=request.GET.get("team", "")).first()
    show_closed = request.GET.get("closed") == "1"
    queryset = selectors.officers(search=search, team=team, include_inactive=show_closed)
    queryset, sort = sort_queryset(request, queryset, OFFICER_SORTS, "name")
    export_format = request.GET.get("export")
    if export_format in {"csv", "xlsx"}:
        return export_response(
            export_format,
            filename_stem="officers",
            columns=OFFICER_EXPORT,
            rows=queryset.iterator(),
        )
    return render(
        request,
        "council/officer_list.html",
        {
            "page": paginate(request, queryset),
            "sort": sort,
            "search": search,
            "team": team,
            "teams": Team.objects.filter(is_active=True),
            "show_closed": show_closed,
        },
    )


def _form_page(request: AuthenticatedHttpRequest, **context: Any) -> HttpResponse:
    return render(request, "core/form_page.html", context)


@capability_required(Capability.COUNCIL_MANAGE)
def officer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        officer = services.create_officer(actor=request.user, **form.cleaned_data)
        messages.success(
            request, f"{officer.name} has been added and emailed a link to choose a password."
        )
        return redirect("council:officer_list")
    return _form_page(
        request,
        form=form,
        title="Add an officer",
        crumbs=_council_crumbs("Add an officer"),
        submit_label="Add the officer",
        cancel_url=reverse("council:officer_list"),
    )


@capability_required(Capability.COUNCIL_MANAGE)
def officer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    officer = get_object_or_404(Officer.objects.select_related("user", "team", "locality"), pk=pk)
    form = OfficerForm(request.POST or None, officer=officer)
    if request.method == "POST" and form.is_valid():
        services.update_officer(actor=request.user, officer=officer, **form.cleaned_data)
        messages.success(request, f"{officer.name}'s details have been saved.")
        return redirect("council:officer_list")
    return render(
        request,
        "council/officer_form.html",
        {"form": form, "officer": officer, "crumbs": _council_crumbs(officer.name)},
    )


@capability_required(Capability.COUNCIL_MANAGE)
def officer_set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    officer = get_object_or_404(Officer.objects.select_related("user"), pk=pk)
    closing = officer.user.is_active
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.set_officer_active(actor=request.user, officer=officer, active=not closing)
        verb = "closed" if closing else "reopened"
        messages.success(request, f"{officer.name}'s account has been {verb}.")
        return redirect("council:officer_list")
    title = f"Close {officer.name}'s account?" if closing else f"Reopen {officer.name}'s account?"
    consequences = (
        [
            "They will not be able to sign in.",
            "Their enquiries, actions and activities keep their history; reassign what is still open.",
        ]
        if closing
        else ["They will be able to sign in again with their existing password."]
    )
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": "Close the account" if closing else "Reopen the account",
            "destructive": closing,
            "cancel_url": reverse("council:officer_edit", args=[officer.pk]),
            "crumbs": _council_crumbs(officer.name),
        },
    )


@capability_required(Capability.COUNCIL_VIEW)
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "council/team_list.html", {"teams": selectors.teams_with_counts()})


@capability_required(Capability.COUNCIL_MANAGE)
def team_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk) if pk else None
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if team is None:
            team = services.create_team(
                actor=request.user,
                name=data["name"],
                description=data["description"],
                email=data["email"],
                officers_out_at_once=data["officers_out_at_once"],
            )
        else:
            services.update_team(actor=request.user, team=team, **data)
        messages.success(request, f"The {team.name} team has been saved.")
        return redirect("council:team_list")
    title = f"Edit {team.name}" if team else "Add a team"
    return _form_page(
        request,
        form=form,
        title=title,
        crumbs=_council_crumbs("Teams", reverse("council:team_list"), title),
        cancel_url=reverse("council:team_list"),
    )


@capability_required(Capability.COUNCIL_VIEW)
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "council/partner_list.html", {"organisations": selectors.partner_organisations()}
    )


@capability_required(Capability.COUNCIL_MANAGE)
def partner_organisation_edit(
    request: AuthenticatedHttpRequest, pk: int | None = None
) -> HttpResponse:
    organisation = get_object_or_404(PartnerOrganisation, pk=pk) if pk else None
    form = PartnerOrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = services.save_partner_organisation(
            actor=request.user, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, f"{organisation.name} has been saved.")
        return redirect("council:partner_list")
    title = f"Edit {organisation.name}" if organisation else "Add a partner organisation"
    return _form_page(
        request,
        form=form,
        title=title,
        crumbs=_council_crumbs("Partners", reverse("council:partner_list"), title),
        cancel_url=reverse("council:partner_list"),
    )


@capability_required(Capability.COUNCIL_MANAGE)
def partner_person_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    person = get_object_or_404(PartnerPerson, pk=pk) if pk else None
    initial = {"organisation": request.GET.get("organisation")} if person is None else None
    form = PartnerPersonForm(request.POST or None, instance=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = services.save_partner_person(
            actor=request.user, person=person, **form.cleaned_data
        )
        messages.success(request, f"{person.name} has been saved.")
        return redirect("council:partner_list")
    title = f"Edit {person.name}" if person else "Add a person at a partner"
    return _form_page(
        request,
        form=form,
        title=title,
        crumbs=_council_crumbs("Partners", reverse("council:partner_list"), title),
        cancel_url=reverse("council:partner_list"),
    )


@capability_required(Capability.COUNCIL_VIEW)
def councillor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    show_former = request.GET.get("former") == "1"
    return render(
        request,
        "council/councillor_list.html",
        {
            "councillors": selectors.councillors(include_inactive=show_former),
            "show_former": show_former,
        },
    )


@capability_required(Capability.COUNCIL_MANAGE)
def councillor_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    councillor = get_object_or_404(Councillor, pk=pk) if pk else None
    form = CouncillorForm(request.POST or None, instance=councillor)
    if request.method == "POST" and form.is_valid():
        councillor = services.save_councillor(
            actor=request.user, councillor=councillor, **form.cleaned_data
        )
        messages.success(request, f"{councillor} has been saved.")
        return redirect("council:councillor_list")
    title = f"Edit {councillor}" if councillor else "Add a councillor"
    return _form_page(
        request,
        form=form,
        title=title,
        crumbs=_council_crumbs("Councillors", reverse("council:councillor_list"), title),
        cancel_url=reverse("council:councillor_list"),
    )
