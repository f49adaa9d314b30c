"""Fixtures of enquiries shared by the enquiries and portal tests (imported by their conftest)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from engage.council.models import Officer
from engage.enquiries.models import Enquiry, EnquiryCategory
from engage.enquiries.services import ensure_default_categories
from tests.council.factories import OfficerFactory
from tests.enquiries.factories import submit


@pytest.fixture
def categories(teams: dict[str, Any]) -> dict[str, EnquiryCategory]:
    """The default categories, routed to the persona teams (each with a mailbox)."""
    for slug, team in teams.items():
        team.email = f"{slug}@council.example"
        team.save()
    ensure_default_categories()
    return {c.slug: c for c in EnquiryCategory.objects.select_related("team")}


@pytest.fixture
def contract_manager(teams: dict[str, Any]) -> Officer:
    return OfficerFactory(
        user__email="carla@council.example",
        user__full_name="Carla Contracts",
        team=teams["contracts"],
        job_title="Contract Manager",
        phone="01245 000111",
    )


@pytest.fixture
def enquiry_a(
    provider_a: Any, provider_a_user: Any, categories: dict[str, EnquiryCategory]
) -> Enquiry:
    """An enquiry of provider A, raised by its portal user, in the Contracts queue."""
    return submit(
        provider_a,
        categories["payments"],
        actor=provider_a_user,
        contact=provider_a_user.contact,
    )


@pytest.fixture
def enquiry_b(
    provider_b: Any, provider_b_user: Any, categories: dict[str, EnquiryCategory]
) -> Enquiry:
    return submit(
        provider_b,
        categories["quality"],
        actor=provider_b_user,
        contact=provider_b_user.contact,
        subject="Support after our inspection",
        contact_name="Ben Beta",
        contact_email="manager@beta.example",
    )


# --- A real SMTP server on localhost -------------------------------------------------------


@dataclass
class SmtpInbox:
    """What the test SMTP server received."""

    port: int
    envelopes: list[Any] = field(default_factory=list)

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(e.original_content, policy=policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]

    def bodies(self) -> list[str]:
        return [m.get_body(preferencelist=("plain",)).get_content() for m in self.messages]  # type: ignore[union-attr]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def use_smtp(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpInbox]:
    """An aiosmtpd server on 127.0.0.1; Django's SMTP backend points at it."""
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox(port=free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            inbox.envelopes.append(envelope)
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    use_smtp(settings, inbox.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def api_for(db: Any) -> Any:
    """A test client that authenticates to the API with a personal token of ``user``."""
    from django.test import Client

    from engage.api.services import create_token

    def make(user: Any) -> Client:
        _, token = create_token(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make
