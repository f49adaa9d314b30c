"""Home-page panels of engagement planning (registered in ``engage.core.home``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Window
from django.utils import timezone

from engage.engagement import selectors
from engage.engagement.models import Activity
from engage.portal.access import contact_for, segments_for

PANEL_SIZE = 8

_NEXT_STEP: dict[str, str] = {
    Activity.Status.DRAFT: "finish and submit it",
    Activity.Status.APPROVED: "publish it and send the invitations",
    Activity.Status.PUBLISHED: "mark it as held",
    Activity.Status.HELD: "record its evaluation",
    Activity.Status.EVALUATED: "close it",
}


def needing_action(user: Any) -> dict[str, Any]:
    """An officer's own activities that wait on them, with the next step of each."""
    # The panel shows each activity's title, date and status: nothing else is loaded.
    queryset = (
        selectors.needing_action(user)
        .select_related(None)
        .only("title", "starts_at", "ends_at", "status")
    )
    items = list(queryset[: PANEL_SIZE + 1])
    now = timezone.now()
    rows = [
        {
            "activity": a,
            "next": _NEXT_STEP.get(a.status, "")
            if a.status != Activity.Status.PUBLISHED or a.ends_at < now
            else "",
        }
        for a in items[:PANEL_SIZE]
    ]
    # One query however many there are: the link says there are more, not how many.
    return {"items": rows, "more": len(items) > PANEL_SIZE}


def awaiting_approval(user: Any) -> dict[str, Any]:
    """The Provider Engagement Manager's queue: submitted activities, oldest first."""
    queryset = selectors.awaiting_approval()
    count = queryset.count()
    shown = queryset.only("title", "starts_at", "submitted_at", "lead_officer__user__full_name")
    return {"count": count, "items": list(shown[:PANEL_SIZE]), "more": count > PANEL_SIZE}


#: How many upcoming events the portal home lists before "all events for you".
PORTAL_EVENTS_SHOWN = 5


def portal_upcoming_events(user: Any, provider: Any) -> dict[str, Any] | None:
    """The portal home's next events meant for the signed-in provider user, with their place."""
    contact = contact_for(user)
    if contact is None:
        return None
    places = selectors.places_of(contact)
    events = selectors.events_for_contact_queryset(
        contact, places=places, segments=segments_for(contact)
    )
    # The first few and how many there are in all, in one query.
    shown = list(events.annotate(total=Window(Count("pk")))[:PORTAL_EVENTS_SHOWN])
    if not shown:
        return None
    total = shown[0].total
    return {
        "rows": [(activity, places.get(activity.pk)) for activity in shown],
        "total": total,
    }
