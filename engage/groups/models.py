"""The register of engagement groups, their terms of reference and their maturity.

An ``EngagementGroup`` is a standing meeting point with providers: a provider forum, the Tier One
providers group, a strategic group, liaison with an association, the skills-board care sector
group, a working group. What a kind of group starts with (required teams, frequency, horizon,
audience) is data (``GroupKindDefaults``), as are the streams a forum's meetings are split into
(``ForumStream``). Meetings belong to a group and are engagement activities; they are recorded
from the second phase of the groups work on, through ``EngagementGroup`` as their foreign key.

Terms of reference are versioned (``TermsOfReference``): drafts may be edited, approved versions
never are — a change is a new version, and approving it supersedes the one before.
Maturity assessments (``MaturityAssessment``) score a group 1–4 on the five dimensions of
``DIMENSIONS``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from engage.accounts.models import Role
from engage.market.models import AudienceFields

if TYPE_CHECKING:
    from engage.council.models import Officer


class GroupKind(models.TextChoices):
    PROVIDER_FORUM = "provider-forum", "Provider forum"
    TIER_ONE = "tier-one", "Tier One providers group"
    STRATEGIC = "strategic", "Strategic group"
    ASSOCIATION_LIAISON = "association-liaison", "Association liaison"
    SKILLS_BOARD = "skills-board", "Skills-board care sector group"
    WORKING_GROUP = "working-group", "Working group"
    OTHER = "other", "Other group"


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


#: Most meetings a year any group may aim for, and the longest publication horizon (months).
MAX_MEETINGS_A_YEAR = 52
MAX_HORIZON_MONTHS = 36


class ForumStream(models.Model):
    """A strand a forum's meetings are split into (residential and nursing, domiciliary, …).

    Data, not code: a council names its own. Each meeting of a forum has a session per stream
    of the forum, for the stream's service types; an overlap stream is a networking session
    open to everyone the forum is for.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    service_types = models.ManyToManyField(
        "market.ServiceType",
        blank=True,
        related_name="forum_streams",
        help_text="The services a session of this stream is for; none means every service.",
    )
    is_overlap = models.BooleanField(
        "networking overlap",
        default=False,
        help_text="A session open to everyone the forum is for, between the other streams.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class GroupKindDefaults(models.Model):
    """What a new group of a kind starts with, and the least it may aim for. Data a council edits.

    ``group_defaults(kind)`` in services reads this; a kind without a row gets the field defaults.
    """

    kind = models.CharField(max_length=30, choices=GroupKind.choices, unique=True)
    frequency_target = models.PositiveSmallIntegerField(
        "meetings a year (target)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEETINGS_A_YEAR)],
    )
    minimum_frequency = models.PositiveSmallIntegerField(
        "fewest meetings a year a group of this kind may aim for",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEETINGS_A_YEAR)],
    )
    publication_horizon_months = models.PositiveSmallIntegerField(
        "months ahead that meeting dates are published",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_MONTHS)],
    )
    terms_review_months = models.PositiveSmallIntegerField(
        "months from approval to review of terms of reference",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    required_teams = models.ManyToManyField(
        "council.Team", blank=True, related_name="+", verbose_name="teams that must attend"
    )
    streams = models.ManyToManyField(
        ForumStream, blank=True, related_name="+", verbose_name="meeting streams"
    )
    for_owners = models.BooleanField("for owners and directors", default=False)
    for_managers = models.BooleanField("for care managers", default=False)
    for_workers = models.BooleanField("for care workers", default=False)
    tier_one_only = models.BooleanField("Tier One providers only", default=False)

    class Meta:
        verbose_name = "defaults of a kind of group"
        verbose_name_plural = "defaults of kinds of group"
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency_target__gte=models.F("minimum_frequency")),
                name="kind_defaults_target_at_least_minimum",
                violation_error_message="The target cannot be below the minimum.",
            )
        ]

    def __str__(self) -> str:
        return f"Defaults for {self.get_kind_display()}"


