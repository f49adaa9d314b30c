"""Writes of the enquiries app: submitting, replying, status, reassignment, reminders, categories.

Every function is one transaction, locks the enquiry row it changes, records who did it
(``acting_as``) and what happened (``EnquiryEvent``), and queues its emails through the outbox
in the same transaction, so a change is never saved without its email nor emailed unsaved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from engage.accounts.models import User
from engage.core.audit import acting_as
from engage.core.working_days import (
    add_working_days,
    is_working_time,
    local_date,
    target_date,
    working_days_elapsed,
    working_days_paused,
)
from engage.council.models import Officer, Team
from engage.council.selectors import officer_for
from engage.enquiries import emails
from engage.enquiries.attachments import CheckedFile
from engage.enquiries.models import (
    FINISHED_STATUSES,
    TRANSITIONS,
    Channel,
    Enquiry,
    EnquiryAttachment,
    EnquiryCategory,
    EnquiryEvent,
    EnquiryMessage,
    EnquiryPause,
    ReferenceCounter,
    Route,
    Status,
)
from engage.enquiries.routing import route_enquiry
from engage.enquiries.targets import due_soon_q, met, overdue_q, targets_for
from engage.market.models import Contact, Provider
from engage.outbox.models import OutgoingEmail

#: The categories a new installation starts with: (slug, name, description, first response
#: days, resolve days, route, team slug, team name, safeguarding). The PEM edits them after.
DEFAULT_CATEGORIES: tuple[tuple[str, str, str, int, int, str, str, str, bool], ...] = (
    (
        "contract",
        "Contract and terms",
        "Your contract with the council, its terms, variations and renewals.",
        2,
        10,
        Route.CONTRACT_MANAGER,
        "contracts",
        "Contracts",
        False,
    ),
    (
        "payments",
        "Payments and invoices",
        "Payments, invoices, fee rates and remittances.",
        2,
        10,
        Route.TEAM,
        "contracts",
        "Contracts",
        False,
    ),
    (
        "placements",
        "Placements",
        "Referrals, placements and care packages for the people you support.",
        1,
        5,
        Route.TEAM,
        "service-placement",
        "Service Placement",
        False,
    ),
    (
        "quality",
        "Quality",
        "Quality of care, improvement support and inspections.",
        2,
        15,
        Route.TEAM,
        "quality-improvement",
        "Quality Improvement",
        False,
    ),
    (
        "training",
        "Training",
        "Training for your staff and joint courses with the council.",
        3,
        15,
        Route.TEAM,
        "quality-improvement",
        "Quality Improvement",
        False,
    ),
    (
        "other",
        "Something else",
        "Anything that does not fit the other categories.",
        3,
        15,
        Route.TEAM,
        "provider-engagement",
        "Provider Engagement",
        False,
    ),
    (
        "safeguarding",
        "A safeguarding concern",
        "Tell us about a safeguarding concern. This does not replace the urgent route.",
        1,
        5,
        Route.TEAM,
        "safeguarding",
        "Safeguarding",
        True,
    ),
)

REMINDER_KINDS = ("due-soon", "overdue")


# --- References ------------------------------------------------------------------------------


def allocate_reference(*, year: int) -> str:
    """The next reference of ``year`` (ENQ-2026-00042), never given out twice.

    The year's counter row is incremented with an UPDATE, which holds its lock until the
    surrounding transaction ends, so concurrent submissions are numbered one after another.
    """
    with transaction.atomic():
        bumped = ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
        if not bumped:
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(year=year, last_number=1)
            except IntegrityError:
                # Another submission created the year's counter first: take the next number.
                ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
        number = ReferenceCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"ENQ-{year}-{number:05d}"


# --- Helpers ---------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


def _locked(enquiry: Enquiry) -> Enquiry:
    """The enquiry re-read under a row lock, with what the emails need."""
    return (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("provider", "category", "owner__user", "owner__team", "team")
        .get(pk=enquiry.pk)
    )


def _event(
    enquiry: Enquiry,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    **fields: Any,
) -> EnquiryEvent:
    return EnquiryEvent.objects.create(
        enquiry=enquiry, kind=kind, actor=actor, at=at, note=note[:500], **fields
    )


def _save_files(
    enquiry: Enquiry, message: EnquiryMessage, files: Sequence[CheckedFile], actor: User | None
) -> list[EnquiryAttachment]:
    saved = []
    for checked in files:
        attachment = EnquiryAttachment(
            enquiry=enquiry,
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
        )
        checked.upload.seek(0)
        attachment.file.save(checked.name, checked.upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def _clean_text(value: str, what: str, limit: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"Enter the {what}")
    if limit is not None and len(text) > limit:
        raise ValidationError(f"The {what} must be {limit} characters or fewer")
    return text


# --- Status: one table of transitions, the clock stopped while waiting ---------------------


def _end_pause(enquiry: Enquiry, at: datetime) -> int:
    """Close the open pause; move resolve-by later by the working days it lasted."""
    pause = enquiry.pauses.filter(ended_at__isnull=True).first()
    if pause is None:
        return 0
    days = working_days_paused(pause.started_at, at)
    pause.ended_at = at
    pause.working_days = days
    pause.save(update_fields=["ended_at", "working_days"])
    enquiry.paused_working_days += days
    enquiry.resolve_due = add_working_days(enquiry.resolve_due_base, enquiry.paused_working_days)
    return days


def _transition(
    enquiry: Enquiry, *, to_status: str, actor: User | None, at: datetime, note: str = ""
) -> EnquiryEvent:
    """Move ``enquiry`` (locked) to ``to_status`` if the table allows it; no email here."""
    from_status = enquiry.status
    if to_status == from_status:
        raise ValidationError(f"The enquiry is already {Status(from_status).label.lower()}")
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            f"An enquiry that is {Status(from_status).label.lower()} cannot be moved to "
            f"{Status(to_status).label.lower()}"
        )
    notes = [note] if note else []
    if from_status == Status.WAITING:
        days = _end_pause(enquiry, at)
        notes.append(
            f"Clock restarted after {days} working day{'s' if days != 1 else ''} waiting; "
            f"resolve by {enquiry.resolve_due:%d/%m/%Y}"
        )
    if to_status == Status.WAITING:
        EnquiryPause.objects.create(enquiry=enquiry, started_at=at)
        notes.append("Clock stopped while waiting on the provider")
    reopening = from_status in FINISHED_STATUSES and to_status == Status.IN_PROGRESS
    if reopening:
        enquiry.reopened_count += 1
        enquiry.resolved_at = None
        enquiry.closed_at = None
        enquiry.resolution_working_days = None
        enquiry.resolution_met = None
        enquiry.clock_started_at = at
        enquiry.paused_working_days = 0
        enquiry.resolve_due_base = target_date(at, enquiry.category.resolve_days)
        enquiry.resolve_due = enquiry.resolve_due_base
        notes.append(f"New resolve-by date {enquiry.resolve_due:%d/%m/%Y}")
    if to_status == Status.RESOLVED:
        enquiry.resolved_at = at
        enquiry.resolution_working_days = max(
            0, working_days_elapsed(enquiry.clock_started_at, at) - enquiry.paused_working_days
        )
        enquiry.resolution_met = met(due=enquiry.resolve_due, at=at)
    if to_status == Status.CLOSED:
        enquiry.closed_at = at
    enquiry.status = to_status
    enquiry.save()
    return _event(
        enquiry,
        kind=EnquiryEvent.Kind.REOPENED if reopening else EnquiryEvent.Kind.STATUS,
        actor=actor,
        at=at,
        note="; ".join(notes),
        from_status=from_status,
        to_status=to_status,
    )


# --- Submitting ------------------------------------------------------------------------------


def submit_enquiry(
    *,
    actor: User | None,
    provider: Provider,
    category: EnquiryCategory,
    subject: str,
    body: str,
    contact: Contact | None = None,
    contact_name: str = "",
    contact_email: str = "",
    channel: str = Channel.PORTAL,
    received_at: datetime | None = None,
    files: Sequence[CheckedFile] = (),
) -> Enquiry:
    """A new enquiry with a unique reference, routed to its owner, with its target dates.

    The enquiry, its first message, its files and its history entry are saved together with
    the acknowledgement to the provider (reference, named owner, targets) and the notice to
    the owner or team. ``received_at`` (default now) may be earlier for an enquiry received by
    phone or email and logged later; never in the future.
    """
    now = timezone.now()
    received = received_at or now
    if received > now:
        raise ValidationError("The time it was received cannot be in the future")
    if not category.is_active:
        raise ValidationError("That category is no longer in use; choose another")
    if contact is not None:
        if contact.provider_id != provider.pk:
            raise ValidationError("That person does not work for this provider")
        contact_name = contact_name or contact.name
        contact_email = contact_email or contact.email
    contact_name = _clean_text(contact_name, "name of the person who raised it", 150)
    subject = _clean_text(subject, "subject", 200)
    body = _clean_text(body, "enquiry")
    routing = route_enquiry(provider=provider, category=category)
    targets = targets_for(
        received_at=received,
        first_response_days=category.first_response_days,
        resolve_days=category.resolve_days,
    )
    with transaction.atomic(), acting_as(actor):
        enquiry = Enquiry.objects.create(
            reference=allocate_reference(year=local_date(received).year),
            provider=provider,
            category=category,
            subject=subject,
            channel=channel,
            contact=contact,
            contact_name=contact_name,
            contact_email=contact_email.strip().lower(),
            submitted_by=actor,
            owner=routing.owner,
            team=routing.team,
            status=Status.NEW,
            received_at=received,
            clock_started_at=received,
            first_response_due=targets.first_response_due,
            resolve_due_base=targets.resolve_due,
            resolve_due=targets.resolve_due,
        )
        message = EnquiryMessage.objects.create(
            enquiry=enquiry,
            kind=EnquiryMessage.Kind.PROVIDER,
            author=actor,
            author_name=contact_name,
            body=body,
            created_at=received,
        )
        _save_files(enquiry, message, files, actor)
        _event(
            enquiry,
            kind=EnquiryEvent.Kind.RECEIVED,
            actor=actor,
            at=now,
            note=f"Received by {Channel(channel).label.lower()}",
            to_status=Status.NEW,
            to_owner=routing.owner,
            to_team=routing.team,
        )
        emails.send_acknowledgement(enquiry)
        emails.send_to_officers(
            enquiry,
            key=f"enquiry-new:{enquiry.pk}",
            headline=f"New enquiry from {provider.name}",
            message_body=body,
        )
        return enquiry


# --- The thread ------------------------------------------------------------------------------


_STATUS_LINES = {
    Status.WAITING: (
        "We are waiting for information from you. The time to resolve your enquiry is paused "
        "until you reply."
    ),
    Status.RESOLVED: (
        "We have marked your enquiry as resolved. If it is not, reply in the portal and it "
        "will be reopened."
    ),
    Status.CLOSED: "We have closed your enquiry.",
}


def post_reply(
    *,
    actor: User,
    enquiry: Enquiry,
    body: str,
    files: Sequence[CheckedFile] = (),
    then_status: str | None = None,
    at: datetime | None = None,
) -> EnquiryMessage:
    """An officer's reply to the provider, emailed to them with a link to the portal thread.

    The first reply records the first response (and whether it met its target) once and for
    all: nothing that happens later changes it. A reply to a new or acknowledged enquiry puts
    it in progress; ``then_status`` moves it on in the same step (e.g. waiting on provider).
    """
    moment = _now(at)
    body = _clean_text(body, "reply")
    with transaction.atomic(), acting_as(actor):
        enquiry = _locked(enquiry)
        officer = officer_for(actor)
        message = EnquiryMessage.objects.create(
            enquiry=enquiry,
            kind=EnquiryMessage.Kind.REPLY,
            author=actor,
            author_name=actor.full_name,
            body=body,
            created_at=moment,
        )
        attachments = _save_files(enquiry, message, files, actor)
        if enquiry.first_response_at is None:
            enquiry.first_response_at = moment
            enquiry.first_responder = officer
            enquiry.first_response_working_days = working_days_elapsed(enquiry.received_at, moment)
            enquiry.first_response_met = met(due=enquiry.first_response_due, at=moment)
            enquiry.save()
            _event(
                enquiry,
                kind=EnquiryEvent.Kind.FIRST_RESPONSE,
                actor=actor,
                at=moment,
                note="On time" if enquiry.first_response_met else "Later than the target",
            )
        target = then_status
        if target is None and enquiry.status in {Status.NEW, Status.ACKNOWLEDGED}:
            target = Status.IN_PROGRESS
        if target is not None and target != enquiry.status:
            _transition(enquiry, to_status=target, actor=actor, at=moment)
        emails.send_reply(
            enquiry,
            message,
            attachment_names=[a.original_name for a in attachments],
            status_line=_STATUS_LINES.get(Status(then_status), "") if then_status else "",
        )
        return message


def add_note(
    *,
    actor: User,
    enquiry: Enquiry,
    body: str,
    files: Sequence[CheckedFile] = (),
    at: datetime | None = None,
) -> EnquiryMessage:
    """An internal note: for officers only, never emailed or shown to the provider."""
    body = _clean_text(body, "note")
    with transaction.atomic(), acting_as(actor):
        enquiry = _locked(enquiry)
        message = EnquiryMessage.objects.create(
            enquiry=enquiry,
            kind=EnquiryMessage.Kind.NOTE,
            author=actor,
            author_name=actor.full_name,
            body=body,
            created_at=_now(at),
        )
        _save_files(enquiry, message, files, actor)
        return message


def post_provider_message(
    *,
    actor: User,
    enquiry: Enquiry,
    body: str,
    files: Sequence[CheckedFile] = (),
    at: datetime | None = None,
) -> EnquiryMessage:
    """The provider adds to the thread; the owner (or team) is told.

    A message while the enquiry waits on the provider restarts the clock (in progress); one on
    a resolved enquiry reopens it. A closed enquiry takes no more messages.
    """
    moment = _now(at)
    body = _clean_text(body, "message")
    with transaction.atomic(), acting_as(actor):
        enquiry = _locked(enquiry)
        if enquiry.status == Status.CLOSED:
            raise ValidationError(
                f"{enquiry.reference} is closed. Start a new enquiry and quote this reference."
            )
        message = EnquiryMessage.objects.create(
            enquiry=enquiry,
            kind=EnquiryMessage.Kind.PROVIDER,
            author=actor,
            author_name=actor.full_name,
            body=body,
            created_at=moment,
        )
        _save_files(enquiry, message, files, actor)
        if enquiry.status in {Status.WAITING, Status.RESOLVED}:
            _transition(
                enquiry,
                to_status=Status.IN_PROGRESS,
                actor=actor,
                at=moment,
                note="The provider replied",
            )
        emails.send_to_officers(
            enquiry,
            key=f"enquiry-provider-message:{message.pk}",
            headline=f"{enquiry.provider.name} has replied",
            message_body=body,
        )
        return message


def change_status(
    *,
    actor: User,
    enquiry: Enquiry,
    to_status: str,
    note: str = "",
    at: datetime | None = None,
) -> Enquiry:
    """Move an enquiry to another status, as the transition table allows.

    Waiting on provider stops the resolution clock until the status changes again; resolving
    tells the provider (who may reopen it by replying); resolved or closed back to in progress
    reopens it with a new resolve-by date.
    """
    moment = _now(at)
    with transaction.atomic(), acting_as(actor):
        enquiry = _locked(enquiry)
        event = _transition(enquiry, to_status=to_status, actor=actor, at=moment, note=note)
        if to_status == Status.RESOLVED:
            emails.send_resolved(
                enquiry, event_id=event.pk, actor_name=actor.full_name, note=note.strip()
            )
        return enquiry


def reassign_enquiry(
    *,
    actor: User,
    enquiry: Enquiry,
    owner: Officer | None,
    team: Team | None = None,
    note: str = "",
) -> Enquiry:
    """Give an enquiry to another officer (and their team) or to a team queue.

    The history keeps every owner it had; the new owner (or team) is emailed.
    """
    if owner is not None:
        if not owner.user.is_active:
            raise ValidationError(f"{owner.name}'s account is closed; choose someone else")
        team = owner.team
    if team is None:
        raise ValidationError("Choose an officer or a team")
    with transaction.atomic(), acting_as(actor):
        enquiry = _locked(enquiry)
        if enquiry.owner_id == (owner.pk if owner else None) and enquiry.team_id == team.pk:
            raise ValidationError(f"The enquiry is already with {enquiry.owner_label}")
        event = _event(
            enquiry,
            kind=EnquiryEvent.Kind.ASSIGNED,
            actor=actor,
            at=timezone.now(),
            note=note,
            from_owner=enquiry.owner,
            to_owner=owner,
            from_team=enquiry.team,
            to_team=team,
        )
        enquiry.owner = owner
        enquiry.team = team
        enquiry.save()
        if owner is None or owner.user_id != actor.pk:
            emails.send_to_officers(
                enquiry,
                key=f"enquiry-assigned:{event.pk}",
                headline=f"An enquiry from {enquiry.provider.name} is now with you",
            )
        return enquiry


def take_enquiry(*, actor: User, enquiry: Enquiry) -> Enquiry:
    """An officer takes an enquiry from the queue: they become its named owner.

    A new enquiry is acknowledged at the same time.
    """
    officer = officer_for(actor)
    if officer is None:
        raise ValidationError("Only an officer in a team can take an enquiry")
    with transaction.atomic(), acting_as(actor):
        enquiry = _locked(enquiry)
        if enquiry.owner_id != officer.pk:
            enquiry = reassign_enquiry(actor=actor, enquiry=enquiry, owner=officer, note="Taken")
        if enquiry.status == Status.NEW:
            _transition(enquiry, to_status=Status.ACKNOWLEDGED, actor=actor, at=timezone.now())
        return enquiry


# --- Reminders -------------------------------------------------------------------------------


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Email owners (or team queues) about enquiries due soon or overdue; returns how many.

    Only during working hours of a working day; at most one email per enquiry, kind and day
    (the outbox's idempotency key), however often it runs.
    """
    moment = _now(now)
    if not is_working_time(moment):
        return 0
    today = local_date(moment)
    suffix = f":{today.isoformat()}"
    already = set(
        OutgoingEmail.objects.filter(
            idempotency_key__startswith="enquiry-reminder:", idempotency_key__endswith=suffix
        ).values_list("idempotency_key", flat=True)
    )
    base = Enquiry.objects.select_related(
        "provider", "category", "owner__user", "owner__team", "team"
    ).order_by("pk")
    sent = 0
    with transaction.atomic():
        for kind, condition in (("overdue", overdue_q(today)), ("due-soon", due_soon_q(today))):
            for enquiry in base.filter(condition):
                if f"enquiry-reminder:{enquiry.pk}:{kind}{suffix}" in already:
                    continue
                if emails.send_reminder(enquiry, kind=kind, day=today) is not None:
                    sent += 1
    return sent


