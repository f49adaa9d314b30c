"""Writes of the groups register: groups, terms of reference versions, maturity assessments.

Each function is one transaction, records who did it (``acting_as``) and keeps the rules of
``models`` whoever calls it: pages, the API, commands and the demo data.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from engage.accounts.models import Role, User
from engage.core.audit import acting_as
from engage.council.models import Officer, PartnerOrganisation, Team
from engage.engagement.models import Venue
from engage.engagement.modes import Kind, Mechanism, Mode
from engage.engagement.services import ActivityData, create_activity
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    ForumStream,
    GroupKind,
    GroupKindDefaults,
    MaturityAssessment,
    Meeting,
    MeetingSession,
    TermsOfReference,
)
from engage.market.models import Locality, ServiceType

#: Attempts at allocating a version number when another writer took the same one first.
_VERSION_ATTEMPTS = 3


@dataclass(frozen=True)
class GroupDefaults:
    """What a new group of a kind starts with (from ``GroupKindDefaults``)."""

    kind: str
    frequency_target: int
    minimum_frequency: int
    publication_horizon_months: int
    terms_review_months: int
    required_teams: tuple[Team, ...]
    streams: tuple[ForumStream, ...]
    for_owners: bool
    for_managers: bool
    for_workers: bool
    tier_one_only: bool


def group_defaults(kind: str) -> GroupDefaults:
    """The defaults of ``kind``: its ``GroupKindDefaults`` row, or the field defaults if none."""
    GroupKind(kind)  # an unknown kind is a programming error: ValueError
    row = (
        GroupKindDefaults.objects.filter(kind=kind)
        .prefetch_related("required_teams", "streams")
        .first()
    )
    if row is None:
        row = GroupKindDefaults(kind=kind)
        teams: tuple[Team, ...] = ()
        streams: tuple[ForumStream, ...] = ()
    else:
        teams = tuple(t for t in row.required_teams.all() if t.is_active)
        streams = tuple(s for s in row.streams.all() if s.is_active)
    return GroupDefaults(
        kind=kind,
        frequency_target=row.frequency_target,
        minimum_frequency=row.minimum_frequency,
        publication_horizon_months=row.publication_horizon_months,
        terms_review_months=row.terms_review_months,
        required_teams=teams,
        streams=streams,
        for_owners=row.for_owners,
        for_managers=row.for_managers,
        for_workers=row.for_workers,
        tier_one_only=row.tier_one_only,
    )


def forum_owner_for(locality: Locality | None) -> Officer | None:
    """The Local Delivery Director of ``locality`` (the first by name if several), if any."""
    if locality is None:
        return None
    return (
        Officer.objects.select_related("user")
        .filter(locality=locality, user__role=Role.LDD, user__is_active=True)
        .order_by("user__full_name", "pk")
        .first()
    )


#: Fields of a group set directly; the many-to-many ones are set after saving.
_SCALAR_FIELDS = (
    "name",
    "kind",
    "purpose",
    "status",
    "locality",
    "owner",
    "chair",
    "frequency_target",
    "publication_horizon_months",
    "association",
    "established_on",
    "for_owners",
    "for_managers",
    "for_workers",
    "tier_one_only",
)
_M2M_FIELDS = (
    "streams",
    "required_teams",
    "invited_partners",
    "audience_service_types",
    "audience_localities",
)


def create_group(
    *,
    actor: User | None,
    name: str,
    kind: str,
    purpose: str,
    owner: Officer | None = None,
    locality: Locality | None = None,
    frequency_target: int | None = None,
    publication_horizon_months: int | None = None,
    required_teams: Iterable[Team] | None = None,
    streams: Iterable[ForumStream] | None = None,
    invited_partners: Iterable[PartnerOrganisation] = (),
    audience_service_types: Iterable[ServiceType] | None = None,
    audience_localities: Iterable[Locality] | None = None,
    for_owners: bool | None = None,
    for_managers: bool | None = None,
    for_workers: bool | None = None,
    tier_one_only: bool | None = None,
    **fields: Any,
) -> EngagementGroup:
    """A new group; what is not given comes from the kind's defaults (``group_defaults``).

    A provider forum without an owner is owned by its locality's Local Delivery Director, and is
    for its locality unless other localities are given. The group's rules (``clean``) hold.
    """
    unknown = set(fields) - set(_SCALAR_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields for a group: {', '.join(sorted(unknown))}")
    defaults = group_defaults(kind)
    if owner is None and kind == GroupKind.PROVIDER_FORUM:
        owner = forum_owner_for(locality)
    if owner is None:
        raise ValidationError({"owner": "Choose who owns the group"})
    if audience_localities is None:
        audience_localities = [locality] if locality is not None else []
    with transaction.atomic(), acting_as(actor):
        group = EngagementGroup(
            name=name,
            kind=kind,
            purpose=purpose,
            owner=owner,
            locality=locality,
            frequency_target=_or(frequency_target, defaults.frequency_target),
            publication_horizon_months=_or(
                publication_horizon_months, defaults.publication_horizon_months
            ),
            for_owners=_or(for_owners, defaults.for_owners),
            for_managers=_or(for_managers, defaults.for_managers),
            for_workers=_or(for_workers, defaults.for_workers),
            tier_one_only=_or(tier_one_only, defaults.tier_one_only),
            created_by=actor,
            **fields,
        )
        group.full_clean()
        group.save()
        group.required_teams.set(
            defaults.required_teams if required_teams is None else required_teams
        )
        group.streams.set(defaults.streams if streams is None else streams)
        group.invited_partners.set(invited_partners)
        group.audience_localities.set(audience_localities)
        if audience_service_types is None:
            audience_service_types = {t for s in group.streams.all() for t in s.service_types.all()}
        group.audience_service_types.set(audience_service_types)
        return group


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def update_group(*, actor: User | None, group: EngagementGroup, **fields: Any) -> EngagementGroup:
    """Change a group's details; the group's rules (``clean``) hold afterwards."""
    unknown = set(fields) - set(_SCALAR_FIELDS) - set(_M2M_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a group")
    with transaction.atomic(), acting_as(actor):
        for name in _SCALAR_FIELDS:
            if name in fields:
                setattr(group, name, fields[name])
        group.full_clean()
        group.save()
        for name in _M2M_FIELDS:
            if name in fields:
                getattr(group, name).set(fields[name])
        return group


# --- Terms of reference ---------------------------------------------------------------------


class TermsLockedError(ValidationError):
    """A version that has left draft is never edited: a change is a new version."""


def _locked_group(group: EngagementGroup) -> EngagementGroup:
    """The group's row, locked until the transaction ends (serialises version numbering)."""
    return EngagementGroup.objects.select_for_update().get(pk=group.pk)


