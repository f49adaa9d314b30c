"""Audiences: overlap is a pure rule; reach counts the register."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.market.audience import Audience, Segment, contact_segments, reach
from engage.market.models import Level
from tests.market.factories import ContactFactory, ServiceFactory

values = st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=3)
audiences = st.builds(
    Audience, service_types=values, levels=values, localities=values, tier_one_only=st.booleans()
)


@given(audiences, audiences)
def test_overlap_is_symmetric(a: Audience, b: Audience) -> None:
    assert a.overlaps(b) == b.overlaps(a)


@given(audiences)
def test_an_audience_overlaps_itself(a: Audience) -> None:
    assert a.overlaps(a)


@given(audiences, audiences)
def test_disjoint_in_any_chosen_dimension_never_overlap(a: Audience, b: Audience) -> None:
    disjoint = any(
        x and y and not (x & y)
        for x, y in (
            (a.service_types, b.service_types),
            (a.levels, b.levels),
            (a.localities, b.localities),
        )
    )
    if disjoint:
        assert not a.overlaps(b)
    else:
        assert a.overlaps(b)


@given(
    audiences,
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["a", "b", "c"]),
    st.booleans(),
)
def test_a_segment_in_both_audiences_means_they_overlap(
    a: Audience, t: str, lv: str, loc: str, tier: bool
) -> None:
    segment = Segment(t, lv, loc, tier)
    other = Audience(frozenset({t}), frozenset({lv}), frozenset({loc}))
    if a.includes(segment) and other.includes(segment):
        assert a.overlaps(other)


@pytest.mark.django_db
def test_reach_counts_providers_services_and_contacts_excluding_unsubscribed(
    provider_a, provider_b, service_types, localities
) -> None:
    home = provider_a.services.get(name="Alpha House")
    ContactFactory(provider=provider_a, level=Level.MANAGER, works_at=[home])
    ContactFactory(provider=provider_a, level=Level.MANAGER, works_at=[home], unsubscribed=True)
    ContactFactory(
        provider=provider_a, level=Level.OWNER
    )  # no services: reached through the provider
    ContactFactory(
        provider=provider_a,
        level=Level.MANAGER,
        works_at=list(provider_a.services.filter(name="Alpha Homecare")),
    )
    ContactFactory(provider=provider_b, level=Level.MANAGER, email_consent=False)
    residential_mid = Audience(
        service_types=frozenset({"residential"}), localities=frozenset({"mid"})
    )
    assert reach(residential_mid) == type(reach(residential_mid))(
        providers=1, services=1, contacts=2, emailable=2
    )
    managers_everywhere = Audience(levels=frozenset({Level.MANAGER}))
    result = reach(managers_everywhere)
    assert (result.providers, result.services, result.contacts, result.emailable) == (2, 3, 3, 2)
    tier_one = Audience(tier_one_only=True)
    assert reach(tier_one).providers == 1


@pytest.mark.django_db
def test_a_deregistered_service_is_not_reached(provider_b, service_types) -> None:
    provider_b.services.update(status="deregistered")
    assert reach(Audience(service_types=frozenset({"nursing"}))).services == 0


@pytest.mark.django_db
def test_contact_segments_come_from_their_services_or_the_whole_provider(provider_a) -> None:
    owner = ContactFactory(provider=provider_a, level=Level.OWNER)
    assert contact_segments(owner) == {
        Segment("residential", "owner", "mid", True),
        Segment("domiciliary", "owner", "north", True),
    }
    manager = ContactFactory(
        provider=provider_a,
        level=Level.MANAGER,
        works_at=[
            ServiceFactory(provider=provider_a, locality=provider_a.services.first().locality)
        ],
    )
    assert all(s.level == "manager" for s in contact_segments(manager))
