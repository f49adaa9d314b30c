"""Forms of the enquiries pages (officer side and portal)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from engage.council.models import Officer, Team
from engage.enquiries.attachments import CheckedFile, check_upload, describe_limits
from engage.enquiries.models import Channel, Enquiry, EnquiryCategory, Status
from engage.enquiries.selectors import active_categories, officers_for_assignment
from engage.market.models import Contact, Provider


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked for size, type and content."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attach files (optional)")
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        from django.conf import settings

        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > settings.ENQUIRY_ATTACHMENTS_PER_MESSAGE:
            raise ValidationError(
                f"Attach at most {settings.ENQUIRY_ATTACHMENTS_PER_MESSAGE} files at a time"
            )
        checked: list[CheckedFile] = []
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                checked.append(check_upload(cast(UploadedFile[bytes], upload)))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


def _attachments() -> AttachmentsField:
    return AttachmentsField(help_text=describe_limits())


class CategoryChoiceForm(forms.Form):
    """Step one of a new enquiry in the portal: what it is about."""

    category = forms.ModelChoiceField(
        label="What is your enquiry about?",
        queryset=EnquiryCategory.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose what your enquiry is about"},
        to_field_name="slug",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["category"])  # type: ignore[type-arg]
        field.queryset = active_categories()


class ProviderEnquiryForm(forms.Form):
    """Step two of a new enquiry in the portal: the enquiry itself."""

    subject = forms.CharField(
        label="Subject",
        max_length=200,
        help_text="A few words, for example 'Invoice 4471 not paid'.",
        error_messages={"required": "Enter a subject"},
    )
    body = forms.CharField(
        label="Your enquiry",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter your enquiry"},
    )
    attachments = _attachments()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments()


class MessageForm(forms.Form):
    """The provider adds to the thread."""

    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your message"},
    )
    attachments = _attachments()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments()


class ReplyForm(forms.Form):
    """An officer's reply to the provider (emailed to them)."""

    prefix = "reply"

    body = forms.CharField(
        label="Reply to the provider",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The provider receives this by email and sees it in the portal.",
        error_messages={"required": "Enter your reply"},
    )
    then_status = forms.ChoiceField(
        label="After sending",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", "Keep working on it"),
            (Status.WAITING.value, "Wait for the provider (the resolution clock stops)"),
            (Status.RESOLVED.value, "Mark it resolved"),
        ],
        initial="",
    )
    attachments = _attachments()

    def __init__(self, *args: Any, enquiry: Enquiry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments()
        self.enquiry = enquiry

    def clean_then_status(self) -> str:
        value = str(self.cleaned_data.get("then_status") or "")
        if not value:
            return value
        current = self.enquiry.status
        # A reply first moves a new enquiry to in progress, then on from there.
        start = Status.IN_PROGRESS if current in {Status.NEW, Status.ACKNOWLEDGED} else current
        if value != start:
            from engage.enquiries.models import TRANSITIONS

            if value not in TRANSITIONS[start]:
                raise ValidationError(
                    f"An enquiry that is {Status(current).label.lower()} cannot be moved to "
                    f"{Status(value).label.lower()}"
                )
        return value


class NoteForm(forms.Form):
    prefix = "note"

    body = forms.CharField(
        label="Internal note",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For officers only: never shown or sent to the provider.",
        error_messages={"required": "Enter the note"},
    )
    attachments = _attachments()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments()


class StatusForm(forms.Form):
    prefix = "status"

    to_status = forms.ChoiceField(
        label="New status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the new status"},
    )
    note = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        help_text="Kept in the history. When you resolve an enquiry it is also sent to the provider.",
    )

    def __init__(self, *args: Any, enquiry: Enquiry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            Status.IN_PROGRESS: "In progress"
            if enquiry.status not in {Status.RESOLVED, Status.CLOSED}
            else "Reopen (in progress)",
        }
        field = cast(forms.ChoiceField, self.fields["to_status"])
        field.choices = [
            (s, labels.get(Status(s), Status(s).label)) for s in enquiry.allowed_statuses
        ]


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        officer = cast(Officer, obj)
        return f"{officer.user.full_name} ({officer.team.name})"


