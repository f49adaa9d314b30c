"""Writes of engagement planning: the planning record, its lifecycle, invitations, registration.

Every function is one transaction with keyword-only arguments and records who acted. The
lifecycle is the table ``TRANSITIONS``: an action moves an activity from one of its allowed
statuses to the next, and anything else raises ``TransitionError`` — no step can be skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from engage.accounts.models import User
from engage.accounts.permissions import Capability, has_capability, require
from engage.core.audit import acting_as
from engage.core.background import later
from engage.council.models import Officer, PartnerPerson, Team
from engage.engagement import ics
from engage.engagement.clashes import LONDON, Slot, format_day
from engage.engagement.models import (
    HELD_STATUSES,
    AcceptedWarning,
    Activity,
    CalendarFeed,
    Invitation,
    Registration,
    StatusChange,
    Venue,
    new_feed_token,
)
from engage.engagement.modes import is_recommended
from engage.engagement.selectors import can_edit, is_owner, report_for
from engage.market import unsubscribe
from engage.market.audience import Audience, contacts_reached, emailable
from engage.market.models import Contact, Level, Locality, ServiceType
from engage.outbox.services import NewEmail, queue_email, queue_emails

Status = Activity.Status


class TransitionError(ValidationError):
    """An action that the activity's current status does not allow."""


class ActivityRuleError(ValidationError):
    """A business rule refused the action; ``messages`` says what is missing or wrong."""


@dataclass
class ActivityData:
    """Everything a person edits on a planning record (the form and the API both build one)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    kind: str = "event"
    purpose: str = ""
    topic: str = ""
    mode: str = ""
    mechanism: str = ""
    mechanism_reason: str = ""
    lead_officer: Officer | None = None
    facilitator: Officer | None = None
    external_facilitator: str = ""
    required_teams: Sequence[Team] = ()
    invited_partners: Sequence[PartnerPerson] = ()
    venue: Venue | None = None
    online_link: str = ""
    capacity: int | None = None
    outcomes_sought: str = ""
    questions: str = ""
    cost_venue_pence: int = 0
    officer_hours: Decimal = Decimal("0")
    cost_other_pence: int = 0
    ad_hoc_justification: str = ""
    audience_service_types: Sequence[ServiceType] = ()
    audience_localities: Sequence[Locality] = ()
    for_owners: bool = False
    for_managers: bool = False
    for_workers: bool = False
    tier_one_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def audience(self) -> Audience:
        levels = {
            str(level)
            for level, chosen in (
                (Level.OWNER, self.for_owners),
                (Level.MANAGER, self.for_managers),
                (Level.WORKER, self.for_workers),
            )
            if chosen
        }
        return Audience(
            service_types=frozenset(t.slug for t in self.audience_service_types),
            levels=frozenset(levels),
            localities=frozenset(loc.slug for loc in self.audience_localities),
            tier_one_only=self.tier_one_only,
        )

    def slot(self, pk: int | None = None) -> Slot:
        """The clash engine's view of this (possibly unsaved) activity."""
        return Slot(
            id=pk,
            title=self.title or "This activity",
            kind=self.kind,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            audience=self.audience(),
            team_ids=frozenset(t.pk for t in self.required_teams),
        )


