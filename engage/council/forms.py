from __future__ import annotations

from typing import Any

from django import forms

from engage.accounts.models import Role, User
from engage.council.models import Councillor, Officer, PartnerOrganisation, PartnerPerson, Team
from engage.council.services import OFFICER_ROLES
from engage.market.models import Locality


class TeamForm(forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "description", "email", "officers_out_at_once", "is_active"]
        labels = {"is_active": "The team is active"}
        widgets = {
            "officers_out_at_once": forms.NumberInput(
                attrs={"class": "govuk-input govuk-input--width-3"}
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, a new team keeps the default (1) and an existing one its capacity.
        self.fields["officers_out_at_once"].required = False

    def clean_officers_out_at_once(self) -> int:
        value = self.cleaned_data.get("officers_out_at_once")
        if value is None:
            return int(self.instance.officers_out_at_once)
        return int(value)


class OfficerForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="Work email address", help_text="They sign in with this address."
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[(r.value, r.label) for r in OFFICER_ROLES],
        widget=forms.RadioSelect,
        initial=Role.OFFICER,
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.filter(is_active=True), empty_label="Choose a team"
    )
    job_title = forms.CharField(label="Job title", max_length=150)
    locality = forms.ModelChoiceField(
        label="Locality (optional)",
        queryset=Locality.objects.filter(is_active=True),
        required=False,
        empty_label="Not tied to a locality",
        help_text="Local Delivery Directors own the forums of their locality.",
    )
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)

    def __init__(self, *args: Any, officer: Officer | None = None, **kwargs: Any) -> None:
        self.officer = officer
        if officer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": officer.user.full_name,
                "email": officer.user.email,
                "role": officer.user.role,
                "team": officer.team,
                "job_title": officer.job_title,
                "locality": officer.locality,
                "phone": officer.phone,
            }
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        clash = User.objects.filter(email__iexact=email)
        if self.officer is not None:
            clash = clash.exclude(pk=self.officer.user_id)
        if clash.exists():
            raise forms.ValidationError("Another account already uses this email address")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") == Role.LDD and not cleaned.get("locality"):
            self.add_error("locality", "Choose the locality this Local Delivery Director covers")
        return cleaned


class PartnerOrganisationForm(forms.ModelForm[PartnerOrganisation]):
    website = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "website", "email"]
        widgets = {"kind": forms.RadioSelect}


class PartnerPersonForm(forms.ModelForm[PartnerPerson]):
    class Meta:
        model = PartnerPerson
        fields = ["organisation", "name", "job_title", "email", "phone", "is_active"]
        labels = {"is_active": "Still works with us"}


class CouncillorForm(forms.ModelForm[Councillor]):
    class Meta:
        model = Councillor
        fields = ["name", "division", "portfolio", "email", "is_active"]
        labels = {"is_active": "Currently a councillor"}
