"""Enquiries from providers: categories and their targets, the enquiry, its thread and history.

Categories, their response targets (in working days) and where they are routed are data the
Provider Engagement Manager edits. An enquiry has a reference (ENQ-2026-00042), a named owner
(an officer) or a team queue, a first-response target and a resolution target. The clock of
the resolution target stops while the enquiry waits on the provider (``EnquiryPause``).
Status changes follow one table (``TRANSITIONS``); every change is an ``EnquiryEvent``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower


class Route(models.TextChoices):
    CONTRACT_MANAGER = "contract-manager", "The provider's contract manager"
    TEAM = "team", "A team queue"


class EnquiryCategory(models.Model):
    """What an enquiry is about, with its targets and its route; data, not code."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(
        max_length=300, blank=True, help_text="Shown to providers when they choose a category."
    )
    first_response_days = models.PositiveSmallIntegerField(
        "first response within (working days)",
        help_text="An officer's first reply to the provider is due within this many working days.",
    )
    resolve_days = models.PositiveSmallIntegerField(
        "resolve within (working days)",
        help_text="The enquiry should be resolved within this many working days.",
    )
    route = models.CharField(
        max_length=20,
        choices=Route.choices,
        default=Route.TEAM,
        help_text="Contract topics go to the provider's contract manager; others to a team queue.",
    )
    team = models.ForeignKey(
        "council.Team",
        on_delete=models.PROTECT,
        related_name="enquiry_categories",
        help_text=(
            "The team queue. For the contract manager route, the team that takes the enquiry "
            "when the provider has no contract manager."
        ),
    )
    is_safeguarding = models.BooleanField(
        "safeguarding concern",
        default=False,
        help_text="Providers are shown the council's urgent safeguarding route, which this does not replace.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "enquiry categories"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="enquiry_category_name_unique",
                violation_error_message="A category with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(resolve_days__gte=F("first_response_days")),
                name="enquiry_category_resolve_after_first_response",
                violation_error_message=(
                    "The resolution target cannot be shorter than the first-response target."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in-progress", "In progress"
    WAITING = "waiting", "Waiting on provider"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


#: Every status change allowed, in one table: from -> the statuses it may go to.
#: Going from resolved or closed back to in progress is a reopening.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}
    ),
    Status.ACKNOWLEDGED: frozenset(
        {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}

#: Statuses in which an enquiry still needs work.
OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING})
FINISHED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})


class Channel(models.TextChoices):
    PORTAL = "portal", "Provider portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    API = "api", "API"


