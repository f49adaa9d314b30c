"""The council side: its teams and officers, partner organisations and councillors.

Teams, like localities, are data: a council adds its own without a code change.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

#: The most activities one team can be asked to attend at the same time.
MAX_OFFICERS_OUT_AT_ONCE = 50


class Team(models.Model):
    """A council team (Commissioning, Contracts, Safeguarding, ...).

    ``officers_out_at_once`` is the team's capacity: how many activities that need the team it
    can attend at the same time (it sends different officers to each). The calendar's clash
    rule and the year planner both read it, so a plan the planner makes is one the calendar
    accepts.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    email = models.EmailField("team mailbox", blank=True)
    is_active = models.BooleanField(default=True)
    officers_out_at_once = models.PositiveSmallIntegerField(
        "activities the team can attend at once",
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_OFFICERS_OUT_AT_ONCE)],
        help_text="How many activities needing the team can overlap in time, each attended by "
        "different officers. 0 means the team can attend none.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="team_name_unique",
                violation_error_message="A team with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(officers_out_at_once__lte=MAX_OFFICERS_OUT_AT_ONCE),
                name="team_officers_out_at_once_at_most_50",
                violation_error_message="A team can attend at most 50 activities at once.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """A council officer: a user who works in a team. PEMs and LDDs are officers too."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="officers")
    job_title = models.CharField(max_length=150)
    locality = models.ForeignKey(
        "market.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text="The locality an officer covers, where their work is local (Local Delivery Directors).",
    )
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return self.user.full_name

    @property
    def name(self) -> str:
        return self.user.full_name

    @property
    def email(self) -> str:
        return self.user.email


class PartnerOrganisation(models.Model):
    """An NHS integrated care board, a hospital trust or another partner."""

    class Kind(models.TextChoices):
        ICB = "icb", "NHS integrated care board"
        TRUST = "trust", "Hospital trust"
        OTHER = "other", "Other partner"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    website = models.URLField(blank=True)
    email = models.EmailField("general email", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="partner_organisation_name_unique",
                violation_error_message="A partner organisation with this name already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartnerPerson(models.Model):
    """A person at a partner organisation, invited to meetings; may sign in as a partner."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_person",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner people"

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Councillor(models.Model):
    """An elected member: reads briefings and dashboards, attends some events."""

    name = models.CharField(max_length=150)
    division = models.CharField(max_length=150, help_text="The electoral division they represent.")
    portfolio = models.CharField(max_length=200, blank=True, help_text="Cabinet portfolio, if any.")
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="councillor",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"Cllr {self.name}"
