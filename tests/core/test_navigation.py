"""The navigation depends on the role; pages need sign-in except the public ones."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _nav_labels(html: str) -> list[str]:
    block = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(
            r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>', block, re.S
        )
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("pem", ["Home", "Council", "Audit trail"]),
        ("officer", ["Home", "Council"]),
        ("ldd", ["Home", "Council"]),
        ("councillor", ["Home"]),
        ("partner", ["Home"]),
        ("admin_user", ["Home", "Council", "Audit trail"]),
    ],
)
def test_each_role_sees_its_own_navigation(
    request: pytest.FixtureRequest, client_for, persona: str, expected: list[str]
) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get("/")
    assert response.status_code == 200
    labels = _nav_labels(response.content.decode())
    # Later issues add sections; the foundation's own must be there and nothing the role may not use.
    for label in expected:
        assert label in labels
    forbidden = {"Council", "Audit trail"} - set(expected)
    assert not forbidden & set(labels)


def test_current_section_is_marked(client_for, pem) -> None:
    html = client_for(pem).get("/council/teams/").content.decode()
    assert re.search(
        r'aria-current="true">\s*<strong class="govuk-service-navigation__active-fallback">Council',
        html,
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accessibility/",
        "/privacy/",
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/api/health",
    ],
)
def test_public_pages_need_no_sign_in(client, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/council/", "/council/teams/", "/audit/", "/accounts/", "/account/tokens/"]
)
def test_other_pages_send_anonymous_visitors_to_sign_in(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_layout_has_skip_link_council_header_and_no_crown(client) -> None:
    html = client.get("/").content.decode()
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert "Demo County Council" in html
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()
    assert 'id="main-content"' in html


def test_security_headers_are_sent(client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_inline_script_carries_the_csp_nonce(client) -> None:
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_unknown_page_is_a_styled_404(client_for, officer) -> None:
    response = client_for(officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-footer" in response.content.decode()


def test_error_500_page_renders_without_the_database() -> None:
    from django.test import RequestFactory

    from engage.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