def draft_terms(
    *,
    actor: User | None,
    group: EngagementGroup,
    title: str,
    body: str,
    change_summary: str = "",
) -> TermsOfReference:
    """A new draft version of ``group``'s terms of reference, numbered after the last version.

    Numbers are allocated under a lock on the group (and a unique constraint backs them), so
    two people drafting at once never share a number. A group has one draft at a time: while
    one is open, edit it (``update_draft_terms``) or approve it first.
    """
    for attempt in range(_VERSION_ATTEMPTS):
        try:
            with transaction.atomic(), acting_as(actor):
                _locked_group(group)
                if TermsOfReference.objects.filter(
                    group=group, status=TermsOfReference.Status.DRAFT
                ).exists():
                    raise ValidationError(
                        "This group already has a draft of its terms of reference: "
                        "edit that draft or approve it first."
                    )
                last = TermsOfReference.objects.filter(group=group).aggregate(n=Max("version"))
                terms = TermsOfReference(
                    group=group,
                    version=(last["n"] or 0) + 1,
                    title=title,
                    body=body,
                    change_summary=change_summary,
                    created_by=actor,
                )
                terms.full_clean(validate_constraints=False)
                terms.save()
                return terms
        except IntegrityError:
            # Another writer took the number (possible where the database cannot lock rows).
            if attempt == _VERSION_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def update_draft_terms(
    *, actor: User | None, terms: TermsOfReference, title: str, body: str, change_summary: str = ""
) -> TermsOfReference:
    """Change the text of a draft. Raises ``TermsLockedError`` for any other version."""
    with transaction.atomic(), acting_as(actor):
        current = TermsOfReference.objects.select_for_update().get(pk=terms.pk)
        if current.status != TermsOfReference.Status.DRAFT:
            raise TermsLockedError(
                f"Version {current.version} has been {current.get_status_display().lower()} and "
                "is never changed: draft a new version instead."
            )
        current.title, current.body, current.change_summary = title, body, change_summary
        current.full_clean(validate_constraints=False)
        current.save()
        return current


