"""The calendar's data version (``engage.core.data_versions``), for what is cached from it.

The clash markers of a month are worked out from every activity near them (times, status,
audience, teams and the teams' capacities) and the names of service types, localities and
teams; the calendar's filters list those and the engagement groups. Every save or delete of
those models, and every change of an activity's audience or teams, bumps the version in the
writer's transaction, so nothing cached is used after the data it came from has changed, in
any process.

Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: code that writes these
models that way must call ``bump()`` itself (the demo seeding calls
``data_versions.forget_all()``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from engage.core import data_versions

NAME = "calendar"
T = TypeVar("T")


def current() -> str:
    return data_versions.current(NAME)


def bump() -> None:
    data_versions.bump(NAME)


def cached(parts: Hashable, compute: Callable[[], T], *, timeout: int) -> T:
    return data_versions.cached(NAME, parts, compute, timeout=timeout)


def connect() -> None:
    """Watch every model the clash rules, the calendar's filters and the events' audience
    matching read."""
    from engage.council.models import Team
    from engage.engagement.models import Activity
    from engage.groups.models import EngagementGroup
    from engage.market.models import Locality, ServiceType

    # EngagementGroup: the calendar's group filter lists the groups that still meet.
    data_versions.watch(
        NAME,
        (Activity, ServiceType, Locality, Team, EngagementGroup),
        m2m=[
            getattr(Activity, field).through
            for field in ("audience_service_types", "audience_localities", "required_teams")
        ],
    )