class EngagementGroup(AudienceFields):
    """A standing group through which the council meets providers."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=GroupKind.choices)
    purpose = models.TextField(help_text="Why the group exists and what it is for.")
    status = models.CharField(
        max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )
    locality = models.ForeignKey(
        "market.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_groups",
        help_text="The locality a provider forum serves (other groups may leave it empty).",
    )
    streams = models.ManyToManyField(
        ForumStream,
        blank=True,
        related_name="groups",
        verbose_name="meeting streams",
        help_text="The sessions each meeting is split into (provider forums).",
    )
    owner = models.ForeignKey(
        "council.Officer",
        on_delete=models.PROTECT,
        related_name="owned_groups",
        help_text="Accountable for the group. A provider forum is owned by its locality's "
        "Local Delivery Director.",
    )
    chair = models.CharField(
        max_length=200, blank=True, help_text="Who chairs meetings, e.g. a provider representative."
    )
    required_teams = models.ManyToManyField(
        "council.Team",
        blank=True,
        related_name="required_at_groups",
        verbose_name="teams that must attend",
    )
    invited_partners = models.ManyToManyField(
        "council.PartnerOrganisation",
        blank=True,
        related_name="invited_to_groups",
        verbose_name="invited partners",
    )
    frequency_target = models.PositiveSmallIntegerField(
        "meetings a year (target)",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEETINGS_A_YEAR)],
    )
    publication_horizon_months = models.PositiveSmallIntegerField(
        "months ahead that meeting dates are published",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_MONTHS)],
    )
    association = models.ForeignKey(
        "market.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_groups",
        help_text="The provider association this liaison is with.",
    )
    established_on = models.DateField("established", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "status"], name="group_kind_status_idx"),
            models.Index(fields=["locality", "kind"], name="group_locality_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="engagement_group_name_unique",
                violation_error_message="A group with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(frequency_target__gte=1, frequency_target__lte=MAX_MEETINGS_A_YEAR),
                name="group_frequency_target_in_range",
                violation_error_message="A group meets between once and weekly a year.",
            ),
            models.CheckConstraint(
                condition=Q(
                    publication_horizon_months__gte=1,
                    publication_horizon_months__lte=MAX_HORIZON_MONTHS,
                ),
                name="group_publication_horizon_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind=GroupKind.PROVIDER_FORUM) | Q(locality__isnull=False),
                name="group_forum_has_locality",
                violation_error_message="A provider forum serves a locality.",
            ),
            models.CheckConstraint(
                condition=Q(kind=GroupKind.ASSOCIATION_LIAISON, association__isnull=False)
                | (~Q(kind=GroupKind.ASSOCIATION_LIAISON) & Q(association__isnull=True)),
                name="group_association_only_for_liaison",
                violation_error_message="Only an association liaison names an association, "
                "and it must.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_forum(self) -> bool:
        return self.kind == GroupKind.PROVIDER_FORUM

    @property
    def latest_maturity_average(self) -> float | None:
        """The latest assessment's average score (from the register's annotations)."""
        total = getattr(self, "maturity_total", None)
        return None if total is None else round(total / len(DIMENSIONS), 1)

    def clean(self) -> None:
        """The rules of one group: a forum's locality, owner and frequency; a liaison's association."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.kind == GroupKind.ASSOCIATION_LIAISON and not self.association_id:
            add("association", "Choose the association this liaison is with")
        if self.kind != GroupKind.ASSOCIATION_LIAISON and self.association_id:
            add("association", "Only an association liaison names an association")
        if self.kind and self.frequency_target is not None:
            minimum = (
                GroupKindDefaults.objects.filter(kind=self.kind)
                .values_list("minimum_frequency", flat=True)
                .first()
                or GroupKindDefaults._meta.get_field("minimum_frequency").get_default()
            )
            if self.frequency_target < minimum:
                kind_label = GroupKind(self.kind).label.lower()
                add(
                    "frequency_target",
                    f"A {kind_label} meets at least {minimum} times a year",
                )
        if self.kind == GroupKind.PROVIDER_FORUM:
            if not self.locality_id:
                add("locality", "Choose the locality this forum serves")
            elif self.owner_id and not _is_ldd_of(self.owner, self.locality_id):
                add(
                    "owner",
                    "A provider forum is owned by the Local Delivery Director of its locality",
                )
        if errors:
            raise ValidationError(errors)


def _is_ldd_of(owner: Officer, locality_id: int) -> bool:
    return owner.user.role == Role.LDD and owner.locality_id == locality_id


class TermsState(models.TextChoices):
    """Where a group stands on terms of reference (the register's flag)."""

    CURRENT = "current", "Current"
    REVIEW_OVERDUE = "review-overdue", "Review overdue"
    NONE = "none", "None"


