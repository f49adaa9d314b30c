"""API of enquiries: list, submit, read, add to the thread, change status or owner.

Providers reach only their own organisation's enquiries and never see internal notes;
officers who work on enquiries reach them all. What a user may not see is 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from engage.accounts.models import User
from engage.accounts.permissions import Capability, has_capability, require
from engage.api.pagination import EngagePagination
from engage.api.schemas import COMMON_ERRORS, DbId, ErrorOut, InputSchema, Moment, PathId
from engage.council.models import Officer, Team
from engage.council.selectors import officer_for
from engage.enquiries import selectors, services
from engage.enquiries.models import (
    OPEN_STATUSES,
    Channel,
    Enquiry,
    EnquiryCategory,
    EnquiryMessage,
    Status,
)
from engage.enquiries.targets import overdue_q
from engage.market.models import Contact, Provider
from engage.portal.access import contact_for, provider_for

router = Router(tags=["enquiries"])


class ProviderRef(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    slug: str
    name: str
    is_safeguarding: bool


class OwnerOut(Schema):
    officer_id: int | None = Field(description="Null while the enquiry is in a team queue")
    name: str = Field(description="The officer, or 'the X team'")
    team: str


class EnquiryOut(Schema):
    id: int
    reference: str
    provider: ProviderRef
    category: CategoryRef
    subject: str
    status: str
    status_label: str
    channel: str
    contact_name: str
    owner: OwnerOut
    received_at: datetime
    first_response_due: date
    resolve_due: date
    resolution_clock_stopped: bool = Field(description="True while waiting on the provider")
    first_response_at: datetime | None
    first_response_met: bool | None
    resolved_at: datetime | None
    is_overdue: bool

    @staticmethod
    def resolve_status_label(obj: Enquiry) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_owner(obj: Enquiry) -> OwnerOut:
        return OwnerOut(officer_id=obj.owner_id, name=obj.owner_label, team=obj.team.name)

    @staticmethod
    def resolve_resolution_clock_stopped(obj: Enquiry) -> bool:
        return obj.status == Status.WAITING

    @staticmethod
    def resolve_is_overdue(obj: Enquiry) -> bool:
        return bool(getattr(obj, "is_overdue", False))


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


class MessageOut(Schema):
    id: int
    kind: str = Field(description="provider, reply, or (officers only) note")
    author_name: str
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class EnquiryDetailOut(EnquiryOut):
    messages: list[MessageOut] = Field(description="The thread, oldest first")

    @staticmethod
    def resolve_messages(obj: Enquiry, context: dict[str, Any]) -> list[MessageOut]:
        return _messages(context["request"], obj)


class EnquiryIn(InputSchema):
    category: str = Field(description="A category slug, e.g. 'payments'")
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    provider_id: DbId | None = Field(None, description="Officers: the provider it is from")
    contact_id: DbId | None = Field(None, description="Officers: the person who raised it")
    contact_name: str = Field("", max_length=150)
    contact_email: str = Field("", max_length=254)
    channel: Literal["phone", "email", "api"] = Field(
        "api", description="Officers: how it was received"
    )
    received_at: Moment | None = Field(None, description="Officers: when it was received")


class MessageIn(InputSchema):
    body: str = Field(min_length=1)
    kind: Literal["reply", "note"] = Field(
        "reply", description="Officers: a reply to the provider (emailed) or an internal note"
    )
    then_status: Literal["waiting", "resolved"] | None = Field(
        None, description="Officers: move the enquiry on after the reply"
    )


class EnquiryPatch(InputSchema):
    status: str | None = Field(None, description="new, acknowledged, in-progress, waiting, …")
    owner_id: DbId | None = Field(
        None, description="An officer's id; send null with 'team' to put it in a team queue"
    )
    team: str | None = Field(None, description="A team slug (a queue) when no officer is named")
    note: str = Field("", max_length=500)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_reader(user: User) -> None:
    if not (
        has_capability(user, Capability.ENQUIRIES_WORK)
        or (has_capability(user, Capability.PORTAL_USE) and provider_for(user) is not None)
    ):
        raise PermissionDenied("Your role cannot read enquiries.")


def _messages(request: HttpRequest, enquiry: Enquiry) -> list[MessageOut]:
    user = _user(request)
    download = "enquiries:attachment" if selectors.is_officer_reader(user) else "portal:attachment"
    return [
        MessageOut(
            id=m.pk,
            kind=m.kind,
            author_name=m.author_name,
            body=m.body,
            created_at=m.created_at,
            attachments=[
                AttachmentOut(
                    id=a.pk,
                    name=a.original_name,
                    size=a.size,
                    content_type=a.content_type,
                    url=request.build_absolute_uri(reverse(download, args=[a.pk])),
                )
                for a in m.attachments.all()
            ],
        )
        for m in selectors.messages_for_user(user, enquiry)
    ]


def _detail(request: HttpRequest, enquiry: Enquiry) -> Enquiry:
    """The enquiry re-read with its list fields, as the user may see it."""
    return selectors.get_enquiry_for_user(_user(request), enquiry.pk)


@router.get("/enquiries", response={200: list[EnquiryOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_enquiries(
    request: HttpRequest,
    status: str = "",
    category: str = "",
    q: str = "",
    mine: bool = False,
    overdue: bool = False,
) -> QuerySet[Enquiry]:
    """Enquiries you may see, newest first: providers their organisation's, officers all.

    ``status`` is a status or ``open``; ``category`` a slug; ``q`` searches reference and
    subject; officers may ask for ``mine`` and ``overdue``.
    """
    user = _user(request)
    _require_reader(user)
    queryset = selectors.enquiries_for_user(user)
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category__slug=category)
    if q:
        queryset = queryset.filter(reference__icontains=q) | queryset.filter(subject__icontains=q)
    today = selectors.today_local()
    if selectors.is_officer_reader(user):
        officer = officer_for(user)
        if mine:
            queryset = queryset.filter(selectors.queue_filter("mine", officer, today))
        if overdue:
            queryset = queryset.filter(overdue_q(today))
    return selectors.with_list_fields(queryset, today).order_by("-received_at", "-pk")


@router.post("/enquiries", response={201: EnquiryDetailOut, **COMMON_ERRORS})
def create_enquiry(request: HttpRequest, payload: EnquiryIn) -> Answer[Enquiry]:
    """Submit an enquiry. Providers: for their organisation. Officers: one received by phone
    or email, for ``provider_id``. The acknowledgement email goes out as in the portal."""
    user = _user(request)
    category = EnquiryCategory.objects.filter(slug=payload.category, is_active=True).first()
    if category is None:
        raise ValidationError(f"There is no category '{payload.category}' in use")
    if has_capability(user, Capability.ENQUIRIES_WORK):
        if payload.provider_id is None:
            raise ValidationError("Give the provider_id of the provider it is from")
        provider = get_object_or_404(Provider, pk=payload.provider_id)
        contact = (
            get_object_or_404(Contact, pk=payload.contact_id, provider=provider)
            if payload.contact_id
            else None
        )
        enquiry = services.submit_enquiry(
            actor=user,
            provider=provider,
            category=category,
            subject=payload.subject,
            body=payload.body,
            contact=contact,
            contact_name=payload.contact_name,
            contact_email=payload.contact_email,
            channel=payload.channel,
            received_at=payload.received_at,
        )
    else:
        require(user, Capability.PORTAL_USE)
        own = contact_for(user)
        if own is None:
            raise PermissionDenied("You are not linked to a provider.")
        enquiry = services.submit_enquiry(
            actor=user,
            provider=own.provider,
            category=category,
            subject=payload.subject,
            body=payload.body,
            contact=own,
            contact_name=user.full_name,
            contact_email=user.email,
            channel=Channel.API,
        )
    return Answer(201, _detail(request, enquiry))


@router.get(
    "/enquiries/{enquiry_id}", response={200: EnquiryDetailOut, 404: ErrorOut, **COMMON_ERRORS}
)
def get_enquiry(request: HttpRequest, enquiry_id: PathId) -> Enquiry:
    """One enquiry with its thread (internal notes for officers only)."""
    user = _user(request)
    _require_reader(user)
    return _detail(request, selectors.get_enquiry_for_user(user, enquiry_id))


@router.get(
    "/enquiries/{enquiry_id}/messages",
    response={200: list[MessageOut], 404: ErrorOut, **COMMON_ERRORS},
)
def list_messages(request: HttpRequest, enquiry_id: PathId) -> list[MessageOut]:
    """The thread of an enquiry, oldest first."""
    user = _user(request)
    _require_reader(user)
    return _messages(request, selectors.get_enquiry_for_user(user, enquiry_id))


@router.get(
    "/enquiries/{enquiry_id}/messages/{message_id}",
    response={200: MessageOut, 404: ErrorOut, **COMMON_ERRORS},
)
def get_message(request: HttpRequest, enquiry_id: PathId, message_id: PathId) -> MessageOut:
    """One message of an enquiry (an internal note is 404 for providers)."""
    user = _user(request)
    _require_reader(user)
    message = selectors.get_message_for_user(user, enquiry_id, message_id)
    return next(m for m in _messages(request, message.enquiry) if m.id == message.pk)


@router.post(
    "/enquiries/{enquiry_id}/messages",
    response={201: MessageOut, 404: ErrorOut, **COMMON_ERRORS},
)
def post_message(
    request: HttpRequest, enquiry_id: PathId, payload: MessageIn
) -> Answer[MessageOut]:
    """Add to the thread. Providers: a message (it restarts a paused clock, reopens a resolved
    enquiry). Officers: a reply, emailed to the provider, or an internal note."""
    user = _user(request)
    _require_reader(user)
    enquiry = selectors.get_enquiry_for_user(user, enquiry_id)
    message: EnquiryMessage
    if selectors.is_officer_reader(user):
        if payload.kind == "note":
            message = services.add_note(actor=user, enquiry=enquiry, body=payload.body)
        else:
            message = services.post_reply(
                actor=user, enquiry=enquiry, body=payload.body, then_status=payload.then_status
            )
    else:
        message = services.post_provider_message(actor=user, enquiry=enquiry, body=payload.body)
    found = next(m for m in _messages(request, enquiry) if m.id == message.pk)
    return Answer(201, found)


@router.patch(
    "/enquiries/{enquiry_id}",
    response={200: EnquiryDetailOut, 404: ErrorOut, **COMMON_ERRORS},
)
def update_enquiry(request: HttpRequest, enquiry_id: PathId, payload: EnquiryPatch) -> Enquiry:
    """Officers: change the status (as the transition table allows) and/or the owner."""
    user = _user(request)
    _require_reader(user)
    enquiry = selectors.get_enquiry_for_user(user, enquiry_id)
    require(user, Capability.ENQUIRIES_WORK)
    fields = payload.model_fields_set
    if "owner_id" in fields or "team" in fields:
        owner = (
            get_object_or_404(Officer.objects.select_related("user", "team"), pk=payload.owner_id)
            if payload.owner_id is not None
            else None
        )
        team = get_object_or_404(Team, slug=payload.team) if payload.team else None
        enquiry = services.reassign_enquiry(
            actor=user, enquiry=enquiry, owner=owner, team=team, note=payload.note
        )
    if payload.status:
        if payload.status not in Status.values:
            raise ValidationError(f"'{payload.status}' is not a status")
        enquiry = services.change_status(
            actor=user, enquiry=enquiry, to_status=payload.status, note=payload.note
        )
    return _detail(request, enquiry)
