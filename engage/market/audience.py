"""Audiences: which providers and which people an engagement activity is for.

An audience is service types × levels × localities, optionally Tier One providers only. An
empty dimension means "all". ``Audience`` is pure (no database): the calendar's clash rules and
the year planner use its overlap test. The ``*_reached`` functions turn an audience into
querysets of the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

if TYPE_CHECKING:
    from engage.market.models import Contact, Provider, Service


@dataclass(frozen=True)
class Segment:
    """One cell of the market a person belongs to: a service type, a level, a locality."""

    service_type: str
    level: str
    locality: str
    tier_one: bool = False


@dataclass(frozen=True)
class Audience:
    """Who something is for. Empty sets mean "all"; values are slugs (levels: Level values)."""

    service_types: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    localities: frozenset[str] = frozenset()
    tier_one_only: bool = False

    def overlaps(self, other: Audience) -> bool:
        """True when some provider contact could be in both audiences.

        Each dimension must share a value (an empty dimension shares every value). Tier One
        does not separate audiences: Tier One providers are in every audience of their segment.
        """
        return all(
            not mine or not theirs or bool(mine & theirs)
            for mine, theirs in (
                (self.service_types, other.service_types),
                (self.levels, other.levels),
                (self.localities, other.localities),
            )
        )

    def shared_with(self, other: Audience) -> Audience:
        """The part of the market both audiences reach (meaningful when they overlap)."""

        def meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
            if not a:
                return b
            if not b:
                return a
            return a & b

        return Audience(
            service_types=meet(self.service_types, other.service_types),
            levels=meet(self.levels, other.levels),
            localities=meet(self.localities, other.localities),
            tier_one_only=self.tier_one_only or other.tier_one_only,
        )

    def includes(self, segment: Segment) -> bool:
        """True when a person in ``segment`` is part of this audience."""
        return (
            (not self.service_types or segment.service_type in self.service_types)
            and (not self.levels or segment.level in self.levels)
            and (not self.localities or segment.locality in self.localities)
            and (not self.tier_one_only or segment.tier_one)
        )

    @property
    def is_everyone(self) -> bool:
        return not (self.service_types or self.levels or self.localities or self.tier_one_only)


@dataclass(frozen=True)
class Reach:
    providers: int
    services: int
    contacts: int
    #: Of the contacts, those who agreed to email and can be emailed.
    emailable: int


def services_reached(audience: Audience) -> QuerySet[Service]:
    """Active services in the audience's service types and localities (Tier One if asked)."""
    from engage.market.models import Service

    services = Service.objects.filter(status=Service.Status.ACTIVE)
    if audience.service_types:
        services = services.filter(
            Exists(
                Service.service_types.through.objects.filter(
                    service_id=OuterRef("pk"), servicetype__slug__in=audience.service_types
                )
            )
        )
    if audience.localities:
        services = services.filter(locality__slug__in=audience.localities)
    if audience.tier_one_only:
        services = services.filter(provider__is_tier_one=True)
    return services


def providers_reached(audience: Audience) -> QuerySet[Provider]:
    """Providers with at least one service in the audience."""
    from engage.market.models import Provider

    return Provider.objects.filter(
        Exists(services_reached(audience).filter(provider_id=OuterRef("pk")))
    )


def contacts_reached(audience: Audience) -> QuerySet[Contact]:
    """Current contacts at the audience's levels who work at a reached service.

    A contact tied to particular services is reached through them; one tied to none is
    reached through any reached service of their provider. Contacts who unsubscribed, left
    or were erased are never reached.
    """
    from engage.market.models import Contact

    reached = services_reached(audience)
    contacts = Contact.objects.filter(is_active=True, unsubscribed=False, erased_at__isnull=True)
    if audience.levels:
        contacts = contacts.filter(level__in=audience.levels)
    through = Contact.services.through.objects
    has_own_services = Exists(through.filter(contact_id=OuterRef("pk")))
    works_at_reached = Exists(through.filter(contact_id=OuterRef("pk"), service__in=reached))
    provider_reached = Exists(reached.filter(provider_id=OuterRef("provider_id")))
    return contacts.filter(works_at_reached | (~has_own_services & provider_reached))


def emailable(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """The contacts who may be emailed: an address, consent, not unsubscribed."""
    return contacts.filter(email_consent=True, unsubscribed=False, erased_at__isnull=True).exclude(
        email=""
    )


def reach(audience: Audience) -> Reach:
    """How many providers, services and contacts the audience reaches (four counts)."""
    contacts = contacts_reached(audience)
    return Reach(
        providers=providers_reached(audience).count(),
        services=services_reached(audience).count(),
        contacts=contacts.count(),
        emailable=emailable(contacts).count(),
    )


def contact_segments(contact: Contact) -> frozenset[Segment]:
    """The cells of the market ``contact`` belongs to, from the services they work at.

    A contact tied to no service belongs to every active service of their provider.
    """
    from engage.market.models import Service

    fields = ("locality__slug", "service_types__slug")
    # At least one row per service (the service types are an outer join): no rows, no services.
    rows = list(
        contact.services.filter(status=Service.Status.ACTIVE).values_list(*fields).order_by()
    )
    if not rows:
        rows = list(
            Service.objects.filter(provider_id=contact.provider_id, status=Service.Status.ACTIVE)
            .values_list(*fields)
            .order_by()
        )
    tier_one = bool(contact.provider.is_tier_one)
    return frozenset(
        Segment(type_slug or "", contact.level, locality_slug or "", tier_one)
        for locality_slug, type_slug in rows
    )
