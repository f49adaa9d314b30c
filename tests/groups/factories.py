"""Factories of the groups register. They write rows directly; the rules are tested through
the services, which is how every real write happens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from engage.accounts.models import Role
from engage.engagement.models import Attendance
from engage.groups.models import (
    DIMENSIONS,
    EngagementGroup,
    ForumStream,
    GroupKind,
    MaturityAssessment,
    Meeting,
    TermsOfReference,
)
from tests.council.factories import OfficerFactory, UserFactory
from tests.market.factories import LocalityFactory


class ForumStreamFactory(DjangoModelFactory[ForumStream]):
    class Meta:
        model = ForumStream
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Stream {n}")
    slug = factory.Sequence(lambda n: f"stream-{n}")


class GroupFactory(DjangoModelFactory[EngagementGroup]):
    """A working group owned by an officer (no forum rules apply)."""

    class Meta:
        model = EngagementGroup

    name = factory.Sequence(lambda n: f"Working Group {n}")
    kind = GroupKind.WORKING_GROUP
    purpose = "Co-produce something useful with providers."
    owner = factory.SubFactory(OfficerFactory)
    frequency_target = 4
    publication_horizon_months = 6


class ForumFactory(GroupFactory):
    """A provider forum of a locality, owned by that locality's Local Delivery Director."""

    name = factory.Sequence(lambda n: f"Locality {n} Provider Forum")
    kind = GroupKind.PROVIDER_FORUM
    locality = factory.SubFactory(LocalityFactory)
    owner = factory.SubFactory(
        OfficerFactory,
        user__role=Role.LDD,
        job_title="Local Delivery Director",
        locality=factory.SelfAttribute("..locality"),
    )
    frequency_target = 3
    publication_horizon_months = 12


class TermsFactory(DjangoModelFactory[TermsOfReference]):
    """An approved version (pass ``status=draft`` and no dates for a draft)."""

    class Meta:
        model = TermsOfReference

    group = factory.SubFactory(GroupFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Terms of reference"
    body = "# Purpose\n\nTo meet.\n"
    status = TermsOfReference.Status.APPROVED
    approved_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    approved_by = factory.SubFactory(UserFactory)
    review_due = factory.LazyAttribute(lambda o: o.approved_on + timedelta(days=365))


class AssessmentFactory(DjangoModelFactory[MaturityAssessment]):
    class Meta:
        model = MaturityAssessment

    group = factory.SubFactory(GroupFactory)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    assessed_by = factory.SubFactory(UserFactory)
    purpose_score = 2
    membership_score = 2
    attendance_score = 2
    outcomes_score = 2
    evaluation_score = 2


def scores(value: int = 2, **overrides: int) -> dict[str, Any]:
    """A score for every dimension (``value``), with some overridden by key."""
    return {d.key.value: overrides.get(d.key.value, value) for d in DIMENSIONS}


def meeting_of(
    group: EngagementGroup,
    *,
    days_from_now: float,
    status: str = "held",
    teams: Any = (),
    hours: int = 3,
) -> Meeting:
    """A meeting of ``group`` (its activity written directly) ``days_from_now`` (negative: past)."""
    from tests.engagement.factories import ActivityFactory

    starts = timezone.now().replace(microsecond=0) + timedelta(days=days_from_now)
    activity = ActivityFactory(
        title=f"{group.name} meeting",
        lead_officer=group.owner,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        status=status,
        within_agreed_structure=True,
        teams=list(teams),
    )
    return Meeting.objects.create(group=group, activity=activity)


def attended(meeting: Meeting, **person: Any) -> Attendance:
    """Record one person (``officer=…``, ``partner=…``, ``contact=…``) as attending."""
    kind = next(iter(person))
    return Attendance.objects.create(activity=meeting.activity, kind=kind, attended=True, **person)
