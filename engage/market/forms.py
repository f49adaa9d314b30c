"""Forms of the market register: what officers type, checked with messages they understand."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from engage.council.models import Officer
from engage.market.models import (
    Association,
    AssociationMembership,
    Contact,
    Level,
    Locality,
    Provider,
    Rating,
    Service,
    ServiceType,
)

CQC_ID = re.compile(r"1-\d{5,12}")
#: Text inputs, so that crispy-forms-gds styles them; the fields still check what is typed.
URL_INPUT = forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false"})
NUMBER_INPUT = forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"})
CARE_HOME_TYPES = {"residential", "nursing"}


class DateField(DateInputField):  # type: ignore[misc]
    """The GOV.UK date input (day, month, year) with plain-English errors."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.require_all_fields = False

    def compress(self, data_list: Any) -> date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError("Enter a real date, for example 27 3 2026") from None


class OfficerChoiceField(forms.ModelChoiceField[Officer]):
    def label_from_instance(self, obj: Officer) -> str:
        return f"{obj.user.full_name} ({obj.team.name})"


def contract_managers() -> QuerySet[Officer]:
    return (
        Officer.objects.filter(user__is_active=True)
        .select_related("user", "team")
        .order_by("user__full_name")
    )


def _check_cqc_id(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if value and not CQC_ID.fullmatch(value):
        raise ValidationError(
            f"Enter the CQC {what} ID as it is on the CQC's website, like 1-101668990"
        )
    return value


class ProviderForm(forms.ModelForm[Provider]):
    contract_manager = OfficerChoiceField(
        label="Contract manager (optional)",
        queryset=Officer.objects.none(),
        required=False,
        empty_label="No contract manager",
    )
    website = forms.URLField(
        label="Website (optional)", required=False, assume_scheme="https", widget=URL_INPUT
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "cqc_provider_id",
            "is_tier_one",
            "contract_manager",
            "address",
            "postcode",
            "phone",
            "email",
            "website",
            "is_active",
        ]
        labels = {
            "name": "Name, as registered with the CQC",
            "cqc_provider_id": "CQC provider ID (optional)",
            "is_tier_one": "A Tier One provider",
            "address": "Head office address (optional)",
            "postcode": "Postcode (optional)",
            "phone": "Phone (optional)",
            "email": "General email address (optional)",
            "is_active": "Still provides care (has a registered service)",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"required": "Enter the provider's name"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = cast(forms.ModelChoiceField[Officer], self.fields["contract_manager"])
        manager.queryset = contract_managers()

    def clean_cqc_provider_id(self) -> str | None:
        value = _check_cqc_id(self.cleaned_data.get("cqc_provider_id"), "provider")
        if value:
            clash = Provider.objects.filter(cqc_provider_id=value).exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(f"{clash.get().name} already has this CQC provider ID")
        return value or None


class ServiceForm(forms.ModelForm[Service]):
    service_types = forms.ModelMultipleChoiceField(
        label="Service types",
        queryset=ServiceType.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one service type"},
    )
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.filter(is_active=True),
        required=False,
        empty_label="Not in one of our localities",
    )
    rating = forms.ChoiceField(
        label="Latest CQC rating", choices=Rating.choices, required=False, widget=forms.RadioSelect
    )
    rating_date = DateField(label="Date of the rating (optional)", required=False)
    registered_since = DateField(label="Registered with the CQC since (optional)", required=False)
    deregistered_on = DateField(
        label="Deregistered on",
        required=False,
        help_text="Only for a service that is no longer registered. Today, if you leave it empty.",
    )
    website = forms.URLField(
        label="Website (optional)", required=False, assume_scheme="https", widget=URL_INPUT
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "cqc_location_id",
            "service_types",
            "locality",
            "address",
            "postcode",
            "local_authority",
            "beds",
            "rating",
            "rating_date",
            "is_contracted",
            "status",
            "deregistered_on",
            "registered_since",
            "phone",
            "website",
        ]
        labels = {
            "name": "Name of the service",
            "cqc_location_id": "CQC location ID (optional)",
            "address": "Address",
            "postcode": "Postcode",
            "local_authority": "Local authority (optional)",
            "beds": "Registered beds",
            "is_contracted": "The council has a contract with this service",
            "status": "Registration",
            "phone": "Phone (optional)",
        }
        help_texts = {"beds": "For care homes.", "local_authority": "As the CQC records it."}
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
            "beds": NUMBER_INPUT,
        }
        error_messages = {
            "name": {"required": "Enter the name of the service"},
            "beds": {"invalid": "Enter the number of beds as a whole number, like 24"},
            "status": {"required": "Choose whether the service is registered"},
        }

    def clean_cqc_location_id(self) -> str | None:
        value = _check_cqc_id(self.cleaned_data.get("cqc_location_id"), "location")
        if value:
            clash = Service.objects.filter(cqc_location_id=value).exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(f"{clash.get().name} already has this CQC location ID")
        return value or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        types = {t.slug for t in cleaned.get("service_types") or ()}
        if types & CARE_HOME_TYPES and cleaned.get("beds") in (None, ""):
            self.add_error("beds", "Enter the number of registered beds of this care home")
        if cleaned.get("rating_date") and not cleaned.get("rating"):
            self.add_error(
                "rating_date", "Choose the rating this date is for, or leave the date empty"
            )
        today = timezone.localdate()
        for name in ("rating_date", "registered_since", "deregistered_on"):
            value = cleaned.get(name)
            if value and value > today:
                self.add_error(name, "The date must be today or in the past")
        if cleaned.get("status") == Service.Status.ACTIVE and cleaned.get("deregistered_on"):
            self.add_error(
                "deregistered_on",
                "A registered service has no date of deregistration; choose Deregistered or leave the date empty",
            )
        return cleaned


