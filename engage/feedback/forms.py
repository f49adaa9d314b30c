"""Forms of the feedback app: the evaluation and survey forms, the builder, triage."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import HTML, Layout
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from engage.council.models import Officer
from engage.feedback.models import (
    EvaluationQuestion,
    FeedbackItem,
    FeedbackSource,
    OutcomeVerdict,
    Survey,
    SurveyQuestionKind,
    Theme,
)
from engage.feedback.services import OutcomeInput, QuestionInput
from engage.groups.models import EngagementGroup
from engage.market.models import Level, Locality, ServiceType


def _helper(*items: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if items:
        helper.layout = Layout(*items)
    return helper


class EvaluationForm(forms.Form):
    """The standard evaluation: one field per active question (``EvaluationQuestion``)."""

    def __init__(self, *args: Any, questions: list[EvaluationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        layout: list[Any] = []
        for question in questions:
            label = question.text + ("" if question.required else " (optional)")
            if question.is_scale:
                self.fields[question.key] = forms.TypedChoiceField(
                    label=label,
                    choices=[(str(v), text) for v, text in question.choices()],
                    coerce=int,
                    required=question.required,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Answer “{question.text}”"},
                )
                layout.append(Field.radios(question.key, legend_size=Size.MEDIUM, legend_tag="h2"))
            else:
                self.fields[question.key] = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": f"Answer “{question.text}”"},
                )
                layout.append(Field.textarea(question.key, label_size=Size.MEDIUM))
        self.helper = _helper(*layout)

    def answers(self) -> dict[str, Any]:
        return {q.key: self.cleaned_data.get(q.key) for q in self.questions}


class OutcomesForm(forms.Form):
    """Met, partly met or not met, with a note, for each outcome sought."""

    def __init__(self, *args: Any, outcomes: list[tuple[int, str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        layout: list[Any] = []
        for position, text, recorded in outcomes:
            self.fields[f"verdict_{position}"] = forms.ChoiceField(
                label=text,
                choices=OutcomeVerdict.choices,
                widget=forms.RadioSelect,
                initial=recorded.verdict if recorded else None,
                error_messages={"required": f"Say whether “{text}” was met"},
            )
            self.fields[f"note_{position}"] = forms.CharField(
                label="Note (optional)",
                required=False,
                initial=recorded.note if recorded else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            layout += [
                Field.radios(
                    f"verdict_{position}",
                    legend_size=Size.SMALL,
                    legend_tag="h3",
                    inline=True,
                ),
                f"note_{position}",
            ]
        self.helper = _helper(*layout)

    def results(self) -> list[OutcomeInput]:
        return [
            OutcomeInput(
                position=position,
                verdict=self.cleaned_data[f"verdict_{position}"],
                note=self.cleaned_data.get(f"note_{position}", ""),
            )
            for position, _, _ in self.outcomes
        ]


#: How many question rows the survey builder offers (empty rows are ignored).
BUILDER_ROWS = 8


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give the survey a title"})
    introduction = forms.CharField(
        label="Introduction (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    anonymous = forms.TypedChoiceField(
        label="Are responses anonymous?",
        choices=[
            ("yes", "Yes: responses keep no link to who gave them"),
            ("no", "No: we see who answered"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"required": "Say whether responses are anonymous"},
    )
    closes_on = DateInputField(label="Closing date", help_text="For example, 31 3 2027")
    service_types = forms.ModelMultipleChoiceField(
        label="Service types",
        queryset=ServiceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every service type.",
    )
    levels = forms.MultipleChoiceField(
        label="Levels",
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every level.",
    )
    localities = forms.ModelMultipleChoiceField(
        label="Localities",
        queryset=Locality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every locality.",
    )
    tier_one_only = forms.BooleanField(label="Tier One providers only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_types"].queryset = ServiceType.objects.all()  # type: ignore[attr-defined]
        self.fields["localities"].queryset = Locality.objects.filter(is_active=True)  # type: ignore[attr-defined]
        rows: list[Any] = []
        for n in range(1, BUILDER_ROWS + 1):
            self.fields[f"q{n}_text"] = forms.CharField(
                label="Question", required=False, max_length=300
            )
            self.fields[f"q{n}_kind"] = forms.ChoiceField(
                label="Kind of answer",
                choices=[("", "Choose"), *SurveyQuestionKind.choices],
                required=False,
            )
            self.fields[f"q{n}_options"] = forms.CharField(
                label="Choices, one a line (for one or several choices)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"q{n}_required"] = forms.BooleanField(
                label="An answer is required", required=False, initial=True
            )
            rows.append(
                Fieldset(
                    f"q{n}_text",
                    f"q{n}_kind",
                    f"q{n}_options",
                    Field.checkbox(f"q{n}_required"),
                    legend=f"Question {n}",
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = _helper(
            "title",
            "introduction",
            Field.radios("anonymous", legend_size=Size.SMALL),
            "closes_on",
            HTML('<h2 class="govuk-heading-l">Who it is for</h2>'),
            Field.checkboxes("service_types", legend_size=Size.SMALL, small=True),
            Field.checkboxes("levels", legend_size=Size.SMALL, small=True),
            Field.checkboxes("localities", legend_size=Size.SMALL, small=True),
            Field.checkbox("tier_one_only"),
            HTML(
                '<h2 class="govuk-heading-l">Questions</h2><p class="govuk-body">In the order '
                "they will be asked. Leave a row empty to skip it.</p>"
            ),
            *rows,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        questions: list[QuestionInput] = []
        for n in range(1, BUILDER_ROWS + 1):
            text = (data.get(f"q{n}_text") or "").strip()
            kind = data.get(f"q{n}_kind") or ""
            options = tuple(
                o.strip() for o in (data.get(f"q{n}_options") or "").splitlines() if o.strip()
            )
            if not text:
                continue
            if not kind:
                self.add_error(f"q{n}_kind", f"Question {n}: choose the kind of answer")
                continue
            if (
                kind in (SurveyQuestionKind.SINGLE, SurveyQuestionKind.MULTIPLE)
                and len(options) < 2
            ):
                self.add_error(f"q{n}_options", f"Question {n}: give at least two choices")
                continue
            questions.append(QuestionInput(text, kind, bool(data.get(f"q{n}_required")), options))
        if not questions and not self.errors:
            self.add_error("q1_text", "Write at least one question")
        data["questions"] = questions
        return data


class SurveyResponseForm(forms.Form):
    """A survey's questions as a form; field names are ``q<question id>``."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey_questions = list(survey.questions.all())
        layout: list[Any] = []
        for question in self.survey_questions:
            name = f"q{question.pk}"
            label = question.text + ("" if question.required else " (optional)")
            errors = {"required": f"Answer “{question.text}”"}
            if question.kind == SurveyQuestionKind.RATING:
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=[
                        (str(v), t)
                        for v, t in (
                            (5, "5 – Very good"),
                            (4, "4"),
                            (3, "3"),
                            (2, "2"),
                            (1, "1 – Very poor"),
                        )
                    ],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=question.required,
                    error_messages=errors,
                )
                layout.append(Field.radios(name, legend_size=Size.MEDIUM, legend_tag="h2"))
            elif question.kind == SurveyQuestionKind.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[(o, o) for o in question.options],
                    widget=forms.RadioSelect,
                    required=question.required,
                    error_messages=errors,
                )
                layout.append(Field.radios(name, legend_size=Size.MEDIUM, legend_tag="h2"))
            elif question.kind == SurveyQuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    choices=[(o, o) for o in question.options],
                    widget=forms.CheckboxSelectMultiple,
                    required=question.required,
                    help_text="Choose all that apply.",
                    error_messages={"required": f"Choose at least one answer to “{question.text}”"},
                )
                layout.append(Field.checkboxes(name, legend_size=Size.MEDIUM, legend_tag="h2"))
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages=errors,
                )
                layout.append(Field.textarea(name, label_size=Size.MEDIUM))
        self.helper = _helper(*layout)

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.survey_questions}


