"""Home-page panels of groups: an officer's overdue actions (``engage.core.home``), and the
portal's forward plans and meeting notes (``engage.portal.panels``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from engage.core import data_versions
from engage.core.date_text import date_text
from engage.core.listing import pk_path
from engage.groups import meeting_selectors as ms
from engage.groups.models import Action, ForwardPlanItem, GroupStatus
from engage.groups.templatetags.groups_tags import action_tag_of
from engage.portal import panel_versions

PANEL_SIZE = 6


def overdue_actions(user: Any) -> dict[str, Any] | None:
    """The officer's own open actions past their due date, most overdue first."""
    # The panel shows each action's title, due date and group: nothing else is loaded.
    overdue = (
        ms.overdue(ms.actions_owned_by(user))
        .select_related(None)
        .values_list("pk", "title", "due_on", "group__name")
    )
    actions = list(overdue[: PANEL_SIZE + 1])
    if not actions:
        return None
    # Rows with their link and date written out: the template only places them.
    href = pk_path("groups:action_detail")
    return {
        "items": [
            {
                "href": href(pk),
                "title": title,
                "due": date_text(due_on, "j M Y") if due_on else "",
                "group": group,
            }
            for pk, title, due_on, group in actions[:PANEL_SIZE]
        ],
        "more": len(actions) > PANEL_SIZE,
        "today": timezone.localdate(),
    }


def portal_forward_plans(user: Any, provider: Any) -> dict[str, Any] | None:
    """The groups whose forward plans the user may add to, and their own latest proposals."""
    contact = ms.portal_contact(user)
    if contact is None:
        return None
    groups = [g for g in ms.cached_groups_for_user(user) if g.status == GroupStatus.ACTIVE]
    if not groups:
        return None
    # Only what the panel shows of each: its title, status and group's name.
    mine = [
        {"title": title, "status": status, "group": {"name": group}}
        for title, status, group in ForwardPlanItem.objects.filter(
            proposer_contact=contact, group_id__in=[g.pk for g in groups]
        )
        .values_list("title", "status", "group__name")
        .order_by("-created_at", "pk")[:3]
    ]
    return {"groups": groups[:PANEL_SIZE], "more": len(groups) > PANEL_SIZE, "mine": mine}


def portal_meetings(user: Any, provider: Any) -> dict[str, Any] | None:
    """Published notes and open actions of the meetings of the user's groups: rows with their
    link, date and status tag written out (the template only places them). The same for
    everyone with the same groups on the same day: cached under the meetings' version."""
    groups = ms.cached_groups_for_user(user)
    if not groups:
        return None
    today = timezone.localdate()
    # In a list: a panel of None (nothing to show) is cached too.
    (panel,) = data_versions.cached(
        panel_versions.MEETINGS,
        ("portal-meetings", sorted(g.pk for g in groups), today.isoformat()),
        lambda: [_meetings(user, today)],
        timeout=panel_versions.TIMEOUT,
    )
    return panel


def _meetings(user: Any, today: date) -> dict[str, Any] | None:
    notes = ms.published_notes_for(user, limit=4)
    actions = ms.open_actions_for(user, limit=5)
    if not notes and not actions:
        return None
    meeting = pk_path("groups:portal_meeting")
    return {
        "notes": [
            {
                "href": meeting(meeting_id),
                "group": group,
                "starts": date_text(starts_at, "j M Y") if starts_at else "",
            }
            for meeting_id, group, starts_at in notes
        ],
        "actions": [
            {
                "title": title,
                "who": (owner_full_name or "") if owner_id is not None else owner_name,
                "due": date_text(due_on, "j M Y") if due_on else "",
                "href": meeting(meeting_id),
                "group": group,
                "tag": action_tag_of(status, overdue=Action.overdue_on(status, due_on, today)),
            }
            for (
                title,
                status,
                due_on,
                owner_id,
                owner_full_name,
                owner_name,
                meeting_id,
                group,
            ) in actions
        ],
    }
