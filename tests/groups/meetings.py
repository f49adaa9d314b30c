"""Helpers of the meetings tests: groups meant for provider A or B, and their meetings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from engage.accounts.models import Role
from engage.groups.models import EngagementGroup, Meeting
from engage.groups.services import schedule_meeting
from tests.council.factories import UserFactory
from tests.groups.factories import GroupFactory


def group_for(name: str, locality: Any, service_type: Any, **fields: Any) -> EngagementGroup:
    """A working group for every level of one service type in one locality."""
    group = GroupFactory(name=name, **fields)
    group.audience_localities.set([locality])
    group.audience_service_types.set([service_type])
    return group


def meeting_of(group: EngagementGroup, days: int, actor: Any = None) -> Meeting:
    """A meeting of ``group`` ``days`` from now (negative: in the past)."""
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(
        days=days
    )
    return schedule_meeting(
        actor=actor or UserFactory(role=Role.PEM),
        group=group,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