def activity_data_errors(data: ActivityData) -> dict[str, str]:
    """Field -> message for what may never be saved (the form and the API show these)."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "Enter a title"
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = "The end must be after the start"
    if (
        data.mode
        and data.mechanism
        and not is_recommended(data.mode, data.mechanism)
        and not data.mechanism_reason.strip()
    ):
        errors["mechanism_reason"] = (
            "Say why you chose a mechanism that is not recommended for this mode"
        )
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = "Places must be at least 1, or leave it empty"
    if data.officer_hours < 0:
        errors["officer_hours"] = "Officer hours cannot be negative"
    return errors


def _check(data: ActivityData) -> None:
    errors = activity_data_errors(data)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


_SIMPLE_FIELDS = (
    "title",
    "kind",
    "purpose",
    "topic",
    "mode",
    "mechanism",
    "mechanism_reason",
    "lead_officer",
    "facilitator",
    "external_facilitator",
    "venue",
    "online_link",
    "capacity",
    "starts_at",
    "ends_at",
    "outcomes_sought",
    "questions",
    "cost_venue_pence",
    "officer_hours",
    "cost_other_pence",
    "ad_hoc_justification",
    "for_owners",
    "for_managers",
    "for_workers",
    "tier_one_only",
)
#: Changes to these of a published activity are sent to everyone invited (SEQUENCE + 1).
_INVITATION_FIELDS = ("title", "starts_at", "ends_at", "venue", "online_link")


def _write(activity: Activity, data: ActivityData) -> None:
    for name in _SIMPLE_FIELDS:
        setattr(activity, name, getattr(data, name))
    if activity.mode and activity.mechanism and is_recommended(activity.mode, activity.mechanism):
        activity.mechanism_reason = ""
    activity.full_clean(exclude=["created_by", "approved_by"])
    activity.save()
    activity.audience_service_types.set(data.audience_service_types)
    activity.audience_localities.set(data.audience_localities)
    activity.required_teams.set(data.required_teams)
    activity.invited_partners.set(data.invited_partners)


def create_activity(*, actor: User, data: ActivityData) -> Activity:
    """A new draft planning record by ``actor``; the officer-hour rate is today's setting."""
    require(actor, Capability.ACTIVITY_PROPOSE)
    _check(data)
    with transaction.atomic(), acting_as(actor):
        activity = Activity(created_by=actor)
        _write(activity, data)
        return activity


def _recipients_snapshot(activity: Activity) -> tuple[Any, ...]:
    return (
        *(getattr(activity, name) for name in _INVITATION_FIELDS),
        frozenset(activity.required_teams.values_list("pk", flat=True)),
        frozenset(activity.invited_partners.values_list("pk", flat=True)),
        activity.audience(),
    )


def update_activity(*, actor: User, activity: Activity, data: ActivityData) -> Activity:
    """Save changes to a planning record the actor may edit.

    When a published activity's time, place or invitees change, its SEQUENCE goes up and
    every invitee is sent the update (and anyone no longer invited a cancellation).
    """
    if not can_edit(actor, activity):
        raise PermissionDenied("You cannot edit this activity.")
    _check(data)
    with transaction.atomic(), acting_as(actor):
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        before = _recipients_snapshot(locked)
        _write(locked, data)
        if locked.status == Status.PUBLISHED and _recipients_snapshot(locked) != before:
            locked.sequence += 1
            locked.save(update_fields=["sequence", "updated_at"])
            _send_invitations_after_commit(locked.pk)
        return locked


# --- The lifecycle ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    label: str


#: action -> where it may start from and where it leads. The one place the lifecycle lives.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({Status.DRAFT}), Status.SUBMITTED, "submit"),
    "approve": Transition(frozenset({Status.SUBMITTED}), Status.APPROVED, "approve"),
    "return": Transition(frozenset({Status.SUBMITTED}), Status.DRAFT, "return for changes"),
    "publish": Transition(frozenset({Status.APPROVED}), Status.PUBLISHED, "publish"),
    "hold": Transition(frozenset({Status.PUBLISHED}), Status.HELD, "mark as held"),
    "evaluate": Transition(frozenset({Status.HELD}), Status.EVALUATED, "mark as evaluated"),
    "close": Transition(frozenset({Status.EVALUATED}), Status.CLOSED, "close"),
    "cancel": Transition(
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED}),
        Status.CANCELLED,
        "cancel",
    ),
}


def allowed_actions(activity: Activity) -> list[str]:
    """The actions the activity's status allows (not checking who may take them)."""
    return [name for name, t in TRANSITIONS.items() if activity.status in t.sources]


def _move(
    activity: Activity,
    action: str,
    *,
    actor: User,
    note: str = "",
    check: Callable[[Activity], None] | None = None,
) -> Activity:
    """Lock the row, check the transition (and ``check``), move it and record the step."""
    transition = TRANSITIONS[action]
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in transition.sources:
        allowed = " or ".join(sorted(str(Status(s).label).lower() for s in transition.sources))
        raise TransitionError(
            f"You cannot {transition.label} an activity that is "
            f"{locked.get_status_display().lower()}; it must be {allowed} first."
        )
    if check is not None:
        check(locked)
    now = timezone.now()
    StatusChange.objects.create(
        activity=locked,
        from_status=locked.status,
        to_status=transition.target,
        by=actor,
        at=now,
        note=note,
    )
    locked.status = transition.target
    if transition.target == Status.SUBMITTED:
        locked.submitted_at = now
    elif transition.target == Status.APPROVED:
        locked.approved_at, locked.approved_by = now, actor
    elif transition.target == Status.PUBLISHED:
        locked.published_at = now
    locked.save()
    activity.refresh_from_db()
    return locked


