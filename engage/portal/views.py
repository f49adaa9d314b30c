"""The provider portal: home, the organisation's enquiries, its details and its people.

Every view needs the portal capability and works only on the user's own provider
(``require_provider``); every object is fetched through a helper that answers 404 for
anything of another provider.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from engage.accounts.permissions import Capability, capability_required
from engage.core import data_versions
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import SortOption, paginate, sort_queryset
from engage.enquiries import selectors as enquiry_selectors
from engage.enquiries import services as enquiry_services
from engage.enquiries.forms import CategoryChoiceForm, MessageForm, ProviderEnquiryForm
from engage.enquiries.models import FINISHED_STATUSES, OPEN_STATUSES, Channel, EnquiryCategory
from engage.portal import panel_versions, selectors, services
from engage.portal.access import contact_for, reading, require_provider
from engage.portal.forms import ContactForm, OrganisationForm
from engage.portal.panels import sections_for

ENQUIRY_SORTS = (
    SortOption("received", "Sent", ("received_at",)),
    SortOption("reference", "Reference", ("reference",)),
    SortOption("status", "Status", ("status",)),
    SortOption("due", "Target date", ("next_due",)),
)

PORTAL = "Your organisation"


@capability_required(Capability.PORTAL_USE)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who to contact, open enquiries, and what other apps put on the portal home."""
    # The home only reads, and its panels each ask for the user's contact: look it up once;
    # the versions of what its panels cache are read once, in one query.
    with reading(), data_versions.pinned(panel_versions.ALL):
        provider = require_provider(request.user)
        return render(
            request,
            "portal/home.html",
            {"provider": provider, "sections": sections_for(request.user, provider)},
        )


@capability_required(Capability.PORTAL_USE)
def enquiries(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All the organisation's enquiries: open or finished, searchable, sorted, paged."""
    provider = require_provider(request.user)
    show = request.GET.get("show", "open")
    if show not in {"open", "finished", "all"}:
        show = "open"
    search = request.GET.get("q", "").strip()
    queryset = enquiry_selectors.with_list_fields(
        enquiry_selectors.enquiries_for_user(request.user)
    )
    if show == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif show == "finished":
        queryset = queryset.filter(status__in=FINISHED_STATUSES)
    if search:
        queryset = queryset.filter(reference__icontains=search) | queryset.filter(
            subject__icontains=search
        )
    queryset, sort = sort_queryset(request, queryset, ENQUIRY_SORTS, "-received")
    return render(
        request,
        "portal/enquiry_list.html",
        {
            "provider": provider,
            "page": paginate(request, queryset),
            "sort": sort,
            "show": show,
            "search": search,
        },
    )


@capability_required(Capability.PORTAL_USE)
def enquiry_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new enquiry, step one: what it is about (a safeguarding concern shows the urgent route)."""
    provider = require_provider(request.user)
    form = CategoryChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect("portal:enquiry_new_details", slug=form.cleaned_data["category"].slug)
    return render(
        request,
        "portal/enquiry_category.html",
        {
            "provider": provider,
            "form": form,
            "categories": enquiry_selectors.active_categories(),
            "safeguarding_route": settings.SAFEGUARDING_URGENT_ROUTE,
        },
        status=422 if request.method == "POST" else 200,
    )


@capability_required(Capability.PORTAL_USE)
def enquiry_new_details(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A new enquiry, step two: subject, words and files."""
    provider = require_provider(request.user)
    category = get_object_or_404(EnquiryCategory, slug=slug, is_active=True)
    form = ProviderEnquiryForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        contact = contact_for(request.user)
        try:
            enquiry = enquiry_services.submit_enquiry(
                actor=request.user,
                provider=provider,
                category=category,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                contact=contact,
                contact_name=request.user.full_name,
                contact_email=request.user.email,
                channel=Channel.PORTAL,
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Your enquiry has been sent. Its reference is {enquiry.reference}; we have "
                f"emailed you a copy.",
            )
            return redirect("portal:enquiry_detail", pk=enquiry.pk)
    return render(
        request,
        "portal/enquiry_form.html",
        {
            "provider": provider,
            "form": form,
            "category": category,
            "safeguarding_route": settings.SAFEGUARDING_URGENT_ROUTE,
        },
        status=422 if request.method == "POST" else 200,
    )


def _enquiry_page(
    request: AuthenticatedHttpRequest, pk: int, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    enquiry = enquiry_selectors.get_enquiry_for_user(request.user, pk)
    return render(
        request,
        "portal/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "thread": enquiry_selectors.messages_for_user(request.user, enquiry),
            "form": form or MessageForm(),
            "safeguarding_route": settings.SAFEGUARDING_URGENT_ROUTE,
        },
        status=status,
    )


@capability_required(Capability.PORTAL_USE)
def enquiry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One enquiry as the provider sees it: status, owner, dates and the conversation."""
    return _enquiry_page(request, pk)


@require_POST
@capability_required(Capability.PORTAL_USE)
def enquiry_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enquiry = enquiry_selectors.get_enquiry_for_user(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            enquiry_services.post_provider_message(
                actor=request.user,
                enquiry=enquiry,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your message has been added to {enquiry.reference}.")
            return redirect("portal:enquiry_detail", pk=enquiry.pk)
    return _enquiry_page(request, pk, form=form, status=422)


@capability_required(Capability.PORTAL_USE)
def attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Download a file of the organisation's enquiries (never one of an internal note)."""
    found = enquiry_selectors.get_attachment_for_user(request.user, pk)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required(Capability.PORTAL_USE)
def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisation's details, services and people, with their email preferences."""
    provider = require_provider(request.user)
    show_left = request.GET.get("left") == "1"
    return render(
        request,
        "portal/organisation.html",
        {
            "provider": provider,
            "services": selectors.organisation_services(provider),
            "contacts": selectors.organisation_contacts(provider, include_left=show_left),
            "show_left": show_left,
            "me": contact_for(request.user),
        },
    )


def _organisation_crumbs(title: str) -> list[str]:
    return [PORTAL, reverse("portal:organisation"), title]


@capability_required(Capability.PORTAL_USE)
def organisation_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    provider = require_provider(request.user)
    form = OrganisationForm(request.POST if request.method == "POST" else None, instance=provider)
    if request.method == "POST" and form.is_valid():
        services.update_organisation_details(
            actor=request.user,
            provider=require_provider(request.user),
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            website=form.cleaned_data["website"],
        )
        messages.success(request, "Your organisation's details have been saved.")
        return redirect("portal:organisation")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Change your organisation's contact details",
            "caption": provider.name,
            "intro": "The name and address come from the Care Quality Commission's register.",
            "cancel_url": reverse("portal:organisation"),
            "crumbs": _organisation_crumbs("Contact details"),
        },
    )


