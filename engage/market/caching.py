"""Cached counts, rows and filter choices of the market register, checked against a version
that every write changes.

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

- saving or deleting a provider, a service, a locality, a service type, an association, a
  membership, an officer (a contract manager) or a user (an officer's name), and changing a
  service's types (``connect_signals`` below);
- the bulk writers (the CQC import, the demo data), through ``Provider.objects.refresh_figures``
  and ``bump_register_version``.

Under the same version (``data_versions.cached``), the lists also keep:

- ``cached_page``: the rows of one page of the providers list and of ``/api/providers``
  (``selectors.provider_rows`` with their current associations), keyed by the page's own SQL
  and today's date (memberships start and end on days);
- ``filter_choices``: the choices of the filter forms (active localities, service types and
  associations, and the officers by name), read together in one go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from engage.core import data_versions
from engage.core.models import DataVersion

#: Counts are checked against the version on every use; the timeout only frees memory.
COUNT_TIMEOUT = 24 * 60 * 60
#: Pages of rows and filter choices: likewise checked on every use.
ROWS_TIMEOUT = 60 * 60


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


def cached_page(
    rows: QuerySet[Any, dict[str, Any]],
    finish: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """``finish(list(rows))`` for one page of a register list (``rows`` sliced), from the cache
    while the register is unchanged. ``finish`` may read only what the version covers (the
    current associations do: ``selectors.with_current_associations``)."""
    return data_versions.cached_rows(
        REGISTER, rows, finish, parts=timezone.localdate(), timeout=ROWS_TIMEOUT
    )


def filter_choices(fetch: Callable[[], dict[str, list[tuple[str, str]]]]) -> dict[str, Any]:
    """``fetch()`` (every choice list of the market's filter forms), from the cache while the
    register is unchanged."""
    return data_versions.cached(REGISTER, ("filter-choices",), fetch, timeout=ROWS_TIMEOUT)


def connect_signals() -> None:
    """Bump the version on every write the counts, rows and choices depend on (from
    ``MarketConfig.ready``)."""
    from engage.accounts.models import User
    from engage.council.models import Officer
    from engage.market.models import (
        Association,
        AssociationMembership,
        Locality,
        Provider,
        Service,
        ServiceType,
    )

    data_versions.watch(
        REGISTER,
        (
            Provider,
            Service,
            Locality,
            ServiceType,
            Association,
            AssociationMembership,
            Officer,
            User,
        ),
        m2m=[Service.service_types.through],
    )
