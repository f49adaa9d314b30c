"""Personas shared by every test: a PEM, an officer, an LDD, a councillor, a partner, an
administrator, and a user of provider A and one of provider B. Isolation tests are one line:
``client_for(provider_b_user).get(url_of_provider_a_thing)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from engage.accounts.models import Role, User
from tests.council.factories import OfficerFactory, PartnerPersonFactory, TeamFactory, UserFactory
from tests.market.factories import (
    ContactFactory,
    LocalityFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceTypeFactory,
)

pytest_plugins = ["tests.clock"]  # the on_today fixture

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need a real service skip, naming what to set, where it is absent."""
    engine = settings.DATABASES["default"]["ENGINE"]
    skips = {
        "postgres": (
            "postgresql" not in engine,
            "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/engage to run it",
        ),
        "redis": (
            not os.environ.get("REDIS_URL"),
            "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/15 to run it",
        ),
        "browser": (
            not CHROMIUM.exists(),
            "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        ),
    }
    for item in items:
        for marker, (absent, reason) in skips.items():
            if absent and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def locmem_cache() -> Iterator[None]:
    """A LocMem cache (per process, as production without Redis), whatever the tests' settings
    (a shared Redis in CI): for the tests that what pages cache under data versions is never
    older than the data (``pytest.mark.usefixtures("locmem_cache")``)."""
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Each test starts with an empty cache (it may be a shared Redis in CI)."""
    cache.clear()
    yield


@pytest.fixture
def teams(db: Any) -> dict[str, Any]:
    names = {
        "commissioning": "Commissioning",
        "quality-improvement": "Quality Improvement",
        "contracts": "Contracts",
        "safeguarding": "Safeguarding",
        "service-placement": "Service Placement",
        "adult-operations": "Adult Operations",
        "provider-engagement": "Provider Engagement",
    }
    return {slug: TeamFactory(slug=slug, name=name) for slug, name in names.items()}


@pytest.fixture
def pem(teams: dict[str, Any]) -> User:
    officer = OfficerFactory(
        user__email="pem@example.org",
        user__full_name="Pat Manager",
        user__role=Role.PEM,
        team=teams["provider-engagement"],
        job_title="Provider Engagement Manager",
    )
    return officer.user


@pytest.fixture
def officer(teams: dict[str, Any]) -> User:
    return OfficerFactory(
        user__email="officer@example.org", user__full_name="Olu Officer", team=teams["contracts"]
    ).user


@pytest.fixture
def ldd(teams: dict[str, Any]) -> User:
    return OfficerFactory(
        user__email="ldd@example.org",
        user__full_name="Lee Director",
        user__role=Role.LDD,
        team=teams["adult-operations"],
        job_title="Local Delivery Director",
    ).user


@pytest.fixture
def councillor(db: Any) -> User:
    return UserFactory(
        email="councillor@example.org", full_name="Cleo Councillor", role=Role.COUNCILLOR
    )


@pytest.fixture
def partner(db: Any) -> User:
    user = UserFactory(email="partner@example.org", full_name="Pia Partner", role=Role.PARTNER)
    PartnerPersonFactory(name=user.full_name, email=user.email, user=user)
    return user


@pytest.fixture
def admin_user(db: Any) -> User:
    return UserFactory(
        email="admin@example.org",
        full_name="Ada Admin",
        role=Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def service_types(db: Any) -> dict[str, Any]:
    slugs = [
        "residential",
        "nursing",
        "domiciliary",
        "supported-living",
        "extra-care",
        "day-services",
        "other",
    ]
    return {slug: ServiceTypeFactory(slug=slug, position=i) for i, slug in enumerate(slugs)}


@pytest.fixture
def localities(db: Any) -> dict[str, Any]:
    names = {"north": "North", "mid": "Mid", "south": "South", "west": "West"}
    return {slug: LocalityFactory(slug=slug, name=name) for slug, name in names.items()}


@pytest.fixture
def provider_a(service_types: dict[str, Any], localities: dict[str, Any]) -> Any:
    """A Tier One provider with a residential home in Mid and a home-care branch in North."""
    provider = ProviderFactory(name="Alpha Care Ltd", is_tier_one=True)
    ServiceFactory(
        provider=provider,
        name="Alpha House",
        locality=localities["mid"],
        beds=40,
        types=[service_types["residential"]],
    )
    ServiceFactory(
        provider=provider,
        name="Alpha Homecare",
        locality=localities["north"],
        types=[service_types["domiciliary"]],
    )
    return provider


@pytest.fixture
def provider_b(service_types: dict[str, Any], localities: dict[str, Any]) -> Any:
    """A small provider: one nursing home in South."""
    provider = ProviderFactory(name="Beta Nursing Ltd")
    ServiceFactory(
        provider=provider,
        name="Beta Nursing Home",
        locality=localities["south"],
        beds=60,
        types=[service_types["nursing"]],
    )
    return provider


@pytest.fixture
def provider_a_user(provider_a: Any) -> User:
    user = UserFactory(email="manager@alpha.example", full_name="Ama Alpha", role=Role.PROVIDER)
    ContactFactory(
        provider=provider_a,
        name=user.full_name,
        email=user.email,
        user=user,
        works_at=list(provider_a.services.all()[:1]),
    )
    return user


@pytest.fixture
def provider_b_user(provider_b: Any) -> User:
    user = UserFactory(email="manager@beta.example", full_name="Ben Beta", role=Role.PROVIDER)
    ContactFactory(provider=provider_b, name=user.full_name, email=user.email, user=user)
    return user


@pytest.fixture
def client_for(db: Any) -> Callable[[User | None], Client]:
    """A test client signed in as ``user`` (anonymous for ``None``)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