class ReferenceCounter(models.Model):
    """The last enquiry number given out in a year; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Enquiry(models.Model):
    """A provider's enquiry: who raised it, who owns it, its targets and where it stands."""

    reference = models.CharField(max_length=20, unique=True)
    provider = models.ForeignKey(
        "market.Provider", on_delete=models.PROTECT, related_name="enquiries"
    )
    category = models.ForeignKey(
        EnquiryCategory, on_delete=models.PROTECT, related_name="enquiries"
    )
    subject = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    #: The person at the provider who raised it; replies and the acknowledgement go to them.
    contact = models.ForeignKey(
        "market.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
    )
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_enquiries",
        help_text="The portal user who submitted it, or the officer who logged it.",
    )
    #: The named owner; empty while the enquiry sits in a team queue.
    owner = models.ForeignKey(
        "council.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_enquiries",
    )
    team = models.ForeignKey("council.Team", on_delete=models.PROTECT, related_name="enquiries")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField()
    first_response_due = models.DateField("first response by")
    #: The resolution target before any pause; ``resolve_due`` adds the paused working days.
    resolve_due_base = models.DateField()
    resolve_due = models.DateField("resolve by")
    #: When the resolution clock started: receipt, or the latest reopening.
    clock_started_at = models.DateTimeField()
    #: Working days spent waiting on the provider since the clock started.
    paused_working_days = models.PositiveIntegerField(default=0)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_responder = models.ForeignKey(
        "council.Officer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Working days from receipt to the first reply, and whether that met the target. Set once.
    first_response_working_days = models.PositiveIntegerField(null=True, blank=True)
    first_response_met = models.BooleanField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    #: Working days from receipt to resolution, less the days spent waiting on the provider.
    resolution_working_days = models.PositiveIntegerField(null=True, blank=True)
    resolution_met = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["provider", "status"], name="enquiry_provider_status_idx"),
            models.Index(fields=["owner", "status"], name="enquiry_owner_status_idx"),
            models.Index(fields=["team", "status"], name="enquiry_team_status_idx"),
            models.Index(fields=["status", "first_response_due"], name="enquiry_first_due_idx"),
            models.Index(fields=["status", "resolve_due"], name="enquiry_resolve_due_idx"),
            models.Index(fields=["received_at"], name="enquiry_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="enquiry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolve_due__gte=F("resolve_due_base")),
                name="enquiry_pauses_only_move_resolve_due_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.status == Status.WAITING

    @property
    def owner_label(self) -> str:
        """The named owner as a provider sees it: the officer, or "the X team"."""
        if self.owner_id is not None and self.owner is not None:
            return self.owner.user.full_name
        return f"the {self.team.name} team"

    @property
    def allowed_statuses(self) -> list[str]:
        return [s for s in Status if s in TRANSITIONS[self.status]]

    @property
    def awaiting_first_response(self) -> bool:
        return self.first_response_at is None and self.is_open

    @property
    def next_target(self) -> tuple[str, date | None]:
        """What is due next and by when: the first reply, then resolution (None while paused)."""
        if self.first_response_at is None and self.is_open:
            return "First reply by", self.first_response_due
        if self.status == Status.WAITING:
            return "Resolve by", None
        if self.is_open:
            return "Resolve by", self.resolve_due
        return "Resolved" if self.status == Status.RESOLVED else "Closed", None


class EnquiryPause(models.Model):
    """A time the enquiry waited on the provider: the resolution clock stopped."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    working_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Working days added to the resolution target."
    )

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enquiry"],
                condition=Q(ended_at__isnull=True),
                name="enquiry_one_open_pause",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="enquiry_pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enquiry.reference} paused {self.started_at:%Y-%m-%d}"


class EnquiryMessage(models.Model):
    """One entry of the thread: the provider's words, an officer's reply, or an internal note.

    Internal notes are for officers only: never shown in the portal, never in API answers to
    providers, never emailed.
    """

    class Kind(models.TextChoices):
        PROVIDER = "provider", "From the provider"
        REPLY = "reply", "Reply to the provider"
        NOTE = "note", "Internal note"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiry_messages",
    )
    author_name = models.CharField(max_length=150)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["enquiry", "created_at"], name="enquiry_message_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.enquiry_id} by {self.author_name}"

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.NOTE


def attachment_path(instance: EnquiryAttachment, filename: str) -> str:
    # The stored name is not the uploaded one: the original name is kept in the row.
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"enquiries/{instance.enquiry.reference}/{uuid.uuid4().hex}.{extension}"


class EnquiryAttachment(models.Model):
    """A file sent with a message; served only to those who may see the message."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        EnquiryMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EnquiryEvent(models.Model):
    """One thing that happened to an enquiry; the history is never rewritten."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received"
        STATUS = "status", "Status changed"
        ASSIGNED = "assigned", "Reassigned"
        FIRST_RESPONSE = "first-response", "First response sent"
        REOPENED = "reopened", "Reopened"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField()
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    from_owner = models.ForeignKey(
        "council.Officer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_owner = models.ForeignKey(
        "council.Officer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_team = models.ForeignKey(
        "council.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_team = models.ForeignKey(
        "council.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["enquiry", "at"], name="enquiry_event_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.enquiry_id})"