def default_review_due(*, group: EngagementGroup, approved_on: date) -> date:
    """When terms approved on ``approved_on`` are due for review (the kind's review period)."""
    return add_months(approved_on, group_defaults(group.kind).terms_review_months)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it is shorter (31 Jan + 1: 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def approve_terms(
    *,
    actor: User,
    terms: TermsOfReference,
    approved_on: date,
    review_due: date,
    approval_note: str = "",
) -> TermsOfReference:
    """Approve a draft; in the same transaction the previously approved version is superseded.

    Guarantees: only a draft is approved; approval is not dated in the future nor before the
    previous approval; the review date is after the approval; afterwards exactly one version of
    the group is approved (this one).
    """
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "The approval date cannot be in the future"})
    if review_due <= approved_on:
        raise ValidationError({"review_due": "The review date must be after the approval date"})
    with transaction.atomic(), acting_as(actor):
        _locked_group(terms.group)
        draft = TermsOfReference.objects.select_for_update().get(pk=terms.pk)
        if draft.status != TermsOfReference.Status.DRAFT:
            raise TermsLockedError(
                f"Version {draft.version} is {draft.get_status_display().lower()}: "
                "only a draft can be approved."
            )
        previous = (
            TermsOfReference.objects.select_for_update()
            .filter(group_id=draft.group_id, status=TermsOfReference.Status.APPROVED)
            .first()
        )
        if previous is not None:
            if previous.approved_on and approved_on < previous.approved_on:
                raise ValidationError(
                    {
                        "approved_on": "The approval date cannot be before the approval of "
                        f"version {previous.version} ({previous.approved_on:%-d %B %Y})"
                    }
                )
            previous.status = TermsOfReference.Status.SUPERSEDED
            previous.superseded_on = approved_on
            previous.save(update_fields=["status", "superseded_on", "updated_at"])
        draft.status = TermsOfReference.Status.APPROVED
        draft.approved_on = approved_on
        draft.approved_by = actor
        draft.review_due = review_due
        draft.approval_note = approval_note
        draft.save(
            update_fields=[
                "status",
                "approved_on",
                "approved_by",
                "review_due",
                "approval_note",
                "updated_at",
            ]
        )
        return draft


# --- Maturity -------------------------------------------------------------------------------


def record_maturity_assessment(
    *,
    actor: User,
    group: EngagementGroup,
    assessed_on: date,
    scores: Mapping[str, int],
    evidence: Mapping[str, str] | None = None,
    summary: str = "",
) -> MaturityAssessment:
    """A dated assessment of ``group`` scoring each of the five dimensions from 1 to 4.

    ``scores`` and ``evidence`` are keyed by dimension (``MaturityDimension`` values). Every
    dimension must be scored; the date may not be in the future nor repeat one of the group's.
    """
    evidence = evidence or {}
    keys = {d.key.value for d in DIMENSIONS}
    missing = keys - set(scores)
    if missing or set(scores) - keys or set(evidence) - keys:
        raise ValidationError("Score each of the five dimensions, and only those")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "An assessment cannot be dated in the future"})
    with transaction.atomic(), acting_as(actor):
        assessment = MaturityAssessment(
            group=group, assessed_on=assessed_on, assessed_by=actor, summary=summary
        )
        for dimension in DIMENSIONS:
            setattr(assessment, dimension.score_field, scores[dimension.key.value])
            setattr(assessment, dimension.evidence_field, evidence.get(dimension.key.value, ""))
        # The score constraints repeat the fields' 1-4 validators; only the date needs a query.
        assessment.full_clean(validate_constraints=False)
        if MaturityAssessment.objects.filter(group=group, assessed_on=assessed_on).exists():
            raise ValidationError(
                {"assessed_on": "This group already has an assessment on that day."}
            )
        assessment.save()
        return assessment


