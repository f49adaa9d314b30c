"""Market coverage: how much of the care market the provider associations represent.

For a date (default today), for each association and for all of them together: the share of
providers, of services and of beds represented (a provider is represented while it has a
current membership), overall and by service type and by locality; and the Tier One
providers, with the associations each belongs to.

The market on a date is the services registered then: registered on or before it (or with no
registration date) and not yet deregistered. Three queries fetch the services, their types
and the memberships; one pass over the services adds everything up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from engage.market.models import Association, Locality, Provider, Service, ServiceType
from engage.market.selectors import ServiceTypeLink, current_memberships

#: The key of "all associations together".
ALL = "all"


@dataclass(frozen=True)
class Share:
    represented: int
    total: int

    @property
    def percent(self) -> float | None:
        """Share in per cent, one decimal; None when there is nothing to share."""
        return round(100 * self.represented / self.total, 1) if self.total else None


@dataclass(frozen=True)
class CoverageRow:
    label: str
    providers: Share
    services: Share
    beds: Share


@dataclass(frozen=True)
class GroupCoverage:
    """The coverage of one association, or of all together (``association`` None)."""

    label: str
    association: Association | None
    overall: CoverageRow
    by_service_type: tuple[CoverageRow, ...]
    by_locality: tuple[CoverageRow, ...]


@dataclass(frozen=True)
class TierOneMembership:
    provider: Provider
    associations: tuple[Association, ...]

    @property
    def is_member(self) -> bool:
        return bool(self.associations)


@dataclass(frozen=True)
class MarketCoverage:
    on: date
    groups: tuple[GroupCoverage, ...]
    """Each association, then all together (the last)."""
    tier_one: tuple[TierOneMembership, ...]

    @property
    def together(self) -> GroupCoverage:
        return self.groups[-1]

    @property
    def tier_one_members(self) -> int:
        return sum(1 for t in self.tier_one if t.is_member)


def services_in_market(on: date) -> QuerySet[Service]:
    """Services registered on ``on``: active ones, and deregistered ones not yet gone then."""
    return Service.objects.filter(
        Q(registered_since__isnull=True) | Q(registered_since__lte=on)
    ).filter(Q(status=Service.Status.ACTIVE) | Q(deregistered_on__gt=on))


def associations_on(on: date) -> QuerySet[Association]:
    """Associations that existed on ``on``: not yet merged into another and not formed by a
    later merger, or with members then."""
    members_then = current_memberships(on).values("association_id")
    formed_later = Association.objects.filter(merged_into=OuterRef("pk"), merged_on__gt=on)
    existed = (Q(merged_on__isnull=True) | Q(merged_on__gt=on)) & ~Q(Exists(formed_later))
    return Association.objects.filter(existed | Q(pk__in=members_then)).order_by("name", "pk")


_Key = tuple[str, Hashable]


def market_coverage(*, on: date | None = None) -> MarketCoverage:
    """The coverage of the market by each association and all together on ``on``."""
    on = on or timezone.localdate()
    associations = list(associations_on(on))
    association_ids = {a.pk for a in associations}
    member_of: dict[int, set[Hashable]] = defaultdict(set)
    for association_id, provider_id in current_memberships(on).values_list(
        "association_id", "provider_id"
    ):
        if association_id in association_ids:
            member_of[provider_id].update((association_id, ALL))

    market = services_in_market(on)
    types_of: dict[int, list[int]] = defaultdict(list)
    for service_id, type_id in ServiceTypeLink.objects.filter(
        service_id__in=market.values("pk")
    ).values_list("service_id", "servicetype_id"):
        types_of[service_id].append(type_id)

    total_services: Counter[_Key] = Counter()
    total_beds: Counter[_Key] = Counter()
    total_providers: dict[_Key, set[int]] = defaultdict(set)
    services: Counter[tuple[Hashable, _Key]] = Counter()
    beds: Counter[tuple[Hashable, _Key]] = Counter()
    providers: dict[tuple[Hashable, _Key], set[int]] = defaultdict(set)
    no_groups: set[Hashable] = set()
    for service_id, provider_id, locality_id, service_beds in market.values_list(
        "pk", "provider_id", "locality_id", "beds"
    ).iterator(chunk_size=5000):
        keys: list[_Key] = [("all", None), ("locality", locality_id)]
        keys += [("type", type_id) for type_id in types_of.get(service_id, ())]
        represented_by = member_of.get(provider_id, no_groups) if provider_id else no_groups
        bed_count = service_beds or 0
        for key in keys:
            total_services[key] += 1
            total_beds[key] += bed_count
            if provider_id:
                total_providers[key].add(provider_id)
            for group in represented_by:
                services[group, key] += 1
                beds[group, key] += bed_count
                providers[group, key].add(provider_id)

    def row(group: Hashable, key: _Key, label: str) -> CoverageRow:
        return CoverageRow(
            label=label,
            providers=Share(len(providers.get((group, key), ())), len(total_providers[key])),
            services=Share(services[group, key], total_services[key]),
            beds=Share(beds[group, key], total_beds[key]),
        )

    type_rows: list[tuple[_Key, str]] = [
        (("type", t.pk), t.name)
        for t in ServiceType.objects.order_by("position", "name")
        if ("type", t.pk) in total_services
    ]
    locality_rows: list[tuple[_Key, str]] = [
        (("locality", loc.pk), loc.name)
        for loc in Locality.objects.order_by("name")
        if ("locality", loc.pk) in total_services
    ]
    if ("locality", None) in total_services:
        locality_rows.append((("locality", None), "No locality"))

    def group_coverage(
        group: Hashable, label: str, association: Association | None
    ) -> GroupCoverage:
        return GroupCoverage(
            label=label,
            association=association,
            overall=row(group, ("all", None), "All services"),
            by_service_type=tuple(row(group, key, name) for key, name in type_rows),
            by_locality=tuple(row(group, key, name) for key, name in locality_rows),
        )

    groups = [group_coverage(a.pk, a.short_name or a.name, a) for a in associations]
    groups.append(group_coverage(ALL, "All associations together", None))
    return MarketCoverage(on=on, groups=tuple(groups), tier_one=_tier_one(on, associations))


def _tier_one(on: date, associations: Iterable[Association]) -> tuple[TierOneMembership, ...]:
    by_id = {a.pk: a for a in associations}
    tier_one = list(
        Provider.objects.filter(is_tier_one=True, is_active=True).order_by("name", "pk")
    )
    belongs: dict[int, list[Association]] = defaultdict(list)
    for association_id, provider_id in (
        current_memberships(on)
        .filter(provider__in=[p.pk for p in tier_one])
        .order_by("association__name")
        .values_list("association_id", "provider_id")
    ):
        if association_id in by_id:
            belongs[provider_id].append(by_id[association_id])
    return tuple(TierOneMembership(p, tuple(belongs.get(p.pk, ()))) for p in tier_one)
