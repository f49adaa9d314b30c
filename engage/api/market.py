"""API of the market register: providers, services, contacts, localities, service types.

The lists take the same filters as the pages (``engage.market.filters``: the same form reads
both), so an endpoint and a page given the same parameters list the same rows. Provider users
see only their own organisation: their provider, its services and its contacts.
"""

# No ``from __future__ import annotations`` here: django-ninja builds its query-parameter model
# from the endpoints' annotations and cannot resolve them when they are strings.

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel

from engage.api.pagination import EngagePagination, PageRows
from engage.api.schemas import COMMON_ERRORS, ErrorOut, PathId, RefOut
from engage.market import selectors
from engage.market.caching import cached_page
from engage.market.filters import (
    ContactFilterForm,
    ProviderFilterForm,
    ProviderFilters,
    ServiceFilterForm,
    bound,
)
from engage.market.models import Contact, Locality, Provider, Service, ServiceType

router = Router(tags=["market"])

# --------------------------------------------------------------------------------------------
# Filters (the names and meanings of engage.market.filters; a test keeps them the same)
# --------------------------------------------------------------------------------------------


class MarketQuery(Schema):
    q: str = Field("", description="Search text")
    locality: list[str] = Field(default_factory=list, description="Locality slugs (any of)")
    service_type: list[str] = Field(default_factory=list, description="Service type slugs (any of)")
    rating: list[str] = Field(
        default_factory=list,
        description="CQC ratings (any of): outstanding, good, requires-improvement, inadequate, not-rated",
    )
    tier_one: str = Field("", description="yes or no")
    association: str = Field("", description="An association's id, 'any' or 'none'")
    contracted: str = Field("", description="yes or no: has a service contracted with the council")


class ProviderQuery(MarketQuery):
    contract_manager: str = Field("", description="An officer's id, or 0 for none")
    include_inactive: bool = Field(
        False, description="Include providers with no registered service"
    )


class ServiceQuery(MarketQuery):
    status: str = Field("", description="'' (registered), 'deregistered' or 'all'")
    provider: int | None = Field(None, description="A provider's id")


class ContactQuery(MarketQuery):
    level: list[str] = Field(default_factory=list, description="owner, manager, worker (any of)")
    emailable: str = Field("", description="yes or no")
    include_left: bool = Field(False, description="Include people who have left")
    provider: int | None = Field(None, description="A provider's id")


def _valid(form: Any) -> Any:
    """The form's filters, or a 422 naming each parameter that is wrong."""
    if not form.is_valid():
        raise ValidationError(
            [f"{name}: {message}" for name, messages in form.errors.items() for message in messages]
        )
    return form.filters()


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


class LocalityOut(Schema):
    id: int
    name: str
    slug: str
    districts: list[str]
    postcode_districts: list[str]


class ServiceTypeOut(Schema):
    id: int
    name: str
    slug: str
    description: str


# AssociationRefOut and ProviderOut are plain pydantic models, not ninja ``Schema``s: the list
# gives them dictionaries with exactly their keys (``_provider_items``), which pydantic checks
# without a Python call per field of each row. (No docstrings: they would become descriptions
# in the OpenAPI document.)
class AssociationRefOut(BaseModel):
    id: int
    name: str
    short_name: str


class ProviderOut(BaseModel):
    id: int
    name: str
    cqc_provider_id: str | None
    is_tier_one: bool
    is_active: bool
    contract_manager: RefOut | None
    active_services: int = Field(description="Registered services")
    total_beds: int = Field(description="Beds of its registered services")
    locality_count: int = Field(description="Localities of its registered services")
    associations: list[AssociationRefOut] = Field(description="Current memberships")


def _provider_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of ``selectors.provider_rows`` as ``ProviderOut`` names its fields, with the
    providers' current associations (one query for the page)."""
    return [
        {
            "id": row["pk"],
            "name": row["name"],
            "cqc_provider_id": row["cqc_provider_id"],
            "is_tier_one": row["is_tier_one"],
            "is_active": row["is_active"],
            "contract_manager": {
                "id": row["contract_manager_id"],
                "name": row["contract_manager__user__full_name"],
            }
            if row["contract_manager_id"] is not None
            else None,
            "active_services": row["active_services"],
            "total_beds": row["total_beds"],
            "locality_count": row["locality_count"],
            "associations": [
                {"id": pk, "name": name, "short_name": short_name}
                for pk, name, short_name in row["associations"]
            ],
        }
        for row in selectors.with_current_associations(rows)
    ]


