"""Permission denials: the capability table is applied by views and templates alike."""

from __future__ import annotations

import pytest

from engage.accounts.models import Role
from engage.accounts.permissions import ROLE_CAPABILITIES, Capabilities, Capability, has_capability
from tests.council.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_capability_has_a_row_in_the_table() -> None:
    assert set(ROLE_CAPABILITIES) == set(Capability)


def test_inactive_users_hold_nothing() -> None:
    user = UserFactory(role=Role.PEM, is_active=False)
    assert not any(has_capability(user, c) for c in Capability)


def test_template_helper_answers_by_capability_name(pem) -> None:
    can = Capabilities(pem)
    assert can.council_manage is True
    assert can.portal_use is False
    with pytest.raises(AttributeError):
        _ = can.fly


@pytest.mark.parametrize(
    "path",
    ["/council/", "/council/teams/", "/council/partners/", "/council/councillors/", "/audit/"],
)
def test_provider_user_is_refused_officers_pages(client_for, path: str) -> None:
    provider_user = UserFactory(role=Role.PROVIDER)
    response = client_for(provider_user).get(path)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/council/officers/add/", "/council/teams/add/", "/council/councillors/add/", "/audit/"],
)
def test_an_officer_cannot_manage_the_council_or_read_the_audit_trail(
    client_for, officer, path: str
) -> None:
    assert client_for(officer).get(path).status_code == 403


def test_an_officer_cannot_post_an_edit_either(client_for, officer) -> None:
    other = OfficerFactory()
    response = client_for(officer).post(f"/council/officers/{other.pk}/", {"full_name": "Changed"})
    assert response.status_code == 403
    other.user.refresh_from_db()
    assert other.user.full_name != "Changed"


def test_manage_buttons_only_show_to_those_who_may_use_them(client_for, officer, pem) -> None:
    assert "Add an officer" not in client_for(officer).get("/council/").content.decode()
    assert "Add an officer" in client_for(pem).get("/council/").content.decode()
