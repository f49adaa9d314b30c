"""A provider's stored figures (registered services, beds, localities) and the cached counts of
the providers list stay right after every kind of write."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from engage.api import services as api_services
from engage.market import services
from engage.market.caching import bump_register_version
from engage.market.cqc_import import import_cqc_file
from engage.market.models import Locality, Provider, Service
from tests.market.factories import ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "cqc_import"


def figures(provider: Provider) -> tuple[int, int, int]:
    provider.refresh_from_db()
    return provider.active_services, provider.total_beds, provider.locality_count


def computed(provider: Provider) -> tuple[int, int, int]:
    """The figures worked out from the services, the slow way."""
    active = [s for s in Service.objects.filter(provider=provider) if s.is_active]
    return (
        len(active),
        sum(s.beds or 0 for s in active),
        len({s.locality_id for s in active if s.locality_id is not None}),
    )


def assert_every_provider_right() -> None:
    wrong = {p.name: (figures(p), computed(p)) for p in Provider.objects.all()}
    wrong = {name: pair for name, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong
    assert Provider.objects.filter(active_services__gt=0).exists()


@pytest.fixture
def areas(db) -> dict[str, Locality]:
    return {
        "mid": Locality.objects.create(
            name="Mid", slug="mid", districts=["Chelmsford"], postcode_districts=["CM1", "CM8"]
        ),
        "north": Locality.objects.create(
            name="North", slug="north", districts=["Colchester"], postcode_districts=["CO1"]
        ),
        "south": Locality.objects.create(
            name="South",
            slug="south",
            districts=["Southend-on-Sea", "thurrock"],
            postcode_districts=["SS1"],
        ),
    }


def run(name: str) -> None:
    result = import_cqc_file(source=FIXTURES / name, file_name=name)
    assert not result.refused


def test_figures_are_right_after_an_import_and_a_reimport_that_closes_and_reopens(
    areas,
) -> None:
    run("directory_v1.csv")
    assert_every_provider_right()
    closing = Service.objects.get(cqc_location_id="1-500000002")
    before = figures(closing.provider)

    run("directory_v2.csv")  # deregisters 1-500000002, adds one, changes one
    closing.refresh_from_db()
    assert closing.status == Service.Status.DEREGISTERED
    assert figures(closing.provider)[0] == before[0] - 1
    assert_every_provider_right()

    run("directory_v1.csv")  # registered again
    assert figures(closing.provider) == before
    assert_every_provider_right()


def test_figures_follow_each_write_of_a_service(localities, service_types) -> None:
    alpha = ProviderFactory(name="Alpha")
    beta = ProviderFactory(name="Beta")
    assert figures(alpha) == (0, 0, 0)

    home = services.save_service(
        actor=None,
        provider=alpha,
        name="Alpha House",
        locality=localities["mid"],
        beds=30,
        service_types=[service_types["residential"]],
    )
    assert figures(alpha) == (1, 30, 1)

    services.save_service(
        actor=None, provider=alpha, name="Alpha North", locality=localities["north"], beds=10
    )
    assert figures(alpha) == (2, 40, 2)

    services.save_service(actor=None, provider=alpha, service=home, beds=35)
    assert figures(alpha) == (2, 45, 2)

    services.save_service(actor=None, provider=alpha, service=home, locality=localities["north"])
    assert figures(alpha) == (2, 45, 1)

    services.save_service(actor=None, provider=alpha, service=home, status="deregistered")
    assert figures(alpha) == (1, 10, 1)

    services.save_service(actor=None, provider=alpha, service=home, status="active")
    assert figures(alpha) == (2, 45, 1)

    # Moving a service to another provider changes both.
    moved = Service.objects.get(pk=home.pk)
    services.save_service(actor=None, provider=beta, service=moved)
    assert figures(alpha) == (1, 10, 1)
    assert figures(beta) == (1, 35, 1)

    moved.delete()
    assert figures(beta) == (0, 0, 0)


def test_a_plain_save_of_a_service_keeps_the_figures(provider_a) -> None:
    house = provider_a.services.get(name="Alpha House")
    house.status, house.deregistered_on = "deregistered", timezone.localdate()
    house.save()
    assert figures(provider_a) == computed(provider_a) == (1, 0, 1)


def test_saving_a_provider_loaded_before_its_services_changed_keeps_the_figures(
    localities,
) -> None:
    provider = ProviderFactory(name="Gamma")
    stale = Provider.objects.get(pk=provider.pk)
    ServiceFactory(provider=provider, locality=localities["mid"], beds=12)
    services.save_provider(actor=None, provider=stale, name="Gamma Care")
    assert figures(provider) == (1, 12, 1)
    assert provider.name == "Gamma Care"


def _shown_count(client: Client, url: str) -> int:
    return client.get(url).context["page"].paginator.count


def test_the_lists_count_is_right_right_after_a_write(
    client_for, officer, provider_a, provider_b, localities, service_types
) -> None:
    client = client_for(officer)
    url = "/market/?locality=mid&service_type=residential"
    assert _shown_count(client, url) == 1
    assert "1 provider." in client.get(url).content.decode()

    services.save_service(
        actor=None,
        provider=provider_b,
        name="Beta Mid House",
        locality=localities["mid"],
        service_types=[service_types["residential"]],
    )
    assert _shown_count(client, url) == 2
    assert "2 providers." in client.get(url).content.decode()

    services.set_tier_one(actor=None, providers=[provider_b], tier_one=True)
    assert _shown_count(client, url + "&tier_one=no") == 0
    services.set_tier_one(actor=None, providers=[provider_b], tier_one=False)
    assert _shown_count(client, url + "&tier_one=no") == 1

    house = provider_a.services.get(name="Alpha House")
    house.service_types.clear()  # a change of types alone
    assert _shown_count(client, url) == 1


def test_the_api_count_is_right_right_after_a_write(
    officer, provider_a, provider_b, localities
) -> None:
    _, token = api_services.create_token(user=officer, name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/providers?locality=south").json()["count"] == 1
    services.save_service(
        actor=None, provider=provider_a, name="Alpha South", locality=localities["south"]
    )
    assert client.get("/api/providers?locality=south").json()["count"] == 2


def test_the_count_comes_from_the_cache_until_the_register_changes(
    client_for, officer, provider_a, provider_b
) -> None:
    client = client_for(officer)
    assert _shown_count(client, "/market/") == 2
    # A write behind the register's back (no signal, no version): the cached count stays...
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE market_provider SET is_active = %s WHERE id = %s", [False, provider_b.pk]
        )
    assert _shown_count(client, "/market/") == 2
    # ...until the version changes, as every write of the register does.
    bump_register_version()
    assert _shown_count(client, "/market/") == 1
