"""A provider contact's part in engagement: their places at events, the calendar invitations
sent to them, their attendance and their calendar feed (see ``market.personal_data``)."""

from __future__ import annotations

from typing import Any

from engage.accounts.models import User
from engage.engagement.models import Activity, Attendance, CalendarFeed, Invitation, Registration
from engage.market.models import Contact
from engage.market.personal_data import ERASED_NAME, Holder, identity_of, iso, scrub_audit_of


def _activity(activity: Activity) -> dict[str, Any]:
    return {"id": activity.pk, "title": activity.title, "starts_at": iso(activity.starts_at)}


def _invitations(contact: Contact) -> Any:
    return Invitation.objects.filter(person_key=f"contact:{contact.pk}")


def export(contact: Contact) -> dict[str, Any]:
    """Their registrations, invitations and attendance, and whether they have a feed."""
    registrations = Registration.objects.filter(contact=contact).select_related("activity")
    attendances = Attendance.objects.filter(contact=contact).select_related("activity")
    feed = CalendarFeed.objects.filter(contact=contact).first()
    return {
        "registrations": [
            {
                "activity": _activity(r.activity),
                "status": r.get_status_display(),
                "registered_at": iso(r.created_at),
                "promoted_from_waiting_list_at": iso(r.promoted_at),
                "cancelled_at": iso(r.cancelled_at),
            }
            for r in registrations
        ],
        "calendar_invitations": [
            {
                "activity": _activity(i.activity),
                "sent_to": i.email,
                "name": i.name,
                "first_sent_at": iso(i.created_at),
                "cancelled": i.cancelled,
            }
            for i in _invitations(contact).select_related("activity")
        ],
        "attendance": [
            {
                "activity": _activity(a.activity),
                "attended": a.attended,
                "sent_apologies": a.apologies,
                "recorded_at": iso(a.recorded_at),
            }
            for a in attendances
        ],
        "calendar_feed": (
            {"created_at": iso(feed.created_at), "last_used_at": iso(feed.last_used_at)}
            if feed
            else None
        ),
    }


def erase(contact: Contact, user: User | None) -> None:
    """Their invitations keep no name or address and are cancelled without an email; their
    feed link stops working; the audit trail of their registrations, invitations and
    attendance no longer names them. The rows stay, so the counts of events stay true."""
    who = identity_of(contact, user)
    invitations = _invitations(contact)
    invitations.update(email="", name=ERASED_NAME, cancelled=True)
    scrub_audit_of(Invitation, _pks(invitations), ("email", "name"), identity=who)
    scrub_audit_of(
        Registration, _pks(Registration.objects.filter(contact=contact)), (), identity=who
    )
    scrub_audit_of(Attendance, _pks(Attendance.objects.filter(contact=contact)), (), identity=who)
    feeds = CalendarFeed.objects.filter(contact=contact)
    feed_pks = _pks(feeds)
    feeds.delete()  # its deletion is audited under its description, which names them
    scrub_audit_of(CalendarFeed, feed_pks, (), identity=who)


def _pks(rows: Any) -> list[int]:
    return list(rows.values_list("pk", flat=True))


HOLDER = Holder(section="engagement", export=export, erase=erase)