class TermsOfReference(models.Model):
    """One version of a group's terms of reference, in Markdown with headings.

    Versions are numbered 1, 2, 3… per group. A draft may be edited; an approved version never
    is (``save`` refuses): a change is a new version, and approving it supersedes the previous
    approved one. At most one version of a group is approved and at most one is a draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    #: Fields that never change once a version has left draft.
    LOCKED_FIELDS = ("title", "body", "change_summary", "version", "group_id")
    #: Their values as last read from or written to the database.
    _stored: dict[str, Any]

    group = models.ForeignKey(
        EngagementGroup, on_delete=models.CASCADE, related_name="terms_of_reference"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: headings with #, lists with -.")
    change_summary = models.CharField(
        "what changed", max_length=500, blank=True, help_text="What this version changes, and why."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the approval.",
    )
    approval_note = models.CharField(
        max_length=300, blank=True, help_text="Where it was agreed, e.g. at the forum of 4 March."
    )
    review_due = models.DateField(null=True, blank=True)
    superseded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group_id", "-version"]
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="terms_version_unique"),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status="approved"),
                name="terms_one_approved_per_group",
                violation_error_message="A group has one approved version at a time.",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status="draft"),
                name="terms_one_draft_per_group",
                violation_error_message="This group already has a draft.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="terms_version_from_one"),
            models.CheckConstraint(
                condition=Q(
                    status="draft",
                    approved_on__isnull=True,
                    approved_by__isnull=True,
                    review_due__isnull=True,
                )
                | (
                    Q(status__in=["approved", "superseded"])
                    & Q(approved_on__isnull=False, review_due__isnull=False)
                    & Q(review_due__gt=models.F("approved_on"))
                ),
                name="terms_approval_recorded_when_approved",
                violation_error_message="An approved version has an approval date and a later "
                "review date; a draft has neither.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, refusing to change the text of a version that has left draft."""
        stored: dict[str, Any] = getattr(self, "_stored", {})
        if stored and stored.get("status") != self.Status.DRAFT:
            changed = [
                name
                for name in self.LOCKED_FIELDS
                if name in stored and getattr(self, name) != stored[name]
            ]
            if changed:
                raise ValidationError(
                    "An approved version of the terms of reference is never changed: "
                    "draft a new version instead."
                )
        super().save(*args, **kwargs)
        self._stored = {name: getattr(self, name) for name in (*self.LOCKED_FIELDS, "status")}

    @classmethod
    def from_db(
        cls,
        db: str | None,
        field_names: Collection[str],
        values: Collection[Any],
        *args: Any,
        **kwargs: Any,
    ) -> TermsOfReference:
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._stored = {
            name: getattr(instance, name)
            for name in (*cls.LOCKED_FIELDS, "status")
            if name in instance.__dict__
        }
        return instance

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def state_on(self, day: date) -> TermsState:
        """The group's terms state if this were its approved version, on ``day``."""
        if self.status != self.Status.APPROVED or self.review_due is None:
            return TermsState.NONE
        return TermsState.CURRENT if self.review_due >= day else TermsState.REVIEW_OVERDUE


# --- Maturity ------------------------------------------------------------------------------


class MaturityDimension(models.TextChoices):
    PURPOSE = "purpose", "Clear purpose and terms of reference"
    MEMBERSHIP = "membership", "Representative membership"
    ATTENDANCE = "attendance", "Attendance and continuity"
    OUTCOMES = "outcomes", "Actions completed and outcomes achieved"
    EVALUATION = "evaluation", "Evaluation and feedback acted on"


class MaturityLevel(models.IntegerChoices):
    NOT_IN_PLACE = 1, "1 – Not in place"
    DEVELOPING = 2, "2 – Developing"
    ESTABLISHED = 3, "3 – Established"
    EMBEDDED = 4, "4 – Embedded"


@dataclass(frozen=True)
class Dimension:
    """One dimension of maturity: what it is called, what assessors look at, where it is stored."""

    key: MaturityDimension
    short_label: str
    help_text: str

    @property
    def label(self) -> str:
        return str(self.key.label)

    @property
    def score_field(self) -> str:
        return f"{self.key.value}_score"

    @property
    def evidence_field(self) -> str:
        return f"{self.key.value}_evidence"


