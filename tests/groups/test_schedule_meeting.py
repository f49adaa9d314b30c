"""A meeting of a group is an engagement activity within the agreed structure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engage.accounts.models import Role
from engage.engagement.models import Activity
from engage.engagement.modes import Kind
from engage.groups.services import schedule_meeting
from tests.council.factories import UserFactory
from tests.groups.factories import GroupFactory


@pytest.mark.django_db
def test_a_scheduled_meeting_is_a_draft_activity_of_the_group_filled_in_from_it() -> None:
    group = GroupFactory(for_managers=True)
    pem = UserFactory(role=Role.PEM)
    starts = timezone.now() + timedelta(days=30)
    meeting = schedule_meeting(
        actor=pem, group=group, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    activity = meeting.activity
    assert meeting.group == group
    assert activity.status == Activity.Status.DRAFT
    assert activity.kind == Kind.WORKING_GROUP
    assert activity.within_agreed_structure and not activity.is_ad_hoc
    assert activity.lead_officer == group.owner
    assert activity.for_managers and not activity.for_owners
    assert activity.design_gaps() == []
    assert list(group.meetings.all()) == [meeting]
