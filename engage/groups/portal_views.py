"""Provider users' pages: the forward plans of their groups, proposals, published notes.

A provider user sees only the groups meant for them (``meeting_selectors.groups_for_contact``)
and, of their forward plans, the accepted, scheduled and done items and their own proposals,
with the reason when one is declined.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.markdown import render_markdown
from engage.groups import forward_plan as plan_services
from engage.groups import meeting_selectors as ms
from engage.groups.meeting_forms import ProposeItemForm
from engage.groups.models import ForwardPlanItem, GroupStatus, ItemStatus
from engage.market.models import Contact
from engage.portal.access import contact_for


def _contact(request: AuthenticatedHttpRequest) -> Contact:
    contact = contact_for(request.user)
    if contact is None:
        raise Http404("Your sign-in is not linked to a contact at a provider")
    return contact


@capability_required(Capability.PORTAL_USE)
def portal_forward_plans(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The forward plans of the groups meant for the user, and the status of their proposals."""
    contact = _contact(request)
    groups = ms.groups_for_contact(contact)
    ids = [g.pk for g in groups]
    # What is coming up: accepted items and those on an agenda not yet discussed. What was
    # discussed is in the meetings' notes.
    items = list(
        ForwardPlanItem.objects.filter(group_id__in=ids)
        .filter(status__in=(ItemStatus.ACCEPTED, ItemStatus.SCHEDULED))
        .select_related("meeting__activity")
        .order_by(F("meeting__activity__starts_at").asc(nulls_last=True), "created_at", "pk")
    )
    mine = list(
        ForwardPlanItem.objects.filter(proposer_contact=contact, group_id__in=ids)
        .select_related("group", "meeting__activity")
        .order_by("-created_at", "pk")
    )
    by_group: dict[int, list[ForwardPlanItem]] = {g.pk: [] for g in groups}
    for item in items:
        by_group[item.group_id].append(item)
    return render(
        request,
        "groups/portal/forward_plans.html",
        {
            "rows": [(g, by_group[g.pk]) for g in groups],
            "mine": mine,
            "contact": contact,
        },
    )


@capability_required(Capability.PORTAL_USE)
def portal_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Propose an item to a group meant for the user (404 for any other group)."""
    _contact(request)
    group = ms.get_group_for_forward_plan(request.user, pk)
    if group.status != GroupStatus.ACTIVE:
        raise Http404("This group is not taking suggestions")
    form = ProposeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.propose_item(
                actor=request.user,
                group=group,
                title=form.cleaned_data["title"],
                detail=form.cleaned_data["detail"],
            )
        except PermissionDenied as error:
            raise Http404("No such group") from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Thank you: {group.name} will consider your suggestion. Its status shows on "
                "this page.",
            )
            return redirect("groups:portal_forward_plans")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Suggest an item for the agenda",
            "caption": group.name,
            "intro": "The group's officers decide which items go on a meeting's agenda. "
            "You will see here whether yours is accepted, and why if it is not.",
            "crumbs": ["Forward plans", reverse("groups:portal_forward_plans"), "Suggest"],
            "submit_label": "Send the suggestion",
            "cancel_url": reverse("groups:portal_forward_plans"),
        },
    )


@capability_required(Capability.PORTAL_USE)
def portal_meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The published notes, agenda outcomes and actions of a meeting of the user's groups."""
    meeting = ms.get_meeting_for_user(request.user, pk)
    notes = meeting.notes
    return render(
        request,
        "groups/portal/meeting.html",
        {
            "meeting": meeting,
            "activity": meeting.activity,
            "agenda": ms.agenda(meeting),
            "notes": notes,
            "notes_html": render_markdown(notes.body, id_prefix="notes-"),
            "actions": ms.meeting_actions(meeting),
            "crumbs": [f"Notes: {meeting.group.name}"],
        },
    )
