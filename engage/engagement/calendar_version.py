"""A version of the calendar's data, for caching what is derived from all of it.

The clash markers of a month are worked out from every activity near them (times, status,
audience, teams) and the names of service types, localities and teams; the calendar's filters
list those and the engagement groups. ``current()`` is a token that changes whenever any of those is written:
the receivers below replace it on every save, delete or audience/team change of those models,
at once and again when the transaction commits (so a page computed from the data before the
commit cannot be stored under the new token). A cache key that includes the token is never
answered from before the last write.

Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: code that writes these
models that way must call ``bump()`` itself. The only such code is the demo seeding, which
loads an empty database before any page is shown.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "engagement:calendar-version"


def current() -> str:
    """The calendar data's version token (a new random one if the cache lost it)."""
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(KEY)
    return str(token)


def bump() -> None:
    """Give the calendar data a new version now and again when the transaction commits."""
    _replace()
    transaction.on_commit(_replace)


def _replace() -> None:
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def _changed(sender: Any, **kwargs: Any) -> None:
    bump()


def _m2m_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def connect() -> None:
    """Watch every model the clash rules and the events' audience matching read."""
    from engage.council.models import Team
    from engage.engagement.models import Activity
    from engage.groups.models import EngagementGroup
    from engage.market.models import Locality, ServiceType

    # EngagementGroup: the calendar's group filter lists the groups that still meet.
    for model in (Activity, ServiceType, Locality, Team, EngagementGroup):
        post_save.connect(_changed, sender=model, dispatch_uid=f"calendar-version-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"calendar-version-del-{model}")
    for field in ("audience_service_types", "audience_localities", "required_teams"):
        through = getattr(Activity, field).through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"calendar-version-{field}")
