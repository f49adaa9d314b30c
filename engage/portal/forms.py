"""Forms of the provider portal: the organisation's details and its people."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from engage.market.models import Contact, Level, Provider, Service


class OrganisationForm(forms.ModelForm[Provider]):
    website = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = Provider
        fields = ["phone", "email", "website"]
        labels = {"phone": "General phone number", "email": "General email address"}


class ContactForm(forms.Form):
    """A person at the organisation and their email preferences (a plain form: the service
    compares the old preferences with the new ones to record when they changed)."""

    name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter their full name"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)
    level = forms.ChoiceField(
        label="Which level do they work at?",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level they work at"},
    )
    email = forms.EmailField(label="Email address (optional)", required=False)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    services = forms.ModelMultipleChoiceField(
        label="Where do they work? (optional)",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty if they work across your organisation.",
    )
    email_consent = forms.BooleanField(
        label="They agree to receive emails from the council about engagement", required=False
    )
    unsubscribed = forms.BooleanField(
        label="Unsubscribe them from all engagement emails", required=False
    )

    def __init__(
        self, *args: Any, provider: Provider, contact: Contact | None = None, **kwargs: Any
    ) -> None:
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": contact.name,
                "job_title": contact.job_title,
                "level": contact.level,
                "email": contact.email,
                "phone": contact.phone,
                "services": list(contact.services.all()),
                "email_consent": contact.email_consent,
                "unsubscribed": contact.unsubscribed,
            }
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["services"])  # type: ignore[type-arg]
        field.queryset = Service.objects.filter(
            provider=provider, status=Service.Status.ACTIVE
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("email_consent") and not cleaned.get("email"):
            self.add_error(
                "email", "Enter their email address, or untick that they agree to emails"
            )
        return cleaned
