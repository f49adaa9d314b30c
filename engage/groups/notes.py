"""Writes of meeting notes: save (a revision every time the text changes), publish and send.

Notes are Markdown, shown through ``engage.core.markdown.render_markdown`` (sanitised by nh3),
so what is stored is what was typed and what is shown is always safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from engage.accounts.models import User
from engage.core.audit import acting_as
from engage.council.models import Officer
from engage.engagement.models import Attendance
from engage.groups.models import Meeting, MeetingNotes, NotesRevision
from engage.groups.selectors import may_manage_group
from engage.market import unsubscribe
from engage.market.audience import contacts_reached, emailable
from engage.market.models import Contact
from engage.outbox.models import OutgoingEmail
from engage.outbox.services import queue_email


def _require_manager(actor: User, meeting: Meeting) -> None:
    if not may_manage_group(actor, meeting.group):
        raise PermissionDenied("You cannot write this meeting's notes.")


def save_notes(*, actor: User, meeting: Meeting, body: str) -> MeetingNotes:
    """Save the meeting's notes; a change of text is kept as a new numbered revision (who,
    when). Saving the same text again changes nothing."""
    _require_manager(actor, meeting)
    with transaction.atomic(), acting_as(actor):
        notes, _ = MeetingNotes.objects.select_for_update().get_or_create(meeting=meeting)
        if notes.body == body and notes.revisions.exists():
            return notes
        last = notes.revisions.aggregate(n=Max("number"))["n"] or 0
        NotesRevision.objects.create(notes=notes, number=last + 1, body=body, by=actor)
        notes.body = body
        notes.save(update_fields=["body", "updated_at"])
        return notes


@dataclass(frozen=True)
class Recipient:
    key: str
    email: str
    name: str
    link: str


def recipients(meeting: Meeting) -> dict[str, Recipient]:
    """Who the notes go to: the people who attended (contacts who may be emailed, officers,
    partners, councillors with an address) and the group's audience contacts who may be
    emailed. Providers get the portal link, everyone else the officers' page."""
    site = settings.SITE_URL
    portal_link = site + reverse("groups:portal_meeting", args=[meeting.pk])
    officer_link = site + reverse("groups:meeting", args=[meeting.pk])
    people: dict[str, Recipient] = {}
    attended = Attendance.objects.filter(activity_id=meeting.activity_id, attended=True)
    contact_ids = attended.filter(contact__isnull=False).values("contact_id")
    contacts = emailable(Contact.objects.filter(pk__in=contact_ids, is_active=True))
    audience = emailable(contacts_reached(meeting.group.audience()))
    for pk, name, email in [
        *contacts.values_list("pk", "name", "email"),
        *audience.values_list("pk", "name", "email"),
    ]:
        people[f"contact:{pk}"] = Recipient(f"contact:{pk}", email, name, portal_link)
    officers = Officer.objects.filter(
        pk__in=attended.values("officer_id"), user__is_active=True
    ).values_list("user_id", "user__full_name", "user__email")
    for user_id, name, email in officers:
        people[f"user:{user_id}"] = Recipient(f"user:{user_id}", email, name, officer_link)
    for key, field in (("partner", "partner"), ("councillor", "councillor")):
        rows = (
            attended.filter(**{f"{field}__isnull": False})
            .exclude(**{f"{field}__email": ""})
            .values_list(f"{field}_id", f"{field}__name", f"{field}__email")
        )
        for pk, name, email in rows:
            people[f"{key}:{pk}"] = Recipient(f"{key}:{pk}", email, name, officer_link)
    return {k: r for k, r in people.items() if r.email}


def publish_and_send(*, actor: User, meeting: Meeting) -> int:
    """Publish the notes (providers the group is for can read them) and email them, with a
    link, to everyone in ``recipients``. Returns how many emails were queued this time.

    Safe to repeat: each email has an idempotency key per (meeting, person), so a second press
    or a retry sends nobody anything twice; ``sent_at`` is the first sending.
    """
    _require_manager(actor, meeting)
    with transaction.atomic(), acting_as(actor):
        notes = MeetingNotes.objects.select_for_update().filter(meeting=meeting).first()
        if notes is None or not notes.body.strip():
            raise ValidationError("Write the notes before publishing them.")
        now = timezone.now()
        if notes.published_at is None:
            notes.published_at = now
            notes.published_by = actor
        activity = meeting.activity
        day = timezone.localtime(activity.starts_at).strftime("%-d %B %Y")
        people = recipients(meeting)
        keys = {f"meeting-notes:{meeting.pk}:{key}": person for key, person in people.items()}
        already = set(
            OutgoingEmail.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        queued = 0
        for key, person in keys.items():
            if key in already:
                continue
            stop = unsubscribe.for_person_key(person.key)
            queue_email(
                to=[person.email],
                subject=f"Notes of {meeting.group.name}, {day}",
                body_text="\n".join(
                    [
                        f"Hello {person.name},",
                        "",
                        f"The notes of {meeting.group.name} on {day} are published.",
                        "",
                        f"Read them, with the actions agreed: {person.link}",
                        "",
                        settings.COUNCIL_NAME,
                        *stop.lines,
                    ]
                ),
                headers=stop.headers,
                idempotency_key=key,
                topic=f"meeting-notes:{meeting.pk}",
            )
            queued += 1
        if notes.sent_at is None:
            notes.sent_at = now
        notes.save(update_fields=["published_at", "published_by", "sent_at", "updated_at"])
        return queued
