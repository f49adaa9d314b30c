"""API of the groups register (groups, terms of reference state, latest maturity) and of
meetings, forward plans and actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar, cast, get_type_hints

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from engage.accounts.models import User
from engage.accounts.permissions import Capability, has_capability, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import COMMON_ERRORS, ErrorOut, InputSchema, PathId, RefOut
from engage.groups import actions as action_services
from engage.groups import forward_plan as plan_services
from engage.groups import meeting_selectors, selectors, standards
from engage.groups.models import (
    DIMENSIONS,
    Action,
    EngagementGroup,
    ForwardPlanItem,
    GroupKind,
    GroupStatus,
    Meeting,
    MeetingSession,
    TermsOfReference,
    TermsState,
)
from engage.portal.access import contact_for

router = Router(tags=["groups"])


class TermsSummaryOut(Schema):
    state: str = Field(description="current, review-overdue or none")
    state_label: str
    version: int | None = Field(description="The approved version, if any")
    approved_on: date | None
    review_due: date | None
    draft_version: int | None = Field(description="A draft in progress, if any")


class MaturitySummaryOut(Schema):
    assessed_on: date
    average: float = Field(description="Mean of the five scores, 1 to 4")


class MeetingsOut(Schema):
    recorded: bool = Field(description="Whether meetings are recorded in Engage (they are)")
    last_12_months: int | None
    next_meeting_on: date | None


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    locality: RefOut | None
    owner: RefOut
    frequency_target: int
    publication_horizon_months: int
    terms_of_reference: TermsSummaryOut
    latest_maturity: MaturitySummaryOut | None
    meetings: MeetingsOut

    @staticmethod
    def resolve_kind_label(obj: EngagementGroup) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_locality(obj: EngagementGroup) -> dict[str, Any] | None:
        return {"id": obj.locality.pk, "name": obj.locality.name} if obj.locality else None

    @staticmethod
    def resolve_owner(obj: EngagementGroup) -> dict[str, Any]:
        return {"id": obj.owner.pk, "name": obj.owner.user.full_name}

    @staticmethod
    def resolve_terms_of_reference(obj: Any) -> dict[str, Any]:
        state = TermsState(obj.terms_state)
        return {
            "state": state.value,
            "state_label": state.label,
            "version": obj.terms_version,
            "approved_on": obj.terms_approved_on,
            "review_due": obj.terms_review_due,
            "draft_version": obj.terms_draft_version,
        }

    @staticmethod
    def resolve_latest_maturity(obj: Any) -> dict[str, Any] | None:
        if obj.latest_maturity_average is None:
            return None
        return {"assessed_on": obj.maturity_assessed_on, "average": obj.latest_maturity_average}

    @staticmethod
    def resolve_meetings(obj: EngagementGroup) -> dict[str, Any]:
        figures = selectors.meeting_figures(obj)
        return {
            "recorded": figures.recorded,
            "last_12_months": figures.last_12_months,
            "next_meeting_on": figures.next_meeting_on,
        }


class AudienceOut(Schema):
    service_types: list[str] = Field(description="Slugs; empty means every service type")
    localities: list[str] = Field(description="Slugs; empty means every locality")
    levels: list[str] = Field(description="owner, manager, worker; empty means every level")
    tier_one_only: bool


class ScoreOut(Schema):
    dimension: str
    label: str
    score: int
    evidence: str


class MaturityOut(Schema):
    assessed_on: date
    assessed_by: str
    average: float
    scores: list[ScoreOut]


class TermsVersionOut(Schema):
    version: int
    title: str
    status: str
    approved_on: date | None
    review_due: date | None


class StandardOut(Schema):
    key: str = Field(
        description="frequency, horizon, teams, partners, notes, evaluation, jadedness, "
        "forward-plan"
    )
    title: str
    outcome: str = Field(description="met, not-met, not-measured or not-applicable")
    outcome_label: str
    reason: str
    details: list[str] = Field(description="Each failing: a meeting and what was missing")


class ComplianceOut(Schema):
    met: int = Field(description="Standards met")
    measured: int = Field(description="Standards that could be measured")
    summary: str
    standards: list[StandardOut]


class GroupDetailOut(GroupOut):
    purpose: str
    chair: str
    established_on: date | None
    association: RefOut | None
    streams: list[RefOut]
    required_teams: list[RefOut]
    invited_partners: list[RefOut]
    audience: AudienceOut
    latest_assessment: MaturityOut | None
    current_terms: TermsVersionOut | None
    compliance: ComplianceOut

    @staticmethod
    def resolve_compliance(obj: EngagementGroup) -> dict[str, Any]:
        compliance = standards.compliance_for([obj])[obj.pk]
        return {
            "met": compliance.met,
            "measured": compliance.measured,
            "summary": compliance.score_label,
            "standards": [
                {
                    "key": r.key,
                    "title": r.title,
                    "outcome": r.outcome.value,
                    "outcome_label": r.outcome.label,
                    "reason": r.reason,
                    "details": list(r.details),
                }
                for r in compliance.results
            ],
        }

    @staticmethod
    def resolve_association(obj: EngagementGroup) -> dict[str, Any] | None:
        association = obj.association
        return {"id": association.pk, "name": association.name} if association else None

    @staticmethod
    def resolve_streams(obj: EngagementGroup) -> list[dict[str, Any]]:
        return _refs(obj.streams.all())

    @staticmethod
    def resolve_required_teams(obj: EngagementGroup) -> list[dict[str, Any]]:
        return _refs(obj.required_teams.all())

    @staticmethod
    def resolve_invited_partners(obj: EngagementGroup) -> list[dict[str, Any]]:
        return _refs(obj.invited_partners.all())

    @staticmethod
    def resolve_audience(obj: EngagementGroup) -> dict[str, Any]:
        audience = obj.audience()
        return {
            "service_types": sorted(audience.service_types),
            "localities": sorted(audience.localities),
            "levels": sorted(audience.levels),
            "tier_one_only": audience.tier_one_only,
        }

    @staticmethod
    def resolve_latest_assessment(obj: EngagementGroup) -> dict[str, Any] | None:
        latest = selectors.maturity_trend(obj).latest
        if latest is None:
            return None
        return {
            "assessed_on": latest.assessed_on,
            "assessed_by": latest.assessed_by.full_name,
            "average": latest.average,
            "scores": [
                {
                    "dimension": d.key.value,
                    "label": d.label,
                    "score": latest.score(d),
                    "evidence": latest.evidence(d),
                }
                for d in DIMENSIONS
            ],
        }

    @staticmethod
    def resolve_current_terms(obj: EngagementGroup) -> TermsOfReference | None:
        return selectors.approved_terms(obj)


def _refs(items: Any) -> list[dict[str, Any]]:
    return [{"id": item.pk, "name": item.name} for item in items]


class GroupFilters(Schema):
    kind: GroupKind | None = Field(None, description="Only groups of this kind")
    locality: str = Field("", description="Only groups of this locality (its slug)")
    status: GroupStatus | None = Field(None, description="Only groups with this status")


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def _typed(view: ViewFunc) -> ViewFunc:
    """Give ``view`` evaluated annotations before ``@paginate`` wraps it.

    ninja resolves a view's string annotations (``from __future__ import annotations``) in the
    module of the function it is given; ``@paginate`` hands it a wrapper from ninja's own
    module, where names of this module (``Query``, the filter schema) do not resolve.
    """
    view.__annotations__ = get_type_hints(view, include_extras=True)
    return view


@router.get("/groups", response={200: list[GroupOut], **COMMON_ERRORS})
@paginate(EngagePagination)
@_typed
def list_groups(request: HttpRequest, filters: Query[GroupFilters]) -> QuerySet[EngagementGroup]:
    """The register of engagement groups, by name, with terms of reference state and maturity."""
    require(request.user, Capability.GROUPS_VIEW)
    return selectors.register(
        kind=filters.kind.value if filters.kind else "",
        locality_slug=filters.locality,
        status=filters.status.value if filters.status else "",
    ).order_by("name", "pk")


@router.get("/groups/{group_id}", response={200: GroupDetailOut, 404: ErrorOut, **COMMON_ERRORS})
def get_group(request: HttpRequest, group_id: PathId) -> EngagementGroup:
    """One group: its details, audience, approved terms of reference and latest assessment."""
    return selectors.get_group_for_user(request.user, group_id)


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    stream: RefOut | None
    service_types: list[str] = Field(description="Slugs; empty means every service type")

    @staticmethod
    def resolve_stream(obj: MeetingSession) -> dict[str, Any] | None:
        stream = obj.stream
        return {"id": stream.pk, "name": stream.name} if stream else None

    @staticmethod
    def resolve_service_types(obj: MeetingSession) -> list[str]:
        return sorted(t.slug for t in obj.audience_service_types.all())


class GroupMeetingOut(Schema):
    id: int
    activity_id: int = Field(description="The meeting's engagement activity")
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    venue: RefOut | None
    attended: int = Field(description="People recorded as attending")
    sessions: list[SessionOut]

    @staticmethod
    def resolve_title(obj: Meeting) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_starts_at(obj: Meeting) -> datetime:
        return obj.activity.starts_at

    @staticmethod
    def resolve_ends_at(obj: Meeting) -> datetime:
        return obj.activity.ends_at

    @staticmethod
    def resolve_status(obj: Meeting) -> str:
        return obj.activity.status

    @staticmethod
    def resolve_venue(obj: Meeting) -> dict[str, Any] | None:
        venue = obj.activity.venue
        return {"id": venue.pk, "name": venue.name} if venue else None

    @staticmethod
    def resolve_attended(obj: Any) -> int:
        return int(obj.attended_count)


@router.get(
    "/groups/{group_id}/meetings",
    response={200: list[GroupMeetingOut], 404: ErrorOut, **COMMON_ERRORS},
)
@paginate(EngagePagination)
@_typed
def list_group_meetings(request: HttpRequest, group_id: PathId) -> QuerySet[Meeting]:
    """A group's meetings, latest first, with their sessions and how many attended."""
    group = selectors.get_group_for_user(request.user, group_id)
    return selectors.meetings_for_api(group)


