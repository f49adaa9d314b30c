"""Officers' pages of forward plans, meetings (agenda, notes) and actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from engage.accounts.permissions import Capability, capability_required
from engage.core.http import AuthenticatedHttpRequest
from engage.core.listing import paginate
from engage.core.markdown import render_markdown
from engage.engagement.attendance import attendance_register
from engage.groups import actions as action_services
from engage.groups import forward_plan as plan_services
from engage.groups import meeting_selectors as ms
from engage.groups import notes as notes_services
from engage.groups import selectors as group_selectors
from engage.groups.meeting_forms import (
    ActionForm,
    ActionUpdateForm,
    DeclineItemForm,
    NotesForm,
    OutcomeForm,
    ProposeItemForm,
    ScheduleItemForm,
)
from engage.groups.models import (
    ActionStatus,
    EngagementGroup,
    ForwardPlanItem,
    ItemStatus,
    Meeting,
)
from engage.groups.selectors import get_group_for_user, may_manage_group


def _group_crumbs(group: EngagementGroup, *extra: Any) -> list[Any]:
    return [
        "Groups",
        reverse("groups:register"),
        group.name,
        reverse("groups:group_detail", args=[group.pk]),
        *extra,
    ]


def _meeting_crumbs(meeting: Meeting, *extra: Any) -> list[Any]:
    label = f"Meeting of {meeting.activity.starts_at:%-d %B %Y}"
    return _group_crumbs(meeting.group, label, reverse("groups:meeting", args=[meeting.pk]), *extra)


def _require_manager(request: AuthenticatedHttpRequest, group: EngagementGroup) -> None:
    if not may_manage_group(request.user, group):
        raise PermissionDenied("You cannot change this group.")


def _form_page(
    request: AuthenticatedHttpRequest, form: Form, *, title: str, crumbs: list[Any], **extra: Any
) -> HttpResponse:
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "crumbs": crumbs, **extra}
    )


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Forward plan ---------------------------------------------------------------------------


@capability_required(Capability.GROUPS_VIEW)
def forward_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group's forward plan, filtered by status."""
    group = get_group_for_user(request.user, pk)
    status = request.GET.get("status", "")
    if status not in ItemStatus.values:
        status = ""
    page = paginate(request, ms.forward_plan(group, status=status))
    counts = ms.status_counts(group)
    return render(
        request,
        "groups/forward_plan.html",
        {
            "group": group,
            "page": page,
            "status": status,
            "status_rows": [(v, label, counts.get(v, 0)) for v, label in ItemStatus.choices],
            "total": sum(counts.values()),
            "may_manage": may_manage_group(request.user, group),
            "crumbs": _group_crumbs(group, "Forward plan"),
        },
    )


