"""Forms of forward plans, agendas, notes and actions."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from engage.groups.forms import OfficerChoiceField, active_officers
from engage.groups.models import ActionStatus, ForwardPlanItem, ItemOutcome, Meeting


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProposeItemForm(_Form):
    title = forms.CharField(
        label="What should the group discuss?",
        max_length=200,
        error_messages={"required": "Enter what the group should discuss"},
    )
    detail = forms.CharField(
        label="Why does it matter? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you would like the meeting to consider or decide.",
    )


class DeclineItemForm(_Form):
    reason = forms.CharField(
        label="Why is it declined?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Whoever proposed the item reads this.",
        error_messages={"required": "Say why the item is declined: the proposer sees it"},
    )


class MeetingChoiceField(forms.ModelChoiceField[Meeting]):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.activity.starts_at:%-d %B %Y} – {obj.activity.title}"


class ScheduleItemForm(_Form):
    meeting = MeetingChoiceField(
        label="Which meeting's agenda?",
        queryset=Meeting.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a meeting"},
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.helper.layout = Layout(Field.radios("meeting", legend_size=Size.MEDIUM))


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(
        label="What did the meeting do with the item?",
        choices=ItemOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    text = forms.CharField(
        label="The decision, or what was noted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for a decision: its words as agreed.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM), Field.textarea("text")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ItemOutcome.DECISION and not data.get("text", "").strip():
            self.add_error("text", "Write down the decision")
        return data


class NotesForm(_Form):
    body = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Markdown: ## for a heading, - for a list item, **bold**. Each save keeps a "
        "revision.",
    )


class ActionForm(_Form):
    title = forms.CharField(
        label="What is to be done?",
        max_length=250,
        error_messages={"required": "Enter what is to be done"},
    )
    description = forms.CharField(
        label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda_item: forms.ModelChoiceField[ForwardPlanItem] = forms.ModelChoiceField(
        label="From agenda item (optional)", queryset=None, required=False
    )
    owner = OfficerChoiceField(label="Officer who owns it", queryset=None, required=False)
    owner_name = forms.CharField(
        label="Or someone outside the council",
        required=False,
        max_length=200,
        help_text="For example, a provider's manager or an NHS colleague.",
    )
    due_on = DateInputField(label="Due", help_text="For example, 27 3 2027")

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items  # type: ignore[attr-defined]
        self.fields["owner"].queryset = active_officers()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner") and not data.get("owner_name", "").strip():
            self.add_error("owner", "Choose the officer who owns the action, or name its owner")
        if data.get("owner") and data.get("owner_name", "").strip():
            self.add_error("owner_name", "Choose an officer or name someone else, not both")
        return data


class ActionUpdateForm(_Form):
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note of progress",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.CharField(
        label="What was done",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the action is done: providers read it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field.textarea("note"),
            Field.textarea("outcome"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ActionStatus.DONE and not data.get("outcome", "").strip():
            self.add_error("outcome", "Say what was done: providers read it")
        return data
