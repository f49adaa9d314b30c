"""Market coverage: the share of providers, services and beds each association represents."""

from __future__ import annotations

from datetime import date

import pytest

from engage.market.coverage import market_coverage
from engage.market.models import Service
from tests.market.factories import (
    AssociationFactory,
    MembershipFactory,
    ProviderFactory,
    ServiceFactory,
    make_market,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(provider_a, provider_b, localities, service_types):
    """Alpha (Tier One: 40-bed home in Mid, home care in North) in ICA; Beta (60-bed nursing
    home in South) in ICA and CPN; Gamma (20-bed home in Mid) in no association."""
    gamma = ProviderFactory(name="Gamma Ltd")
    ServiceFactory(
        provider=gamma, locality=localities["mid"], beds=20, types=[service_types["residential"]]
    )
    ica = AssociationFactory(name="Independent Care Association", short_name="ICA")
    cpn = AssociationFactory(name="Care Provider Network", short_name="CPN")
    MembershipFactory(association=ica, provider=provider_a, start=date(2020, 1, 1))
    MembershipFactory(association=ica, provider=provider_b, start=date(2020, 1, 1))
    MembershipFactory(
        association=cpn, provider=provider_b, start=date(2020, 1, 1), end=date(2024, 12, 31)
    )
    return {"ica": ica, "cpn": cpn, "gamma": gamma}


def shares(row) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    return (
        (row.providers.represented, row.providers.total),
        (row.services.represented, row.services.total),
        (row.beds.represented, row.beds.total),
    )


def test_coverage_of_each_association_and_all_together(market, service_types) -> None:
    result = market_coverage(on=date(2024, 6, 1))
    by_label = {g.label: g for g in result.groups}
    assert list(by_label) == ["CPN", "ICA", "All associations together"]
    assert shares(by_label["ICA"].overall) == ((2, 3), (3, 4), (100, 120))
    assert shares(by_label["CPN"].overall) == ((1, 3), (1, 4), (60, 120))
    together = result.together.overall
    assert shares(together) == ((2, 3), (3, 4), (100, 120))
    assert together.providers.percent == 66.7
    residential = next(
        r for r in by_label["ICA"].by_service_type if r.label == service_types["residential"].name
    )
    assert shares(residential) == ((1, 2), (1, 2), (40, 60))
    mid = next(r for r in by_label["ICA"].by_locality if r.label == "Mid")
    assert shares(mid) == ((1, 2), (1, 2), (40, 60))


def test_coverage_follows_the_date(market) -> None:
    later = {g.label: g for g in market_coverage(on=date(2025, 6, 1)).groups}
    assert shares(later["CPN"].overall)[0] == (0, 3)  # Beta left CPN at the end of 2024
    before = market_coverage(on=date(2019, 6, 1))
    assert shares(before.together.overall)[0] == (0, 3)


def test_deregistered_services_leave_the_market_on_their_date(market) -> None:
    gamma_home = market["gamma"].services.get()
    gamma_home.status, gamma_home.deregistered_on = Service.Status.DEREGISTERED, date(2024, 1, 1)
    gamma_home.save()
    assert shares(market_coverage(on=date(2023, 6, 1)).together.overall)[0] == (2, 3)
    assert shares(market_coverage(on=date(2024, 6, 1)).together.overall)[0] == (2, 2)


def test_tier_one_providers_and_whether_they_are_members(market, provider_a) -> None:
    result = market_coverage(on=date(2024, 6, 1))
    assert [(t.provider, [a.short_name for a in t.associations]) for t in result.tier_one] == [
        (provider_a, ["ICA"])
    ]
    assert result.tier_one_members == 1


def test_coverage_page_has_tables_beside_its_chart(client_for, councillor, market) -> None:
    html = client_for(councillor).get("/market/coverage/?on=2024-06-01").content.decode()
    assert "Share of the market represented" in html and 'id="coverage-chart"' in html
    assert "66.7%" in html and "Alpha Care Ltd" in html
    bad = client_for(councillor).get("/market/coverage/?on=yesterday").content.decode()
    assert "Enter the date as YYYY-MM-DD" in bad


def test_coverage_page_has_constant_queries(
    client_for, pem, localities, service_types, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    kwargs = {"localities": list(localities.values()), "types": list(service_types.values())}
    make_market(2, **kwargs)
    with django_assert_max_num_queries(15) as small:
        client.get("/market/coverage/")
    make_market(25, **kwargs)
    with django_assert_max_num_queries(15) as large:
        client.get("/market/coverage/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_coverage_before_and_after_a_merger(market, officer) -> None:
    from engage.market import services

    services.merge_associations(
        actor=officer,
        associations=[market["ica"], market["cpn"]],
        name="Care Association of the County",
        short_name="CAC",
        kind="member-body",
        merged_on=date(2024, 3, 1),
    )
    before = [g.label for g in market_coverage(on=date(2024, 2, 1)).groups]
    assert before == ["CPN", "ICA", "All associations together"]
    after = market_coverage(on=date(2024, 6, 1))
    assert [g.label for g in after.groups] == ["CAC", "All associations together"]
    assert shares(after.groups[0].overall)[0] == (2, 3)