# --- Categories ------------------------------------------------------------------------------

_CATEGORY_FIELDS = {
    "name",
    "description",
    "first_response_days",
    "resolve_days",
    "route",
    "team",
    "is_safeguarding",
    "position",
    "is_active",
}


def save_category(
    *, actor: User | None, category: EnquiryCategory | None = None, **fields: Any
) -> EnquiryCategory:
    """Create (``category=None``, with a ``slug``) or change a category; targets apply to new
    enquiries only (those already received keep their dates)."""
    unknown = set(fields) - _CATEGORY_FIELDS - ({"slug"} if category is None else set())
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} of a category")
    with transaction.atomic(), acting_as(actor):
        category = category or EnquiryCategory()
        for name, value in fields.items():
            setattr(category, name, value)
        category.full_clean()
        category.save()
        return category


def ensure_default_categories(*, actor: User | None = None) -> int:
    """Create the default categories that do not exist yet (and their teams); returns how many.

    Existing categories, even edited ones, are left alone.
    """
    created = 0
    with transaction.atomic(), acting_as(actor):
        for position, (
            slug,
            name,
            description,
            first,
            resolve,
            route,
            team_slug,
            team_name,
            safe,
        ) in enumerate(DEFAULT_CATEGORIES):
            if EnquiryCategory.objects.filter(slug=slug).exists():
                continue
            team, _ = Team.objects.get_or_create(slug=team_slug, defaults={"name": team_name})
            EnquiryCategory.objects.create(
                slug=slug,
                name=name,
                description=description,
                first_response_days=first,
                resolve_days=resolve,
                route=route,
                team=team,
                is_safeguarding=safe,
                position=position,
            )
            created += 1
    return created
