"""The groups demo invites each published or held meeting's audience, as engagement would
(``engagement.services.invitees``), so a meeting's attendance summary has invitations."""

from __future__ import annotations

import pytest
from django.db.models import Count

from engage.core.demo import DemoContext
from engage.council import demo as council_demo
from engage.engagement.attendance import attendance_register
from engage.engagement.models import Activity, Invitation, Registration
from engage.groups import demo as groups_demo
from engage.groups.models import GroupKind, Meeting
from engage.market import demo as market_demo
from engage.market.models import Level, Locality, ServiceType
from engage.outbox.models import OutgoingEmail
from tests.market.factories import AssociationFactory, ContactFactory, ServiceFactory

pytestmark = pytest.mark.django_db

HELD = (Activity.Status.HELD, Activity.Status.EVALUATED)


@pytest.fixture
def demo_meetings() -> dict[str, object]:
    ctx = DemoContext(scale="county", seed=7)
    market_demo.seed_localities(ctx)
    market_demo.seed_service_types(ctx)
    council_demo.seed(ctx)
    for name in ("Independent Care Association", "Care Provider Network", "South Care Association"):
        AssociationFactory(name=name)
    # A small market: in each locality a residential and a domiciliary service, with contacts
    # at each level (one of them unsubscribed).
    residential = ServiceType.objects.get(slug="residential")
    domiciliary = ServiceType.objects.get(slug="domiciliary")
    unsubscribed = []
    for locality in Locality.objects.order_by("slug"):
        for kind in (residential, domiciliary):
            service = ServiceFactory(locality=locality, types=[kind])
            for level in (Level.OWNER, Level.MANAGER, Level.MANAGER, Level.WORKER):
                ContactFactory(provider=service.provider, level=level, works_at=[service])
            unsubscribed.append(
                ContactFactory(
                    provider=service.provider,
                    level=Level.MANAGER,
                    unsubscribed=True,
                    works_at=[service],
                )
            )
    groups_demo.seed(ctx)
    return {"unsubscribed": unsubscribed}


def test_held_and_published_meetings_have_invitations_drafts_none(demo_meetings) -> None:
    meetings = Meeting.objects.select_related("activity", "group")
    held = [m for m in meetings if m.activity.status in HELD]
    assert held
    for meeting in held:
        activity = meeting.activity
        contact_invites = set(
            Invitation.objects.filter(activity=activity, role=Invitation.Role.PROVIDER).values_list(
                "person_key", flat=True
            )
        )
        registered = {
            f"contact:{pk}"
            for pk in Registration.objects.filter(activity=activity).values_list(
                "contact_id", flat=True
            )
        }
        # Everyone registered was invited (they all have an address), so never fewer.
        assert registered <= contact_invites
        assert len(contact_invites) >= len(registered)
        # The officers of every team that must attend are invited.
        assert Invitation.objects.filter(activity=activity, role=Invitation.Role.OFFICER).exists()
    unsubscribed = {f"contact:{c.pk}" for c in demo_meetings["unsubscribed"]}
    assert not Invitation.objects.filter(person_key__in=unsubscribed).exists()
    assert not Invitation.objects.filter(activity__status=Activity.Status.DRAFT).exists()
    assert Invitation.objects.filter(activity__status=Activity.Status.PUBLISHED).exists()
    assert not OutgoingEmail.objects.exists()  # nothing is sent


def test_a_held_forum_meeting_summary_counts_its_invitations(demo_meetings) -> None:
    meeting = (
        Meeting.objects.filter(group__kind=GroupKind.PROVIDER_FORUM, activity__status__in=HELD)
        .annotate(n=Count("activity__registrations"))
        .filter(n__gt=0)
        .select_related("activity")
        .order_by("pk")
        .first()
    )
    assert meeting is not None
    figures = dict(attendance_register(meeting.activity).figures)["Provider contacts"]
    assert figures["registered"] > 0
    assert figures["invited"] >= figures["registered"]
    # The forum's audience: its locality's contacts of its service types (not unsubscribed).
    assert (
        figures["invited"]
        == Invitation.objects.filter(
            activity=meeting.activity, role=Invitation.Role.PROVIDER
        ).count()
    )


def test_the_demo_invites_whom_engagement_would_invite(demo_meetings) -> None:
    """Worked out in memory for speed, the invitations match ``invitees`` exactly."""
    from engage.engagement.services import invitees

    checked = 0
    for meeting in Meeting.objects.exclude(activity__status=Activity.Status.DRAFT).select_related(
        "activity"
    ):
        activity = meeting.activity
        demo = set(
            Invitation.objects.filter(activity=activity).values_list("person_key", flat=True)
        )
        expected = {k for k in invitees(activity) if not k.startswith("partner:")}
        assert demo == expected, meeting.group.name
        checked += 1
    assert checked > 20