@capability_required(Capability.GROUPS_MANAGE)
def forward_plan_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    _require_manager(request, group)
    form = ProposeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = plan_services.propose_item(
                actor=request.user,
                group=group,
                title=form.cleaned_data["title"],
                detail=form.cleaned_data["detail"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{item.title}” is on the forward plan as proposed.")
            return redirect("groups:forward_plan_item", pk=group.pk, item=item.pk)
    return _form_page(
        request,
        form,
        title="Add an item to the forward plan",
        caption=group.name,
        crumbs=_group_crumbs(
            group, "Forward plan", reverse("groups:forward_plan", args=[group.pk]), "Add an item"
        ),
        submit_label="Add the item",
        cancel_url=reverse("groups:forward_plan", args=[group.pk]),
    )


def _item_crumbs(item: ForwardPlanItem, *extra: Any) -> list[Any]:
    group = item.group
    return _group_crumbs(
        group,
        "Forward plan",
        reverse("groups:forward_plan", args=[group.pk]),
        item.title,
        *((reverse("groups:forward_plan_item", args=[group.pk, item.pk]), *extra) if extra else ()),
    )


@capability_required(Capability.GROUPS_VIEW)
def forward_plan_item(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    """An item with its history; managers accept, schedule or take it off an agenda here."""
    group = get_group_for_user(request.user, pk)
    found = ms.get_item_for_user(request.user, group, item)
    may_manage = may_manage_group(request.user, group)
    meetings = ms.upcoming_meetings(group)
    schedule_form = ScheduleItemForm(meetings=meetings)
    if request.method == "POST":
        _require_manager(request, group)
        step = request.POST.get("step")
        try:
            if step == "accept":
                plan_services.accept_item(actor=request.user, item=found)
                messages.success(request, "The item is accepted onto the forward plan.")
            elif step == "unschedule":
                plan_services.unschedule_item(actor=request.user, item=found)
                messages.success(request, "The item is off the agenda, back to accepted.")
            elif step == "schedule":
                schedule_form = ScheduleItemForm(request.POST, meetings=meetings)
                if not schedule_form.is_valid():
                    raise ValidationError("Choose a meeting")
                meeting = schedule_form.cleaned_data["meeting"]
                plan_services.schedule_item(actor=request.user, item=found, meeting=meeting)
                messages.success(
                    request, f"The item is on the agenda of {meeting.activity.starts_at:%-d %B %Y}."
                )
            else:
                raise ValidationError("Choose what to do with the item")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("groups:forward_plan_item", pk=group.pk, item=found.pk)
    return render(
        request,
        "groups/forward_plan_item.html",
        {
            "group": group,
            "item": found,
            "may_manage": may_manage,
            "schedule_form": schedule_form,
            "has_meetings": meetings.exists(),
            "crumbs": _item_crumbs(found),
        },
    )


@capability_required(Capability.GROUPS_MANAGE)
def forward_plan_decline(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    _require_manager(request, group)
    found = ms.get_item_for_user(request.user, group, item)
    form = DeclineItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.decline_item(
                actor=request.user, item=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The item is declined; the proposer can read why.")
            return redirect("groups:forward_plan_item", pk=group.pk, item=found.pk)
    return _form_page(
        request,
        form,
        title="Decline the item",
        caption=found.title,
        crumbs=_item_crumbs(found, "Decline"),
        submit_label="Decline the item",
        cancel_url=reverse("groups:forward_plan_item", args=[group.pk, found.pk]),
    )


# --- Meetings -------------------------------------------------------------------------------


def _meeting(request: AuthenticatedHttpRequest, pk: int) -> Meeting:
    return ms.get_meeting_for_user(request.user, pk)


@capability_required(Capability.GROUPS_VIEW)
def meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A meeting: when and where, its agenda with outcomes, notes and actions."""
    found = _meeting(request, pk)
    notes = getattr(found, "notes", None)
    items = ms.agenda(found)
    today = timezone.localdate()
    return render(
        request,
        "groups/meeting.html",
        {
            "meeting": found,
            "group": found.group,
            "activity": found.activity,
            "agenda": items,
            "unreached": sum(1 for i in items if i.status == ItemStatus.SCHEDULED),
            "waiting": ms.unscheduled_items(found.group),
            "notes": notes,
            "notes_html": render_markdown(notes.body, id_prefix="notes-") if notes else "",
            "actions": ms.meeting_actions(found),
            "sessions": list(group_selectors.meeting_sessions(found)),
            "register": attendance_register(found.activity),
            "today": today,
            "may_manage": may_manage_group(request.user, found.group),
            "crumbs": _group_crumbs(
                found.group, f"Meeting of {found.activity.starts_at:%-d %B %Y}"
            ),
        },
    )


def _agenda_item(request: AuthenticatedHttpRequest, found: Meeting, item: int) -> ForwardPlanItem:
    item_row = (
        ForwardPlanItem.objects.select_related("group", "meeting")
        .filter(pk=item, group_id=found.group_id)
        .first()
    )
    if item_row is None:
        from django.http import Http404

        raise Http404("No such item")
    return item_row


@capability_required(Capability.GROUPS_MANAGE)
@require_POST
def agenda_change(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    """Move an agenda item up or down, or add a waiting item of the forward plan to it."""
    found = _meeting(request, pk)
    _require_manager(request, found.group)
    row = _agenda_item(request, found, item)
    step = request.POST.get("step")
    try:
        if step in ("up", "down"):
            if row.meeting_id != found.pk:
                raise ValidationError("The item is not on this agenda.")
            plan_services.move_agenda_item(
                actor=request.user, item=row, offset=-1 if step == "up" else 1
            )
        elif step == "add":
            plan_services.schedule_item(actor=request.user, item=row, meeting=found)
            messages.success(request, f"“{row.title}” is on the agenda.")
        else:
            raise ValidationError("Choose what to do with the item")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("groups:meeting", args=[found.pk]) + "#agenda")


@capability_required(Capability.GROUPS_MANAGE)
def agenda_outcome(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    found = _meeting(request, pk)
    _require_manager(request, found.group)
    row = _agenda_item(request, found, item)
    initial = {"outcome": row.outcome, "text": row.outcome_text}
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.record_outcome(
                actor=request.user,
                item=row,
                outcome=form.cleaned_data["outcome"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"The outcome of “{row.title}” is recorded.")
            return redirect(reverse("groups:meeting", args=[found.pk]) + "#agenda")
    return _form_page(
        request,
        form,
        title="Record the outcome",
        caption=row.title,
        crumbs=_meeting_crumbs(found, "Outcome"),
        submit_label="Record the outcome",
        cancel_url=reverse("groups:meeting", args=[found.pk]),
        intro="For “actions agreed”, add the actions from the meeting page first.",
    )


@capability_required(Capability.GROUPS_MANAGE)
def agenda_carry_forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then move every unreached item to the group's next meeting in one step."""
    found = _meeting(request, pk)
    _require_manager(request, found.group)
    back = reverse("groups:meeting", args=[found.pk])
    target = ms.next_meeting_after(found)
    unreached = [i for i in ms.agenda(found) if i.status == ItemStatus.SCHEDULED]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            moved_to, moved = plan_services.carry_forward(actor=request.user, meeting=found)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        messages.success(
            request,
            f"{len(moved)} item{'s' if len(moved) != 1 else ''} carried forward to the meeting "
            f"of {moved_to.activity.starts_at:%-d %B %Y}.",
        )
        return redirect("groups:meeting", pk=moved_to.pk)
    if target is None or not unreached:
        messages.error(
            request,
            "Nothing to carry forward: every item has an outcome."
            if not unreached
            else "The group has no later meeting: schedule the next meeting first.",
        )
        return redirect(back)
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": f"Carry {len(unreached)} unreached item{'s' if len(unreached) != 1 else ''} "
            "forward?",
            "consequences": [
                *(f"“{i.title}”" for i in unreached),
                f"They go to the end of the agenda of {target.activity.starts_at:%-d %B %Y}, "
                "keeping their history.",
            ],
            "confirm_label": "Carry them forward",
            "cancel_url": back,
            "crumbs": _meeting_crumbs(found, "Carry forward"),
        },
    )


@capability_required(Capability.GROUPS_MANAGE)
def meeting_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the notes; each save keeps a revision. Shows the revisions so far."""
    found = _meeting(request, pk)
    _require_manager(request, found.group)
    notes = getattr(found, "notes", None)
    form = NotesForm(request.POST or None, initial={"body": notes.body if notes else ""})
    if request.method == "POST" and form.is_valid():
        notes_services.save_notes(actor=request.user, meeting=found, body=form.cleaned_data["body"])
        messages.success(request, "The notes are saved.")
        return redirect(reverse("groups:meeting", args=[found.pk]) + "#notes")
    return render(
        request,
        "groups/meeting_notes.html",
        {
            "form": form,
            "meeting": found,
            "notes": notes,
            "revisions": list(ms.revisions(notes)) if notes else [],
            "crumbs": _meeting_crumbs(found, "Notes"),
        },
    )


@capability_required(Capability.GROUPS_MANAGE)
def meeting_notes_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then publish the notes and email them to attendees and the group's audience."""
    found = _meeting(request, pk)
    _require_manager(request, found.group)
    back = reverse("groups:meeting", args=[found.pk])
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            queued = notes_services.publish_and_send(actor=request.user, meeting=found)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"The notes are published; {queued} email{'s' if queued != 1 else ''} sent."
                if queued
                else "The notes are published; everyone has already been sent them.",
            )
        return redirect(back + "#notes")
    people = notes_services.recipients(found)
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": "Publish and send the notes?",
            "consequences": [
                "Providers the group is for can read the notes in the portal.",
                f"{len(people)} {'person gets' if len(people) == 1 else 'people get'} an email "
                "with a link to them: those who attended "
                "and the group's audience who agreed to emails.",
                "Anyone already sent the notes is not sent them again.",
            ],
            "confirm_label": "Publish and send",
            "cancel_url": back,
            "crumbs": _meeting_crumbs(found, "Publish and send"),
        },
    )