@capability_required(Capability.PORTAL_USE)
def contact_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a person, or change one's details and email preferences."""
    provider = require_provider(request.user)
    contact = selectors.get_contact_for_user(request.user, pk) if pk else None
    form = ContactForm(
        request.POST if request.method == "POST" else None, provider=provider, contact=contact
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_contact(
                actor=request.user,
                provider=provider,
                contact=contact,
                name=data["name"],
                level=data["level"],
                job_title=data["job_title"],
                email=data["email"],
                phone=data["phone"],
                services=data["services"],
                email_consent=data["email_consent"],
                unsubscribed=data["unsubscribed"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{saved.name}'s details have been saved.")
            return redirect("portal:organisation")
    title = f"Change {contact.name}'s details" if contact else "Add a person"
    intro = ""
    if contact is not None and contact.email_consent_at:
        intro = f"They agreed to emails on {contact.email_consent_at:%d %B %Y}."
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": provider.name,
            "intro": intro,
            "cancel_url": reverse("portal:organisation"),
            "crumbs": _organisation_crumbs(title),
        },
    )


@capability_required(Capability.PORTAL_USE)
def contact_left(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark a person as having left, after confirming."""
    provider = require_provider(request.user)
    contact = selectors.get_contact_for_user(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.mark_contact_left(actor=request.user, provider=provider, contact=contact)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, f"{contact.name} has been marked as left.")
        return redirect("portal:organisation")
    consequences = [
        "The council will stop contacting them.",
        "Their details are kept for the record.",
    ]
    if contact.user_id:
        consequences.append("Their sign-in to this portal will stop working.")
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Has {contact.name} left {provider.name}?",
            "consequences": consequences,
            "confirm_label": "Yes, they have left",
            "destructive": True,
            "cancel_url": reverse("portal:organisation"),
            "crumbs": _organisation_crumbs(contact.name),
        },
    )