# --- Meetings, forward plans, actions -------------------------------------------------------


class ItemOut(Schema):
    id: int
    title: str
    detail: str
    status: str = Field(description="proposed, accepted, scheduled, done or declined")
    from_provider: bool = Field(description="Proposed by a provider through the portal")
    decline_reason: str = Field(description="Shown to officers and to the proposer only")
    meeting_id: int | None
    agenda_position: int | None
    outcome: str = Field(description="noted, decision, actions, or empty")
    outcome_text: str
    created_at: datetime

    @staticmethod
    def resolve_from_provider(obj: ForwardPlanItem) -> bool:
        return obj.proposer_contact_id is not None

    @staticmethod
    def resolve_decline_reason(obj: ForwardPlanItem, context: Any) -> str:
        user = context["request"].user
        if has_capability(user, Capability.GROUPS_VIEW):
            return obj.decline_reason
        contact = meeting_selectors.portal_contact(user)
        mine = contact is not None and obj.proposer_contact_id == contact.pk
        return obj.decline_reason if mine else ""


class ItemIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    detail: str = Field("", max_length=5000)


class ActionOut(Schema):
    id: int
    title: str
    description: str
    group_id: int | None
    meeting_id: int | None
    agenda_item_id: int | None
    owner: RefOut | None = Field(description="The officer who owns it, if an officer does")
    owner_name: str = Field(description="The owner outside the council, if any")
    due_on: date | None
    status: str = Field(description="open, in-progress, done or dropped")
    outcome: str = Field(description="What was done")
    completed_on: date | None

    @staticmethod
    def resolve_owner(obj: Action) -> dict[str, Any] | None:
        return {"id": obj.owner.pk, "name": obj.owner.user.full_name} if obj.owner else None


