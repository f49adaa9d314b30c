"""Forms of the groups register. Each says what is wrong in words a user acts on."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from crispy_forms.layout import HTML, Layout
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from engage.council.models import Officer, PartnerOrganisation, Team
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    ForumStream,
    GroupKind,
    MaturityLevel,
)
from engage.groups.services import group_defaults
from engage.market.models import Association, Level, Locality, ServiceType

#: What each kind of group is, shown as hints when choosing one.
KIND_HINTS: dict[str, str] = {
    GroupKind.PROVIDER_FORUM: "A locality's forum for care managers and care staff, owned by "
    "its Local Delivery Director, split into streams with a networking overlap.",
    GroupKind.TIER_ONE: "Regular formal meetings with the council's Tier One providers.",
    GroupKind.STRATEGIC: "Owners and directors of one part of the market, on strategy, pricing "
    "and contracting.",
    GroupKind.ASSOCIATION_LIAISON: "Regular liaison with a provider association.",
    GroupKind.SKILLS_BOARD: "The employment and skills board's care sector group.",
    GroupKind.WORKING_GROUP: "A time-limited group co-producing something with providers.",
    GroupKind.OTHER: "Any other standing group.",
}

LEVEL_FIELDS = {
    Level.OWNER: "for_owners",
    Level.MANAGER: "for_managers",
    Level.WORKER: "for_workers",
}


class OfficerChoiceField(forms.ModelChoiceField[Officer]):
    def label_from_instance(self, obj: Officer) -> str:
        where = f", {obj.locality.name}" if obj.locality_id and obj.locality else ""
        return f"{obj.user.full_name} – {obj.job_title}{where}"


def active_officers() -> Any:
    return Officer.objects.filter(user__is_active=True).select_related("user", "locality")


class GroupKindForm(forms.Form):
    """The first step of adding a group: its kind (and a forum's locality) decide the defaults."""

    kind = forms.ChoiceField(
        label="What kind of group is it?",
        choices=[Choice(k.value, k.label, hint=KIND_HINTS[k]) for k in GroupKind],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of group"},
    )
    locality = forms.ModelChoiceField(
        label="Locality (provider forums)",
        queryset=Locality.objects.filter(is_active=True),
        required=False,
        empty_label="Not tied to a locality",
        help_text="A provider forum serves one locality and is owned by its Local Delivery "
        "Director.",
        to_field_name="slug",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == GroupKind.PROVIDER_FORUM and not cleaned.get("locality"):
            self.add_error("locality", "Choose the locality this forum serves")
        return cleaned


#: The group form's sections: (heading, fields) in order.
GROUP_FORM_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("About the group", ("name", "kind", "purpose", "status", "established_on")),
    ("Ownership", ("locality", "owner", "chair", "association")),
    ("Meetings", ("frequency_target", "publication_horizon_months", "streams")),
    ("Who attends from the council and partners", ("required_teams", "invited_partners")),
    (
        "Who it is for",
        ("audience_service_types", "audience_localities", "levels", "tier_one_only"),
    ),
)


class GroupForm(forms.ModelForm[EngagementGroup]):
    """A group's details. ``service_kwargs()`` gives what the services take."""

    owner = OfficerChoiceField(
        label="Owner",
        queryset=active_officers(),
        empty_label="Choose an officer",
        help_text="Accountable for the group. A provider forum is owned by its locality's "
        "Local Delivery Director.",
        error_messages={"required": "Choose who owns the group"},
    )
    levels = forms.MultipleChoiceField(
        label="Who at providers is it for?",
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked for every level.",
    )
    established_on = DateInputField(
        label="When was it established? (optional)",
        required=False,
        help_text="For example, 27 3 2024",
    )

    class Meta:
        model = EngagementGroup
        fields = [
            "name",
            "kind",
            "purpose",
            "status",
            "locality",
            "streams",
            "owner",
            "chair",
            "required_teams",
            "invited_partners",
            "frequency_target",
            "publication_horizon_months",
            "association",
            "audience_service_types",
            "audience_localities",
            "tier_one_only",
            "established_on",
        ]
        labels = {
            "name": "Name",
            "purpose": "Purpose",
            "frequency_target": "Meetings a year (target)",
            "publication_horizon_months": "Months ahead meeting dates are published",
            "audience_service_types": "Which services is it for?",
            "audience_localities": "Which localities is it for?",
            "tier_one_only": "Tier One providers only",
            "required_teams": "Teams that must attend",
            "invited_partners": "Partners invited (NHS and others)",
            "streams": "Streams each meeting is split into",
            "chair": "Chair (optional)",
            "association": "Association (association liaison only)",
        }
        help_texts = {
            "audience_service_types": "Leave all unticked for every service type.",
            "audience_localities": "Leave all unticked for the whole council area.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "streams": forms.CheckboxSelectMultiple,
            "required_teams": forms.CheckboxSelectMultiple,
            "invited_partners": forms.CheckboxSelectMultiple,
            "audience_service_types": forms.CheckboxSelectMultiple,
            "audience_localities": forms.CheckboxSelectMultiple,
            "frequency_target": forms.NumberInput(
                attrs={"class": "govuk-input govuk-input--width-3"}
            ),
            "publication_horizon_months": forms.NumberInput(
                attrs={"class": "govuk-input govuk-input--width-3"}
            ),
        }
        error_messages = {
            "name": {"required": "Enter the group's name"},
            "purpose": {"required": "Say what the group is for"},
            "frequency_target": {"required": "Enter how many times a year the group meets"},
            "publication_horizon_months": {
                "required": "Enter how many months ahead meeting dates are published"
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(
            forms.ModelMultipleChoiceField[Team], fields["required_teams"]
        ).queryset = Team.objects.filter(is_active=True)
        cast(
            forms.ModelMultipleChoiceField[ForumStream], fields["streams"]
        ).queryset = ForumStream.objects.filter(is_active=True)
        cast(
            forms.ModelMultipleChoiceField[PartnerOrganisation], fields["invited_partners"]
        ).queryset = PartnerOrganisation.objects.all()
        cast(
            forms.ModelMultipleChoiceField[ServiceType], fields["audience_service_types"]
        ).queryset = ServiceType.objects.filter(is_active=True)
        cast(
            forms.ModelMultipleChoiceField[Locality], fields["audience_localities"]
        ).queryset = Locality.objects.filter(is_active=True)
        cast(
            forms.ModelChoiceField[Locality], fields["locality"]
        ).queryset = Locality.objects.filter(is_active=True)
        cast(
            forms.ModelChoiceField[Association], fields["association"]
        ).queryset = Association.objects.filter(is_active=True)
        forum_minimum = group_defaults(GroupKind.PROVIDER_FORUM).minimum_frequency
        fields[
            "frequency_target"
        ].help_text = f"A provider forum meets at least {forum_minimum} times a year."
        if self.instance.pk and not self.is_bound:
            self.initial["levels"] = [
                level for level, name in LEVEL_FIELDS.items() if getattr(self.instance, name)
            ]
        kind = cast(forms.ChoiceField, fields["kind"])
        kind.choices = [Choice(k.value, k.label, hint=KIND_HINTS[k]) for k in GroupKind]
        cast(
            forms.ModelChoiceField[Association], fields["association"]
        ).empty_label = "Not an association liaison"
        cast(
            forms.ModelChoiceField[Locality], fields["locality"]
        ).empty_label = "Not tied to a locality"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(
                item
                for heading, names in GROUP_FORM_SECTIONS
                for item in (HTML(f'<h2 class="govuk-heading-l">{heading}</h2>'), *names)
            )
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        levels = set(cleaned.get("levels") or [])
        for level, name in LEVEL_FIELDS.items():
            setattr(self.instance, name, level in levels)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the keyword arguments ``create_group``/``update_group`` take."""
        data = dict(self.cleaned_data)
        levels = set(data.pop("levels", []) or [])
        for level, name in LEVEL_FIELDS.items():
            data[name] = level in levels
        return data


class TermsForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the title of the terms of reference"},
    )
    body = forms.CharField(
        label="Terms of reference",
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text="A line starting with # is a section heading, for example “# Purpose”; ## "
        "starts a sub-section. Lines starting with - make a list. **Bold**.",
        error_messages={"required": "Enter the text of the terms of reference"},
    )
    change_summary = forms.CharField(
        label="What changed in this version (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveTermsForm(forms.Form):
    approved_on = DateInputField(
        label="When were they approved?", help_text="For example, 27 3 2026"
    )
    review_due = DateInputField(
        label="When are they due for review?",
        help_text="Usually a year after approval.",
    )
    approval_note = forms.CharField(
        label="Where were they agreed? (optional)",
        max_length=300,
        required=False,
        help_text="For example, at the forum meeting of 4 March.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        approved_on: date | None = cleaned.get("approved_on")
        review_due: date | None = cleaned.get("review_due")
        if approved_on and approved_on > timezone.localdate():
            self.add_error("approved_on", "The approval date cannot be in the future")
        if approved_on and review_due and review_due <= approved_on:
            self.add_error("review_due", "The review date must be after the approval date")
        return cleaned


class MaturityForm(forms.Form):
    """An assessment: a date, a 1–4 score and evidence for each dimension, a summary.

    The score and evidence fields come from ``DIMENSIONS`` (``<key>_score``, ``<key>_evidence``).
    """

    assessed_on = DateInputField(label="Date of the assessment", help_text="For example, 27 3 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            self.fields[dimension.score_field] = forms.TypedChoiceField(
                label=dimension.label,
                help_text=dimension.help_text,
                choices=MaturityLevel.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Score “{dimension.label}” from 1 to 4"},
            )
            self.fields[dimension.evidence_field] = forms.CharField(
                label=f"Evidence for “{dimension.short_label.lower()}” (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["summary"] = forms.CharField(
            label="Summary: what to work on next (optional)",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "assessed_on",
            *(
                item
                for d in DIMENSIONS
                for item in (
                    Field.radios(d.score_field, legend_size=Size.MEDIUM, legend_tag="h2"),
                    d.evidence_field,
                )
            ),
            "summary",
        )

    def clean_assessed_on(self) -> date:
        assessed_on: date = self.cleaned_data["assessed_on"]
        if assessed_on > timezone.localdate():
            raise forms.ValidationError("An assessment cannot be dated in the future")
        return assessed_on

    def scores(self) -> dict[str, int]:
        return {d.key.value: int(self.cleaned_data[d.score_field]) for d in DIMENSIONS}

    def evidence(self) -> dict[str, str]:
        return {d.key.value: self.cleaned_data.get(d.evidence_field, "") for d in DIMENSIONS}


# --- Sessions of a meeting ---------------------------------------------------------------------


class SessionForm(forms.Form):
    """One session of a meeting: its title, times on the meeting's day, stream and services."""

    session_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=200, required=False)
    starts = forms.TimeField(
        label="Starts",
        required=False,
        help_text="For example, 10:00",
        error_messages={"invalid": "Enter a time like 10:00"},
    )
    ends = forms.TimeField(
        label="Ends",
        required=False,
        help_text="For example, 11:30",
        error_messages={"invalid": "Enter a time like 11:30"},
    )
    stream = forms.ModelChoiceField(
        label="Stream", queryset=ForumStream.objects.none(), required=False, empty_label="None"
    )
    service_types = forms.ModelMultipleChoiceField(
        label="Services it is for",
        queryset=ServiceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every service the meeting is for.",
    )
    delete = forms.BooleanField(label="Remove this session", required=False)

    def __init__(
        self,
        *args: Any,
        streams: Any = None,
        service_types: Any = None,
        choices: dict[str, list[Any]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        stream_field = cast(forms.ModelChoiceField[ForumStream], self.fields["stream"])
        types_field = cast(
            forms.ModelMultipleChoiceField[ServiceType], self.fields["service_types"]
        )
        stream_field.queryset = streams
        types_field.queryset = service_types
        if choices is not None:
            # The formset reads the choices once for all its forms (no query per form).
            stream_field.choices = choices["stream"]
            types_field.choices = choices["service_types"]

    @staticmethod
    def initial_for(session: Any) -> dict[str, Any]:
        return {
            "session_id": session.pk,
            "title": session.title,
            "starts": timezone.localtime(session.starts_at).time().replace(second=0),
            "ends": timezone.localtime(session.ends_at).time().replace(second=0),
            "stream": session.stream_id,
            "service_types": [t.pk for t in session.audience_service_types.all()],
        }

    @property
    def is_blank_new(self) -> bool:
        data = self.cleaned_data
        return not data.get("session_id") and not data.get("title") and not data.get("starts")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delete") or self.is_blank_new:
            return data
        if not (data.get("title") or "").strip():
            self.add_error("title", "Enter the session's title")
        if data.get("starts") is None and "starts" not in self.errors:
            self.add_error("starts", "Enter the time the session starts")
        if data.get("ends") is None and "ends" not in self.errors:
            self.add_error("ends", "Enter the time the session ends")
        return data


class BaseSessionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        if not hasattr(self, "_shared"):
            streams = ForumStream.objects.filter(is_active=True)
            types = ServiceType.objects.filter(is_active=True)
            sample = SessionForm(streams=streams, service_types=types)
            self._shared = {
                "streams": streams,
                "service_types": types,
                "choices": {
                    "stream": list(sample.fields["stream"].choices),  # type: ignore[attr-defined]
                    "service_types": list(sample.fields["service_types"].choices),  # type: ignore[attr-defined]
                },
            }
        return self._shared

    def session_data(self, sessions: list[Any]) -> tuple[list[Any], list[int]]:
        """(what to save, in order; ids to delete) from the valid forms."""
        from datetime import datetime

        from engage.groups.services import SessionData

        day = timezone.localtime(self.meeting.activity.starts_at).date()
        tz = timezone.get_current_timezone()
        data: list[SessionData] = []
        deleted: list[int] = []
        self._indexes: list[int] = []
        for index, form in enumerate(self.forms):
            cleaned = form.cleaned_data
            if not cleaned or form.is_blank_new:
                continue
            if cleaned.get("delete"):
                if cleaned.get("session_id"):
                    deleted.append(int(cleaned["session_id"]))
                continue
            data.append(
                SessionData(
                    pk=cleaned.get("session_id"),
                    title=cleaned["title"],
                    starts_at=datetime.combine(day, cleaned["starts"], tzinfo=tz),
                    ends_at=datetime.combine(day, cleaned["ends"], tzinfo=tz),
                    stream=cleaned.get("stream"),
                    service_types=tuple(cleaned.get("service_types") or ()),
                )
            )
            self._indexes.append(index)
        return data, deleted

    def add_session_errors(self, by_index: dict[int, str]) -> None:
        for position, message in by_index.items():
            self.forms[self._indexes[position]].add_error("starts", message)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, for the error summary."""
        return [
            (form[name].id_for_label, str(message))
            for form in self.forms
            for name, messages in form.errors.items()
            if name in form.fields
            for message in messages
        ]


SessionFormSet: type[BaseSessionFormSet] = forms.formset_factory(  # type: ignore[assignment]
    SessionForm, formset=BaseSessionFormSet, extra=1
)