# --- Meetings -------------------------------------------------------------------------------

#: The activity kind of a group's meetings: forums meet as forum meetings, the rest as
#: working-group meetings.
_MEETING_KIND = {GroupKind.PROVIDER_FORUM: Kind.FORUM_MEETING}


def meeting_data(
    group: EngagementGroup,
    *,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None = None,
    online_link: str = "",
    title: str = "",
) -> ActivityData:
    """The planning record of a meeting of ``group``, filled in from the group."""
    return ActivityData(
        title=title or f"{group.name} meeting",
        starts_at=starts_at,
        ends_at=ends_at,
        kind=_MEETING_KIND.get(GroupKind(group.kind), Kind.WORKING_GROUP),
        purpose=group.purpose,
        topic=group.name,
        mode=Mode.PARTICIPATE,
        mechanism=Mechanism.FORUM_ITEM,
        lead_officer=group.owner,
        facilitator=group.owner,
        required_teams=list(group.required_teams.all()),
        venue=venue,
        online_link=online_link,
        outcomes_sought="The agenda's items discussed, decisions and actions recorded.",
        questions="Set by the meeting's agenda from the group's forward plan.",
        audience_service_types=list(group.audience_service_types.all()),
        audience_localities=list(group.audience_localities.all()),
        for_owners=group.for_owners,
        for_managers=group.for_managers,
        for_workers=group.for_workers,
        tier_one_only=group.tier_one_only,
    )


def schedule_meeting(
    *,
    actor: User,
    group: EngagementGroup,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None = None,
    online_link: str = "",
    title: str = "",
) -> Meeting:
    """A new meeting of ``group``: a draft engagement activity within the agreed structure.

    The activity then follows the engagement lifecycle (submit, approve, publish); the year
    planner approves and publishes the meetings of an accepted plan in one step.
    """
    data = meeting_data(
        group,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_link=online_link,
        title=title,
    )
    with transaction.atomic(), acting_as(actor):
        activity = create_activity(actor=actor, data=data)
        activity.within_agreed_structure = True
        activity.save(update_fields=["within_agreed_structure", "updated_at"])
        meeting = Meeting.objects.create(group=group, activity=activity)
        create_sessions_from_streams(meeting=meeting, group=group)
        return meeting


