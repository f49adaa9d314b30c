"""The market API: the same filters as the pages, paginated, and providers kept apart."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from engage.api import market as market_api
from engage.api import services as api_services
from engage.market.filters import ContactFilterForm, ProviderFilterForm, ServiceFilterForm
from tests.market.factories import ContactFactory, make_market

pytestmark = pytest.mark.django_db


def api(user, path: str):
    _, token = api_services.create_token(user=user, name="tests")
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(
    ("schema", "form"),
    [
        (market_api.ProviderQuery, ProviderFilterForm),
        (market_api.ServiceQuery, ServiceFilterForm),
        (market_api.ContactQuery, ContactFilterForm),
    ],
)
def test_api_filters_are_the_pages_filters(schema, form, db) -> None:
    assert set(schema.model_fields) == set(form().fields)


def test_providers_endpoint_filters_like_the_page(
    client_for, officer, provider_a, provider_b
) -> None:
    path = "?locality=mid&locality=south&tier_one=no"
    page_names = [
        p["name"] for p in client_for(officer).get(f"/market/{path}").context["page"].object_list
    ]
    body = api(officer, f"/api/providers{path}").json()
    assert [p["name"] for p in body["items"]] == page_names == ["Beta Nursing Ltd"]
    assert body["count"] == 1 and body["pages"] == 1


def test_provider_list_items_have_counts_and_associations(officer, provider_a) -> None:
    item = api(officer, "/api/providers?q=alpha").json()["items"][0]
    assert item["is_tier_one"] is True
    assert (item["active_services"], item["total_beds"], item["locality_count"]) == (2, 40, 2)
    assert item["associations"] == []


def test_a_bad_filter_is_a_422_naming_it(officer, provider_a) -> None:
    response = api(officer, "/api/services?rating=superb")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "rating" in response.json()["detail"]


def test_provider_detail_has_its_services(officer, provider_a) -> None:
    body = api(officer, f"/api/providers/{provider_a.pk}").json()
    assert sorted(s["name"] for s in body["services"]) == ["Alpha Homecare", "Alpha House"]
    house = next(s for s in body["services"] if s["name"] == "Alpha House")
    assert (
        house["service_types"] == ["residential"]
        and house["locality"] == "mid"
        and house["beds"] == 40
    )


def test_provider_users_see_only_their_own_organisation(
    provider_a_user, provider_a, provider_b
) -> None:
    assert [p["name"] for p in api(provider_a_user, "/api/providers").json()["items"]] == [
        "Alpha Care Ltd"
    ]
    assert api(provider_a_user, f"/api/providers/{provider_a.pk}").status_code == 200
    other = api(provider_a_user, f"/api/providers/{provider_b.pk}")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    services = api(provider_a_user, "/api/services?status=all").json()["items"]
    assert {s["provider"]["name"] for s in services} == {"Alpha Care Ltd"}
    ContactFactory(provider=provider_b, name="Bea Beta")
    contacts = api(provider_a_user, "/api/contacts").json()["items"]
    assert [c["name"] for c in contacts] == ["Ama Alpha"]
    assert api(provider_a_user, f"/api/contacts?provider={provider_b.pk}").json()["items"] == []


def test_contacts_need_the_contacts_capability(
    councillor, partner, officer, provider_a_user
) -> None:
    assert api(councillor, "/api/contacts").status_code == 403
    assert api(partner, "/api/providers").status_code == 403
    body = api(officer, "/api/contacts?level=manager").json()
    assert body["items"][0]["email"] == "manager@alpha.example"
    assert body["items"][0]["works_at"][0]["name"] == "Alpha Homecare"


def test_reference_lists(officer, localities, service_types) -> None:
    assert [loc["slug"] for loc in api(officer, "/api/localities").json()["items"]] == [
        "mid",
        "north",
        "south",
        "west",
    ]
    assert api(officer, "/api/service-types").json()["items"][0]["slug"] == "residential"


@pytest.mark.parametrize(
    "path",
    [
        "/api/providers?tier_one=no",
        "/api/services?locality=mid",
        "/api/contacts?service_type=nursing",
    ],
)
def test_list_endpoints_have_constant_queries(
    path, pem, localities, service_types, django_assert_max_num_queries
) -> None:
    _, token = api_services.create_token(user=pem, name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    kwargs = {"localities": list(localities.values()), "types": list(service_types.values())}
    make_market(2, **kwargs)
    client.get(path)  # the token's first use is recorded once
    cache.clear()  # pages of rows are cached: measure what a request reads when they are not
    with django_assert_max_num_queries(12) as small:
        assert client.get(path).status_code == 200
    make_market(25, **kwargs)
    cache.clear()
    with django_assert_max_num_queries(12) as large:
        client.get(path)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_reference_lists_have_constant_queries(
    pem, localities, service_types, django_assert_max_num_queries
) -> None:
    from tests.market.factories import LocalityFactory, ServiceTypeFactory

    _, token = api_services.create_token(user=pem, name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/localities")
    with django_assert_max_num_queries(6) as small:
        client.get("/api/localities")
        client.get("/api/service-types")
    LocalityFactory.create_batch(10)
    ServiceTypeFactory.create_batch(10)
    with django_assert_max_num_queries(6) as large:
        client.get("/api/localities")
        client.get("/api/service-types")
    assert len(small.captured_queries) == len(large.captured_queries)
