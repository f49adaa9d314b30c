"""Reads of the market register, shaped for the pages and the API.

Every list is a queryset already shaped (``select_related``, ``prefetch_related``,
annotations) so a page of any length costs the same few queries. What a user may see starts
from ``providers_visible_to`` / ``contacts_visible_to``: council staff and councillors see the
register, a provider user only their own organisation, and objects outside what a user may see
answer 404 through the ``get_<thing>_for_user`` helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from engage.accounts.models import Role
from engage.accounts.permissions import Capability, has_capability
from engage.market import personal_data
from engage.market.filters import (
    ContactFilters,
    MarketFilters,
    ProviderFilters,
    ServiceFilters,
)
from engage.market.models import (
    Association,
    AssociationMembership,
    Contact,
    CqcImport,
    Provider,
    ProviderQuerySet,
    Service,
    ServiceType,
)

ServiceTypeLink = Service.service_types.through
_ProvidersT = TypeVar("_ProvidersT", bound=QuerySet[Provider])
ContactServiceLink = Contact.services.through

# --------------------------------------------------------------------------------------------
# Who sees what
# --------------------------------------------------------------------------------------------


def own_provider_id(user: Any) -> int | None:
    """The provider a provider user works for (through their contact record), or None."""
    if getattr(user, "role", None) != Role.PROVIDER:
        return None
    contact = Contact.objects.filter(user_id=user.pk, erased_at__isnull=True).first()
    return contact.provider_id if contact is not None else None


def providers_visible_to(user: Any) -> ProviderQuerySet:
    """All providers for those who see the register; a provider user's own organisation only.

    Raises ``PermissionDenied`` for anyone else.
    """
    if has_capability(user, Capability.MARKET_VIEW):
        return Provider.objects.all()
    if has_capability(user, Capability.PORTAL_USE):
        own = own_provider_id(user)
        return Provider.objects.filter(pk=own) if own else Provider.objects.none()
    raise PermissionDenied("Your role cannot see the market register.")


def services_visible_to(user: Any) -> QuerySet[Service]:
    """Services of the providers ``user`` may see (every service, for the register's users)."""
    if has_capability(user, Capability.MARKET_VIEW):
        return Service.objects.all()
    return Service.objects.filter(provider__in=providers_visible_to(user))


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    """Contacts (personal data): CONTACTS_VIEW holders see all, provider users their colleagues."""
    if has_capability(user, Capability.CONTACTS_VIEW):
        return Contact.objects.all()
    if has_capability(user, Capability.PORTAL_USE):
        own = own_provider_id(user)
        return Contact.objects.filter(provider_id=own) if own else Contact.objects.none()
    raise PermissionDenied("Your role cannot see provider contacts.")


def get_provider_for_user(user: Any, pk: int) -> Provider:
    """The provider, if ``user`` may see it (404 otherwise), with its contract manager."""
    provider = (
        providers_visible_to(user)
        .select_related("contract_manager__user", "contract_manager__team")
        .filter(pk=pk)
        .first()
    )
    if provider is None:
        raise Http404("No such provider.")
    return provider


def get_service_for_user(user: Any, pk: int) -> Service:
    service = (
        services_visible_to(user)
        .select_related("provider", "locality")
        .prefetch_related("service_types")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise Http404("No such service.")
    return service


def get_contact_for_user(user: Any, pk: int) -> Contact:
    contact = (
        contacts_visible_to(user)
        .select_related("provider", "user")
        .prefetch_related(Prefetch("services", queryset=Service.objects.select_related("locality")))
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    return contact


def get_association_for_user(user: Any, pk: int) -> Association:
    if not has_capability(user, Capability.MARKET_VIEW):
        raise PermissionDenied("Your role cannot see provider associations.")
    association = (
        Association.objects.select_related("merged_into")
        .prefetch_related("merged_from")
        .filter(pk=pk)
        .first()
    )
    if association is None:
        raise Http404("No such association.")
    return association


def get_membership_for_user(user: Any, pk: int) -> AssociationMembership:
    if not has_capability(user, Capability.MARKET_VIEW):
        raise PermissionDenied("Your role cannot see provider associations.")
    membership = (
        AssociationMembership.objects.select_related("association", "provider")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404("No such membership.")
    return membership


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


def current_memberships(on: date | None = None) -> QuerySet[AssociationMembership]:
    """Memberships running on ``on`` (default today): started, and not ended before it."""
    on = on or timezone.localdate()
    return AssociationMembership.objects.filter(start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )


def _service_attributes(filters: MarketFilters) -> Q:
    """Conditions on one service's own attributes (locality, type, rating, contracted)."""
    condition = Q()
    if filters.localities:
        condition &= Q(locality__slug__in=filters.localities)
    if filters.service_types:
        condition &= Q(
            Exists(
                ServiceTypeLink.objects.filter(
                    service_id=OuterRef("pk"), servicetype__slug__in=filters.service_types
                )
            )
        )
    if filters.ratings:
        condition &= Q(rating__in=filters.ratings)
    if filters.contracted is not None:
        condition &= Q(is_contracted=filters.contracted)
    return condition


def _matching_services(filters: MarketFilters) -> QuerySet[Service]:
    """Active services with all the service attributes of ``filters`` together."""
    return Service.objects.filter(status=Service.Status.ACTIVE).filter(_service_attributes(filters))


def _provider_attributes(filters: MarketFilters, provider_ref: str) -> Q:
    """Tier One and association conditions on the provider found at ``provider_ref``."""
    condition = Q()
    if filters.tier_one is not None:
        prefix = "" if provider_ref == "pk" else provider_ref.removesuffix("_id") + "__"
        condition &= Q(**{f"{prefix}is_tier_one": filters.tier_one})
    if filters.association is not None:
        members = current_memberships().filter(provider_id=OuterRef(provider_ref))
        if filters.association == "any":
            condition &= Q(Exists(members))
        elif filters.association == "none":
            condition &= ~Q(Exists(members))
        else:
            condition &= Q(Exists(members.filter(association_id=filters.association)))
    return condition


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


def providers(*, user: Any, filters: ProviderFilters | None = None) -> ProviderQuerySet:
    """Providers ``user`` may see, narrowed by ``filters``, each with its contract manager and
    ``current_memberships`` (with their associations) prefetched.

    The figures of its registered services (``active_services``, ``total_beds``,
    ``locality_count``) are the provider's own columns, kept up to date by the writes.
    """
    return with_managers_and_memberships(matching_providers(user=user, filters=filters))


def with_managers_and_memberships(queryset: _ProvidersT) -> _ProvidersT:
    """``queryset`` with each provider's contract manager and ``current_memberships`` (with
    their associations) read along."""
    return queryset.select_related("contract_manager__user").prefetch_related(
        Prefetch(
            "memberships",
            queryset=current_memberships()
            .select_related("association")
            .order_by("association__name"),
            to_attr="current_memberships",
        )
    )


def matching_providers(*, user: Any, filters: ProviderFilters | None = None) -> ProviderQuerySet:
    """Providers ``user`` may see, narrowed by ``filters``: the rows of ``providers`` without
    what it reads along (for ``provider_rows``, which reads only what a list shows)."""
    filters = filters or ProviderFilters()
    queryset = providers_visible_to(user)
    if not filters.include_inactive:
        queryset = queryset.filter(is_active=True)
    if filters.search:
        text = filters.search
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(cqc_provider_id__iexact=text)
            | Q(
                Exists(
                    Service.objects.filter(provider_id=OuterRef("pk")).filter(
                        Q(name__icontains=text)
                        | Q(postcode__istartswith=text)
                        | Q(cqc_location_id__iexact=text)
                    )
                )
            )
        )
    if filters.narrows_services:
        # EXISTS, not IN: a page sorted by an indexed column stops after its rows are found.
        queryset = queryset.filter(
            Exists(_matching_services(filters).filter(provider_id=OuterRef("pk")))
        )
    queryset = queryset.filter(_provider_attributes(filters, "pk"))
    if filters.contract_manager == 0:
        queryset = queryset.filter(contract_manager__isnull=True)
    elif filters.contract_manager is not None:
        queryset = queryset.filter(contract_manager_id=filters.contract_manager)
    return queryset


#: The columns of a provider that the register's list shows (``provider_rows``).
PROVIDER_ROW_FIELDS = (
    "pk",
    "name",
    "cqc_provider_id",
    "is_tier_one",
    "is_active",
    "active_services",
    "total_beds",
    "locality_count",
    "contract_manager_id",
    "contract_manager__user__full_name",
)


def provider_rows(queryset: QuerySet[Provider]) -> QuerySet[Provider, dict[str, Any]]:
    """``queryset`` (from ``matching_providers``, sorted) as the rows of the register's list:
    dictionaries of ``PROVIDER_ROW_FIELDS`` only (``with_current_associations`` reads the
    memberships of one page in one query)."""
    rows: QuerySet[Provider, dict[str, Any]] = queryset.values(*PROVIDER_ROW_FIELDS)
    return rows


def with_current_associations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (of ``provider_rows``), each given ``associations``: the ``(id, name, short
    name)`` of the associations the provider is a current member of, by name (as ``providers``
    prefetches them). One query for all the rows."""
    found: dict[int, list[tuple[int, str, str]]] = {row["pk"]: [] for row in rows}
    if found:
        memberships = (
            current_memberships()
            .filter(provider_id__in=list(found))
            .order_by("association__name")
            .values_list(
                "provider_id", "association_id", "association__name", "association__short_name"
            )
        )
        for provider_id, association_id, name, short_name in memberships:
            found[provider_id].append((association_id, name, short_name))
    for row in rows:
        row["associations"] = found[row["pk"]]
    return rows


def services(*, user: Any, filters: ServiceFilters | None = None) -> QuerySet[Service]:
    """Services ``user`` may see, narrowed by ``filters``, with provider, locality and types."""
    filters = filters or ServiceFilters()
    queryset = services_visible_to(user)
    if filters.status != "all":
        queryset = queryset.filter(status=filters.status)
    if filters.provider is not None:
        queryset = queryset.filter(provider_id=filters.provider)
    if filters.search:
        text = filters.search
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(provider__name__icontains=text)
            | Q(postcode__istartswith=text)
            | Q(cqc_location_id__iexact=text)
        )
    queryset = queryset.filter(_service_attributes(filters))
    queryset = queryset.filter(_provider_attributes(filters, "provider_id"))
    return queryset.select_related("provider", "locality").prefetch_related("service_types")


def contacts(*, user: Any, filters: ContactFilters | None = None) -> QuerySet[Contact]:
    """Contacts ``user`` may see, narrowed by ``filters``, with provider and services.

    Service filters reach a contact through the services they work at or, for one tied to
    no service, through any active service of their provider (as audiences do).
    """
    filters = filters or ContactFilters()
    queryset = contacts_visible_to(user).filter(erased_at__isnull=True)
    if not filters.include_left:
        queryset = queryset.filter(is_active=True)
    if filters.provider is not None:
        queryset = queryset.filter(provider_id=filters.provider)
    if filters.levels:
        queryset = queryset.filter(level__in=filters.levels)
    if filters.search:
        text = filters.search
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(job_title__icontains=text)
            | Q(provider__name__icontains=text)
        )
    if filters.emailable is True:
        queryset = queryset.filter(email_consent=True, unsubscribed=False).exclude(email="")
    elif filters.emailable is False:
        queryset = queryset.filter(Q(email_consent=False) | Q(unsubscribed=True) | Q(email=""))
    if filters.narrows_services:
        matching = _matching_services(filters)
        tied = ContactServiceLink.objects.values("contact_id")
        queryset = queryset.filter(
            Q(pk__in=tied.filter(service__in=matching))
            | (~Q(pk__in=tied) & Q(provider_id__in=matching.values("provider_id")))
        )
    queryset = queryset.filter(_provider_attributes(filters, "provider_id"))
    return queryset.select_related("provider").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("pk", "name").order_by("name"))
    )


def services_of_provider(provider: Provider) -> QuerySet[Service]:
    """A provider's services, active first, with locality and types."""
    return (
        Service.objects.filter(provider=provider)
        .select_related("locality")
        .prefetch_related("service_types")
        .order_by("status", "name", "pk")
    )


def service_rows_of_provider(provider: Provider) -> QuerySet[Service]:
    """A provider's services as its page's table shows them (active first): only the columns
    it shows, with the locality and ``type_list`` (the service types, by position)."""
    return (
        Service.objects.filter(provider=provider)
        .select_related("locality")
        .only(
            "pk",
            "provider_id",
            "name",
            "status",
            "postcode",
            "beds",
            "rating",
            "is_contracted",
            "locality__name",
        )
        .prefetch_related(
            Prefetch(
                "service_types",
                queryset=ServiceType.objects.only("pk", "name"),
                to_attr="type_list",
            )
        )
        .order_by("status", "name", "pk")
    )


def contacts_of_provider(provider: Provider) -> QuerySet[Contact]:
    """A provider's current contacts, by level then name, with the services they work at."""
    return (
        Contact.objects.filter(provider=provider, erased_at__isnull=True)
        .prefetch_related(Prefetch("services", queryset=Service.objects.only("pk", "name")))
        .order_by("-is_active", "level", "name", "pk")
    )


def memberships_of_provider(provider: Provider) -> QuerySet[AssociationMembership]:
    """Every membership of a provider, past and present, newest first."""
    return (
        AssociationMembership.objects.filter(provider=provider)
        .select_related("association")
        .order_by("-start", "pk")
    )


def associations_with_counts(on: date | None = None) -> QuerySet[Association]:
    """Associations, active first, each with ``member_count`` (current members on ``on``)."""
    on = on or timezone.localdate()
    current = Q(memberships__start__lte=on) & (
        Q(memberships__end__isnull=True) | Q(memberships__end__gte=on)
    )
    return (
        Association.objects.select_related("merged_into")
        .annotate(
            member_count=Count("memberships", filter=current),
            all_time_count=Count("memberships__provider", distinct=True),
        )
        .order_by("-is_active", "name", "pk")
    )


def memberships_of_association(association: Association) -> QuerySet[AssociationMembership]:
    """Every membership of an association, with its provider, current first."""
    return (
        AssociationMembership.objects.filter(association=association)
        .select_related("provider")
        .order_by("provider__name", "-start", "pk")
    )


@dataclass(frozen=True)
class MemberCount:
    on: date
    members: int


def members_over_time(
    association: Association, *, until: date | None = None, quarters: int = 16
) -> list[MemberCount]:
    """Members of ``association`` on the first day of each quarter, up to ``until`` (today).

    One query; the memberships of one association are few.
    """
    until = until or timezone.localdate()
    spans = list(association.memberships.values_list("start", "end"))
    if not spans:
        return []
    first = min(start for start, _ in spans)
    points: list[date] = []
    quarter_start = date(until.year, 3 * ((until.month - 1) // 3) + 1, 1)
    while len(points) < quarters and quarter_start >= first - timedelta(days=92):
        points.append(quarter_start)
        month = quarter_start.month - 3
        year = quarter_start.year
        if month < 1:
            month += 12
            year -= 1
        quarter_start = date(year, month, 1)
    points.reverse()
    if not points or points[-1] != until:
        points.append(until)
    return [
        MemberCount(
            on=point,
            members=sum(
                1 for start, end in spans if start <= point and (end is None or end >= point)
            ),
        )
        for point in points
    ]


def cqc_imports() -> QuerySet[CqcImport]:
    """Runs of the CQC import, newest first, with who started them."""
    return CqcImport.objects.select_related("started_by").order_by("-started_at", "-pk")


# --------------------------------------------------------------------------------------------
# Personal data
# --------------------------------------------------------------------------------------------


def _audit_entries(obj: Any) -> list[dict[str, Any]]:
    from auditlog.models import LogEntry

    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("timestamp")
    return [
        {
            "when": entry.timestamp.isoformat(),
            "action": entry.get_action_display(),
            "by": entry.actor.full_name if entry.actor else "System",
            "record": entry.object_repr,
            "changes": entry.changes,
        }
        for entry in entries
    ]


def personal_data_of_contact(contact: Contact) -> dict[str, Any]:
    """Everything Engage holds about a contact, JSON-ready (a subject access request): their
    contact row, their sign-in, the audit trail of both, and a section from each app that
    holds more (`personal_data.HOLDERS`)."""
    user = contact.user
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "level": contact.get_level_display(),
            "job_title": contact.job_title,
            "email": contact.email,
            "phone": contact.phone,
            "provider": {"id": contact.provider_id, "name": contact.provider.name},
            "works_at": [{"id": s.pk, "name": s.name} for s in contact.services.all()],
            "email_consent": contact.email_consent,
            "email_consent_changed_at": personal_data.iso(contact.email_consent_at),
            "unsubscribed": contact.unsubscribed,
            "unsubscribed_at": personal_data.iso(contact.unsubscribed_at),
            "still_works_there": contact.is_active,
            "erased_at": personal_data.iso(contact.erased_at),
            "created_at": personal_data.iso(contact.created_at),
            "updated_at": personal_data.iso(contact.updated_at),
        },
        "sign_in": None,
        "audit_trail": {"contact": _audit_entries(contact)},
    }
    if user is not None:
        data["sign_in"] = {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.get_role_display(),
            "active": user.is_active,
            "joined": personal_data.iso(user.date_joined),
            "last_sign_in": personal_data.iso(user.last_login),
        }
        data["audit_trail"]["sign_in"] = _audit_entries(user)
    for holder in personal_data.HOLDERS:  # what the other apps hold about them
        data[holder.section] = holder.export(contact)
    return data
