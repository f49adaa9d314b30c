"""Who to contact: named people per topic, derived from the data, never typed twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template

from engage.enquiries.selectors import who_to_contact
from tests.council.factories import OfficerFactory
from tests.market.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _by_topic(provider: Any) -> dict[str, Any]:
    return {route.topic: route for route in who_to_contact(provider)}


def test_every_topic_has_a_named_person_or_team(
    provider_a: Any, categories: Any, contract_manager: Any, pem: Any, settings: Any
) -> None:
    settings.SAFEGUARDING_URGENT_ROUTE = "Call 999 or the safeguarding line."
    provider_a.contract_manager = contract_manager
    provider_a.save()
    routes = _by_topic(provider_a)
    assert list(routes) == [
        "Contract manager",
        "Quality lead",
        "Placements",
        "Safeguarding",
        "Engagement manager",
    ]
    assert (routes["Contract manager"].name, routes["Contract manager"].email) == (
        "Carla Contracts",
        "carla@council.example",
    )
    assert routes["Contract manager"].phone == "01245 000111"
    assert routes["Placements"].name == "The Service Placement team"
    assert routes["Safeguarding"].note == "Call 999 or the safeguarding line."
    assert routes["Safeguarding"].email == "safeguarding@council.example"
    assert routes["Engagement manager"].name == "Pat Manager"


def test_without_a_contract_manager_the_contracts_team_is_named(
    provider_a: Any, categories: Any
) -> None:
    route = _by_topic(provider_a)["Contract manager"]
    assert (route.name, route.is_person) == ("The Contracts team", False)
    assert route.email == "contracts@council.example"


def test_the_quality_lead_is_the_officer_covering_the_providers_main_locality(
    provider_a: Any, categories: Any, teams: Any, localities: Any
) -> None:
    # Provider A has one service in Mid and one in North; give it a second in North.
    ServiceFactory(provider=provider_a, locality=localities["north"])
    OfficerFactory(
        team=teams["quality-improvement"], locality=localities["mid"], user__full_name="Mo Mid"
    )
    OfficerFactory(
        team=teams["quality-improvement"], locality=localities["north"], user__full_name="Nia North"
    )
    assert _by_topic(provider_a)["Quality lead"].name == "Nia North"


def test_without_a_local_quality_officer_the_team_is_named(
    provider_b: Any, categories: Any, teams: Any, localities: Any
) -> None:
    OfficerFactory(team=teams["quality-improvement"], locality=localities["north"])
    assert _by_topic(provider_b)["Quality lead"].name == "The Quality Improvement team"


def test_changing_the_data_changes_who_to_contact(
    provider_a: Any, categories: Any, teams: Any, pem: Any
) -> None:
    from engage.enquiries.services import save_category

    save_category(actor=pem, category=categories["placements"], team=teams["adult-operations"])
    assert _by_topic(provider_a)["Placements"].name == "The Adult Operations team"


def test_any_provider_page_can_show_it_with_one_tag(
    provider_a: Any, categories: Any, contract_manager: Any, django_assert_max_num_queries: Any
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    template = Template("{% load enquiries_tags %}{% who_to_contact provider %}")
    with django_assert_max_num_queries(6):
        html = template.render(Context({"provider": provider_a}))
    assert "Who to contact" in html
    assert "Carla Contracts" in html
    assert 'href="mailto:carla@council.example"' in html


def test_the_provider_pages_card_is_never_older_than_the_data(
    client_for: Any, officer: Any, provider_a: Any, categories: Any, contract_manager: Any
) -> None:
    """The card is cached (``enquiries.portal.cached_who_to_contact``, as on the portal home):
    a change of the provider's contract manager, or of the manager's name, shows at once."""
    client = client_for(officer)
    url = f"/market/providers/{provider_a.pk}/"
    assert "Carla Contracts" not in client.get(url).content.decode()
    client.get(url)  # (from the cache)
    provider_a.contract_manager = contract_manager
    provider_a.save()
    assert "Carla Contracts" in client.get(url).content.decode()
    contract_manager.user.full_name = "Carla Cole"
    contract_manager.user.save()
    html = client.get(url).content.decode()
    assert "Carla Cole" in html and "Carla Contracts" not in html