class FeedbackItemForm(forms.Form):
    text = forms.CharField(
        label="What providers said",
        help_text="In words fit to publish on “you said, we did”: no names.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what providers said"},
    )
    source = forms.ChoiceField(
        label="Where it came from",
        choices=FeedbackSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the feedback came from"},
    )
    received_on = DateInputField(label="When it was said", help_text="For example, 27 3 2026")
    group = forms.ModelChoiceField(
        label="Group (optional)",
        queryset=EngagementGroup.objects.none(),
        required=False,
        empty_label="No group",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = EngagementGroup.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["themes"].queryset = Theme.objects.all()  # type: ignore[attr-defined]
        self.helper = _helper(
            "text",
            Field.radios("source", legend_size=Size.SMALL),
            "received_on",
            "group",
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
        )


class TriageForm(forms.Form):
    group = forms.ModelChoiceField(
        label="Group (optional)",
        queryset=EngagementGroup.objects.none(),
        required=False,
        empty_label="No group",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    noted = forms.BooleanField(label="Noted: no action needed", required=False)

    def __init__(self, *args: Any, item: FeedbackItem, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"group": item.group_id, "themes": [t.pk for t in item.themes.all()]}
        )
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = EngagementGroup.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["themes"].queryset = Theme.objects.all()  # type: ignore[attr-defined]
        self.helper = _helper(
            "group",
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
            Field.checkbox("noted"),
        )


class ActionForm(forms.Form):
    title = forms.CharField(
        label="What will be done",
        max_length=250,
        error_messages={"required": "Say what will be done"},
    )
    owner = forms.ModelChoiceField(
        label="Owner", queryset=Officer.objects.none(), required=False, empty_label="Choose"
    )
    due_on = DateInputField(label="Due (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Officer.objects.filter(  # type: ignore[attr-defined]
            user__is_active=True
        ).select_related("user")
        self.fields["owner"].label_from_instance = lambda o: o.user.full_name  # type: ignore[attr-defined]
        self.helper = _helper("title", "owner", "due_on")


class WeDidForm(forms.Form):
    outcome = forms.CharField(
        label="What we did",
        help_text="Shown to providers on “you said, we did”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("outcome")
