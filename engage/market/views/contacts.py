"""Contacts (people at providers: personal data): list, page, add, edit, export, erase."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from engage.accounts.permissions import Capability, capability_required
from engage.core.audit import entries_for_object
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import Column, SortOption, export_response, paginate, sort_queryset
from engage.market import selectors, services
from engage.market.filters import ContactFilterForm
from engage.market.forms import ContactForm
from engage.market.models import Contact
from engage.market.views.common import export_format, form_page, market_crumbs

CONTACT_SORTS = (
    SortOption("name", "Name", ("name",)),
    SortOption("provider", "Provider", ("provider__name", "name")),
    SortOption("level", "Level", ("level", "name")),
    SortOption("job_title", "Job title", ("job_title", "name")),
)

CONTACT_EXPORT = (
    Column("Name", lambda c: c.name),
    Column("Provider", lambda c: c.provider.name),
    Column("Level", lambda c: c.get_level_display()),
    Column("Job title", lambda c: c.job_title),
    Column("Email", lambda c: c.email),
    Column("Phone", lambda c: c.phone),
    Column("Works at", lambda c: ", ".join(s.name for s in c.services.all())),
    Column("Agreed to emails", lambda c: c.email_consent),
    Column("Unsubscribed", lambda c: c.unsubscribed),
    Column("Can be emailed", lambda c: c.can_be_emailed),
    Column("Still works there", lambda c: c.is_active),
)


@capability_required(Capability.CONTACTS_VIEW)
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = ContactFilterForm(request.GET or None)
    filters = form.filters()
    queryset = selectors.contacts(user=request.user, filters=filters)
    queryset, sort = sort_queryset(request, queryset, CONTACT_SORTS, "name")
    wanted = export_format(request)
    if wanted:
        return export_response(
            wanted,
            filename_stem="contacts",
            columns=CONTACT_EXPORT,
            rows=queryset.iterator(chunk_size=2000),
        )
    return render(
        request,
        "market/contact_list.html",
        {"form": form, "page": paginate(request, queryset), "sort": sort},
    )


@capability_required(Capability.CONTACTS_VIEW)
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    provider_url = reverse("market:provider_detail", args=[contact.provider_id])
    return render(
        request,
        "market/contact_detail.html",
        {
            "contact": contact,
            "history": entries_for_object(contact)[:20],
            "crumbs": market_crumbs(contact.provider.name, provider_url, contact.name),
        },
    )


@capability_required(Capability.MARKET_EDIT, Capability.CONTACTS_VIEW)
def contact_create(request: AuthenticatedHttpRequest, provider_pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_user(request.user, provider_pk)
    form = ContactForm(request.POST or None, provider=provider, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contact = services.save_contact(
            actor=request.user, provider=provider, services=data.pop("services"), **data
        )
        messages.success(request, f"{contact.name} has been added to {provider.name}.")
        return redirect("market:contact_detail", contact.pk)
    provider_url = reverse("market:provider_detail", args=[provider.pk])
    return form_page(
        request,
        form=form,
        title="Add a contact",
        caption=provider.name,
        intro="Only record what the council needs to work with this person.",
        crumbs=market_crumbs(provider.name, provider_url, "Add a contact"),
        submit_label="Add the contact",
        cancel_url=provider_url,
    )


@capability_required(Capability.MARKET_EDIT, Capability.CONTACTS_VIEW)
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    detail_url = reverse("market:contact_detail", args=[contact.pk])
    if contact.erased_at:
        messages.error(
            request, "This contact's personal data has been erased; it cannot be edited."
        )
        return redirect(detail_url)
    form = ContactForm(request.POST or None, instance=contact, provider=contact.provider)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.save_contact(
                actor=request.user,
                provider=contact.provider,
                contact=contact,
                services=data.pop("services"),
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{contact.name}'s details have been saved.")
            return redirect(detail_url)
    return form_page(
        request,
        form=form,
        title=f"Edit {contact.name}",
        caption=contact.provider.name,
        crumbs=market_crumbs(contact.name, detail_url, "Edit"),
        cancel_url=detail_url,
    )


@capability_required(Capability.PERSONAL_DATA_MANAGE)
def contact_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A JSON download of everything held about one person (a subject access request)."""
    contact = selectors.get_contact_for_user(request.user, pk)
    data = selectors.personal_data_of_contact(contact)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stem = slugify(contact.name) or f"contact-{contact.pk}"
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stem}-{stamp}.json"'
    return response


@capability_required(Capability.PERSONAL_DATA_MANAGE)
def contact_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact: Contact = selectors.get_contact_for_user(request.user, pk)
    detail_url = reverse("market:contact_detail", args=[contact.pk])
    if contact.erased_at:
        messages.error(request, "This contact's personal data has already been erased.")
        return redirect(detail_url)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.erase_contact(actor=request.user, contact=contact)
        messages.success(request, "Their personal data has been erased.")
        return redirect(detail_url)
    consequences = [
        "Their name is replaced by “Erased contact”; their email address, phone and job title are removed.",
        "They are marked as having left and will not be emailed.",
        "Their name and address are removed from their enquiries, calendar invitations and "
        "every email Engage holds; the emails to them alone are deleted and their calendar "
        "feed stops working.",
        "Their name and details are removed from the audit trail.",
        "Their places at events, attendance and answers stay, so the council's figures stay "
        "true, but nothing there names them any more.",
    ]
    if contact.user_id:
        consequences.append("Their sign-in to the provider portal is closed and anonymised.")
    consequences.append("This cannot be undone. Download their data first if they asked for it.")
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Erase {contact.name}'s personal data?",
            "consequences": consequences,
            "confirm_label": "Erase their personal data",
            "destructive": True,
            "cancel_url": detail_url,
            "crumbs": market_crumbs(contact.name, detail_url, "Erase"),
        },
    )
