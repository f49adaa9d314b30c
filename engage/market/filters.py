"""The filters of the market lists, defined once for the pages and the API.

Each list has one form (``ProviderFilterForm``, ``ServiceFilterForm``, ``ContactFilterForm``)
that reads the query string and produces a frozen dataclass (``ProviderFilters``, ...); the
selectors apply the dataclass. The API builds the same form from its query parameters, so a
page and an endpoint given the same parameters list the same rows.

Filters on service attributes (locality, service type, rating, contracted) match when one
active service has all of them together: "a provider with a contracted residential home in
Mid Essex rated Good".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from django import forms
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator

from engage.council.models import Officer
from engage.market.caching import filter_choices
from engage.market.models import Association, Level, Locality, Rating, ServiceType

#: How "not rated yet" is written in a query string (the stored value is "").
NOT_RATED = "not-rated"

YES_NO_ANY = [("", "Any"), ("yes", "Yes"), ("no", "No")]

AssociationFilter = int | Literal["any", "none"] | None
_FormT = TypeVar("_FormT", bound="_MarketFilterForm")


@dataclass(frozen=True)
class MarketFilters:
    """What every market list can be narrowed by. Empty means "do not narrow"."""

    search: str = ""
    localities: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()
    #: Rating values as stored ("" is "not rated yet").
    ratings: tuple[str, ...] = ()
    tier_one: bool | None = None
    #: An association's id (a current member), "any" (of some association) or "none".
    association: AssociationFilter = None
    contracted: bool | None = None

    @property
    def narrows_services(self) -> bool:
        """True when a filter on the attributes of services is set."""
        return bool(
            self.localities or self.service_types or self.ratings or self.contracted is not None
        )


@dataclass(frozen=True)
class ProviderFilters(MarketFilters):
    #: An officer's id, or 0 for "no contract manager".
    contract_manager: int | None = None
    include_inactive: bool = False


@dataclass(frozen=True)
class ServiceFilters(MarketFilters):
    status: Literal["active", "deregistered", "all"] = "active"
    provider: int | None = None


@dataclass(frozen=True)
class ContactFilters(MarketFilters):
    levels: tuple[str, ...] = ()
    #: True: only those who may be emailed; False: only those who may not.
    emailable: bool | None = None
    include_left: bool = False
    provider: int | None = None


def _read_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of the filters that come from the database, as ``(value, label)`` text."""
    return {
        "locality": list(
            Locality.objects.filter(is_active=True).values_list("slug", "name").order_by("name")
        ),
        "service_type": list(
            ServiceType.objects.filter(is_active=True).values_list("slug", "name")
        ),
        "association": [
            (str(pk), name)
            for pk, name in Association.objects.filter(is_active=True).values_list("pk", "name")
        ],
        "contract_manager": [
            (str(pk), name)
            for pk, name in Officer.objects.filter(user__is_active=True)
            .values_list("pk", "user__full_name")
            .order_by("user__full_name")
        ],
    }


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class _ChoicesOnce(BaseChoiceIterator):
    """Choices read from the database when first needed (to show the field, or to check a
    value given for it), and then kept: the API, which shows no form, reads only the choices
    of the filters it is given.

    A choice iterator of its own rather than a callable: Django normalises a callable's
    choices again on every iteration, and the contract manager filter lists every officer.
    ``fetch`` gives ``(value, label)`` pairs of text, already in normal form.
    """

    def __init__(self, fetch: Callable[[], Iterable[tuple[str, str]]]) -> None:
        self.fetch = fetch
        self.kept: list[tuple[str, str]] | None = None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if self.kept is None:
            self.kept = list(self.fetch())
        return iter(self.kept)


