"""Lists and edits of officers, teams, partners and councillors."""

from __future__ import annotations

import pytest
from django.core import mail

from engage.accounts.models import Role, User
from engage.council.models import Councillor, Officer, PartnerOrganisation, Team
from tests.council.factories import OfficerFactory, PartnerPersonFactory

pytestmark = pytest.mark.django_db


def test_officer_list_searches_filters_sorts_and_pages(client_for, pem, teams) -> None:
    for n in range(55):
        OfficerFactory(user__full_name=f"Zed Person {n:02d}", team=teams["safeguarding"])
    client = client_for(pem)
    page1 = client.get("/council/?team=safeguarding&sort=-name").content.decode()
    assert "Zed Person 54" in page1 and "Zed Person 00" not in page1
    page2 = client.get("/council/?team=safeguarding&sort=-name&page=2").content.decode()
    assert "Zed Person 00" in page2
    found = client.get("/council/?q=person 07").content.decode()
    assert "Zed Person 07" in found and "Zed Person 08" not in found


def test_officer_list_has_constant_queries(
    client_for, pem, teams, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    OfficerFactory.create_batch(3, team=teams["contracts"])
    with django_assert_max_num_queries(8) as small:
        client.get("/council/")
    OfficerFactory.create_batch(40, team=teams["contracts"])
    with django_assert_max_num_queries(8) as large:
        client.get("/council/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_officer_list_exports_csv_and_xlsx(client_for, pem, teams) -> None:
    OfficerFactory(user__full_name="=HYPERLINK(evil)", team=teams["contracts"])
    client = client_for(pem)
    csv_response = client.get("/council/?export=csv")
    body = b"".join(csv_response.streaming_content).decode()
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "Name,Email,Role,Team" in body
    assert "'=HYPERLINK(evil)" in body  # formulas neutralised
    xlsx = client.get("/council/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"


def test_pem_adds_an_officer_who_is_emailed_a_set_password_link(
    client_for, pem, teams, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pem).post(
            "/council/officers/add/",
            {
                "full_name": "New Starter",
                "email": "New.Starter@Example.org",
                "role": Role.OFFICER,
                "team": teams["contracts"].pk,
                "job_title": "Contract Officer",
            },
        )
    assert response.status_code == 302
    officer = Officer.objects.get(user__email="new.starter@example.org")
    assert officer.team.slug == "contracts"
    assert not officer.user.has_usable_password()
    assert mail.outbox[-1].to == ["new.starter@example.org"]
    assert "/accounts/password-reset/" in mail.outbox[-1].body


def test_officer_form_errors_keep_what_was_typed(client_for, pem, teams) -> None:
    OfficerFactory(user__email="taken@example.org")
    response = client_for(pem).post(
        "/council/officers/add/",
        {
            "full_name": "Typed Name",
            "email": "TAKEN@example.org",
            "role": Role.LDD,
            "team": teams["contracts"].pk,
            "job_title": "Typed title",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Another account already uses this email address" in html
    assert "Choose the locality this Local Delivery Director covers" in html
    assert 'value="Typed Name"' in html and 'value="Typed title"' in html
    assert "govuk-error-summary" in html


def test_closing_an_officer_account_asks_first_and_keeps_the_record(client_for, pem) -> None:
    target = OfficerFactory()
    client = client_for(pem)
    confirm = client.get(f"/council/officers/{target.pk}/active/")
    assert "Close" in confirm.content.decode() and confirm.status_code == 200
    target.user.refresh_from_db()
    assert target.user.is_active
    client.post(f"/council/officers/{target.pk}/active/", {"confirm": "yes"})
    target.user.refresh_from_db()
    assert not target.user.is_active
    assert Officer.objects.filter(pk=target.pk).exists()


def test_teams_are_data_a_pem_can_add(client_for, pem) -> None:
    response = client_for(pem).post(
        "/council/teams/add/",
        {"name": "Brokerage", "description": "", "email": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Team.objects.get(name="Brokerage").slug == "brokerage"


def test_team_names_are_unique_whatever_their_case(client_for, pem, teams) -> None:
    response = client_for(pem).post("/council/teams/add/", {"name": "contracts", "is_active": "on"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_partner_organisations_and_people(client_for, pem) -> None:
    client = client_for(pem)
    client.post("/council/partners/add/", {"name": "North Anyshire ICB", "kind": "icb"})
    organisation = PartnerOrganisation.objects.get(name="North Anyshire ICB")
    client.post(
        "/council/partners/people/add/",
        {
            "organisation": organisation.pk,
            "name": "Dee Discharge",
            "email": "dee@nhs.example",
            "is_active": "on",
        },
    )
    html = client.get("/council/partners/").content.decode()
    assert "North Anyshire ICB" in html and "Dee Discharge" in html


def test_partner_list_has_constant_queries(client_for, pem, django_assert_max_num_queries) -> None:
    client = client_for(pem)
    PartnerPersonFactory.create_batch(2)
    with django_assert_max_num_queries(8) as small:
        client.get("/council/partners/")
    PartnerPersonFactory.create_batch(20)
    with django_assert_max_num_queries(8) as large:
        client.get("/council/partners/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_councillors(client_for, pem, officer) -> None:
    client_for(pem).post(
        "/council/councillors/add/",
        {
            "name": "Rowan Member",
            "division": "Chelmsford North",
            "portfolio": "Adult Social Care",
            "is_active": "on",
        },
    )
    assert Councillor.objects.filter(name="Rowan Member").exists()
    assert "Rowan Member" in client_for(officer).get("/council/councillors/").content.decode()


def test_role_of_an_officer_can_be_changed_to_ldd(client_for, pem, teams) -> None:
    from engage.market.models import Locality

    mid = Locality.objects.create(name="Mid", slug="mid")
    target = OfficerFactory(team=teams["adult-operations"])
    client_for(pem).post(
        f"/council/officers/{target.pk}/",
        {
            "full_name": target.user.full_name,
            "email": target.user.email,
            "role": Role.LDD,
            "team": teams["adult-operations"].pk,
            "job_title": "Local Delivery Director",
            "locality": mid.pk,
        },
    )
    user = User.objects.get(pk=target.user_id)
    assert user.role == Role.LDD
    assert user.officer.locality == mid
