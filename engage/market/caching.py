"""Cached counts of the market register, checked against a version that every write changes.

Counting the providers that match the list's filters reads every provider (and, for service
filters, their services): several milliseconds on a national register, on every page of the
list. The count is kept in the cache with the register's version (``RegisterVersion``, one
row) at the time it was counted, under a key made of the count's own SQL (a different filter,
or a different day for memberships, is a different key). Every later count is ONE query that
reads the version and, only when it has changed, counts again:

    SELECT version, CASE WHEN version = <cached version> THEN <cached count>
                         ELSE (SELECT COUNT(*) FROM (<the list's query>)) END

Both come from the same snapshot of the database, so a count is never older than the version
it is stored with, whatever the cache (per-process LocMem or a shared Redis). The version is
increased, in the writer's transaction, by:

- saving or deleting a provider, a service, a locality, a service type, a membership or an
  officer (a contract manager), and changing a service's types (the signals below);
- the bulk writers (the CQC import, the demo data), through ``Provider.objects.refresh_figures``
  and ``bump_register_version``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

#: Counts are checked against the version on every use; the timeout only frees memory.
COUNT_TIMEOUT = 24 * 60 * 60


def bump_register_version() -> None:
    """Make every cached count of the register stale (within the current transaction)."""
    from engage.market.models import RegisterVersion

    if not RegisterVersion.objects.update(version=F("version") + 1):
        RegisterVersion.objects.create(version=1)


def cached_count(queryset: QuerySet[Any]) -> int:
    """``queryset.count()`` in one query, without counting again while the register is
    unchanged since the cached count."""
    from engage.market.models import RegisterVersion

    inner_sql, inner_params = queryset.order_by().values("pk").query.sql_with_params()
    digest = hashlib.sha256(repr((inner_sql, inner_params)).encode()).hexdigest()[:32]
    key = f"market:count:{digest}"
    cached = cache.get(key)
    known_version, known_count = cached if cached is not None else (-1, 0)
    table = connections[queryset.db].ops.quote_name(RegisterVersion._meta.db_table)
    # The inner query comes from the ORM; values go as parameters.
    sql = (
        f"SELECT v.version, CASE WHEN v.version = %s THEN %s "  # noqa: S608
        f"ELSE (SELECT COUNT(*) FROM ({inner_sql}) counted) END FROM {table} v"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [known_version, known_count, *inner_params])
        row = cursor.fetchone()
    if row is None:  # no version row yet: nothing to check a cached count against
        return QuerySet.count(queryset.order_by())
    version, count = int(row[0]), int(row[1])
    if version != known_version:
        cache.set(key, (version, count), COUNT_TIMEOUT)
    return count


def _changed(**kwargs: Any) -> None:
    if kwargs.get("action", "post").startswith("post"):
        bump_register_version()


def connect_signals() -> None:
    """Bump the version on every write the counts depend on (from ``MarketConfig.ready``)."""
    from engage.council.models import Officer
    from engage.market.models import (
        AssociationMembership,
        Locality,
        Provider,
        Service,
        ServiceType,
    )

    for model in (Provider, Service, Locality, ServiceType, AssociationMembership, Officer):
        post_save.connect(_changed, sender=model, dispatch_uid=f"market-count-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"market-count-delete-{model}")
    m2m_changed.connect(
        _changed, sender=Service.service_types.through, dispatch_uid="market-count-types"
    )