class _MarketFilterForm(forms.Form):
    """The fields every market list shares. Choices are read from the database once per form."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    locality = forms.MultipleChoiceField(
        label="Locality", required=False, widget=forms.CheckboxSelectMultiple
    )
    service_type = forms.MultipleChoiceField(
        label="Service type", required=False, widget=forms.CheckboxSelectMultiple
    )
    rating = forms.MultipleChoiceField(
        label="CQC rating",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(value or NOT_RATED, label) for value, label in Rating.choices],
    )
    tier_one = forms.ChoiceField(label="Tier One", required=False, choices=YES_NO_ANY)
    association = forms.ChoiceField(label="Association", required=False)
    contracted = forms.ChoiceField(
        label="Contracted with the council", required=False, choices=YES_NO_ANY
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._all_choices: dict[str, list[tuple[str, str]]] | None = None
        self._choices("locality").choices = _ChoicesOnce(lambda: self._choice_list("locality"))
        self._choices("service_type").choices = _ChoicesOnce(
            lambda: self._choice_list("service_type")
        )
        self._choices("association").choices = _ChoicesOnce(
            lambda: [
                ("", "Any or none"),
                ("any", "A member of any association"),
                ("none", "Not a member of any association"),
                *self._choice_list("association"),
            ]
        )

    def _choice_list(self, name: str) -> list[tuple[str, str]]:
        """The choices read from the database for field ``name``: every filter's, read once
        per form, from the register's cache while the register is unchanged."""
        if self._all_choices is None:
            self._all_choices = filter_choices(_read_choices)
        return self._all_choices[name]

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def _common(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound else {}
        association_raw = data.get("association") or ""
        association: AssociationFilter = None
        if association_raw == "any":
            association = "any"
        elif association_raw == "none":
            association = "none"
        elif association_raw:
            association = int(association_raw)
        return {
            "search": (data.get("q") or "").strip(),
            "localities": tuple(data.get("locality") or ()),
            "service_types": tuple(data.get("service_type") or ()),
            "ratings": tuple(
                "" if value == NOT_RATED else value for value in data.get("rating") or ()
            ),
            "tier_one": _yes_no(data.get("tier_one")),
            "association": association,
            "contracted": _yes_no(data.get("contracted")),
        }

    def _valid_data(self) -> None:
        """Run validation; fields with errors are left out of the filters (and shown)."""
        if self.is_bound:
            self.is_valid()

    @property
    def is_filtered(self) -> bool:
        """True when any filter other than the search box is set."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in self.fields if name != "q")


class ProviderFilterForm(_MarketFilterForm):
    contract_manager = forms.ChoiceField(label="Contract manager", required=False)
    include_inactive = forms.BooleanField(
        label="Include providers with no registered service", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("contract_manager").choices = _ChoicesOnce(
            lambda: [
                ("", "Anyone or no one"),
                ("0", "No contract manager"),
                *self._choice_list("contract_manager"),
            ]
        )

    def filters(self) -> ProviderFilters:
        self._valid_data()
        data = self.cleaned_data if self.is_bound else {}
        manager = data.get("contract_manager") or ""
        return ProviderFilters(
            **self._common(),
            contract_manager=int(manager) if manager else None,
            include_inactive=bool(data.get("include_inactive")),
        )


class ServiceFilterForm(_MarketFilterForm):
    status = forms.ChoiceField(
        label="Registration",
        required=False,
        choices=[
            ("", "Registered (active)"),
            ("deregistered", "Deregistered"),
            ("all", "Registered or deregistered"),
        ],
    )
    provider = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> ServiceFilters:
        self._valid_data()
        data = self.cleaned_data if self.is_bound else {}
        status = data.get("status") or ""
        return ServiceFilters(
            **self._common(),
            status="all" if status == "all" else "deregistered" if status else "active",
            provider=data.get("provider"),
        )


class ContactFilterForm(_MarketFilterForm):
    level = forms.MultipleChoiceField(
        label="Level", required=False, widget=forms.CheckboxSelectMultiple, choices=Level.choices
    )
    emailable = forms.ChoiceField(
        label="Can be emailed",
        required=False,
        choices=YES_NO_ANY,
        help_text="Has an address, agreed to emails and has not unsubscribed.",
    )
    include_left = forms.BooleanField(label="Include people who have left", required=False)
    provider = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> ContactFilters:
        self._valid_data()
        data = self.cleaned_data if self.is_bound else {}
        return ContactFilters(
            **self._common(),
            levels=tuple(data.get("level") or ()),
            emailable=_yes_no(data.get("emailable")),
            include_left=bool(data.get("include_left")),
            provider=data.get("provider"),
        )


def bound(form_class: type[_FormT], params: QueryDict | dict[str, Any]) -> _FormT:
    """A filter form bound to ``params`` (a query string, or the API's parameters)."""
    if isinstance(params, QueryDict):
        return form_class(params)
    data = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list | tuple):
            data.setlist(key, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None and value != "":
            data[key] = str(value)
    return form_class(data)