#: The five dimensions, in the order they are shown. The one table of what maturity means.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        MaturityDimension.PURPOSE,
        "Purpose",
        "The group's purpose is written down and agreed, its terms of reference are approved "
        "and in date, and members can say what the group is for.",
    ),
    Dimension(
        MaturityDimension.MEMBERSHIP,
        "Membership",
        "The providers and people the group is for take part: service types, localities and "
        "levels are represented, with the teams and partners who must attend.",
    ),
    Dimension(
        MaturityDimension.ATTENDANCE,
        "Attendance",
        "Meetings happen as planned and the same organisations come back; attendance holds up "
        "over the year.",
    ),
    Dimension(
        MaturityDimension.OUTCOMES,
        "Outcomes",
        "Actions have owners and dates and are completed; the group can point to changes it "
        "brought about.",
    ),
    Dimension(
        MaturityDimension.EVALUATION,
        "Evaluation",
        "Meetings are evaluated, the feedback is reported back and acted on (“you said, we did”).",
    ),
)


def _score_field(dimension: Dimension) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        dimension.label,
        choices=MaturityLevel.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=dimension.help_text,
    )


def _evidence_field(dimension: Dimension) -> models.TextField[str, str]:
    return models.TextField(f"evidence: {dimension.short_label.lower()}", blank=True)


class MaturityAssessment(models.Model):
    """A dated assessment of a group's maturity: five scores from 1 to 4, with evidence."""

    group = models.ForeignKey(
        EngagementGroup, on_delete=models.CASCADE, related_name="maturity_assessments"
    )
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose_score = _score_field(DIMENSIONS[0])
    purpose_evidence = _evidence_field(DIMENSIONS[0])
    membership_score = _score_field(DIMENSIONS[1])
    membership_evidence = _evidence_field(DIMENSIONS[1])
    attendance_score = _score_field(DIMENSIONS[2])
    attendance_evidence = _evidence_field(DIMENSIONS[2])
    outcomes_score = _score_field(DIMENSIONS[3])
    outcomes_evidence = _evidence_field(DIMENSIONS[3])
    evaluation_score = _score_field(DIMENSIONS[4])
    evaluation_evidence = _evidence_field(DIMENSIONS[4])
    summary = models.TextField(blank=True, help_text="What to work on next.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group_id", "-assessed_on", "-pk"]
        indexes = [
            models.Index(fields=["group", "-assessed_on"], name="maturity_group_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "assessed_on"],
                name="maturity_one_assessment_a_day",
                violation_error_message="This group already has an assessment on that day.",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{d.score_field}__gte": 1, f"{d.score_field}__lte": 4}),
                    name=f"maturity_{d.key.value}_score_1_to_4",
                    violation_error_message=f"{d.label}: a score is from 1 to 4.",
                )
                for d in DIMENSIONS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} on {self.assessed_on:%d %b %Y}"

    def score(self, dimension: Dimension) -> int:
        return int(getattr(self, dimension.score_field))

    def evidence(self, dimension: Dimension) -> str:
        return str(getattr(self, dimension.evidence_field))

    @property
    def total(self) -> int:
        return sum(self.score(d) for d in DIMENSIONS)

    @property
    def average(self) -> float:
        """The mean of the five scores, to one decimal place."""
        return round(self.total / len(DIMENSIONS), 1)

    def scores(self) -> list[tuple[Dimension, int, str]]:
        """(dimension, score, evidence) in the order of ``DIMENSIONS``."""
        return [(d, self.score(d), self.evidence(d)) for d in DIMENSIONS]


# --- Meetings and actions -------------------------------------------------------------------