def _require_editor(actor: User, activity: Activity) -> None:
    if not is_owner(actor, activity):
        raise PermissionDenied(
            "Only the activity's author, its lead officer or the PEM can do this."
        )


def submission_gaps(activity: Activity) -> list[str]:
    """What stops an activity being submitted for approval."""
    gaps = []
    if activity.is_ad_hoc and not activity.ad_hoc_justification.strip():
        gaps.append("It is outside an agreed engagement group (ad hoc): write why it is needed.")
    if activity.is_gathering and activity.venue_id is None and not activity.online_link:
        gaps.append("Choose a venue or give an online link.")
    unusual = activity.mode and activity.mechanism and not activity.mechanism_is_recommended
    if unusual and not activity.mechanism_reason.strip():
        gaps.append("Say why the mechanism differs from those recommended for the mode.")
    return gaps


def submit_activity(*, actor: User, activity: Activity) -> Activity:
    """Send a draft to the Provider Engagement Manager. An ad hoc activity needs a written
    justification; a gathering needs a venue or an online link."""
    _require_editor(actor, activity)

    def check(locked: Activity) -> None:
        gaps = submission_gaps(locked)
        if gaps:
            raise ActivityRuleError(gaps)

    with transaction.atomic(), acting_as(actor):
        return _move(activity, "submit", actor=actor, check=check)


def approval_problems(activity: Activity) -> list[str]:
    """Everything that stops approval: design checklist gaps, clashes, unaccepted warnings."""
    problems = [f"The design checklist lacks {gap}." for gap in activity.design_gaps()]
    report = report_for(activity)
    problems += [f"Clash: {c.message}" for c in report.clashes]
    problems += [f"Warning not yet accepted: {w.message}" for w in report.open_warnings]
    return problems


def approve_activity(*, actor: User, activity: Activity) -> Activity:
    """Approve a submitted activity (the Provider Engagement Manager only).

    Refused, with the list of what is missing, while the design checklist is incomplete,
    while it clashes, or while a warning has not been accepted with a reason.
    """
    require(actor, Capability.ACTIVITY_APPROVE)

    def check(locked: Activity) -> None:
        problems = approval_problems(locked)
        if problems:
            raise ActivityRuleError(problems)

    with transaction.atomic(), acting_as(actor):
        return _move(activity, "approve", actor=actor, check=check)


def return_activity(*, actor: User, activity: Activity, reason: str) -> Activity:
    """Send a submitted activity back to draft with the PEM's reason."""
    require(actor, Capability.ACTIVITY_APPROVE)
    if not reason.strip():
        raise ActivityRuleError(["Say what needs to change."])
    with transaction.atomic(), acting_as(actor):
        return _move(activity, "return", actor=actor, note=reason)


def publish_activity(*, actor: User, activity: Activity) -> Activity:
    """Put an approved activity on the published calendar and send its invitations."""
    _require_editor(actor, activity)
    with transaction.atomic(), acting_as(actor):
        moved = _move(activity, "publish", actor=actor)
        if moved.is_gathering:
            _send_invitations_after_commit(moved.pk)
        return moved


def mark_held(*, actor: User, activity: Activity) -> Activity:
    """Record that a published activity took place (not before it has started); once committed,
    its attendees are invited to evaluate it (``engage.feedback.services.send_evaluations``)."""
    _require_editor(actor, activity)

    def check(locked: Activity) -> None:
        if locked.starts_at > timezone.now():
            raise ActivityRuleError(["It has not started yet."])

    with transaction.atomic(), acting_as(actor):
        held = _move(activity, "hold", actor=actor, check=check)
        # Everyone who came is asked to evaluate it once this commits (feedback app).
        from engage.feedback.services import send_evaluations_after_commit

        send_evaluations_after_commit(held.pk)
        return held


def mark_evaluated(*, actor: User, activity: Activity, note: str = "") -> Activity:
    """Record that a held activity has been evaluated."""
    _require_editor(actor, activity)
    with transaction.atomic(), acting_as(actor):
        return _move(activity, "evaluate", actor=actor, note=note)


def close_activity(*, actor: User, activity: Activity) -> Activity:
    """Close an evaluated activity: nothing more to do."""
    _require_editor(actor, activity)
    with transaction.atomic(), acting_as(actor):
        return _move(activity, "close", actor=actor)


