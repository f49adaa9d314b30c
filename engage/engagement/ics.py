"""RFC 5545 calendars of activities, written with the icalendar package.

Every event has a stable UID (``activity-<pk>@<host>``), the activity's SEQUENCE, times in
Europe/London with a VTIMEZONE, and an ORGANIZER. Invitations (METHOD:REQUEST) and
cancellations (METHOD:CANCEL) carry one ATTENDEE: the person the email goes to. Calendars
apply an update or a cancellation because the UID is the same and the SEQUENCE is higher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from engage.engagement.models import Activity

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Engage//Engagement calendar//EN"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    required: bool = False


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "engage.invalid"


def activity_uid(activity: Activity) -> str:
    return f"activity-{activity.pk}@{site_host()}"


def location_of(activity: Activity) -> str:
    parts = []
    if activity.venue is not None:
        address = " ".join(activity.venue.address.split())
        parts.append(f"{activity.venue.name}, {address}")
        if activity.venue.postcode:
            parts[-1] += f" {activity.venue.postcode}"
    if activity.online_link:
        parts.append(f"Online: {activity.online_link}")
    return "; ".join(parts)


def _organizer(activity: Activity) -> vCalAddress:
    if activity.lead_officer is not None and activity.lead_officer.user.email:
        address = vCalAddress(f"mailto:{activity.lead_officer.user.email}")
        address.params["cn"] = vText(activity.lead_officer.user.full_name)
    else:
        address = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
        address.params["cn"] = vText(settings.COUNCIL_NAME)
    return address


def _attendee_address(attendee: Attendee) -> vCalAddress:
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params["cn"] = vText(attendee.name)
    address.params["role"] = vText("REQ-PARTICIPANT" if attendee.required else "OPT-PARTICIPANT")
    address.params["partstat"] = vText("NEEDS-ACTION")
    address.params["rsvp"] = vText("FALSE")
    return address


def event_for(
    activity: Activity,
    *,
    attendees: Iterable[Attendee] = (),
    cancelled: bool = False,
    url: str | None = None,
) -> Event:
    """The VEVENT of ``activity`` (its SEQUENCE, STATUS and times in Europe/London)."""
    event = Event()
    event.add("uid", activity_uid(activity))
    event.add("sequence", activity.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", activity.starts_at.astimezone(LONDON))
    event.add("dtend", activity.ends_at.astimezone(LONDON))
    event.add("summary", activity.title)
    description = activity.purpose.strip()
    if url:
        description = f"{description}\n\nDetails and registration: {url}".strip()
    if description:
        event.add("description", description)
    location = location_of(activity)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    is_cancelled = cancelled or activity.status == Activity.Status.CANCELLED
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _organizer(activity))
    for attendee in attendees:
        event.add("attendee", _attendee_address(attendee), encode=False)
    event.add("last-modified", activity.updated_at or timezone.now())
    return event


def _calendar(name: str, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    return calendar


def feed(activities: Iterable[Activity], *, name: str, url_for: object = None) -> bytes:
    """A subscription calendar (no METHOD) of ``activities``; cancelled ones say so."""
    calendar = _calendar(name)
    for activity in activities:
        url = url_for(activity) if callable(url_for) else None
        calendar.add_component(event_for(activity, url=url))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def invitation(
    activity: Activity, *, attendee: Attendee, cancel: bool = False, url: str | None = None
) -> str:
    """A METHOD:REQUEST invitation (or METHOD:CANCEL) for one attendee, as text."""
    method = "CANCEL" if cancel else "REQUEST"
    calendar = _calendar(f"{settings.COUNCIL_NAME}: {activity.title}", method=method)
    calendar.add_component(event_for(activity, attendees=[attendee], cancelled=cancel, url=url))
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode("utf-8"))


#: Stands for the attendee while one invitation is written for many (never sent anywhere).
_PLACEHOLDER = Attendee("attendee@placeholder.invalid", "Placeholder attendee")


def _attendee_line(attendee: Attendee) -> str:
    """The ATTENDEE content line (folded, with its CRLF) exactly as a calendar writes it."""
    event = Event()
    event.add("attendee", _attendee_address(attendee), encode=False)
    text = str(event.to_ical().decode("utf-8"))
    begin, end = "BEGIN:VEVENT\r\n", "END:VEVENT\r\n"
    if not (text.startswith(begin) and text.endswith(end)):  # pragma: no cover - icalendar's format
        raise ValueError("Unexpected calendar layout")
    return text[len(begin) : -len(end)]


def invitations(
    activity: Activity,
    *,
    attendees: Sequence[Attendee],
    cancel: bool = False,
    url: str | None = None,
) -> list[str]:
    """``invitation`` for each of ``attendees`` (same order, same text), the calendar written
    once: only the ATTENDEE line differs between them, and writing the time zone is what
    costs (about 15 ms a calendar), so an activity's hundreds of invitations take one."""
    if not attendees:
        return []
    template = invitation(activity, attendee=_PLACEHOLDER, cancel=cancel, url=url)
    placeholder = _attendee_line(_PLACEHOLDER)
    head, found, tail = template.partition(placeholder)
    if not found or placeholder in tail:  # pragma: no cover - the placeholder is unique
        raise ValueError("The attendee line could not be found in the invitation")
    return [head + _attendee_line(attendee) + tail for attendee in attendees]


def portal_url(activity: Activity) -> str:
    return settings.SITE_URL + reverse("engagement:portal_event", args=[activity.pk])


def officer_url(activity: Activity) -> str:
    return settings.SITE_URL + reverse("engagement:activity_detail", args=[activity.pk])
