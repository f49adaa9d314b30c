"""Versions of data that pages cache figures from, kept in the database.

A page that caches something derived from many rows (the calendar's clash markers, the enquiry
queue's counts, the market register's counts) keys it by the data's version:

    value = data_versions.cached("calendar", ("clashes", ids), compute, timeout=600)

``cached`` reads the version (one query) BEFORE computing, so a value is never stored under a
version newer than the data it was computed from. Writers call ``bump(name)`` inside their own
transaction (usually from ``post_save``/``post_delete``/``m2m_changed`` receivers, and
explicitly after bulk writes, which send no signals): other requests see the new version
exactly when they see the new data, in every process. The version lives in the database, not
in the cache, because the cache may be per process (LocMem without Redis, with several
gunicorn workers), and a version bumped in one worker's memory would leave the others stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from engage.core.models import DataVersion

T = TypeVar("T")

#: Versions read once for a block of reads (``pinned``), by name.
_pinned: ContextVar[dict[str, str] | None] = ContextVar("data_versions_pinned", default=None)


def current(name: str) -> str:
    """The version of ``name``: one query (and one insert, the first time ever); none within
    a ``pinned`` block that read it already."""
    known = _pinned.get()
    if known is not None and name in known:
        return known[name]
    found = DataVersion.objects.filter(name=name).values_list("token", "version").first()
    if found is None:
        try:
            with transaction.atomic():
                row = DataVersion.objects.create(name=name)
            found = (row.token, row.version)
        except IntegrityError:  # created meanwhile by another request
            found = DataVersion.objects.values_list("token", "version").get(name=name)
    return f"{found[0]}.{found[1]}"


@contextmanager
def pinned(names: Iterable[str]) -> Iterator[None]:
    """Read the versions of ``names`` in one query, and use them for every ``current`` and
    ``cached`` of those names within the block: for a page that only reads, and caches several
    values under several versions (the portal home). A version read at the start is read
    before anything is computed, as ``cached`` requires; a write committed meanwhile leaves
    this page's values under the older version, which no later reader uses.

    Also a decorator, for a view that only reads (``@data_versions.pinned([...])``, under the
    view's permission check): the versions are read afresh on every call.

    Do not write within the block: a ``bump`` in it is not seen by ``current``."""
    wanted = sorted(set(names))
    found = {
        name: f"{token}.{version}"
        for name, token, version in DataVersion.objects.filter(name__in=wanted).values_list(
            "name", "token", "version"
        )
    }
    for name in wanted:
        if name not in found:  # the first time ever: make the row
            found[name] = current(name)
    token = _pinned.set({**(_pinned.get() or {}), **found})
    try:
        yield
    finally:
        _pinned.reset(token)


def bump(name: str) -> None:
    """Make everything cached from ``name`` stale, for every process, when this transaction
    commits (at once within it)."""
    if DataVersion.objects.filter(name=name).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(name=name, version=1)
    except IntegrityError:  # created meanwhile by another writer
        DataVersion.objects.filter(name=name).update(version=F("version") + 1)


def forget_all() -> None:
    """Make everything cached from any data stale (after bulk writes that bump nothing, such
    as loading the demo data): every version starts again with a new random token."""
    DataVersion.objects.all().delete()


def cached(
    name: str,
    parts: Hashable,
    compute: Callable[[], T],
    *,
    timeout: int,
    usable: Callable[[T], bool] | None = None,
) -> T:
    """``compute()``, cached under ``name``'s current version and ``parts`` (whatever else the
    value depends on: filters, the day, settings). ``timeout`` only frees memory. ``usable``,
    if given, says whether a cached value still holds (a value that depends on the time of
    day, say, checked against the time it holds until); when it does not, it is computed and
    stored again."""
    version = current(name)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"data:{name}:{version}:{digest}"
    found: Any = cache.get(key)
    if found is None or (usable is not None and not usable(found)):
        found = compute()
        cache.set(key, found, timeout)
    return found  # type: ignore[no-any-return]


def cached_rows(
    name: str,
    rows: QuerySet[Any, Any],
    finish: Callable[[list[Any]], list[Any]] = list,
    *,
    parts: Hashable = (),
    timeout: int,
) -> list[Any]:
    """``finish(list(rows))`` for one page of a list (``rows``: a sliced queryset), cached under
    ``name``'s version and keyed by the page's own SQL (its filters, order, slice, and any date
    it compares with) and ``parts`` (what ``finish`` depends on beyond the rows). ``finish`` may
    read only data that ``name`` covers."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # an empty slice ([0:0], when nothing matches): nothing to read
        return finish([])
    key = ("rows", rows.db, sql, params, getattr(finish, "__qualname__", ""), parts)
    return cached(name, key, lambda: finish(list(rows)), timeout=timeout)


#: Per model (its label), the fields whose saves alone bump nothing: no value cached under
#: a version may show them. Each sign-in saves the user's ``last_login``, and the user is
#: watched by several versions.
UNWATCHED_FIELDS: dict[str, frozenset[str]] = {settings.AUTH_USER_MODEL: frozenset({"last_login"})}


def watch(name: str, models: Iterable[type[Model]], m2m: Iterable[type[Model]] = ()) -> None:
    """Bump ``name`` on every save and delete of ``models`` and every change of the
    many-to-many ``m2m`` through tables (call from an ``AppConfig.ready``), except saves
    of `UNWATCHED_FIELDS` alone."""

    def changed(**kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None:
            unwatched = UNWATCHED_FIELDS.get(kwargs["sender"]._meta.label, frozenset())
            if fields <= unwatched:
                return
        if kwargs.get("action", "post").startswith("post"):
            bump(name)

    for model in models:
        label = f"{name}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"save:{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"delete:{label}")
    for through in m2m:
        label = f"{name}:{through._meta.label}"
        m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"m2m:{label}")
