"""The demo data tells the review's story: forums per locality with no clear terms of reference,
terms in every state, and maturity over two years."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max, Min
from django.utils import timezone

from engage.accounts.models import Role, User
from engage.core.demo import DemoContext
from engage.council import demo as council_demo
from engage.groups import demo as groups_demo
from engage.groups.models import (
    EngagementGroup,
    GroupKind,
    MaturityAssessment,
    TermsOfReference,
    TermsState,
)
from engage.groups.selectors import register
from engage.market import demo as market_demo
from tests.market.factories import AssociationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_groups() -> DemoContext:
    ctx = DemoContext(scale="county", seed=7)
    market_demo.seed_localities(ctx)
    market_demo.seed_service_types(ctx)
    council_demo.seed(ctx)
    for name in ("Independent Care Association", "Care Provider Network", "South Care Association"):
        AssociationFactory(name=name)
    groups_demo.seed(ctx)
    return ctx


def test_the_demo_tells_the_reviews_story(demo_groups, client_for) -> None:
    """One run of the demo (it takes a few seconds), checked from every side."""
    # each locality has a forum owned by its ldd with three streams
    forums = EngagementGroup.objects.filter(kind=GroupKind.PROVIDER_FORUM).select_related(
        "owner__user", "locality"
    )
    assert {f.locality.slug for f in forums} == {"north", "mid", "south", "west"}
    for forum in forums:
        assert forum.owner.user.role == Role.LDD and forum.owner.locality == forum.locality
        assert forum.frequency_target >= 3 and forum.publication_horizon_months == 12
        assert forum.streams.count() == 3 and forum.required_teams.count() == 5
        assert forum.invited_partners.exists()
    # every kind of group in the review is there
    kinds = set(EngagementGroup.objects.values_list("kind", flat=True))
    assert kinds >= {k.value for k in GroupKind} - {GroupKind.OTHER}
    assert EngagementGroup.objects.filter(kind=GroupKind.ASSOCIATION_LIAISON).count() == 3
    # terms of reference are in every state
    states = {g.name: g.terms_state for g in register()}
    assert set(states.values()) == {s.value for s in TermsState}
    forum_states = [s for name, s in states.items() if "Provider Forum" in name]
    assert forum_states.count(TermsState.NONE) >= 2  # the review: forums had no clear terms
    assert TermsOfReference.objects.filter(status="superseded").exists()
    assert TermsOfReference.objects.filter(status="draft").exists()
    # maturity runs over two years
    span = MaturityAssessment.objects.aggregate(first=Min("assessed_on"), last=Max("assessed_on"))
    assert span["last"] - span["first"] > timedelta(days=600)
    assert span["last"] <= timezone.localdate()
    assessed = set(MaturityAssessment.objects.values_list("group_id", flat=True))
    unassessed = EngagementGroup.objects.exclude(pk__in=assessed)
    assert [g.status for g in unassessed] == ["proposed"]
    # the register and a forum page show the demo

    pem = User.objects.get(email="pem@engage.example")
    client = client_for(pem)
    html = client.get("/groups/").content.decode()
    assert "Mid Essex Provider Forum" in html and "Review overdue" in html
    forum = EngagementGroup.objects.get(name="Mid Essex Provider Forum")
    assert client.get(f"/groups/{forum.pk}/terms/2/changes/").status_code == 200
