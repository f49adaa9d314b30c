"""Forms of the year planner's pages."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from crispy_forms_gds.fields import DateInputField
from django import forms

from engage.council.models import MAX_OFFICERS_OUT_AT_ONCE, Team
from engage.groups.models import EngagementGroup
from engage.planner.models import (
    PlannerSettings,
    PlanRun,
    ProposedMeeting,
    SchoolHoliday,
    TeamLeave,
)
from engage.planner.services import pin_problems


class PlanForm(forms.Form):
    """Which groups to plan, from when, for how long."""

    groups = forms.ModelMultipleChoiceField(
        label="Groups to plan",
        queryset=EngagementGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one group to plan"},
    )
    start = DateInputField(
        label="First day of the plan", help_text="For example, 7 12 2026. Usually a Monday."
    )
    months = forms.TypedChoiceField(
        label="How many months to plan",
        choices=[(m, f"{m} months") for m in (3, 6, 9, 12, 18, 24)],
        coerce=int,
        initial=12,
    )

    def __init__(self, *args: Any, groups: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        choice = cast(forms.ModelMultipleChoiceField, self.fields["groups"])  # type: ignore[type-arg]
        choice.queryset = groups

    def clean_start(self) -> date:
        start: date = self.cleaned_data["start"]
        if start <= self.today:
            raise forms.ValidationError("The first day of the plan must be after today")
        if (start - self.today).days > 366:
            raise forms.ValidationError("The first day of the plan must be within a year of today")
        return start


class PinForm(forms.Form):
    """Fix one proposed meeting on a date (or unpin it), then plan again."""

    proposal = forms.TypedChoiceField(label="Meeting", coerce=int)
    day = DateInputField(
        label="New date",
        required=False,
        help_text="For example, 9 3 2027. Leave empty to keep the proposed date and pin it there.",
    )
    unpin = forms.BooleanField(label="Unpin this meeting instead", required=False)

    def __init__(self, *args: Any, run: PlanRun, proposals: list[ProposedMeeting], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.run = run
        self.by_id = {p.pk: p for p in proposals}
        field = cast(forms.TypedChoiceField, self.fields["proposal"])
        field.choices = [("", "Choose a meeting")] + [
            (
                p.pk,
                f"{p.group.name}, meeting {p.index + 1} "
                f"({p.starts_at.astimezone().strftime('%a %-d %b %Y')})"
                + (" – pinned" if p.pinned else ""),
            )
            for p in proposals
        ]
        field.error_messages["required"] = "Choose the meeting to pin or move"
        field.error_messages["invalid_choice"] = "Choose one of this plan's meetings"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        proposal = self.by_id.get(cleaned.get("proposal") or 0)
        if proposal is None:
            return cleaned
        cleaned["proposal_object"] = proposal
        if cleaned.get("unpin"):
            cleaned["day"] = None
            return cleaned
        if "day" in self.errors:
            return cleaned
        day: date = cleaned.get("day") or proposal.starts_at.date()
        for problem in pin_problems(run=self.run, group=proposal.group, day=day):
            self.add_error("day", problem)
        cleaned["day"] = day
        return cleaned


class TeamCapacityForm(forms.Form):
    """One number per team: how many activities needing it it can attend at once
    (``Team.officers_out_at_once``)."""

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.teams = teams
        for team in teams:
            self.fields[f"team_{team.pk}"] = forms.IntegerField(
                label=team.name,
                min_value=0,
                max_value=MAX_OFFICERS_OUT_AT_ONCE,
                initial=team.officers_out_at_once,
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
                error_messages={
                    "required": f"Enter how many of {team.name} can be out at once",
                    "min_value": f"{team.name}: enter 0 or more",
                    "max_value": f"{team.name}: enter {MAX_OFFICERS_OUT_AT_ONCE} or fewer",
                    "invalid": f"{team.name}: enter a whole number",
                },
            )

    def values(self) -> list[tuple[Team, int]]:
        return [(t, int(self.cleaned_data[f"team_{t.pk}"])) for t in self.teams]


class _DateRangeMixin:
    def _check_range(self, cleaned: dict[str, Any]) -> None:
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day cannot be before the first")  # type: ignore[attr-defined]


class TeamLeaveForm(_DateRangeMixin, forms.ModelForm):  # type: ignore[type-arg]
    first_day = DateInputField(label="From", help_text="For example, 1 3 2027")
    last_day = DateInputField(label="To (inclusive)", help_text="For example, 5 3 2027")

    class Meta:
        model = TeamLeave
        fields = ["team", "first_day", "last_day", "reason"]
        labels = {"reason": "Why the team is away"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = cast(forms.ModelChoiceField, self.fields["team"])  # type: ignore[type-arg]
        team.queryset = Team.objects.filter(is_active=True)
        team.error_messages["required"] = "Choose the team"
        self.fields["reason"].error_messages["required"] = "Say why the team is away"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_range(cleaned)
        return cleaned


class SchoolHolidayForm(_DateRangeMixin, forms.ModelForm):  # type: ignore[type-arg]
    first_day = DateInputField(label="From", help_text="For example, 15 2 2027")
    last_day = DateInputField(label="To (inclusive)", help_text="For example, 19 2 2027")

    class Meta:
        model = SchoolHoliday
        fields = ["name", "first_day", "last_day"]
        labels = {"name": "Name of the holiday"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the holiday's name"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_range(cleaned)
        return cleaned


class PlannerSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PlannerSettings
        fields = [
            "spacing_per_day",
            "audience_warning",
            "school_holiday",
            "monday_friday",
            "busy_week_excess",
            "busy_week_threshold",
            "time_limit_seconds",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"})
            for name in fields
        }