class Meeting(models.Model):
    """A meeting of a group. Its time, place, status, registrations and invitations are those
    of its engagement ``Activity`` (so the calendar, clashes and feeds apply to it unchanged).
    """

    group = models.ForeignKey(EngagementGroup, on_delete=models.PROTECT, related_name="meetings")
    activity = models.OneToOneField(
        "engagement.Activity", on_delete=models.CASCADE, related_name="meeting"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity__starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.group}: {self.activity.starts_at:%-d %b %Y}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """Something someone agreed to do: from a meeting of a group, or from feedback.

    ``outcome`` is what was done, in words a provider understands: the "we did" of
    "you said, we did" once the action is done.
    """

    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    group = models.ForeignKey(
        EngagementGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    owner = models.ForeignKey(
        "council.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The officer who owns it (or name someone else below).",
    )
    owner_name = models.CharField(
        "owner outside the council",
        max_length=200,
        blank=True,
        help_text="When a provider or a partner owns the action.",
    )
    due_on = models.DateField("due", null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    outcome = models.TextField(blank=True, help_text="What was done: shown to providers.")
    agenda_item = models.ForeignKey(
        "ForwardPlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The agenda item the action came from.",
    )
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="action_owner_status_due_idx"),
            models.Index(fields=["group", "status"], name="action_group_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today: date) -> bool:
        return Action.overdue_on(self.status, self.due_on, today)

    @staticmethod
    def overdue_on(status: str, due_on: date | None, today: date) -> bool:
        """An action of ``status`` due ``due_on`` is overdue on ``today`` (open, due before)."""
        return status in OPEN_ACTION_STATUSES and due_on is not None and due_on < today


class ActionUpdate(models.Model):
    """One entry of an action's history: a status change or a note of progress."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


# --- Forward plan and agendas ---------------------------------------------------------------


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class ItemOutcome(models.TextChoices):
    """What the meeting did with an agenda item."""

    NOTED = "noted", "Noted for information"
    DECISION = "decision", "Decision"
    ACTIONS = "actions", "Actions agreed"


class ForwardPlanItem(models.Model):
    """An item a group means to discuss: proposed by an officer or by a provider (portal).

    Once scheduled it sits on a meeting's agenda at ``agenda_position``; the meeting records
    its ``outcome`` and the item is done. An item the meeting did not reach is carried forward
    to the next meeting, keeping its history (``ForwardPlanEvent``).
    """

    group = models.ForeignKey(
        EngagementGroup, on_delete=models.CASCADE, related_name="forward_plan_items"
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True, help_text="What to discuss, and why it matters.")
    status = models.CharField(
        max_length=10, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposer_contact = models.ForeignKey(
        "market.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forward_plan_proposals",
        help_text="The provider contact who proposed it through the portal.",
    )
    decline_reason = models.TextField(blank=True, help_text="Shown to whoever proposed the item.")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The meeting whose agenda the item is on.",
    )
    agenda_position = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ItemOutcome.choices, blank=True)
    outcome_text = models.TextField(
        blank=True, help_text="The decision's words, or what was noted."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group_id", "created_at", "pk"]
        indexes = [
            models.Index(fields=["group", "status"], name="fp_item_group_status_idx"),
            models.Index(fields=["meeting", "agenda_position"], name="fp_item_agenda_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="fp_item_declined_has_reason",
                violation_error_message="Say why the item is declined.",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(meeting__isnull=False),
                name="fp_item_scheduled_has_meeting",
                violation_error_message="A scheduled item is on a meeting's agenda.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def from_provider(self) -> bool:
        return self.proposer_contact_id is not None

    @property
    def is_open(self) -> bool:
        """Still to be discussed: proposed, accepted or on an agenda without an outcome."""
        return self.status in (ItemStatus.PROPOSED, ItemStatus.ACCEPTED, ItemStatus.SCHEDULED)


class ForwardPlanEvent(models.Model):
    """One step in a forward plan item's history: proposed, accepted, declined, scheduled,
    carried forward, its outcome recorded."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SCHEDULED = "scheduled", "Scheduled"
        UNSCHEDULED = "unscheduled", "Taken off the agenda"
        CARRIED_FORWARD = "carried-forward", "Carried forward"
        OUTCOME = "outcome", "Outcome recorded"

    item = models.ForeignKey(ForwardPlanItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


# --- Notes ----------------------------------------------------------------------------------


class MeetingNotes(models.Model):
    """The notes (minutes) of a meeting, in Markdown. Every saved change is a ``NotesRevision``.

    Published notes are shown to providers the group is for; ``sent_at`` is when they were
    first sent out (the "notes sent within N working days" standard reads it).
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(blank=True, help_text="Markdown: headings with #, lists with -.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "meeting notes"

    def __str__(self) -> str:
        return f"Notes of {self.meeting}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class NotesRevision(models.Model):
    """One saved version of a meeting's notes: who wrote it, when."""

    notes = models.ForeignKey(MeetingNotes, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notes_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["notes", "number"], name="notes_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}"


class MeetingSession(AudienceFields):
    """A part of a meeting with its own audience: a residential and nursing session, a
    domiciliary session, a networking overlap open to everyone the forum is for.

    A forum's meetings get one per stream of the forum when scheduled; sessions may be edited
    on the meeting's sessions page. A session lies within its meeting's time.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    stream = models.ForeignKey(
        ForumStream,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="The forum stream this session is for, if any.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the meeting.")

    class Meta:
        ordering = ["meeting_id", "starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message="A session must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overlap(self) -> bool:
        return bool(self.stream_id and self.stream and self.stream.is_overlap)
