"""Who may do what with groups: officers, LDDs and the PEM run them; councillors read; providers
and partners see nothing of them (403), in pages and the API alike."""

from __future__ import annotations

import pytest

from engage.accounts.models import Role
from engage.groups import services
from tests.council.factories import OfficerFactory
from tests.groups.factories import AssessmentFactory, ForumFactory, GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(pem):
    group = GroupFactory()
    services.draft_terms(actor=pem, group=group, title="Terms", body="# Purpose\n\nx\n")
    AssessmentFactory(group=group)
    return group


def _read_urls(group):
    assessment = group.maturity_assessments.get()
    return [
        "/groups/",
        f"/groups/{group.pk}/",
        f"/groups/{group.pk}/terms/",
        f"/groups/{group.pk}/terms/1/",
        f"/groups/{group.pk}/maturity/",
        f"/groups/{group.pk}/maturity/{assessment.pk}/",
    ]


def _manage_urls(group):
    return [
        "/groups/add/",
        f"/groups/{group.pk}/edit/",
        f"/groups/{group.pk}/terms/draft/",
        f"/groups/{group.pk}/terms/1/approve/",
        f"/groups/{group.pk}/maturity/add/",
    ]


@pytest.mark.parametrize("persona", ["pem", "officer", "ldd"])
def test_officers_ldds_and_the_pem_read_and_manage_groups(
    request, client_for, group, persona
) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _read_urls(group) + _manage_urls(group):
        assert client.get(url).status_code == 200, url


def test_councillors_read_but_do_not_change(client_for, councillor, group) -> None:
    client = client_for(councillor)
    for url in _read_urls(group):
        assert client.get(url).status_code == 200, url
    for url in _manage_urls(group):
        assert client.get(url).status_code == 403, url
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Edit the group" not in html and "Assess maturity" not in html


@pytest.mark.parametrize("persona", ["provider_a_user", "partner"])
def test_providers_and_partners_are_refused(request, client_for, group, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _read_urls(group) + _manage_urls(group):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/groups").status_code == 403
    assert client.get(f"/api/groups/{group.pk}").status_code == 403


def test_a_councillor_cannot_post_a_change_either(client_for, councillor, group) -> None:
    response = client_for(councillor).post(
        f"/groups/{group.pk}/terms/draft/", {"title": "Hijack", "body": "x"}
    )
    assert response.status_code == 403
    assert group.terms_of_reference.get().title == "Terms"


def test_an_ldd_edits_the_forum_they_own(client_for, localities, teams) -> None:
    owner = OfficerFactory(
        user__role=Role.LDD, team=teams["adult-operations"], locality=localities["west"]
    )
    forum = ForumFactory(locality=localities["west"], owner=owner)
    client = client_for(owner.user)
    assert client.get(f"/groups/{forum.pk}/edit/").status_code == 200
    assert "Edit the group" in client.get(f"/groups/{forum.pk}/").content.decode()


def test_the_api_lets_councillors_read(client_for, councillor, group) -> None:
    client = client_for(councillor)
    assert client.get("/api/groups").status_code == 200
    assert client.get(f"/api/groups/{group.pk}").status_code == 200


def test_an_unknown_group_is_not_found(client_for, pem) -> None:
    client = client_for(pem)
    assert client.get("/groups/999999/").status_code == 404
    assert client.get("/api/groups/999999").json()["code"] == "not_found"
