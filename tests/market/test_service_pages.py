"""The services list and page, and adding and editing a service."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engage.market.models import Service
from tests.market.factories import ServiceFactory, make_market

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [s.name for s in response.context["page"].object_list]


def test_lists_registered_services_by_default_and_deregistered_on_request(
    client_for, officer, provider_a, provider_b
) -> None:
    home = provider_b.services.get()
    home.status, home.deregistered_on = Service.Status.DEREGISTERED, timezone.localdate()
    home.save()
    client = client_for(officer)
    assert names(client.get("/market/services/")) == ["Alpha Homecare", "Alpha House"]
    assert names(client.get("/market/services/?status=deregistered")) == ["Beta Nursing Home"]
    assert len(names(client.get("/market/services/?status=all"))) == 3


def test_filters_services_by_provider_attributes_and_their_own(
    client_for, officer, provider_a, provider_b
) -> None:
    client = client_for(officer)
    assert names(client.get("/market/services/?tier_one=yes&service_type=residential")) == [
        "Alpha House"
    ]
    assert names(client.get("/market/services/?locality=north&locality=south")) == [
        "Alpha Homecare",
        "Beta Nursing Home",
    ]
    assert names(client.get(f"/market/services/?provider={provider_b.pk}")) == ["Beta Nursing Home"]
    assert names(client.get("/market/services/?q=CM1")) == [
        "Alpha Homecare",
        "Alpha House",
        "Beta Nursing Home",
    ]


def test_sorts_services_by_beds(client_for, officer, provider_a, provider_b) -> None:
    assert names(client_for(officer).get("/market/services/?sort=-beds"))[:2] == [
        "Beta Nursing Home",
        "Alpha House",
    ]


def test_service_list_has_constant_queries(
    client_for, pem, localities, service_types, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    kwargs = {"localities": list(localities.values()), "types": list(service_types.values())}
    make_market(2, **kwargs)
    with django_assert_max_num_queries(12) as small:
        client.get("/market/services/?tier_one=no")
    make_market(25, **kwargs)
    with django_assert_max_num_queries(12) as large:
        client.get("/market/services/?tier_one=no")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_services_export(client_for, officer, provider_a) -> None:
    body = b"".join(
        client_for(officer).get("/market/services/?export=csv").streaming_content
    ).decode()
    assert "Alpha House" in body and "Residential" in body


def test_service_page_shows_the_provider_and_who_works_there(
    client_for, officer, councillor, provider_a, provider_a_user
) -> None:
    house = provider_a.services.get(name="Alpha Homecare")  # where Ama works
    html = client_for(officer).get(f"/market/services/{house.pk}/").content.decode()
    assert "Alpha Care Ltd" in html and "Ama Alpha" in html
    councillor_html = client_for(councillor).get(f"/market/services/{house.pk}/").content.decode()
    assert "Ama Alpha" not in councillor_html


def test_adding_a_care_home_needs_its_beds(
    client_for, officer, provider_b, service_types, localities
) -> None:
    client = client_for(officer)
    data = {
        "name": "Beta Lodge",
        "service_types": [service_types["residential"].pk],
        "locality": localities["south"].pk,
        "address": "1 Road",
        "postcode": "SS1 1AA",
        "status": "active",
        "rating": "good",
    }
    response = client.post(f"/market/providers/{provider_b.pk}/services/add/", data)
    assert "Enter the number of registered beds of this care home" in response.content.decode()
    response = client.post(
        f"/market/providers/{provider_b.pk}/services/add/", {**data, "beds": "12"}
    )
    service = Service.objects.get(name="Beta Lodge")
    assert response.url == f"/market/services/{service.pk}/"
    assert service.provider == provider_b and service.beds == 12
    assert [t.slug for t in service.service_types.all()] == ["residential"]


def test_a_service_needs_a_type_and_dates_not_in_the_future(
    client_for, officer, provider_b
) -> None:
    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = client_for(officer).post(
        f"/market/providers/{provider_b.pk}/services/add/",
        {
            "name": "Nowhere",
            "address": "x",
            "postcode": "x",
            "status": "active",
            "rating": "good",
            "rating_date_0": str(tomorrow.day),
            "rating_date_1": str(tomorrow.month),
            "rating_date_2": str(tomorrow.year),
        },
    )
    html = response.content.decode()
    assert "Select at least one service type" in html
    assert "The date must be today or in the past" in html


def test_deregistering_a_service_by_editing_dates_it(
    client_for, officer, provider_b, service_types
) -> None:
    home = provider_b.services.get()
    client_for(officer).post(
        f"/market/services/{home.pk}/edit/",
        {
            "name": home.name,
            "service_types": [service_types["nursing"].pk],
            "address": "3 Road",
            "postcode": "SS1 1AA",
            "beds": "60",
            "status": "deregistered",
            "rating": "",
            "is_contracted": "on",
        },
    )
    home.refresh_from_db()
    assert home.status == "deregistered" and home.deregistered_on == timezone.localdate()
    assert home.is_contracted


def test_a_service_without_a_known_provider_can_be_edited(
    client_for, officer, service_types
) -> None:
    orphan = ServiceFactory(provider=None, name="Unknown House")
    client_for(officer).post(
        f"/market/services/{orphan.pk}/edit/",
        {
            "name": "Unknown House",
            "service_types": [service_types["domiciliary"].pk],
            "address": "1",
            "postcode": "CM1 1AA",
            "status": "active",
            "is_contracted": "on",
        },
    )
    orphan.refresh_from_db()
    assert orphan.is_contracted and orphan.provider is None