class ContactForm(forms.ModelForm[Contact]):
    services = forms.ModelMultipleChoiceField(
        label="Works at (optional)",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for someone who works across the provider.",
    )

    class Meta:
        model = Contact
        fields = [
            "name",
            "level",
            "job_title",
            "email",
            "phone",
            "services",
            "email_consent",
            "unsubscribed",
            "is_active",
        ]
        labels = {
            "name": "Full name",
            "level": "Level",
            "job_title": "Job title (optional)",
            "email": "Email address (optional)",
            "phone": "Phone (optional)",
            "email_consent": "They have agreed to receive emails from the council",
            "unsubscribed": "They have unsubscribed from our mailings",
            "is_active": "Still works at this provider",
        }
        widgets = {"level": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter their full name"},
            "level": {"required": "Choose the level they work at"},
            "email": {"invalid": "Enter an email address like name@example.org"},
        }

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = cast(forms.ModelMultipleChoiceField[Service], self.fields["services"])
        services.queryset = Service.objects.filter(provider=provider).order_by("name")
        level = cast(forms.ChoiceField, self.fields["level"])
        level.choices = Level.choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("email_consent") and not cleaned.get("email"):
            self.add_error("email", "Enter their email address, or untick their consent to emails")
        return cleaned


class AssociationForm(forms.ModelForm[Association]):
    website = forms.URLField(
        label="Website (optional)", required=False, assume_scheme="https", widget=URL_INPUT
    )

    class Meta:
        model = Association
        fields = ["name", "short_name", "kind", "website", "description"]
        labels = {
            "short_name": "Short name or initials (optional)",
            "kind": "Kind of association",
            "description": "Description (optional)",
        }
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": "Enter the name of the association"},
            "kind": {"required": "Choose the kind of association"},
        }


class MembershipForm(forms.Form):
    association = forms.ModelChoiceField(
        label="Association",
        queryset=Association.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose an association",
        error_messages={"required": "Choose an association"},
    )
    start = DateField(label="Member since")
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        self.provider = provider
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        association, start = cleaned.get("association"), cleaned.get("start")
        if association and start:
            if start > timezone.localdate():
                self.add_error("start", "The date must be today or in the past")
            try:
                AssociationMembership(
                    association=association, provider=self.provider, start=start
                ).clean()
            except ValidationError as error:
                self.add_error("start", error)
        return cleaned


