"""The demo's forward plans, agendas, notes and actions give every page something to show."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engage.core.demo import DemoContext
from engage.council import demo as council_demo
from engage.groups import demo as groups_demo
from engage.groups import demo_agendas
from engage.groups.models import (
    Action,
    ActionStatus,
    ForwardPlanEvent,
    ForwardPlanItem,
    ItemStatus,
    MeetingNotes,
)
from engage.market import demo as market_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_agendas_outcomes_carried_items_notes_and_actions() -> None:
    ctx = DemoContext(scale="county", seed=7)
    market_demo.seed_localities(ctx)
    market_demo.seed_service_types(ctx)
    council_demo.seed(ctx)
    groups_demo.seed(ctx)
    demo_agendas.seed(ctx)

    assert ForwardPlanItem.objects.filter(status=ItemStatus.DONE).exclude(outcome="").count() > 20
    assert ForwardPlanEvent.objects.filter(kind=ForwardPlanEvent.Kind.CARRIED_FORWARD).exists()
    published = MeetingNotes.objects.filter(published_at__isnull=False)
    assert published.exists() and not published.filter(sent_at__isnull=True).exists()
    assert MeetingNotes.objects.filter(published_at__isnull=True).exists()  # a draft
    assert all(n.revisions.count() == 2 for n in MeetingNotes.objects.all())
    done = Action.objects.filter(status=ActionStatus.DONE)
    assert done.exists() and not done.filter(outcome="").exists()
    overdue = Action.objects.filter(
        status__in=("open", "in-progress"), due_on__lt=timezone.localdate()
    )
    assert overdue.filter(owner__user__email__startswith="officer@").exists()
