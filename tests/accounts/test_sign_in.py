"""Signing in by email, throttling, password reset and change."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from engage.accounts.models import Role, User
from tests.council.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, email: str, password: str = TEST_PASSWORD) -> object:
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def test_sign_in_with_email_address_in_any_case() -> None:
    UserFactory(email="case@example.org")
    client = Client()
    response = _sign_in(client, "CASE@Example.org")
    assert response.status_code == 302
    assert client.get("/council/").status_code in (200, 403)  # signed in: no redirect to sign-in


def test_email_addresses_are_unique_whatever_their_case() -> None:
    from django.db import IntegrityError

    UserFactory(email="one@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create_user("ONE@example.org", "x", full_name="Two", role=Role.OFFICER)


def test_wrong_password_shows_an_error_and_keeps_the_email() -> None:
    UserFactory(email="who@example.org")
    response = _sign_in(Client(), "who@example.org", "wrong password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct email address and password" in html
    assert 'value="who@example.org"' in html
    assert "<title>Error: Sign in" in html


def test_sign_in_is_throttled_after_repeated_failures() -> None:
    UserFactory(email="target@example.org")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "target@example.org", "guess")
    response = _sign_in(client, "target@example.org", TEST_PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_production() -> None:
    from engage import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_password_reset_emails_a_working_link() -> None:
    user = UserFactory(email="forgot@example.org")
    client = Client()
    response = client.post("/accounts/password-reset/", {"email": "forgot@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body
    ).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a much longer passphrase", "new_password2": "a much longer passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a much longer passphrase")


def test_password_reset_does_not_reveal_whether_an_account_exists() -> None:
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_out_is_a_post(client_for, officer) -> None:
    client = client_for(officer)
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/council/").status_code == 302


def test_closed_account_cannot_sign_in() -> None:
    UserFactory(email="gone@example.org", is_active=False)
    response = _sign_in(Client(), "gone@example.org")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
