"""The providers list (filters, sorting, export, bulk actions) and the provider page."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from engage.market.models import Provider, Rating
from tests.council.factories import OfficerFactory
from tests.market.factories import (
    AssociationFactory,
    ContactFactory,
    MembershipFactory,
    ProviderFactory,
    ServiceFactory,
    make_market,
)

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [p["name"] for p in response.context["page"].object_list]


def test_councillors_see_the_register_and_providers_do_not(
    client_for, councillor, provider_a_user, partner, provider_a
) -> None:
    assert client_for(councillor).get("/market/").status_code == 200
    assert client_for(provider_a_user).get("/market/").status_code == 403
    assert client_for(partner).get(f"/market/providers/{provider_a.pk}/").status_code == 403


def test_list_shows_services_beds_localities_tier_one_manager_and_associations(
    client_for, officer, provider_a
) -> None:
    provider_a.contract_manager = officer.officer
    provider_a.save()
    MembershipFactory(
        association=AssociationFactory(name="Care Forum", short_name="CF"), provider=provider_a
    )
    response = client_for(officer).get("/market/")
    row = next(p for p in response.context["page"].object_list if p["pk"] == provider_a.pk)
    assert (row["active_services"], row["total_beds"], row["locality_count"]) == (2, 40, 2)
    html = response.content.decode()
    assert "Tier One" in html and "Olu Officer" in html and ">CF<" in html


def test_deregistered_services_do_not_count(client_for, officer, provider_a) -> None:
    house = provider_a.services.get(name="Alpha House")
    house.status, house.deregistered_on = "deregistered", timezone.localdate()
    house.save()
    response = client_for(officer).get("/market/?q=alpha")
    row = response.context["page"].object_list[0]
    assert (row["active_services"], row["total_beds"]) == (1, 0)


def test_filters_by_locality_type_tier_one_rating_association_and_contracted(
    client_for, officer, provider_a, provider_b, localities, service_types
) -> None:
    client = client_for(officer)
    assert names(client.get("/market/?locality=south")) == ["Beta Nursing Ltd"]
    assert names(client.get("/market/?service_type=domiciliary")) == ["Alpha Care Ltd"]
    assert names(client.get("/market/?tier_one=no")) == ["Beta Nursing Ltd"]
    # Locality and type must hold for the same service: Alpha's Mid service is residential.
    assert names(client.get("/market/?locality=mid&service_type=domiciliary")) == []
    assert names(client.get("/market/?locality=mid&service_type=residential")) == ["Alpha Care Ltd"]
    provider_b.services.update(rating=Rating.INADEQUATE, is_contracted=True)
    assert names(client.get("/market/?rating=inadequate")) == ["Beta Nursing Ltd"]
    assert names(client.get("/market/?rating=not-rated")) == ["Alpha Care Ltd"]
    assert names(client.get("/market/?contracted=yes")) == ["Beta Nursing Ltd"]
    association = AssociationFactory()
    MembershipFactory(association=association, provider=provider_b)
    assert names(client.get(f"/market/?association={association.pk}")) == ["Beta Nursing Ltd"]
    assert names(client.get("/market/?association=none")) == ["Alpha Care Ltd"]


def test_an_ended_membership_does_not_count_as_membership(client_for, officer, provider_b) -> None:
    association = AssociationFactory()
    MembershipFactory(
        association=association, provider=provider_b, end=timezone.localdate() - timedelta(days=1)
    )
    assert names(client_for(officer).get(f"/market/?association={association.pk}")) == []


def test_filter_on_contract_manager_and_search(client_for, officer, provider_a, provider_b) -> None:
    provider_a.contract_manager = officer.officer
    provider_a.save()
    client = client_for(officer)
    assert names(client.get(f"/market/?contract_manager={officer.officer.pk}")) == [
        "Alpha Care Ltd"
    ]
    assert names(client.get("/market/?contract_manager=0")) == ["Beta Nursing Ltd"]
    assert names(client.get("/market/?q=beta nursing home")) == [
        "Beta Nursing Ltd"
    ]  # a service name
    assert names(client.get(f"/market/?q={provider_b.cqc_provider_id}")) == ["Beta Nursing Ltd"]


def test_an_unknown_filter_value_is_shown_as_an_error_not_a_crash(
    client_for, officer, provider_a
) -> None:
    response = client_for(officer).get("/market/?locality=atlantis")
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.content.decode()


def test_sorts_and_pages(client_for, officer, localities, service_types) -> None:
    for n in range(55):
        provider = ProviderFactory(name=f"Zed Provider {n:02d}")
        ServiceFactory.create_batch(n % 4, provider=provider, locality=localities["mid"])
    client = client_for(officer)
    first = client.get("/market/?sort=-services").context["page"].object_list[0]
    assert first["active_services"] == 3
    page2 = client.get("/market/?sort=-name&page=2")
    assert names(page2)[-1] == "Zed Provider 00"


def test_provider_list_has_constant_queries(
    client_for, pem, localities, service_types, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    kwargs = {"localities": list(localities.values()), "types": list(service_types.values())}
    make_market(2, **kwargs)
    with django_assert_max_num_queries(14) as small:
        client.get("/market/?service_type=residential&tier_one=no")
    make_market(25, **kwargs)
    with django_assert_max_num_queries(14) as large:
        client.get("/market/?service_type=residential&tier_one=no")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_exports_the_filtered_list_as_csv_and_xlsx(
    client_for, officer, provider_a, provider_b
) -> None:
    client = client_for(officer)
    response = client.get("/market/?export=csv&tier_one=yes")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].lstrip("\ufeff").startswith("Name,CQC provider ID,Tier One")
    assert "Alpha Care Ltd" in body and "Beta Nursing Ltd" not in body
    xlsx = client.get("/market/?export=xlsx&locality=south")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["Beta Nursing Ltd"]


def test_provider_page_shows_services_contacts_associations_and_contract_manager(
    client_for, officer, provider_a, provider_a_user
) -> None:
    provider_a.contract_manager = officer.officer
    provider_a.save()
    MembershipFactory(
        association=AssociationFactory(name="Old Network"),
        provider=provider_a,
        start="2021-05-01",
        end="2024-01-31",
    )
    html = client_for(officer).get(f"/market/providers/{provider_a.pk}/").content.decode()
    for text in (
        "Alpha House",
        "Alpha Homecare",
        "Ama Alpha",
        "Old Network",
        "31 Jan 2024",
        "Olu Officer",
    ):
        assert text in html


def test_councillors_do_not_see_contacts_on_the_provider_page(
    client_for, councillor, provider_a, provider_a_user
) -> None:
    html = client_for(councillor).get(f"/market/providers/{provider_a.pk}/").content.decode()
    assert "Alpha House" in html
    assert "Ama Alpha" not in html and "manager@alpha.example" not in html


def test_provider_page_shows_who_to_contact(client_for, officer, provider_a) -> None:
    provider_a.contract_manager = officer.officer
    provider_a.save()
    response = client_for(officer).get(f"/market/providers/{provider_a.pk}/")
    assert "enquiries/_who_to_contact.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Who to contact" in html and officer.full_name in html


def test_an_unknown_provider_is_404(client_for, officer) -> None:
    assert client_for(officer).get("/market/providers/999999/").status_code == 404


def test_officer_adds_and_edits_a_provider_with_validation(client_for, officer) -> None:
    client = client_for(officer)
    bad = client.post("/market/providers/add/", {"name": "", "cqc_provider_id": "ABC"})
    html = bad.content.decode()
    assert "govuk-error-summary" in html and "like 1-101668990" in html
    response = client.post(
        "/market/providers/add/",
        {"name": "Gamma Care Ltd", "cqc_provider_id": "1-123456789", "is_active": "on"},
    )
    provider = Provider.objects.get(name="Gamma Care Ltd")
    assert response.url == f"/market/providers/{provider.pk}/"
    clash = client.post(
        "/market/providers/add/", {"name": "Other", "cqc_provider_id": "1-123456789"}
    )
    assert "Gamma Care Ltd already has this CQC provider ID" in clash.content.decode()
    client.post(
        f"/market/providers/{provider.pk}/edit/",
        {"name": "Gamma Care Group", "cqc_provider_id": "", "is_tier_one": "on", "is_active": "on"},
    )
    provider.refresh_from_db()
    assert provider.name == "Gamma Care Group" and provider.is_tier_one
    assert provider.cqc_provider_id is None


def test_councillors_cannot_edit(client_for, councillor, provider_a) -> None:
    assert client_for(councillor).get(f"/market/providers/{provider_a.pk}/edit/").status_code == 403
    assert client_for(councillor).post("/market/providers/bulk/", {}).status_code == 403


# --- bulk actions ---------------------------------------------------------------------------


def test_bulk_tier_one_asks_first_then_changes_and_audits_each(
    client_for, officer, provider_a, provider_b
) -> None:
    client = client_for(officer)
    confirm = client.post(
        "/market/providers/bulk/",
        {
            "action": "not-tier-one",
            "provider": [provider_a.pk, provider_b.pk],
            "next": "/market/?tier_one=yes",
        },
    )
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Remove Tier One?" in html and "Alpha Care Ltd" in html and "Beta Nursing Ltd" in html
    provider_a.refresh_from_db()
    assert provider_a.is_tier_one  # nothing yet
    done = client.post(
        "/market/providers/bulk/",
        {
            "action": "not-tier-one",
            "provider": [provider_a.pk, provider_b.pk],
            "confirm": "yes",
            "next": "/market/?tier_one=yes",
        },
    )
    assert done.url == "/market/?tier_one=yes"
    provider_a.refresh_from_db()
    assert not provider_a.is_tier_one
    entries = LogEntry.objects.get_for_object(provider_a).filter(actor=officer)
    assert entries.filter(changes__icontains="is_tier_one").count() == 1
    # Beta was not Tier One: no change, no entry.
    assert not LogEntry.objects.get_for_object(provider_b).filter(actor=officer).exists()


def test_bulk_assign_contract_manager(client_for, officer, provider_a, provider_b, teams) -> None:
    manager = OfficerFactory(team=teams["contracts"], user__full_name="Mo Manager")
    client = client_for(officer)
    confirm = client.post(
        "/market/providers/bulk/",
        {"action": "contract-manager", "provider": [provider_a.pk, provider_b.pk]},
    )
    assert "Assign the contract manager" in confirm.content.decode()
    unchosen = client.post(
        "/market/providers/bulk/",
        {"action": "contract-manager", "provider": [provider_a.pk], "confirm": "yes"},
    )
    assert "Choose the contract manager, or no one" in unchosen.content.decode()
    assert not Provider.objects.filter(contract_manager__isnull=False).exists()
    client.post(
        "/market/providers/bulk/",
        {
            "action": "contract-manager",
            "provider": [provider_a.pk, provider_b.pk],
            "contract_manager": manager.pk,
            "confirm": "yes",
        },
    )
    assert set(Provider.objects.values_list("contract_manager", flat=True)) == {manager.pk}
    assert (
        LogEntry.objects.filter(actor=officer, changes__icontains="contract_manager").count() == 2
    )


def test_bulk_action_without_a_selection_explains(client_for, officer, provider_a) -> None:
    response = client_for(officer).post(
        "/market/providers/bulk/", {"action": "tier-one", "next": "/market/"}, follow=True
    )
    assert "Select at least one provider" in response.content.decode()


def test_bulk_action_ignores_a_foreign_next_url(client_for, officer, provider_b) -> None:
    response = client_for(officer).post(
        "/market/providers/bulk/",
        {
            "action": "tier-one",
            "provider": [provider_b.pk],
            "confirm": "yes",
            "next": "https://evil.example/",
        },
    )
    assert response.url == "/market/"


def test_contacts_are_listed_only_for_contacts_viewers(client_for, officer, provider_a) -> None:
    ContactFactory(provider=provider_a, name="Visible Person")
    assert (
        "Visible Person"
        in client_for(officer).get(f"/market/providers/{provider_a.pk}/").content.decode()
    )


def test_bulk_removes_the_contract_manager_when_asked(client_for, officer, provider_a) -> None:
    provider_a.contract_manager = officer.officer
    provider_a.save()
    client_for(officer).post(
        "/market/providers/bulk/",
        {
            "action": "contract-manager",
            "provider": [provider_a.pk],
            "contract_manager": "none",
            "confirm": "yes",
        },
    )
    provider_a.refresh_from_db()
    assert provider_a.contract_manager is None


def test_provider_page_has_constant_queries(
    client_for, pem, provider_a, localities, service_types, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    ContactFactory(provider=provider_a, works_at=list(provider_a.services.all()[:1]))
    MembershipFactory(provider=provider_a)
    with django_assert_max_num_queries(12) as small:
        client.get(f"/market/providers/{provider_a.pk}/")
    for _ in range(15):
        service = ServiceFactory(
            provider=provider_a, locality=localities["west"], types=[service_types["nursing"]]
        )
        ContactFactory(provider=provider_a, works_at=[service])
        MembershipFactory(provider=provider_a, start="2020-01-01", end="2020-06-30")
    with django_assert_max_num_queries(12) as large:
        client.get(f"/market/providers/{provider_a.pk}/")
    assert len(small.captured_queries) == len(large.captured_queries)