def record_actual_costs(
    *,
    actor: User,
    activity: Activity,
    venue_pence: int,
    officer_hours: Decimal,
    other_pence: int,
) -> Activity:
    """Record what a held activity cost in the end (venue, officer hours at its rate, other
    costs), replacing any earlier record; audited. Only its owners may, and only once it is
    held. Reports use the actual cost instead of the estimate from then on."""
    _require_editor(actor, activity)
    if activity.status not in HELD_STATUSES:
        raise ValidationError("What it cost can be recorded once it has been held.")
    if venue_pence < 0 or other_pence < 0 or officer_hours < 0:
        raise ValidationError("Costs and hours cannot be negative.")
    with transaction.atomic(), acting_as(actor):
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        locked.actual_venue_pence = venue_pence
        locked.actual_officer_hours = officer_hours
        locked.actual_other_pence = other_pence
        locked.actual_costs_recorded_at = timezone.now()
        locked.save(
            update_fields=[
                "actual_venue_pence",
                "actual_officer_hours",
                "actual_other_pence",
                "actual_costs_recorded_at",
                "updated_at",
            ]
        )
        return locked


def cancel_activity(*, actor: User, activity: Activity, reason: str) -> Activity:
    """Cancel an activity that has not been held, with a reason. If it was published, its
    SEQUENCE goes up and everyone invited is sent a METHOD:CANCEL."""
    _require_editor(actor, activity)
    if not reason.strip():
        raise ActivityRuleError(["Say why it is cancelled."])
    with transaction.atomic(), acting_as(actor):
        was_published = Activity.objects.get(pk=activity.pk).status == Status.PUBLISHED
        moved = _move(activity, "cancel", actor=actor, note=reason)
        moved.cancellation_reason = reason
        if was_published:
            moved.sequence += 1
        moved.save(update_fields=["cancellation_reason", "sequence", "updated_at"])
        if was_published:
            _send_invitations_after_commit(moved.pk)
        activity.refresh_from_db()
        return moved


def accept_warning(
    *, actor: User, activity: Activity, clash_key: str, reason: str
) -> AcceptedWarning:
    """The PEM accepts one current warning of an activity with a reason, which is recorded."""
    require(actor, Capability.ACTIVITY_APPROVE)
    if not reason.strip():
        raise ActivityRuleError(["Say why the warning is acceptable."])
    report = report_for(activity)
    warning = next((w for w in report.warnings if w.key == clash_key), None)
    if warning is None:
        raise ActivityRuleError(["That warning no longer applies to this activity."])
    with transaction.atomic(), acting_as(actor):
        accepted, _ = AcceptedWarning.objects.update_or_create(
            activity=activity,
            clash_key=clash_key,
            defaults={
                "message": warning.message,
                "reason": reason,
                "accepted_by": actor,
                "accepted_at": timezone.now(),
            },
        )
        return accepted


# --- Invitations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    person_key: str
    email: str
    name: str
    role: str
    link: str


def invitees(activity: Activity) -> dict[str, Invitee]:
    """Who is invited: the audience's emailable contacts and those registered, the officers of
    the teams that must attend (and the lead and facilitator), and the invited partners."""
    site = settings.SITE_URL
    portal = site + reverse("engagement:portal_event", args=[activity.pk])
    officer_page = site + reverse("engagement:activity_detail", args=[activity.pk])
    partner_page = site + reverse("engagement:partner_invitations")
    people: dict[str, Invitee] = {}
    reached = emailable(contacts_reached(activity.audience())).values_list("pk", "name", "email")
    registered = (
        Registration.objects.filter(activity=activity)
        .exclude(status=Registration.Status.CANCELLED)
        .filter(contact__erased_at__isnull=True)
        .exclude(contact__email="")
        .values_list("contact_id", "contact__name", "contact__email")
    )
    for pk, name, email in [*reached, *registered]:
        people[f"contact:{pk}"] = Invitee(
            f"contact:{pk}", email, name, Invitation.Role.PROVIDER, portal
        )
    officers = Officer.objects.filter(user__is_active=True).filter(
        team__in=activity.required_teams.all()
    )
    extra_ids = [i for i in (activity.lead_officer_id, activity.facilitator_id) if i]
    officers = officers | Officer.objects.filter(pk__in=extra_ids, user__is_active=True)
    for user_id, name, email in officers.values_list("user_id", "user__full_name", "user__email"):
        people[f"user:{user_id}"] = Invitee(
            f"user:{user_id}", email, name, Invitation.Role.OFFICER, officer_page
        )
    partners = activity.invited_partners.filter(is_active=True).exclude(email="")
    for pk, name, email in partners.values_list("pk", "name", "email"):
        people[f"partner:{pk}"] = Invitee(
            f"partner:{pk}", email, name, Invitation.Role.PARTNER, partner_page
        )
    return people


