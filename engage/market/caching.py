"""Cached counts of the market register, checked against a version that every write changes.

Counting the providers that match the list's filters reads every provider (and, for service
filters, their services): several milliseconds on a national register, on every page of the
list. The count is kept in the cache with the register's data version (the ``DataVersion`` row
named ``market-register``, see ``engage.core.data_versions``) at the time it was counted,
under a key made of the count's own SQL (a different filter, or a different day for
memberships, is a different key). Every later count is ONE query that reads the version and,
only when it has changed, counts again (this module does not use ``data_versions.cached``,
which reads the version in a query of its own):

    SELECT token, version, CASE WHEN token = <cached token> AND version = <cached version>
                                THEN <cached count>
                                ELSE (SELECT COUNT(*) FROM (<the list's query>)) END

Both come from the same snapshot of the database, so a count is never older than the version
it is stored with, whatever the cache (per-process LocMem or a shared Redis). The version is
increased, in the writer's transaction, by:

- saving or deleting a provider, a service, a locality, a service type, a membership or an
  officer (a contract manager), and changing a service's types (``connect_signals`` below);
- the bulk writers (the CQC import, the demo data), through ``Provider.objects.refresh_figures``
  and ``bump_register_version``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet

from engage.core import data_versions
from engage.core.models import DataVersion

#: Counts are checked against the version on every use; the timeout only frees memory.
COUNT_TIMEOUT = 24 * 60 * 60


REGISTER = "market-register"


def bump_register_version() -> None:
    """Make every cached count of the register stale (within the current transaction)."""
    data_versions.bump(REGISTER)


def cached_count(queryset: QuerySet[Any]) -> int:
    """``queryset.count()`` in one query, without counting again while the register is
    unchanged since the cached count."""
    inner_sql, inner_params = queryset.order_by().values("pk").query.sql_with_params()
    digest = hashlib.sha256(repr((inner_sql, inner_params)).encode()).hexdigest()[:32]
    key = f"market:count:{digest}"
    cached = cache.get(key)
    known_token, known_version, known_count = cached if cached is not None else ("", -1, 0)
    table = connections[queryset.db].ops.quote_name(DataVersion._meta.db_table)
    # The inner query comes from the ORM; values go as parameters.
    sql = (
        f"SELECT v.token, v.version, CASE WHEN v.token = %s AND v.version = %s THEN %s "  # noqa: S608
        f"ELSE (SELECT COUNT(*) FROM ({inner_sql}) counted) END FROM {table} v WHERE v.name = %s"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [known_token, known_version, known_count, *inner_params, REGISTER])
        row = cursor.fetchone()
    if row is None:  # no version row yet: make it, and count this once
        data_versions.current(REGISTER)
        return QuerySet.count(queryset.order_by())
    token, version, count = str(row[0]), int(row[1]), int(row[2])
    if (token, version) != (known_token, known_version):
        cache.set(key, (token, version, count), COUNT_TIMEOUT)
    return count


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

    data_versions.watch(
        REGISTER,
        (Provider, Service, Locality, ServiceType, AssociationMembership, Officer),
        m2m=[Service.service_types.through],
    )