# --- Sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionData:
    """One session as a form or the API gives it (``pk`` None: a new session)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    stream: ForumStream | None = None
    service_types: tuple[ServiceType, ...] = ()
    pk: int | None = None


def session_layout(
    streams: Iterable[ForumStream], *, starts_at: datetime, ends_at: datetime
) -> list[tuple[ForumStream, datetime, datetime]]:
    """The streams' sessions in order, sharing the meeting's time equally: the first half of
    the ordinary streams, then the networking overlap, then the rest (the review's forum with a
    networking session between the residential and nursing and the domiciliary sessions)."""
    ordinary = [s for s in streams if not s.is_overlap]
    overlaps = [s for s in streams if s.is_overlap]
    half = (len(ordinary) + 1) // 2
    ordered = ordinary[:half] + overlaps + ordinary[half:]
    if not ordered:
        return []
    step = (ends_at - starts_at) / len(ordered)
    return [
        (stream, starts_at + step * index, starts_at + step * (index + 1))
        for index, stream in enumerate(ordered)
    ]


def create_sessions_from_streams(
    *, meeting: Meeting, group: EngagementGroup
) -> list[MeetingSession]:
    """A session per active stream of ``group`` inside ``meeting`` (none if it has no streams).

    Each session is for the group's audience narrowed to the stream's service types; an
    overlap stream's session is open to the whole audience of the group.
    """
    activity = meeting.activity
    streams = [s for s in group.streams.prefetch_related("service_types") if s.is_active]
    group_types = list(group.audience_service_types.all())
    localities = list(group.audience_localities.all())
    sessions = []
    for position, (stream, starts, ends) in enumerate(
        session_layout(streams, starts_at=activity.starts_at, ends_at=activity.ends_at)
    ):
        session = MeetingSession.objects.create(
            meeting=meeting,
            title=stream.name,
            stream=stream,
            starts_at=starts,
            ends_at=ends,
            position=position,
            for_owners=group.for_owners,
            for_managers=group.for_managers,
            for_workers=group.for_workers,
            tier_one_only=group.tier_one_only,
        )
        stream_types = [] if stream.is_overlap else list(stream.service_types.all())
        if stream_types and group_types:
            chosen = [t for t in stream_types if t in group_types] or stream_types
        else:
            chosen = stream_types or group_types
        session.audience_service_types.set(chosen)
        session.audience_localities.set(localities)
        sessions.append(session)
    return sessions


def _session_errors(meeting: Meeting, sessions: list[SessionData]) -> dict[int, str]:
    activity = meeting.activity
    errors = {}
    for index, data in enumerate(sessions):
        if not data.title.strip():
            errors[index] = "Enter the session's title"
        elif data.ends_at <= data.starts_at:
            errors[index] = "A session must end after it starts"
        elif data.starts_at < activity.starts_at or data.ends_at > activity.ends_at:
            errors[index] = "A session must be within the meeting's time"
    return errors


class SessionsError(ValidationError):
    """Sessions that break a rule, by their index in what was given."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.by_index = errors


def save_sessions(
    *,
    actor: User,
    meeting: Meeting,
    sessions: list[SessionData],
    delete_ids: Iterable[int] = (),
) -> list[MeetingSession]:
    """Replace the meeting's sessions with ``sessions`` in one transaction.

    Each session lies within the meeting's time and ends after it starts; the sessions keep
    the group's levels, localities and Tier One setting; existing sessions are updated in
    place (``pk``), those in ``delete_ids`` removed. Raises ``SessionsError`` naming each
    session that breaks a rule; nothing is saved then.
    """
    group = meeting.group
    if not _may_manage(actor, group):
        raise PermissionDenied("You cannot change this group's meetings.")
    errors = _session_errors(meeting, sessions)
    if errors:
        raise SessionsError(errors)
    saved = []
    with transaction.atomic(), acting_as(actor):
        existing = {s.pk: s for s in meeting.sessions.all()}
        for pk in delete_ids:
            if pk in existing:
                existing.pop(pk).delete()
        localities = list(group.audience_localities.all())
        for position, data in enumerate(sessions):
            session = existing.get(data.pk) if data.pk else None
            if session is None:
                session = MeetingSession(
                    meeting=meeting,
                    for_owners=group.for_owners,
                    for_managers=group.for_managers,
                    for_workers=group.for_workers,
                    tier_one_only=group.tier_one_only,
                )
                is_new = True
            else:
                is_new = False
            session.title = data.title.strip()
            session.stream = data.stream
            session.starts_at = data.starts_at
            session.ends_at = data.ends_at
            session.position = position
            session.save()
            session.audience_service_types.set(data.service_types)
            if is_new:
                session.audience_localities.set(localities)
            saved.append(session)
    return saved


def _may_manage(actor: User, group: EngagementGroup) -> bool:
    from engage.groups.selectors import may_manage_group

    return may_manage_group(actor, group)
