"""The year planner's data on the Django side: what the PEM sets, and each run of the planner.

Planning data a council edits: when a team cannot attend at all (``TeamLeave``), school
holidays (``SchoolHoliday``) and the weights of the soft costs (``PlannerSettings``, one row).
How many activities a team can attend at once is the team's own field
(``council.Team.officers_out_at_once``), read by the calendar's clash rule as well.

A ``PlanRun`` is one run of the solver over chosen groups from a start date: its progress,
the solver's verdict and the ``ProposedMeeting`` rows it produced. ``PlanPin`` holds the dates
the PEM fixed for a run (a re-run copies them). Accepting a run turns its proposals into
published meetings (``ProposedMeeting.meeting``), once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

#: Longest solver time the page may ask for, in seconds (keeps the page usable).
MAX_TIME_LIMIT_SECONDS = 120


class TeamLeave(models.Model):
    """Dates on which a team cannot attend any meeting (training, leave, a busy period)."""

    team = models.ForeignKey("council.Team", on_delete=models.CASCADE, related_name="leave")
    first_day = models.DateField("from")
    last_day = models.DateField("to")
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="team_leave_ends_after_it_starts",
                violation_error_message="The last day cannot be before the first.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.first_day} to {self.last_day}"


class SchoolHoliday(models.Model):
    """A school holiday (inclusive dates): meetings then cost more, as carers are busy."""

    name = models.CharField(max_length=100)
    first_day = models.DateField("from")
    last_day = models.DateField("to")

    class Meta:
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="school_holiday_ends_after_it_starts",
                violation_error_message="The last day cannot be before the first.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlannerSettings(models.Model):
    """The weights of the soft costs and the solver's time limit: one row (pk 1)."""

    spacing_per_day = models.PositiveSmallIntegerField(
        "uneven spacing (per day away from the ideal gap)", default=1
    )
    audience_warning = models.PositiveSmallIntegerField(
        "same providers within a few working days", default=3
    )
    school_holiday = models.PositiveSmallIntegerField("meeting in a school holiday", default=5)
    monday_friday = models.PositiveSmallIntegerField("meeting on a Monday or Friday", default=2)
    busy_week_excess = models.PositiveSmallIntegerField(
        "each event beyond the busy-week threshold", default=8
    )
    busy_week_threshold = models.PositiveSmallIntegerField(
        "events in one week before it counts as busy", default=5
    )
    time_limit_seconds = models.PositiveSmallIntegerField(
        "solver time limit (seconds)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIME_LIMIT_SECONDS)],
    )

    class Meta:
        verbose_name_plural = "planner settings"

    def __str__(self) -> str:
        return "Planner settings"


class PlanRun(models.Model):
    """One run of the year planner over chosen groups."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    groups = models.ManyToManyField("groups.EngagementGroup", related_name="plan_runs")
    start = models.DateField("first day")
    horizon_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    end = models.DateField("last day")
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns"
    )
    time_limit_seconds = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: The solver's verdict: optimal, feasible, infeasible or unknown.
    solver_status = models.CharField(max_length=12, blank=True)
    objective = models.IntegerField(null=True, blank=True)
    best_bound = models.IntegerField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    #: Soft costs in words: [{"kind", "amount", "description", "series_keys"}].
    costs = models.JSONField(default=list, blank=True)
    #: Why no plan exists (or what the plan breaks), in words.
    conflicts = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="plan_run_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="plan_run_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Year plan #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_plan(self) -> bool:
        return self.status == self.Status.DONE and self.solver_status in ("optimal", "feasible")

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else round(self.gap * 100, 1)


class PlanPin(models.Model):
    """A date the PEM fixed for meeting ``index`` (0-based) of a group in a run."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="pins")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField()
    day = models.DateField()

    class Meta:
        ordering = ["group_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "group", "index"], name="plan_pin_once")
        ]


class ProposedMeeting(models.Model):
    """A meeting the planner proposes; ``meeting`` is set once the plan is accepted."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="proposals")
    group = models.ForeignKey("groups.EngagementGroup", on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField(help_text="0-based position in the group's series.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.ForeignKey(
        "engagement.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pinned = models.BooleanField(default=False)
    meeting = models.OneToOneField(
        "groups.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "group", "index"], name="proposed_meeting_once_per_index"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="proposed_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}, meeting {self.index + 1}"
