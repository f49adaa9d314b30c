"""The filters of the market lists: one definition, and the same meaning for every input."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.market import selectors
from engage.market.filters import (
    NOT_RATED,
    ContactFilters,
    ProviderFilterForm,
    ProviderFilters,
    ServiceFilterForm,
    bound,
)
from engage.market.models import Contact, Provider, Rating, Service
from tests.market.factories import ContactFactory, ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

RATINGS = [value for value, _ in Rating.choices]


def test_form_turns_a_query_string_into_filters(localities, service_types) -> None:
    form = bound(
        ProviderFilterForm,
        {
            "q": "  oak ",
            "locality": ["mid", "north"],
            "rating": ["good", NOT_RATED],
            "tier_one": "yes",
            "association": "none",
            "contracted": "no",
            "contract_manager": "0",
            "include_inactive": True,
        },
    )
    assert form.filters() == ProviderFilters(
        search="oak",
        localities=("mid", "north"),
        ratings=("good", ""),
        tier_one=True,
        association="none",
        contracted=False,
        contract_manager=0,
        include_inactive=True,
    )
    assert form.is_filtered


def test_invalid_parts_are_reported_and_left_out(localities) -> None:
    form = bound(ServiceFilterForm, {"locality": ["mid", "atlantis"], "tier_one": "yes"})
    filters = form.filters()
    assert "locality" in form.errors
    assert filters.localities == () and filters.tier_one is True


@pytest.fixture
def varied_market(localities, service_types):
    rng = random.Random(7)
    slugs = list(service_types)
    for n in range(12):
        provider = ProviderFactory(is_tier_one=rng.random() < 0.3)
        for _ in range(rng.randint(0, 3)):
            status = "active" if rng.random() < 0.85 else "deregistered"
            service = ServiceFactory(
                provider=provider,
                locality=rng.choice([*localities.values(), None]),
                rating=rng.choice(RATINGS),
                is_contracted=rng.random() < 0.5,
                status=status,
                deregistered_on="2024-01-01" if status == "deregistered" else None,
                types=[service_types[s] for s in rng.sample(slugs, rng.randint(1, 2))],
            )
            if rng.random() < 0.5:
                ContactFactory(provider=provider, works_at=[service])
        if n % 2:
            ContactFactory(provider=provider)


def _service_matches(service: Service, f: ProviderFilters | ContactFilters) -> bool:
    types = {t.slug for t in service.service_types.all()}
    return (
        service.status == "active"
        and (not f.localities or (service.locality and service.locality.slug in f.localities))
        and (not f.service_types or bool(types & set(f.service_types)))
        and (not f.ratings or service.rating in f.ratings)
        and (f.contracted is None or service.is_contracted == f.contracted)
    )


filters_strategy = st.builds(
    dict,
    localities=st.lists(
        st.sampled_from(["mid", "north", "south", "west"]), max_size=2, unique=True
    ).map(tuple),
    service_types=st.lists(
        st.sampled_from(["residential", "nursing", "domiciliary", "supported-living"]),
        max_size=2,
        unique=True,
    ).map(tuple),
    ratings=st.lists(st.sampled_from(RATINGS), max_size=2, unique=True).map(tuple),
    tier_one=st.sampled_from([None, True, False]),
    contracted=st.sampled_from([None, True, False]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=filters_strategy)
def test_a_provider_is_listed_when_one_active_service_meets_every_service_filter(
    chosen, varied_market, officer
) -> None:
    filters = ProviderFilters(**chosen)
    expected = {
        p.pk
        for p in Provider.objects.prefetch_related("services__service_types", "services__locality")
        if (filters.tier_one is None or p.is_tier_one == filters.tier_one)
        and (
            not filters.narrows_services
            or any(_service_matches(s, filters) for s in p.services.all())
        )
    }
    listed = set(selectors.providers(user=officer, filters=filters).values_list("pk", flat=True))
    assert listed == expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=filters_strategy)
def test_a_contact_is_reached_through_their_services_or_else_their_provider(
    chosen, varied_market, officer
) -> None:
    filters = ContactFilters(**chosen)
    expected = set()
    for contact in Contact.objects.select_related("provider").prefetch_related(
        "services__service_types",
        "services__locality",
        "provider__services__service_types",
        "provider__services__locality",
    ):
        own = list(contact.services.all())
        through = own if own else list(contact.provider.services.all())
        if (filters.tier_one is None or contact.provider.is_tier_one == filters.tier_one) and (
            not filters.narrows_services or any(_service_matches(s, filters) for s in through)
        ):
            expected.add(contact.pk)
    listed = set(selectors.contacts(user=officer, filters=filters).values_list("pk", flat=True))
    assert listed == expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=filters_strategy)
def test_lists_never_repeat_a_row(chosen, varied_market, officer) -> None:
    providers = list(
        selectors.providers(user=officer, filters=ProviderFilters(**chosen)).values_list(
            "pk", flat=True
        )
    )
    contacts = list(
        selectors.contacts(user=officer, filters=ContactFilters(**chosen)).values_list(
            "pk", flat=True
        )
    )
    assert len(providers) == len(set(providers)) and len(contacts) == len(set(contacts))