def _when(activity: Activity) -> str:
    start = activity.starts_at.astimezone(LONDON)
    end = activity.ends_at.astimezone(LONDON)
    return f"{format_day(start.date())}, {start:%H:%M} to {end:%H:%M}"


def _invitation_emails(
    activity: Activity, invitees: Sequence[Invitee], *, kind: str
) -> list[NewEmail]:
    """The emails of one kind (invite, update or cancel) to ``invitees``, each with its own
    calendar file; the calendar is written once per link (``ics.invitations``)."""
    cancel = kind == "cancel"
    headline = {"invite": "Invitation", "update": "Updated", "cancel": "Cancelled"}[kind]
    subject = f"{headline}: {activity.title}, {_when(activity)}"
    if cancel:
        reason = activity.cancellation_reason or "It is no longer needed for you."
        middle = [f"{activity.title} on {_when(activity)} is cancelled.", "", f"Why: {reason}"]
    else:
        intro = "has changed" if kind == "update" else "is an invitation for you"
        middle = [
            f"{activity.title} {intro}.",
            "",
            f"When: {_when(activity)}",
            f"Where: {ics.location_of(activity) or 'to be confirmed'}",
        ]
        if activity.purpose:
            middle += ["", activity.purpose]
    ending = ["", "The attached calendar file updates your calendar.", "", settings.COUNCIL_NAME]
    by_link: dict[str, list[Invitee]] = {}
    for invitee in invitees:
        by_link.setdefault(invitee.link, []).append(invitee)
    emails = []
    for link, group in by_link.items():
        calendars = ics.invitations(
            activity,
            attendees=[
                ics.Attendee(i.email, i.name, required=i.role == Invitation.Role.OFFICER)
                for i in group
            ],
            cancel=cancel,
            url=link,
        )
        details = ["", f"Details: {link}"] if not cancel else []
        for invitee, calendar_text in zip(group, calendars, strict=True):
            stop = unsubscribe.for_person_key(invitee.person_key)
            lines = [f"Hello {invitee.name},", "", *middle, *details, *ending, *stop.lines]
            emails.append(
                NewEmail(
                    to=[invitee.email],
                    subject=subject,
                    body_text="\n".join(lines),
                    headers=stop.headers,
                    attachments=[
                        {
                            "filename": "cancel.ics" if cancel else "invite.ics",
                            "content": calendar_text,
                            "mimetype": f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}",
                        }
                    ],
                    idempotency_key=(
                        f"activity:{activity.pk}:{kind}:{invitee.person_key}:seq{activity.sequence}"
                    ),
                    topic=f"activity:{activity.pk}",
                )
            )
    return emails


@dataclass
class _InvitationRound:
    """What one ``send_invitations`` writes, worked out from a read of the activity."""

    #: What it was worked out from (see ``_invitation_state``).
    state: tuple[Any, ...]
    new_rows: list[Invitation] = field(default_factory=list)
    emails: list[NewEmail] = field(default_factory=list)
    cancel_all: bool = False
    cancelled_keys: list[str] = field(default_factory=list)
    wanted_keys: list[str] = field(default_factory=list)
    count: int = 0


def _read_for_invitations(
    activity_id: int, *, lock: bool
) -> tuple[Activity, dict[str, Invitation]]:
    found = Activity.objects.select_related("venue", "lead_officer__user")
    if lock:
        found = found.select_for_update(of=("self",))
    activity = found.get(pk=activity_id)
    return activity, {i.person_key: i for i in activity.invitations.all()}


def _invitation_state(activity: Activity, existing: dict[str, Invitation]) -> tuple[Any, ...]:
    return (
        activity.status,
        activity.sequence,
        activity.updated_at,
        tuple(sorted((k, i.cancelled, i.sequence_sent) for k, i in existing.items())),
    )


