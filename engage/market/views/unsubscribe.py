"""The public page behind the "stop these emails" link (``market.unsubscribe``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from engage.market import services, unsubscribe
from engage.market.models import Contact


@csrf_exempt  # the signed link is the key; a mail program's one-click POST has no CSRF token
@login_not_required
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner that follows the link changes nothing); POST records it."""
    contact_id = unsubscribe.contact_id_of(token)
    contact = Contact.objects.filter(pk=contact_id).first() if contact_id else None
    if contact is None:
        return render(request, "market/unsubscribe.html", {"state": "unknown"}, status=404)
    if request.method == "POST":
        if contact.erased_at is None:
            services.unsubscribe_contact(actor=None, contact=contact)
        return render(request, "market/unsubscribe.html", {"state": "done"})
    state = "already" if contact.unsubscribed or contact.erased_at else "ask"
    return render(request, "market/unsubscribe.html", {"state": state})