class ServiceOut(Schema):
    id: int
    name: str
    cqc_location_id: str | None
    provider: RefOut | None
    service_types: list[str] = Field(description="Service type slugs")
    locality: str | None = Field(description="Locality slug")
    address: str
    postcode: str
    local_authority: str
    beds: int | None
    rating: str = Field(description="'' when not rated yet")
    rating_date: date | None
    is_contracted: bool
    status: str
    deregistered_on: date | None
    registered_since: date | None

    @staticmethod
    def resolve_provider(obj: Service) -> dict[str, Any] | None:
        return {"id": obj.provider.pk, "name": obj.provider.name} if obj.provider else None

    @staticmethod
    def resolve_service_types(obj: Service) -> list[str]:
        return [t.slug for t in obj.service_types.all()]

    @staticmethod
    def resolve_locality(obj: Service) -> str | None:
        return obj.locality.slug if obj.locality else None


class ProviderDetailOut(Schema, ProviderOut):
    address: str
    postcode: str
    website: str
    phone: str
    email: str
    services: list[ServiceOut]

    @staticmethod
    def resolve_contract_manager(obj: Provider) -> dict[str, Any] | None:
        manager = obj.contract_manager
        return {"id": manager.pk, "name": manager.user.full_name} if manager else None

    @staticmethod
    def resolve_associations(obj: Provider) -> list[dict[str, Any]]:
        return [
            {
                "id": m.association.pk,
                "name": m.association.name,
                "short_name": m.association.short_name,
            }
            for m in getattr(obj, "current_memberships", ())
        ]

    @staticmethod
    def resolve_services(obj: Provider) -> list[Service]:
        return list(selectors.services_of_provider(obj))


class ContactOut(Schema):
    id: int
    name: str
    provider: RefOut
    level: str
    job_title: str
    email: str
    phone: str
    works_at: list[RefOut] = Field(description="Services; empty means across the provider")
    email_consent: bool
    unsubscribed: bool
    can_be_emailed: bool
    is_active: bool

    @staticmethod
    def resolve_provider(obj: Contact) -> dict[str, Any]:
        return {"id": obj.provider.pk, "name": obj.provider.name}

    @staticmethod
    def resolve_works_at(obj: Contact) -> list[dict[str, Any]]:
        return [{"id": s.pk, "name": s.name} for s in obj.services.all()]


# --------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------


@router.get("/providers", response={200: list[ProviderOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_providers(request: HttpRequest, filters: Query[ProviderQuery]) -> PageRows:
    """Providers, by name, with the filters of the providers page."""
    chosen = _valid(bound(ProviderFilterForm, filters.dict()))
    providers = (
        selectors.matching_providers(user=request.user, filters=chosen)
        .with_cached_count()
        .order_by("name", "pk")
    )
    return PageRows(selectors.provider_rows(providers), _provider_items, read=cached_page)


@router.get(
    "/providers/{provider_id}", response={200: ProviderDetailOut, 404: ErrorOut, **COMMON_ERRORS}
)
def get_provider(request: HttpRequest, provider_id: PathId) -> Provider:
    """One provider with its services (registered and deregistered)."""
    provider = (
        selectors.providers(user=request.user, filters=ProviderFilters(include_inactive=True))
        .filter(pk=provider_id)
        .first()
    )
    if provider is None:
        raise Http404("No such provider.")
    return provider


@router.get("/services", response={200: list[ServiceOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_services(request: HttpRequest, filters: Query[ServiceQuery]) -> QuerySet[Service]:
    """Services (registered locations), by name, with the filters of the services page."""
    chosen = _valid(bound(ServiceFilterForm, filters.dict()))
    return selectors.services(user=request.user, filters=chosen).order_by("name", "pk")


@router.get("/contacts", response={200: list[ContactOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_contacts(request: HttpRequest, filters: Query[ContactQuery]) -> QuerySet[Contact]:
    """People at providers (personal data), by name, with the filters of the contacts page.

    Needs the contacts capability; a provider user gets their own organisation's contacts.
    """
    chosen = _valid(bound(ContactFilterForm, filters.dict()))
    return selectors.contacts(user=request.user, filters=chosen).order_by("name", "pk")


@router.get("/localities", response={200: list[LocalityOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_localities(request: HttpRequest) -> QuerySet[Locality]:
    """The council's localities (data, not code)."""
    return Locality.objects.filter(is_active=True).order_by("name", "pk")


@router.get("/service-types", response={200: list[ServiceTypeOut], **COMMON_ERRORS})
@paginate(EngagePagination)
def list_service_types(request: HttpRequest) -> QuerySet[ServiceType]:
    """Kinds of care service (data, not code), in their order."""
    return ServiceType.objects.filter(is_active=True).order_by("position", "name", "pk")