def _invitation_round(activity: Activity, existing: dict[str, Invitation]) -> _InvitationRound:
    found = _InvitationRound(state=_invitation_state(activity, existing))
    if activity.status == Status.CANCELLED:
        cancelled = [_invitee_of(i) for i in existing.values() if not i.cancelled]
        found.emails = _invitation_emails(activity, cancelled, kind="cancel")
        found.cancel_all, found.count = True, len(cancelled)
        return found
    if activity.status != Status.PUBLISHED:
        return found
    now = timezone.now()
    wanted = invitees(activity)
    invited: list[Invitee] = []
    updated: list[Invitee] = []
    for key, invitee in wanted.items():
        previous = existing.get(key)
        if previous is None or previous.cancelled:
            invited.append(invitee)
            if previous is None:
                found.new_rows.append(
                    Invitation(
                        activity=activity,
                        email=invitee.email,
                        name=invitee.name,
                        role=invitee.role,
                        person_key=key,
                        sequence_sent=activity.sequence,
                        created_at=now,
                    )
                )
        elif previous.sequence_sent < activity.sequence:
            updated.append(invitee)
    gone = [i for k, i in existing.items() if k not in wanted and not i.cancelled]
    found.emails = [
        *_invitation_emails(activity, invited, kind="invite"),
        *_invitation_emails(activity, updated, kind="update"),
        *_invitation_emails(activity, [_invitee_of(i) for i in gone], kind="cancel"),
    ]
    found.cancelled_keys = [i.person_key for i in gone]
    found.wanted_keys = list(wanted)
    found.count = len(invited) + len(updated) + len(gone)
    return found


def send_invitations(*, activity_id: int) -> int:
    """Bring every invitee's calendar up to the activity's current SEQUENCE; returns how many
    emails were queued.

    Published: new invitees get METHOD:REQUEST, those on an older SEQUENCE an update, anyone no
    longer invited a METHOD:CANCEL. Cancelled: everyone invited gets METHOD:CANCEL. Safe to run
    again: each email has an idempotency key per (activity, person, SEQUENCE). The invitations
    and emails are written in bulk and the emails delivered in batches after the commit
    (``outbox.services.queue_emails``), so an activity for hundreds takes a second, not minutes.

    The emails are worked out before the activity is locked (writing hundreds of calendars is
    the slow part, and SQLite's lock stops every other write meanwhile); under the lock they
    are written only if the activity and its invitations are as they were read, else worked
    out again there.
    """
    planned = _invitation_round(*_read_for_invitations(activity_id, lock=False))
    with transaction.atomic():
        activity, existing = _read_for_invitations(activity_id, lock=True)
        if _invitation_state(activity, existing) != planned.state:
            planned = _invitation_round(activity, existing)
        Invitation.objects.bulk_create(planned.new_rows, batch_size=1000)
        queue_emails(planned.emails)
        if planned.cancel_all:
            activity.invitations.update(cancelled=True, sequence_sent=activity.sequence)
        elif planned.wanted_keys or planned.cancelled_keys:
            activity.invitations.filter(person_key__in=planned.cancelled_keys).update(
                cancelled=True, sequence_sent=activity.sequence
            )
            activity.invitations.filter(person_key__in=planned.wanted_keys).update(
                cancelled=False, sequence_sent=activity.sequence
            )
        return planned.count


def _invitee_of(invitation: Invitation) -> Invitee:
    return Invitee(invitation.person_key, invitation.email, invitation.name, invitation.role, "")


def _send_invitations_after_commit(activity_id: int) -> None:
    from engage.engagement.tasks import send_activity_invitations

    def enqueue() -> None:
        try:
            # Without a broker: after the response, in the background thread.
            later(send_activity_invitations, activity_id)
        except Exception:
            # No broker: send them here and now rather than not at all.
            send_invitations(activity_id=activity_id)

    transaction.on_commit(enqueue)


# --- Registration ----------------------------------------------------------------------------


def _can_act_for(actor: User, contact: Contact) -> bool:
    if has_capability(actor, Capability.ACTIVITY_PROPOSE):
        return True
    return bool(contact.user_id and contact.user_id == actor.pk)


