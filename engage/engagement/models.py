"""Engagement planning: every activity is one planning record on one coordinated calendar.

An ``Activity`` (event, workshop, forum meeting, newsletter item, consultation, …) has a mode,
a mechanism, an audience (``AudienceFields``), people, a place and time, a design (outcomes
sought, questions to ask) and estimated costs. Its lifecycle is enforced by
``engage.engagement.services`` (one transition table). ``Registration`` is a provider contact's
place (or waiting-list place) at a published event; ``Invitation`` records who was sent a
calendar invitation and at which SEQUENCE, so updates and cancellations reach the same people.
"""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from engage.engagement.modes import Kind, Mechanism, Mode, is_gathering, is_recommended
from engage.market.models import AudienceFields, Level


def _default_hourly_rate() -> int:
    return int(settings.ENGAGE_OFFICER_HOURLY_RATE_PENCE)


class Venue(models.Model):
    """A place where activities are held; councils add their own."""

    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=10, blank=True)
    capacity = models.PositiveIntegerField(help_text="How many people it seats.")
    accessibility = models.CharField(
        max_length=300, blank=True, help_text="Step-free access, hearing loop, parking, …"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicLevelHint(models.Model):
    """A keyword in an activity's topic that suggests which level of provider staff to invite.

    The review: pricing, contracting and commissioning strategy are for owners and directors;
    implementing a scheme is for care managers; frontline practice is for care workers.
    """

    keyword = models.CharField(max_length=60, unique=True, help_text="Matched case-insensitively.")
    level = models.CharField(max_length=10, choices=Level.choices)
    explanation = models.CharField(max_length=300)

    class Meta:
        ordering = ["keyword"]

    def __str__(self) -> str:
        return f"{self.keyword} → {self.get_level_display()}"


class Activity(AudienceFields):
    """One engagement activity: the planning record."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        HELD = "held", "Held"
        EVALUATED = "evaluated", "Evaluated"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVENT)
    purpose = models.TextField(blank=True, help_text="Why this activity, and why now.")
    topic = models.CharField(
        max_length=200, blank=True, help_text="What it is about, e.g. 'Fee uplift 2026'."
    )
    mode = models.CharField(max_length=15, choices=Mode.choices, blank=True)
    mechanism = models.CharField(max_length=25, choices=Mechanism.choices, blank=True)
    mechanism_reason = models.TextField(
        "why this mechanism",
        blank=True,
        help_text="Needed when the mechanism is not one recommended for the mode.",
    )
    lead_officer = models.ForeignKey(
        "council.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_activities",
    )
    facilitator = models.ForeignKey(
        "council.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilitated_activities",
    )
    external_facilitator = models.CharField(
        max_length=200, blank=True, help_text="When someone outside the council facilitates."
    )
    required_teams = models.ManyToManyField(
        "council.Team",
        blank=True,
        related_name="required_at_activities",
        verbose_name="teams that must attend",
    )
    invited_partners = models.ManyToManyField(
        "council.PartnerPerson", blank=True, related_name="invited_to_activities"
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    online_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Places; empty means the venue's capacity."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    outcomes_sought = models.TextField(blank=True)
    questions = models.TextField("questions to ask", blank=True)
    cost_venue_pence = models.PositiveIntegerField("venue cost (pence)", default=0)
    officer_hours = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    officer_hourly_rate_pence = models.PositiveIntegerField(default=_default_hourly_rate)
    cost_other_pence = models.PositiveIntegerField("other costs (pence)", default=0)
    #: What it cost in the end, recorded after it was held (``record_actual_costs``); empty
    #: until then. Officer time is costed at the same hourly rate as the estimate.
    actual_venue_pence = models.PositiveIntegerField(
        "actual venue cost (pence)", null=True, blank=True
    )
    actual_officer_hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    actual_other_pence = models.PositiveIntegerField(
        "actual other costs (pence)", null=True, blank=True
    )
    actual_costs_recorded_at = models.DateTimeField(null=True, blank=True)
    #: Set by the groups app when the activity is a meeting of an agreed engagement group.
    within_agreed_structure = models.BooleanField(default=False)
    ad_hoc_justification = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    #: The iCalendar SEQUENCE: raised whenever a published activity's time or place changes.
    sequence = models.PositiveIntegerField(default=0)
    cancellation_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_activities",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_activities",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["starts_at", "ends_at"], name="activity_time_idx"),
            models.Index(fields=["status", "starts_at"], name="activity_status_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_it_starts",
                violation_error_message="An activity must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ad_hoc(self) -> bool:
        """Outside an agreed engagement group: needs a written justification."""
        return not self.within_agreed_structure

    @property
    def is_gathering(self) -> bool:
        return is_gathering(self.kind)

    @property
    def mechanism_is_recommended(self) -> bool:
        return is_recommended(self.mode, self.mechanism)

    @property
    def places(self) -> int | None:
        """How many can register: the activity's own capacity, else the venue's; None: no limit."""
        if self.capacity is not None:
            return self.capacity
        if self.venue_id is not None and self.venue is not None:
            return self.venue.capacity
        return None

    @property
    def officer_cost_pence(self) -> int:
        cost = Decimal(self.officer_hours) * self.officer_hourly_rate_pence
        return int(cost.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @property
    def estimated_cost_pence(self) -> int:
        """Venue + officer hours at the rate + other costs."""
        return self.cost_venue_pence + self.officer_cost_pence + self.cost_other_pence

    @property
    def actual_officer_cost_pence(self) -> int | None:
        if self.actual_officer_hours is None:
            return None
        cost = Decimal(self.actual_officer_hours) * self.officer_hourly_rate_pence
        return int(cost.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @property
    def actual_cost_pence(self) -> int | None:
        """What it cost in the end (venue + officer time + other), or None if not recorded."""
        if self.actual_costs_recorded_at is None:
            return None
        return (
            (self.actual_venue_pence or 0)
            + (self.actual_officer_cost_pence or 0)
            + (self.actual_other_pence or 0)
        )

    @property
    def reported_cost_pence(self) -> int:
        """The actual cost once recorded, else the estimate: what reports count."""
        actual = self.actual_cost_pence
        return self.estimated_cost_pence if actual is None else actual

    def design_gaps(self) -> list[str]:
        """What the event design checklist still lacks (empty when it is complete)."""
        gaps = []
        if not self.purpose.strip():
            gaps.append("the purpose")
        if not self.mode:
            gaps.append("the mode of engagement")
        audience = self.audience()
        if not audience.levels:
            gaps.append("the audience's level (owners, managers or care workers)")
        if not self.outcomes_sought.strip():
            gaps.append("the outcomes sought")
        if self.lead_officer_id is None:
            gaps.append("the lead officer")
        # A newsletter item or a survey has nobody to facilitate and no discussion to steer.
        if self.is_gathering:
            if self.facilitator_id is None and not self.external_facilitator.strip():
                gaps.append("the facilitator")
            if not self.questions.strip():
                gaps.append("the questions to ask")
        return gaps


#: The statuses of an activity that took place: held, then evaluated, then closed. Its
#: attendance, evaluations and what it cost belong to these.
HELD_STATUSES = (Activity.Status.HELD, Activity.Status.EVALUATED, Activity.Status.CLOSED)


class StatusChange(models.Model):
    """One step of an activity's lifecycle: who moved it, when, and why (if said)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Activity.Status.choices)
    to_status = models.CharField(max_length=10, choices=Activity.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class AcceptedWarning(models.Model):
    """The Provider Engagement Manager accepted a clash warning, with a reason."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="accepted_warnings"
    )
    #: Identifies the warning: its kind and the other activity (or day), see ``Clash.key``.
    clash_key = models.CharField(max_length=100)
    message = models.TextField(help_text="The warning as it read when it was accepted.")
    reason = models.TextField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["accepted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "clash_key"], name="accepted_warning_once_per_clash"
            )
        ]


class Registration(models.Model):
    """A provider contact's place at an event, or their place on its waiting list."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    contact = models.ForeignKey(
        "market.Contact", on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["activity", "status", "created_at"], name="reg_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "contact"],
                condition=~Q(status="cancelled"),
                name="registration_one_live_place_per_contact",
                violation_error_message="This person already has a place or is waiting for one.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} at {self.activity} ({self.get_status_display()})"


class Invitation(models.Model):
    """A calendar invitation sent for a published activity, and the last SEQUENCE sent."""

    class Role(models.TextChoices):
        PROVIDER = "provider", "Provider contact"
        OFFICER = "officer", "Officer (team must attend)"
        PARTNER = "partner", "Partner"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=10, choices=Role.choices)
    #: "contact:12", "user:3" or "partner:7": who this is, for the idempotency keys.
    person_key = models.CharField(max_length=40)
    sequence_sent = models.PositiveIntegerField()
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person_key"], name="invitation_once_per_person"
            )
        ]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private calendar feed: an unguessable link for one provider contact or one officer."""

    contact = models.OneToOneField(
        "market.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )
    officer = models.OneToOneField(
        "council.Officer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, officer__isnull=True)
                | Q(contact__isnull=True, officer__isnull=False),
                name="calendar_feed_for_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.contact or self.officer}"


_ATTENDEE_FIELDS = ("contact", "officer", "partner", "councillor")


def _one_person_of_its_kind() -> Q:
    """The attendance names exactly the person field its kind says, and no other."""
    first, *others = (
        Q(kind=kind, **{f"{field}__isnull": field != kind for field in _ATTENDEE_FIELDS})
        for kind in _ATTENDEE_FIELDS
    )
    for other in others:
        first |= other
    return first


class Attendance(models.Model):
    """Whether one person came to a held activity: a provider contact, an officer, a partner or
    a councillor. Invited and registered come from ``Invitation`` and ``Registration``; this
    records who was there (``attended``) or sent apologies, as captured on the day.
    """

    class Kind(models.TextChoices):
        CONTACT = "contact", "Provider contact"
        OFFICER = "officer", "Officer"
        PARTNER = "partner", "Partner"
        COUNCILLOR = "councillor", "Councillor"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    contact = models.ForeignKey(
        "market.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    officer = models.ForeignKey(
        "council.Officer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    partner = models.ForeignKey(
        "council.PartnerPerson",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    councillor = models.ForeignKey(
        "council.Councillor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    attended = models.BooleanField(default=True)
    apologies = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_person_of_its_kind(),
                name="attendance_names_one_person_of_its_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=["activity", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"attendance_once_per_{field}",
                )
                for field in _ATTENDEE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        person = self.contact or self.officer or self.partner or self.councillor
        return f"{person} at {self.activity}: {'attended' if self.attended else 'absent'}"
