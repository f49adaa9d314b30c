"""The providers list and ``/api/providers`` keep a page's rows and the filters' choices in the
cache under the register's data version (``engage.market.caching``): every kind of write they
show is seen on the very next request."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from engage.api import services as api_services
from engage.market import services
from engage.market.caching import bump_register_version
from engage.market.models import Locality
from tests.market.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LIST = "/market/"
LONDON = ZoneInfo("Europe/London")


def _html(client: Client, url: str = LIST) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _api_names(client: Client, url: str = "/api/providers") -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    return {item["name"]: item for item in response.json()["items"]}


@pytest.fixture
def api_client(officer) -> Client:
    _, token = api_services.create_token(user=officer, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_page_is_read_once_while_the_register_is_unchanged(
    client_for, officer, provider_a, provider_b
) -> None:
    client = client_for(officer)
    assert "Alpha Care" in _html(client)
    # A write behind the register's back (no signal, no version): the cached rows stay...
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE market_provider SET name = %s WHERE id = %s", ["Zeta", provider_a.pk]
        )
    assert "Alpha Care" in _html(client)
    # ...until the version changes, as every write of the register does.
    bump_register_version()
    page = _html(client)
    assert "Zeta" in page
    assert "Alpha Care" not in page


def test_renaming_an_association_shows_in_the_rows_and_the_filter(
    client_for, officer, provider_a, api_client
) -> None:
    association = AssociationFactory(name="Care Homes Forum", short_name="CHF")
    MembershipFactory(association=association, provider=provider_a)
    client = client_for(officer)
    assert "Care Homes Forum" in _html(client)
    assert _api_names(api_client)[provider_a.name]["associations"][0]["name"] == (
        "Care Homes Forum"
    )

    services.save_association(actor=None, association=association, name="Residential Forum")

    page = _html(client)
    assert "Care Homes Forum" not in page
    assert page.count("Residential Forum") == 2  # the row and the filter's choice
    assert _api_names(api_client)[provider_a.name]["associations"][0]["name"] == (
        "Residential Forum"
    )


def test_joining_and_leaving_an_association_shows_at_once(
    client_for, officer, provider_a, api_client
) -> None:
    association = AssociationFactory(name="Home Care Alliance")
    client = client_for(officer)
    url = f"/market/?association={association.pk}"
    assert "Alpha Care" not in _html(client, url)
    assert _api_names(api_client)[provider_a.name]["associations"] == []

    membership = services.add_membership(
        actor=None,
        association=association,
        provider=provider_a,
        start=timezone.localdate() - timedelta(days=30),
    )
    assert "Alpha Care" in _html(client, url)
    assert [a["name"] for a in _api_names(api_client)[provider_a.name]["associations"]] == [
        "Home Care Alliance"
    ]

    services.end_membership(
        actor=None, membership=membership, end=timezone.localdate() - timedelta(days=1)
    )
    assert "Alpha Care" not in _html(client, url)
    assert _api_names(api_client)[provider_a.name]["associations"] == []


def test_a_membership_that_starts_tomorrow_shows_tomorrow(
    client_for, officer, provider_a, api_client
) -> None:
    """Nothing is written when a day passes: the day is part of what the rows are kept by."""
    association = AssociationFactory(name="Starts Tomorrow Network", short_name="STN")
    with time_machine.travel(datetime(2026, 3, 10, 23, 50, tzinfo=LONDON), tick=False):
        MembershipFactory(association=association, provider=provider_a, start=date(2026, 3, 11))
        client = client_for(officer)
        assert ">STN<" not in _html(client)
        assert _api_names(api_client)[provider_a.name]["associations"] == []
    with time_machine.travel(datetime(2026, 3, 11, 0, 10, tzinfo=LONDON), tick=False):
        assert ">STN<" in _html(client)
        assert [a["name"] for a in _api_names(api_client)[provider_a.name]["associations"]] == [
            "Starts Tomorrow Network"
        ]


def test_renaming_a_contract_manager_shows_in_the_rows_and_the_filter(
    client_for, officer, pem, provider_a, api_client
) -> None:
    manager = pem.officer
    services.assign_contract_manager(actor=None, providers=[provider_a], officer=manager)
    client = client_for(officer)
    old_name = pem.full_name
    assert _html(client).count(old_name) >= 2  # the row and the filter's choice
    assert _api_names(api_client)[provider_a.name]["contract_manager"]["name"] == old_name

    pem.full_name = "Morgan Renamed"
    pem.save(update_fields=["full_name"])

    page = _html(client)
    assert old_name not in page
    assert page.count("Morgan Renamed") >= 2
    assert _api_names(api_client)[provider_a.name]["contract_manager"]["name"] == "Morgan Renamed"


def test_a_new_locality_is_offered_by_the_filter_at_once(client_for, officer, provider_a) -> None:
    client = client_for(officer)
    assert "Tendring Coast" not in _html(client)
    Locality.objects.create(name="Tendring Coast", slug="tendring-coast")
    assert "Tendring Coast" in _html(client)
    assert _html(client, "/market/services/").count("Tendring Coast") == 1
    assert "Tendring Coast" in _html(client, "/market/contacts/")