class ActionUpdateOut(Schema):
    status: str
    note: str
    by: str | None
    at: datetime

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.full_name if obj.by else None


class ActionDetailOut(ActionOut):
    updates: list[ActionUpdateOut]

    @staticmethod
    def resolve_updates(obj: Action) -> list[Any]:
        return list(obj.updates.all())


class ActionPatch(InputSchema):
    status: Literal["open", "in-progress", "done", "dropped"] | None = None
    note: str = Field("", max_length=5000)
    outcome: str | None = Field(None, max_length=5000)


class AttendanceOut(Schema):
    provider_contacts: int
    officers: int
    partners: int
    councillors: int
    apologies: int


class NotesOut(Schema):
    body: str = Field(description="Markdown")
    published_at: datetime | None
    sent_at: datetime | None


class MeetingOut(Schema):
    id: int
    group: RefOut
    activity_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    venue: str
    agenda: list[ItemOut]
    attendance: AttendanceOut | None = Field(description="Officers only")
    notes: NotesOut | None = Field(description="Officers: any; providers: published only")
    actions: list[ActionOut]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, 404: ErrorOut, **COMMON_ERRORS})
def get_meeting(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    """A meeting: time and place, its agenda with outcomes, attendance counts and actions.
    Providers see the meetings of the groups meant for them once the notes are published."""
    user = _user(request)
    meeting = meeting_selectors.get_meeting_for_user(user, meeting_id)
    activity = meeting.activity
    officer = has_capability(user, Capability.GROUPS_VIEW)
    notes = getattr(meeting, "notes", None)
    counts = meeting_selectors.attendance_counts(meeting) if officer else None
    return {
        "id": meeting.pk,
        "group": {"id": meeting.group.pk, "name": meeting.group.name},
        "activity_id": activity.pk,
        "title": activity.title,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "status": activity.status,
        "venue": activity.venue.name if activity.venue else "",
        "agenda": meeting_selectors.agenda(meeting),
        "attendance": None
        if counts is None
        else {
            "provider_contacts": counts.contacts,
            "officers": counts.officers,
            "partners": counts.partners,
            "councillors": counts.councillors,
            "apologies": counts.apologies,
        },
        "notes": None
        if notes is None or (not officer and not notes.is_published)
        else {"body": notes.body, "published_at": notes.published_at, "sent_at": notes.sent_at},
        "actions": meeting_selectors.meeting_actions(meeting),
    }


@router.get(
    "/groups/{group_id}/forward-plan",
    response={200: list[ItemOut], 404: ErrorOut, **COMMON_ERRORS},
)
@paginate(EngagePagination)
@_typed
def list_forward_plan(request: HttpRequest, group_id: PathId) -> QuerySet[ForwardPlanItem]:
    """The group's forward plan. Officers: every item. Providers (groups meant for them only):
    accepted, scheduled and done items, and their own proposals with any decline reason."""
    user = _user(request)
    group = meeting_selectors.get_group_for_forward_plan(user, group_id)
    return meeting_selectors.visible_items(user, group).order_by("created_at", "pk")


@router.post(
    "/groups/{group_id}/forward-plan",
    response={201: ItemOut, 404: ErrorOut, **COMMON_ERRORS},
)
def propose_forward_plan_item(
    request: HttpRequest, group_id: PathId, payload: ItemIn
) -> Answer[ForwardPlanItem]:
    """Propose an item. Providers: to a group meant for them (404 otherwise); officers who may
    manage the group."""
    user = _user(request)
    group = meeting_selectors.get_group_for_forward_plan(user, group_id)
    if contact_for(user) is not None:
        try:
            item = plan_services.propose_item(
                actor=user, group=group, title=payload.title, detail=payload.detail
            )
        except PermissionDenied as error:
            raise Http404("No such group") from error
    else:
        item = plan_services.propose_item(
            actor=user, group=group, title=payload.title, detail=payload.detail
        )
    return Answer(201, item)


def _action(request: HttpRequest, action_id: int) -> Action:
    return meeting_selectors.get_action_for_user(_user(request), action_id)


@router.get("/actions/{action_id}", response={200: ActionDetailOut, 404: ErrorOut, **COMMON_ERRORS})
def get_action(request: HttpRequest, action_id: PathId) -> Action:
    """An action with its history of updates (officers)."""
    return _action(request, action_id)


@router.patch(
    "/actions/{action_id}", response={200: ActionDetailOut, 404: ErrorOut, **COMMON_ERRORS}
)
def update_action(request: HttpRequest, action_id: PathId, payload: ActionPatch) -> Action:
    """Change the status and/or add a note or the outcome. Only the action's owner, its
    group's owner and the PEM may; done needs an outcome."""
    user = _user(request)
    action = _action(request, action_id)
    action_services.update_action(
        actor=user,
        action=action,
        status=payload.status,
        note=payload.note,
        outcome=payload.outcome,
    )
    return _action(request, action_id)
