"""Provider users' events (register, cancel, their feed) and partners' invitations.

A provider user only ever sees events meant for their segments (or that they registered for)
and the registrations of their own organisation.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import paginate
from engage.engagement import selectors, services
from engage.engagement.models import Registration
from engage.engagement.views import feed_links
from engage.market.models import Contact


def _contact(request: AuthenticatedHttpRequest) -> Contact:
    contact = selectors.contact_of(request.user)
    if contact is None:
        raise Http404("Your sign-in is not linked to a contact at a provider")
    return contact


@capability_required(Capability.PORTAL_USE)
def portal_events(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upcoming published events meant for the signed-in provider user."""
    contact = _contact(request)
    events = selectors.events_for_contact(contact)
    page = paginate(request, events)
    ids = [a.pk for a in page.object_list]
    counts = selectors.registration_counts(ids)
    mine = {
        r.activity_id: r
        for r in Registration.objects.filter(contact=contact, activity_id__in=ids).exclude(
            status=Registration.Status.CANCELLED
        )
    }
    feed = services.feed_for_contact(contact=contact)
    return render(
        request,
        "engagement/portal_events.html",
        {
            "page": page,
            "rows": [
                (a, mine.get(a.pk), counts.get(a.pk, {"registered": 0, "waiting": 0}))
                for a in page.object_list
            ],
            "links": feed_links(request, reverse("engagement:contact_feed", args=[feed.token])),
        },
    )


@capability_required(Capability.PORTAL_USE)
def portal_event(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request)
    activity = selectors.get_event_for_contact(contact, pk)
    counts = selectors.registration_counts([activity.pk]).get(
        activity.pk, {"registered": 0, "waiting": 0}
    )
    places = activity.places
    return render(
        request,
        "engagement/portal_event.html",
        {
            "activity": activity,
            "mine": selectors.live_registration(activity, contact),
            "organisation": selectors.registrations_of_organisation(activity, contact),
            "counts": counts,
            "places_left": None if places is None else max(places - counts["registered"], 0),
            "open": activity.status == activity.Status.PUBLISHED,
        },
    )


@capability_required(Capability.PORTAL_USE)
@require_POST
def portal_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request)
    activity = selectors.get_event_for_contact(contact, pk)
    try:
        registration = services.register_contact(
            actor=request.user, activity=activity, contact=contact
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(request, "You have a place. We look forward to seeing you.")
        else:
            messages.success(
                request,
                "The event is full, so you are on the waiting list. If a place comes free it is "
                "yours, and we will email you.",
            )
    return redirect("engagement:portal_event", activity.pk)


@capability_required(Capability.PORTAL_USE)
def portal_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request)
    activity = selectors.get_event_for_contact(contact, pk)
    registration = selectors.live_registration(activity, contact)
    back = reverse("engagement:portal_event", args=[activity.pk])
    if registration is None:
        return redirect(back)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.cancel_registration(actor=request.user, registration=registration)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Your place is cancelled. Thank you for letting us know.")
        return redirect(back)
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Cancel your place at {activity.title}?",
            "consequences": ["Your place goes to the first person on the waiting list."],
            "confirm_label": "Cancel my place",
            "destructive": True,
            "cancel_url": back,
            "crumbs": [
                "Events",
                reverse("engagement:portal_events"),
                activity.title,
                back,
                "Cancel",
            ],
        },
    )


@capability_required(Capability.PARTNER_VIEW)
def partner_invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The activities the signed-in partner is invited to."""
    person = selectors.partner_of(request.user)
    if person is None:
        raise Http404("Your sign-in is not linked to a partner")
    past = request.GET.get("when") == "past"
    invitations = selectors.activities_for_partner(person)
    now = timezone.now()
    invitations = (
        invitations.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        if past
        else invitations.filter(ends_at__gte=now)
    )
    page = paginate(request, invitations)
    return render(
        request,
        "engagement/partner_invitations.html",
        {"page": page, "person": person, "past": past},
    )
