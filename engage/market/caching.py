"""Cached counts of the market register, invalidated by a version that every write changes.

Counting the providers that match the list's filters reads every provider (and, for service
filters, their services): several milliseconds on a national register, on every page of the
list. The count is kept in the cache under a key made of the register's version and the
count's own SQL, so a different filter (or a different day, for memberships) is a different
key, and any write to what a count reads changes the version:

- saving or deleting a provider, a service, a locality, a service type, a membership or an
  officer (a contract manager), and changing a service's types, through the signals below;
- the bulk writers (the CQC import, the demo data), through ``Provider.objects.refresh_figures``
  and ``bump_register_version``.

The version changes at once (so the writer's own next page is right) and again when the
transaction commits (so a count read by another request while the write was not yet
committed is not kept under the new version).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "market:register-version"
#: Counts are versioned; the timeout only frees memory.
COUNT_TIMEOUT = 60 * 60


def register_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


def _new_version() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), None)


def bump_register_version() -> None:
    """Make every cached count of the register stale (now, and when the transaction commits)."""
    _new_version()
    transaction.on_commit(_new_version)


def cached_count(sql: str, params: tuple[Any, ...], count: Any) -> int:
    """``count()`` of the query ``sql`` with ``params``, from the cache when the register has
    not changed since it was counted. The version is read before counting, so a count made
    while a write commits is kept under the version that write replaces."""
    version = register_version()
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]
    key = f"market:count:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, COUNT_TIMEOUT)
    return int(value)


def _changed(**kwargs: Any) -> None:
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