class ReassignForm(forms.Form):
    prefix = "reassign"

    owner = OfficerChoiceField(
        label="Officer",
        queryset=Officer.objects.none(),
        required=False,
        empty_label="No named officer: the team's queue",
    )
    team = forms.ModelChoiceField(
        label="Team queue",
        queryset=Team.objects.none(),
        required=False,
        empty_label="The officer's own team",
        help_text="Used when no officer is chosen: the team takes it from its queue.",
    )
    note = forms.CharField(label="Why (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = officers_for_assignment()  # type: ignore[type-arg]
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(  # type: ignore[type-arg]
            is_active=True
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("owner") and not cleaned.get("team"):
            self.add_error("owner", "Choose an officer or a team queue")
        return cleaned


class ContactChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        contact = cast(Contact, obj)
        title = f", {contact.job_title}" if contact.job_title else ""
        return f"{contact.name}{title}"


class LogEnquiryForm(forms.Form):
    """An officer logs an enquiry received by phone or email."""

    channel = forms.ChoiceField(
        label="How was it received?",
        widget=forms.RadioSelect,
        choices=[(Channel.PHONE.value, "By phone"), (Channel.EMAIL.value, "By email")],
        error_messages={"required": "Choose how it was received"},
    )
    contact = ContactChoiceField(
        label="Who raised it",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="Someone not in the list (type their name below)",
    )
    contact_name = forms.CharField(label="Their name", max_length=150, required=False)
    contact_email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="The acknowledgement and replies go here. Leave it empty if they have none.",
    )
    category = forms.ModelChoiceField(
        label="Category",
        queryset=EnquiryCategory.objects.none(),
        empty_label="Choose a category",
        error_messages={"required": "Choose a category"},
    )
    received_on = forms.DateField(
        label="Date received",
        help_text="For example 2026-03-27.",
        error_messages={"required": "Enter the date it was received"},
    )
    received_time = forms.TimeField(
        label="Time received", help_text="For example 14:30.", required=False
    )
    subject = forms.CharField(
        label="Subject", max_length=200, error_messages={"required": "Enter a subject"}
    )
    body = forms.CharField(
        label="The enquiry",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the provider asked, in their words as far as you can.",
        error_messages={"required": "Enter the enquiry"},
    )
    attachments = _attachments()

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["attachments"] = _attachments()
        cast(forms.ModelChoiceField, self.fields["contact"]).queryset = Contact.objects.filter(  # type: ignore[type-arg]
            provider=provider, is_active=True, erased_at__isnull=True
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = active_categories()  # type: ignore[type-arg]
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contact = cleaned.get("contact")
        if contact is None and not (cleaned.get("contact_name") or "").strip():
            self.add_error("contact_name", "Choose who raised it or type their name")
        day = cleaned.get("received_on")
        if day is not None:
            at = cleaned.get("received_time") or time(9, 0)
            moment = datetime.combine(day, at, tzinfo=timezone.get_current_timezone())
            if moment > timezone.now():
                self.add_error("received_on", "The date and time received cannot be in the future")
            cleaned["received_at"] = moment
        return cleaned


class CategoryForm(forms.ModelForm[EnquiryCategory]):
    class Meta:
        model = EnquiryCategory
        fields = [
            "name",
            "description",
            "first_response_days",
            "resolve_days",
            "route",
            "team",
            "is_safeguarding",
            "position",
            "is_active",
        ]
        widgets = {"route": forms.RadioSelect}
        labels = {"is_active": "In use (providers can choose it)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["slug"] = forms.SlugField(
                label="Short name for links",
                max_length=60,
                help_text="Lower case letters, numbers and hyphens, e.g. 'payments'.",
            )

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if EnquiryCategory.objects.filter(slug=slug).exists():
            raise ValidationError("Another category already uses this short name")
        return slug


class PeriodForm(forms.Form):
    start = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    end = forms.DateField(label="To (YYYY-MM-DD)", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        return cleaned