def register_contact(*, actor: User, activity: Activity, contact: Contact) -> Registration:
    """Give ``contact`` a place at a published event, or a waiting-list place when it is full.

    The contact registers themselves (portal) or an officer does it on their behalf. The event
    row is locked while places are counted, so two people never take the last place.
    """
    if not _can_act_for(actor, contact):
        raise PermissionDenied("You can only register yourself.")
    with transaction.atomic(), acting_as(actor):
        locked = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("venue")
            .get(pk=activity.pk)
        )
        if locked.status != Status.PUBLISHED or not locked.is_gathering:
            raise ActivityRuleError(["Registration is open only for published events."])
        if locked.ends_at <= timezone.now():
            raise ActivityRuleError(["This event has already taken place."])
        if not contact.is_active or contact.erased_at:
            raise ActivityRuleError(["This person can no longer be registered."])
        live = Registration.objects.filter(activity=locked, contact=contact).exclude(
            status=Registration.Status.CANCELLED
        )
        if live.exists():
            raise ActivityRuleError(["Already registered or on the waiting list."])
        places = locked.places
        taken = Registration.objects.filter(
            activity=locked, status=Registration.Status.REGISTERED
        ).count()
        status = (
            Registration.Status.WAITING
            if places is not None and taken >= places
            else Registration.Status.REGISTERED
        )
        return Registration.objects.create(
            activity=locked,
            contact=contact,
            status=status,
            created_at=timezone.now(),
            registered_by=actor,
        )


def cancel_registration(*, actor: User, registration: Registration) -> Registration | None:
    """Give up a place (or a waiting-list place). When a place frees, the earliest person
    waiting is promoted in the same transaction; returns them (or None)."""
    if not _can_act_for(actor, registration.contact):
        raise PermissionDenied("You can only cancel your own place.")
    with transaction.atomic(), acting_as(actor):
        locked_activity = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("venue")
            .get(pk=registration.activity_id)
        )
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            raise ActivityRuleError(["This place was already cancelled."])
        freed = current.status == Registration.Status.REGISTERED
        now = timezone.now()
        current.status, current.cancelled_at = Registration.Status.CANCELLED, now
        current.save(update_fields=["status", "cancelled_at"])
        registration.refresh_from_db()
        if not freed:
            return None
        return _promote_waiting(locked_activity, now)


def _promote_waiting(activity: Activity, now: datetime) -> Registration | None:
    places = activity.places
    taken = Registration.objects.filter(
        activity=activity, status=Registration.Status.REGISTERED
    ).count()
    if places is not None and taken >= places:
        return None
    waiting = (
        Registration.objects.select_for_update()
        .filter(activity=activity, status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    waiting.status, waiting.promoted_at = Registration.Status.REGISTERED, now
    waiting.save(update_fields=["status", "promoted_at"])
    if waiting.contact.can_be_emailed:
        stop = unsubscribe.for_contact(waiting.contact_id)
        queue_email(
            to=[waiting.contact.email],
            subject=f"You have a place: {activity.title}",
            body_text=(
                f"Hello {waiting.contact.name},\n\nA place came free at {activity.title} on "
                f"{_when(activity)} and it is yours.\n\n"
                f"Details: {settings.SITE_URL}{reverse('engagement:portal_event', args=[activity.pk])}\n\n"
                f"{settings.COUNCIL_NAME}\n" + "\n".join(stop.lines)
            ),
            headers=stop.headers,
            idempotency_key=f"registration:{waiting.pk}:promoted",
            topic=f"activity:{activity.pk}",
        )
    return waiting


# --- Calendar feeds --------------------------------------------------------------------------


def feed_for_contact(*, contact: Contact) -> CalendarFeed:
    """The contact's private feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(contact=contact)
    return feed


def feed_for_officer(*, officer: Officer) -> CalendarFeed:
    """The officer's private feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(officer=officer)
    return feed


def reset_feed(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    """A new secret link; the old one stops working at once."""
    with transaction.atomic(), acting_as(actor):
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
        return feed


def touch_feed(*, feed: CalendarFeed) -> None:
    """Record that a calendar fetched the feed (no audit entry: it is not a change)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())


# --- Venues ----------------------------------------------------------------------------------


def save_venue(*, actor: User, venue: Venue | None = None, **fields: Any) -> Venue:
    """Create (``venue=None``) or update a venue."""
    require(actor, Capability.ACTIVITY_APPROVE)
    with transaction.atomic(), acting_as(actor):
        venue = venue or Venue()
        for name, value in fields.items():
            setattr(venue, name, value)
        venue.full_clean()
        venue.save()
        return venue
