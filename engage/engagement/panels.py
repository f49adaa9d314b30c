"""Home-page panels of engagement planning (registered in ``engage.core.home``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Window
from django.utils import timezone

from engage.core import data_versions
from engage.core.date_text import date_text
from engage.core.listing import pk_path
from engage.engagement import selectors
from engage.engagement.models import Activity
from engage.engagement.templatetags.engagement_tags import status_tag_of
from engage.market.audience import Segment
from engage.portal import panel_versions
from engage.portal.access import contact_for, segment_key, segments_for

PANEL_SIZE = 8

_NEXT_STEP: dict[str, str] = {
    Activity.Status.DRAFT: "finish and submit it",
    Activity.Status.APPROVED: "publish it and send the invitations",
    Activity.Status.PUBLISHED: "mark it as held",
    Activity.Status.HELD: "record its evaluation",
    Activity.Status.EVALUATED: "close it",
}


def needing_action(user: Any) -> dict[str, Any]:
    """An officer's own activities that wait on them, with the next step of each: rows with
    their link, date and status tag written out (the template only places them)."""
    # The panel shows each activity's title, date and status: nothing else is loaded.
    items = list(
        selectors.needing_action(user)
        .select_related(None)
        .values_list("pk", "title", "starts_at", "ends_at", "status")[: PANEL_SIZE + 1]
    )
    now = timezone.now()
    href = pk_path("engagement:activity_detail")
    rows = [
        {
            "href": href(pk),
            "title": title,
            "starts": _day(starts_at),
            "status": status_tag_of(status),
            "next": _NEXT_STEP.get(status, "")
            if status != Activity.Status.PUBLISHED or ends_at < now
            else "",
        }
        for pk, title, starts_at, ends_at, status in items[:PANEL_SIZE]
    ]
    # One query however many there are: the link says there are more, not how many.
    return {"items": rows, "more": len(items) > PANEL_SIZE}


def awaiting_approval(user: Any) -> dict[str, Any]:
    """The Provider Engagement Manager's queue: submitted activities, oldest first; the first
    few and how many there are in all, in one query."""
    shown = list(
        selectors.awaiting_approval()
        .annotate(total=Window(Count("pk")))
        .values_list(
            "pk", "title", "starts_at", "submitted_at", "lead_officer__user__full_name", "total"
        )[:PANEL_SIZE]
    )
    count = shown[0][-1] if shown else 0
    href = pk_path("engagement:activity_detail")
    rows = [
        {
            "href": href(pk),
            "title": title,
            "starts": _day(starts_at),
            "lead": lead,
            "submitted": date_text(submitted_at, "j M") if submitted_at else "",
        }
        for pk, title, starts_at, submitted_at, lead, _ in shown
    ]
    return {"count": count, "items": rows, "more": count > PANEL_SIZE}


def _day(moment: datetime) -> str:
    """As ``{{ moment|date:"j M Y" }}`` shows it (in the council's time zone)."""
    return date_text(moment, "j M Y")


#: How many upcoming events the portal home lists before "all events for you".
PORTAL_EVENTS_SHOWN = 5


def portal_upcoming_events(user: Any, provider: Any) -> dict[str, Any] | None:
    """The portal home's next events meant for the signed-in provider user, with their place:
    rows with their link and date written out (the template only places them)."""
    contact = contact_for(user)
    if contact is None:
        return None
    places = selectors.places_of(contact)
    segments = segments_for(contact)
    # The events of the contact's segments and registrations are the same for everyone with
    # the same segments and registrations: cached under the events' version, keyed by both
    # (the contact's place on each is not cached: ``places`` is read above).
    registered = sorted(places)
    upcoming = data_versions.cached(
        panel_versions.EVENTS,
        ("portal-upcoming-events", segment_key(segments), registered),
        lambda: _upcoming_events(contact, places, segments),
        timeout=panel_versions.TIMEOUT,
    )
    # Cached with what had not ended when it was computed: drop what has ended since.
    now = timezone.now()
    upcoming = [row for row in upcoming if row[3] >= now]
    if not upcoming:
        return None
    href = pk_path("engagement:portal_event")
    return {
        "rows": [
            {
                "pk": pk,
                "href": href(pk),
                "title": title,
                "starts": date_text(starts_at, "D j M Y, H:i"),
                "venue": venue or "",
                "place": places.get(pk),
            }
            for pk, title, starts_at, _, venue in upcoming[:PORTAL_EVENTS_SHOWN]
        ],
        "total": len(upcoming),
    }


def _upcoming_events(
    contact: Any, places: dict[int, str], segments: frozenset[Segment]
) -> list[tuple[int, str, datetime, datetime, str | None]]:
    """(pk, title, start, end, venue name) of every upcoming event meant for ``segments`` or
    registered for (``places``), soonest first: only what the panel shows."""
    events = selectors.events_for_contact_queryset(contact, places=places, segments=segments)
    return list(
        events.select_related(None).values_list(
            "pk", "title", "starts_at", "ends_at", "venue__name"
        )
    )
