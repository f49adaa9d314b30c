"""Routing is data: contract topics go to the contract manager, others to a team queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from engage.enquiries import services
from engage.enquiries.models import EnquiryEvent, Route, Status
from tests.council.factories import OfficerFactory
from tests.enquiries.factories import CategoryFactory, submit

pytestmark = pytest.mark.django_db


def test_a_contract_enquiry_goes_to_the_providers_contract_manager(
    provider_a: Any, categories: Any, contract_manager: Any
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    enquiry = submit(provider_a, categories["contract"])
    assert enquiry.owner == contract_manager
    assert enquiry.team == contract_manager.team
    assert enquiry.owner_label == "Carla Contracts"


def test_without_a_contract_manager_it_waits_in_the_contracts_queue(
    provider_a: Any, categories: Any, teams: Any
) -> None:
    enquiry = submit(provider_a, categories["contract"])
    assert enquiry.owner is None
    assert enquiry.team == teams["contracts"]
    assert enquiry.owner_label == "the Contracts team"


def test_a_contract_manager_who_left_does_not_get_it(
    provider_a: Any, categories: Any, contract_manager: Any, teams: Any
) -> None:
    contract_manager.user.is_active = False
    contract_manager.user.save()
    provider_a.contract_manager = contract_manager
    provider_a.save()
    enquiry = submit(provider_a, categories["contract"])
    assert enquiry.owner is None
    assert enquiry.team == teams["contracts"]


@pytest.mark.parametrize(
    ("slug", "team"),
    [
        ("payments", "contracts"),
        ("placements", "service-placement"),
        ("quality", "quality-improvement"),
        ("safeguarding", "safeguarding"),
    ],
)
def test_other_topics_go_to_their_team_queue_even_with_a_contract_manager(
    provider_a: Any, categories: Any, contract_manager: Any, teams: Any, slug: str, team: str
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    enquiry = submit(provider_a, categories[slug])
    assert enquiry.owner is None
    assert enquiry.team == teams[team]


def test_changing_a_categorys_route_changes_where_new_enquiries_go(
    provider_a: Any, categories: Any, contract_manager: Any, pem: Any
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    services.save_category(actor=pem, category=categories["payments"], route=Route.CONTRACT_MANAGER)
    assert submit(provider_a, categories["payments"]).owner == contract_manager


def test_an_officer_of_the_team_takes_an_enquiry_from_the_queue(
    provider_a: Any, categories: Any, teams: Any
) -> None:
    placer = OfficerFactory(team=teams["service-placement"], user__full_name="Pia Placer")
    enquiry = submit(provider_a, categories["placements"])
    services.take_enquiry(actor=placer.user, enquiry=enquiry)
    enquiry.refresh_from_db()
    assert enquiry.owner == placer
    assert enquiry.status == Status.ACKNOWLEDGED
    kinds = list(enquiry.events.values_list("kind", flat=True))
    assert kinds == ["received", "assigned", "status"]


def test_reassignment_keeps_every_owner_in_the_history(
    provider_a: Any, categories: Any, contract_manager: Any, officer: Any, pem: Any, teams: Any
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    enquiry = submit(provider_a, categories["contract"])
    services.reassign_enquiry(actor=pem, enquiry=enquiry, owner=officer.officer, note="Leave")
    services.reassign_enquiry(actor=pem, enquiry=enquiry, owner=None, team=teams["commissioning"])
    enquiry.refresh_from_db()
    assert enquiry.owner is None
    assert enquiry.team == teams["commissioning"]
    moves = [
        (e.from_owner, e.to_owner, e.from_team, e.to_team, e.note)
        for e in enquiry.events.filter(kind=EnquiryEvent.Kind.ASSIGNED).order_by("pk")
    ]
    assert moves == [
        (contract_manager, officer.officer, teams["contracts"], teams["contracts"], "Leave"),
        (officer.officer, None, teams["contracts"], teams["commissioning"], ""),
    ]


def test_reassigning_to_the_same_owner_or_nobody_is_refused(
    provider_a: Any, categories: Any, pem: Any, officer: Any
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    with pytest.raises(ValidationError, match="Choose an officer or a team"):
        services.reassign_enquiry(actor=pem, enquiry=enquiry, owner=None, team=None)
    services.reassign_enquiry(actor=pem, enquiry=enquiry, owner=officer.officer)
    with pytest.raises(ValidationError, match="already with"):
        services.reassign_enquiry(actor=pem, enquiry=enquiry, owner=officer.officer)


def test_an_inactive_category_cannot_be_chosen(provider_a: Any) -> None:
    category = CategoryFactory(is_active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        submit(provider_a, category)


def test_a_contact_of_another_provider_cannot_raise_the_enquiry(
    provider_a: Any, provider_b_user: Any, categories: Any
) -> None:
    with pytest.raises(ValidationError, match="does not work for this provider"):
        submit(provider_a, categories["payments"], contact=provider_b_user.contact)