class EndMembershipForm(forms.Form):
    end = DateField(label="Last day as a member")

    def __init__(self, *args: Any, membership: AssociationMembership, **kwargs: Any) -> None:
        self.membership = membership
        kwargs.setdefault("initial", {"end": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_end(self) -> date:
        end: date = self.cleaned_data["end"]
        if end < self.membership.start:
            raise ValidationError(
                f"The membership started on {self.membership.start:%d/%m/%Y}; it cannot end before that"
            )
        return end


class MergeForm(forms.Form):
    associations = forms.ModelMultipleChoiceField(
        label="Associations to merge",
        queryset=Association.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select two or more.",
        error_messages={"required": "Select the associations that are merging"},
    )
    name = forms.CharField(
        label="Name of the new association",
        max_length=200,
        error_messages={"required": "Enter the name of the new association"},
    )
    short_name = forms.CharField(
        label="Short name or initials (optional)", max_length=20, required=False
    )
    kind = forms.ChoiceField(
        label="Kind of association",
        choices=Association.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of association"},
    )
    merged_on = DateField(label="Date of the merger", help_text="For example, 1 4 2026")

    def clean_associations(self) -> list[Association]:
        chosen = list(self.cleaned_data["associations"])
        if len(chosen) < 2:
            raise ValidationError("Select at least two associations to merge")
        return chosen

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if Association.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).exists():
            raise ValidationError("An association with this name already exists")
        return name

    def clean_merged_on(self) -> date:
        merged_on: date = self.cleaned_data["merged_on"]
        if merged_on > timezone.localdate():
            raise ValidationError("The date of the merger must be today or in the past")
        return merged_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen, merged_on = cleaned.get("associations"), cleaned.get("merged_on")
        if chosen and merged_on:
            later = AssociationMembership.objects.filter(
                association__in=chosen, start__gt=merged_on
            ).filter(Q(end__isnull=True) | Q(end__gte=merged_on))
            if later.exists():
                self.add_error(
                    "merged_on",
                    "Some memberships of these associations start after this date; choose a later date",
                )
        return cleaned


BULK_ACTIONS = [
    ("tier-one", "Mark as Tier One"),
    ("not-tier-one", "Remove Tier One"),
    ("contract-manager", "Assign a contract manager"),
]


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label="With the selected providers",
        choices=BULK_ACTIONS,
        error_messages={"required": "Choose what to do with the selected providers"},
    )
    provider = forms.ModelMultipleChoiceField(
        label="Providers",
        queryset=Provider.objects.all(),
        error_messages={"required": "Select at least one provider"},
    )
    contract_manager = forms.ChoiceField(label="Contract manager", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = cast(forms.ChoiceField, self.fields["contract_manager"])
        manager.choices = [
            ("", "Choose an officer"),
            ("none", "No one: remove the contract manager"),
        ] + [
            (str(officer.pk), f"{officer.user.full_name} ({officer.team.name})")
            for officer in contract_managers()
        ]

    def chosen_manager(self) -> tuple[bool, Officer | None]:
        """(whether a choice was made, the officer or None for "no one")."""
        value = self.cleaned_data.get("contract_manager") or ""
        if not value:
            return False, None
        if value == "none":
            return True, None
        return True, contract_managers().get(pk=int(value))


class CqcUploadForm(forms.Form):
    file = forms.FileField(
        label="CQC file",
        error_messages={"required": "Choose the CQC file to import"},
        help_text="The CQC's care directory (CSV) or HSCA Active Locations file (CSV or XLSX).",
    )
    local_authorities = forms.CharField(
        label="Local authorities (optional)",
        required=False,
        max_length=500,
        help_text="Only import these, as the CQC names them, separated by commas (for example: Essex, Southend-on-Sea, Thurrock).",
    )
    dry_run = forms.BooleanField(
        label="Only check the file: write nothing", required=False, initial=False
    )
    deregister = forms.BooleanField(
        label="Mark services missing from the file as deregistered", required=False, initial=True
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError("The file must be a CSV or an Excel (.xlsx) file")
        return upload

    def areas(self) -> list[str]:
        raw = str(self.cleaned_data.get("local_authorities") or "")
        return [part.strip() for part in raw.split(",") if part.strip()]