# --- Actions --------------------------------------------------------------------------------


@capability_required(Capability.GROUPS_MANAGE)
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    _require_manager(request, found.group)
    items = ForwardPlanItem.objects.filter(meeting=found).order_by("agenda_position", "pk")
    initial = {"agenda_item": request.GET.get("item") or None}
    form = ActionForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_services.create_action(
                actor=request.user,
                meeting=found,
                title=data["title"],
                description=data["description"],
                agenda_item=data["agenda_item"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Action “{action.title}” added.")
            return redirect(reverse("groups:meeting", args=[found.pk]) + "#actions")
    return _form_page(
        request,
        form,
        title="Add an action",
        caption=str(found),
        crumbs=_meeting_crumbs(found, "Add an action"),
        submit_label="Add the action",
        cancel_url=reverse("groups:meeting", args=[found.pk]),
    )


@capability_required(Capability.GROUPS_VIEW)
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An action with its history; its owner, group owner and the PEM update it here."""
    action = ms.get_action_for_user(request.user, pk)
    may_update = ms.may_update_action(request.user, action)
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "outcome": action.outcome}
    )
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied("Only the action's owner, its group's owner or the PEM may.")
        if form.is_valid():
            try:
                action_services.update_action(
                    actor=request.user,
                    action=action,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    outcome=form.cleaned_data["outcome"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "The action is updated.")
                return redirect("groups:action_detail", pk=action.pk)
    crumbs: list[Any] = (
        _group_crumbs(
            action.group,
            "Actions",
            reverse("groups:group_actions", args=[action.group.pk]),
            action.title,
        )
        if action.group
        else ["Your actions", reverse("groups:my_actions"), action.title]
    )
    return render(
        request,
        "groups/action_detail.html",
        {
            "action": action,
            "form": form,
            "may_update": may_update,
            "overdue": action.is_overdue(timezone.localdate()),
            "crumbs": crumbs,
        },
    )


_ACTION_FILTERS = (
    ("", "All"),
    ("open", "Open"),
    ("overdue", "Overdue"),
    (ActionStatus.DONE.value, "Done"),
    (ActionStatus.DROPPED.value, "Dropped"),
)


@capability_required(Capability.GROUPS_VIEW)
def group_actions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    status = request.GET.get("status", "")
    if status not in dict(_ACTION_FILTERS):
        status = ""
    today = timezone.localdate()
    page = paginate(request, ms.group_actions(group, status=status))
    return render(
        request,
        "groups/group_actions.html",
        {
            "group": group,
            "page": page,
            "status": status,
            "filters": _ACTION_FILTERS,
            "overdue": list(ms.overdue(ms.group_actions(group), today)[:20]),
            "today": today,
            "crumbs": _group_crumbs(group, "Actions"),
        },
    )


@capability_required(Capability.GROUPS_MANAGE)
def my_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in dict(_ACTION_FILTERS):
        status = "open"
    page = paginate(request, ms.actions_owned_by(request.user, status=status))
    return render(
        request,
        "groups/my_actions.html",
        {
            "page": page,
            "status": status,
            "filters": _ACTION_FILTERS,
            "today": timezone.localdate(),
            "crumbs": ["Groups", reverse("groups:register"), "Your actions"],
        },
    )
