"""Forms of engagement planning. The planning form builds an ``ActivityData`` for the services."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from crispy_forms_gds.fields import DateInputField
from django import forms

from engage.council.models import Officer, PartnerPerson, Team
from engage.engagement.clashes import LONDON
from engage.engagement.models import Activity, Venue
from engage.engagement.modes import Kind, Mechanism, Mode
from engage.engagement.services import ActivityData, activity_data_errors
from engage.market.audience import providers_reached
from engage.market.models import Level, Locality, Provider, ServiceType

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]?([0-5]\d)\s*$")


def parse_time(value: str) -> time | None:
    match = _TIME.match(value or "")
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _pence(pounds: Decimal | None) -> int:
    if pounds is None:
        return 0
    return int((pounds * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def _pounds_field(label: str, help_text: str = "") -> forms.DecimalField:
    """An optional amount in pounds and pence, not negative."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=9,
        help_text=help_text,
    )


def _hours_field(help_text: str) -> forms.DecimalField:
    """Optional officer hours, to the hundredth, not negative."""
    return forms.DecimalField(
        label="Officer hours",
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=7,
        help_text=help_text,
    )


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} ({obj.team.name})"


class PartnerChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.organisation.name}"


class VenueChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.capacity} places)"


#: The planning form in sections: (legend, field names).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("What it is", ("title", "kind", "topic", "purpose")),
    ("How you will engage", ("mode", "mechanism", "mechanism_reason")),
    ("Who it is for", ("levels", "audience_service_types", "audience_localities", "tier_one_only")),
    (
        "Who runs it",
        (
            "lead_officer",
            "facilitator",
            "external_facilitator",
            "required_teams",
            "invited_partners",
        ),
    ),
    (
        "When and where",
        ("start_date", "start_time", "end_date", "end_time", "venue", "online_link", "capacity"),
    ),
    ("Design", ("outcomes_sought", "questions")),
    ("Estimated cost", ("cost_venue", "officer_hours", "cost_other")),
    ("Why this activity is needed", ("ad_hoc_justification",)),
)


class ActivityForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of activity", choices=Kind.choices)
    topic = forms.CharField(
        label="Topic",
        max_length=200,
        required=False,
        help_text="A few words, e.g. 'Fee uplift 2026' or 'New medicines scheme'. We suggest the level from it.",
    )
    purpose = forms.CharField(
        label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    mode = forms.ChoiceField(
        label="Mode of engagement",
        choices=[("", "Not decided yet"), *Mode.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="Not sure? Use the mode guide.",
    )
    mechanism = forms.ChoiceField(
        label="Mechanism",
        choices=[("", "Not decided yet"), *Mechanism.choices],
        required=False,
        help_text="Recommended — inform: newsletter, email, letter; consult: survey, consultation session; participate: forum item, workshop; collaborate: co-production working group, open-ended workshop.",
    )
    mechanism_reason = forms.CharField(
        label="Why this mechanism (if it is not one recommended for the mode)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    levels = forms.MultipleChoiceField(
        label="Levels",
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who at the providers it is for.",
    )
    audience_service_types = forms.ModelMultipleChoiceField(
        label="Service types",
        queryset=ServiceType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked means every service type.",
    )
    audience_localities = forms.ModelMultipleChoiceField(
        label="Localities",
        queryset=Locality.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked means every locality.",
    )
    tier_one_only = forms.BooleanField(label="Tier One providers only", required=False)
    lead_officer = OfficerChoiceField(
        label="Lead officer",
        queryset=Officer.objects.filter(user__is_active=True).select_related("user", "team"),
        required=False,
        empty_label="Choose the lead officer",
    )
    facilitator = OfficerChoiceField(
        label="Facilitator",
        queryset=Officer.objects.filter(user__is_active=True).select_related("user", "team"),
        required=False,
        empty_label="Choose an officer, or name someone below",
    )
    external_facilitator = forms.CharField(
        label="Facilitator from outside the council (optional)", max_length=200, required=False
    )
    required_teams = forms.ModelMultipleChoiceField(
        label="Teams that must attend",
        queryset=Team.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invited_partners = PartnerChoiceField(
        label="Partners invited",
        queryset=PartnerPerson.objects.filter(is_active=True).select_related("organisation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = DateInputField(label="Date", help_text="For example, 27 3 2026")
    start_time = forms.CharField(
        label="Start time", max_length=5, help_text="24-hour clock, e.g. 10:00"
    )
    end_date = DateInputField(
        label="End date (if it runs over more than one day)",
        required=False,
        require_all_fields=False,
    )
    end_time = forms.CharField(label="End time", max_length=5, help_text="e.g. 12:30")
    venue = VenueChoiceField(
        label="Venue",
        queryset=Venue.objects.filter(is_active=True),
        required=False,
        empty_label="No venue (online, or not decided)",
    )
    online_link = forms.URLField(
        label="Online link", required=False, assume_scheme="https", max_length=200
    )
    capacity = forms.IntegerField(
        label="Places (optional)",
        required=False,
        min_value=1,
        help_text="Leave empty to use the venue's capacity.",
    )
    outcomes_sought = forms.CharField(
        label="Outcomes sought", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    questions = forms.CharField(
        label="Questions to ask", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cost_venue = _pounds_field("Venue cost (£)")
    officer_hours = _hours_field("All officers' time together, including preparation.")
    cost_other = _pounds_field("Other costs (£)")
    ad_hoc_justification = forms.CharField(
        label="Why is this needed outside the agreed engagement groups?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The review asks that ad hoc events are limited: needed before you submit.",
    )

    def __init__(self, *args: Any, activity: Activity | None = None, **kwargs: Any) -> None:
        self.activity = activity
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(activity)
        super().__init__(*args, **kwargs)
        if activity is not None and activity.within_agreed_structure:
            del self.fields["ad_hoc_justification"]

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in SECTIONS
            if any(name in self.fields for name in names)
        ]

    def _moment(self, day: date | None, raw_time: str, field: str) -> datetime | None:
        parsed = parse_time(raw_time)
        if raw_time and parsed is None:
            self.add_error(field, "Enter a time like 09:30 or 14:00")
            return None
        if day is None or parsed is None:
            return None
        return datetime.combine(day, parsed, tzinfo=LONDON).astimezone(UTC)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start_day = cleaned.get("start_date")
        starts_at = self._moment(start_day, cleaned.get("start_time", ""), "start_time")
        ends_at = self._moment(
            cleaned.get("end_date") or start_day, cleaned.get("end_time", ""), "end_time"
        )
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        if starts_at and ends_at and not self.errors:
            for name, message in activity_data_errors(self.to_data(cleaned)).items():
                target = {"ends_at": "end_time"}.get(name, name)
                self.add_error(target if target in self.fields else None, message)
        return cleaned

    def to_data(self, cleaned: dict[str, Any] | None = None) -> ActivityData:
        c = cleaned if cleaned is not None else self.cleaned_data
        levels = set(c.get("levels") or [])
        return ActivityData(
            title=c.get("title", ""),
            starts_at=c["starts_at"],
            ends_at=c["ends_at"],
            kind=c.get("kind") or Kind.EVENT,
            purpose=c.get("purpose", ""),
            topic=c.get("topic", ""),
            mode=c.get("mode", ""),
            mechanism=c.get("mechanism", ""),
            mechanism_reason=c.get("mechanism_reason", ""),
            lead_officer=c.get("lead_officer"),
            facilitator=c.get("facilitator"),
            external_facilitator=c.get("external_facilitator", ""),
            required_teams=list(c.get("required_teams") or []),
            invited_partners=list(c.get("invited_partners") or []),
            venue=c.get("venue"),
            online_link=c.get("online_link", ""),
            capacity=c.get("capacity"),
            outcomes_sought=c.get("outcomes_sought", ""),
            questions=c.get("questions", ""),
            cost_venue_pence=_pence(c.get("cost_venue")),
            officer_hours=c.get("officer_hours") or Decimal("0"),
            cost_other_pence=_pence(c.get("cost_other")),
            ad_hoc_justification=c.get(
                "ad_hoc_justification",
                self.activity.ad_hoc_justification if self.activity else "",
            ),
            audience_service_types=list(c.get("audience_service_types") or []),
            audience_localities=list(c.get("audience_localities") or []),
            for_owners=Level.OWNER in levels,
            for_managers=Level.MANAGER in levels,
            for_workers=Level.WORKER in levels,
            tier_one_only=bool(c.get("tier_one_only")),
        )


def initial_from(activity: Activity) -> dict[str, Any]:
    start = activity.starts_at.astimezone(LONDON)
    end = activity.ends_at.astimezone(LONDON)
    levels = [
        level
        for level, chosen in (
            (Level.OWNER, activity.for_owners),
            (Level.MANAGER, activity.for_managers),
            (Level.WORKER, activity.for_workers),
        )
        if chosen
    ]
    return {
        "title": activity.title,
        "kind": activity.kind,
        "topic": activity.topic,
        "purpose": activity.purpose,
        "mode": activity.mode,
        "mechanism": activity.mechanism,
        "mechanism_reason": activity.mechanism_reason,
        "levels": levels,
        "audience_service_types": list(activity.audience_service_types.all()),
        "audience_localities": list(activity.audience_localities.all()),
        "tier_one_only": activity.tier_one_only,
        "lead_officer": activity.lead_officer,
        "facilitator": activity.facilitator,
        "external_facilitator": activity.external_facilitator,
        "required_teams": list(activity.required_teams.all()),
        "invited_partners": list(activity.invited_partners.all()),
        "start_date": start.date(),
        "start_time": f"{start:%H:%M}",
        "end_date": end.date() if end.date() != start.date() else None,
        "end_time": f"{end:%H:%M}",
        "venue": activity.venue,
        "online_link": activity.online_link,
        "capacity": activity.capacity,
        "outcomes_sought": activity.outcomes_sought,
        "questions": activity.questions,
        "cost_venue": _pounds(activity.cost_venue_pence),
        "officer_hours": activity.officer_hours,
        "cost_other": _pounds(activity.cost_other_pence),
        "ad_hoc_justification": activity.ad_hoc_justification,
    }


_YES_NO = [("yes", "Yes"), ("no", "No")]


class ModeGuideForm(forms.Form):
    problem_clear = forms.ChoiceField(
        label="Is the problem clear?",
        choices=_YES_NO,
        widget=forms.RadioSelect,
        help_text="Do you and providers know exactly what the issue is?",
    )
    answer_decided = forms.ChoiceField(
        label="Is the answer already decided?",
        choices=_YES_NO,
        widget=forms.RadioSelect,
        help_text="For example, a decision the council has taken that providers need to know about.",
    )
    want_views_on_options = forms.ChoiceField(
        label="Do you want providers' views on options?",
        choices=_YES_NO,
        widget=forms.RadioSelect,
        help_text="You have possible ways forward and want to hear what providers think of them.",
    )
    design_together = forms.ChoiceField(
        label="Do you want to design the answer together with providers?",
        choices=_YES_NO,
        widget=forms.RadioSelect,
    )

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name in self.fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, label: str = "Reason", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.CharField, self.fields["reason"]).label = label


class AcceptWarningForm(forms.Form):
    clash_key = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is this warning acceptable?", widget=forms.Textarea(attrs={"rows": 3})
    )


class VenueForm(forms.ModelForm[Venue]):
    class Meta:
        model = Venue
        fields = ["name", "address", "postcode", "capacity", "accessibility", "is_active"]
        labels = {"is_active": "In use"}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class WalkInForm(forms.Form):
    """Someone who came without being on the list and is not yet a contact."""

    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        label="Provider",
        help_text="The providers this activity is for.",
        error_messages={"required": "Choose the provider they work for"},
    )
    name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter their name"}
    )
    level = forms.ChoiceField(
        label="Their role",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role"},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["provider"])  # type: ignore[type-arg]
        field.queryset = providers_reached(activity.audience()).order_by("name", "pk")


class ActualCostsForm(forms.Form):
    """What a held activity cost in the end; blank counts as nothing spent."""

    venue = _pounds_field("Venue (£)")
    officer_hours = _hours_field(
        "All officers' time together, including preparation and follow-up."
    )
    other = _pounds_field("Other costs (£)", "Catering, printing, travel, interpreters.")

    @classmethod
    def for_activity(cls, activity: Any, data: Any = None) -> ActualCostsForm:
        """Prefilled with the actual costs if recorded, else with the estimate."""
        recorded = activity.actual_costs_recorded_at is not None
        venue = activity.actual_venue_pence if recorded else activity.cost_venue_pence
        hours = activity.actual_officer_hours if recorded else activity.officer_hours
        other = activity.actual_other_pence if recorded else activity.cost_other_pence
        initial = {
            "venue": _pounds(venue or 0),
            "officer_hours": hours,
            "other": _pounds(other or 0),
        }
        return cls(data, initial=initial)

    def pence(self, name: str) -> int:
        return _pence(self.cleaned_data.get(name))
