"""The main flows, done with the keyboard alone in Chromium: Tab to move, type, Enter or Space.

No mouse and no clicks: each step tabs until the wanted control has the focus, so a control
that cannot be reached or operated from the keyboard fails the walk.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from engage.market import unsubscribe
from tests.council.factories import TEST_PASSWORD
from tests.quality.browser import axe_violations, chromium_page
from tests.quality.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_TABS = 250


def tab_to(page: Any, name: str | re.Pattern[str], *, role: str | None = None) -> None:
    """Press Tab until the focused element's accessible text matches ``name``."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(re.escape(name), re.I)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return {text: '', tag: ''};
                const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
                return {text: (label || el.getAttribute('aria-label') || el.innerText || el.value || '').trim(),
                        tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || ''};
            }"""
        )
        if pattern.search(focused["text"]) and (
            role is None or focused["tag"] == role or focused["type"] == role
        ):
            return
    raise AssertionError(f"Could not reach {name!r} with the Tab key on {page.url}")


def sign_in_by_keyboard(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    tab_to(page, "Email address", role="input")
    page.keyboard.type(email)
    tab_to(page, "Password", role="input")
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/sign-in/" not in page.url, (
        "signing in failed: " + page.inner_text("main")[:300]
    )


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_a_provider_submits_an_enquiry_with_the_keyboard(live_server: Any, world: World) -> None:
    with chromium_page() as page:
        sign_in_by_keyboard(page, live_server.url, world.users["provider"].email)
        page.goto(f"{live_server.url}/portal/enquiries/")
        tab_to(page, "Send an enquiry")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, "Contract and terms", role="input")
        page.keyboard.press("Space")
        tab_to(page, "Continue", role="button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, re.compile(r"^subject|what is it about", re.I))
        page.keyboard.type("Fee uplift for 2027")
        tab_to(page, re.compile(r"your enquiry|details|message", re.I))
        page.keyboard.type("Could you confirm the fee uplift for next year?")
        tab_to(page, "Send the enquiry", role="button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert re.search(r"ENQ-\d{4}-\d{5}", page.content()), page.url


def test_a_provider_registers_for_an_event_with_the_keyboard(
    live_server: Any, world: World
) -> None:
    with chromium_page() as page:
        sign_in_by_keyboard(page, live_server.url, world.users["provider"].email)
        page.goto(f"{live_server.url}/engagement/events/")
        tab_to(page, world["open_event"].title)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, re.compile(r"^register$", re.I), role="button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert re.search(r"you have a place|you are registered|registered", page.content(), re.I)
    assert (
        world["open_event"]
        .registrations.filter(contact__user=world.users["provider"], status="registered")
        .exists()
    )


def test_the_pem_approves_a_planning_record_with_the_keyboard(
    live_server: Any, world: World
) -> None:
    activity = world["submitted_activity"]
    with chromium_page() as page:
        sign_in_by_keyboard(page, live_server.url, world.users["pem"].email)
        page.goto(f"{live_server.url}/engagement/activities/{activity.pk}/")
        tab_to(page, re.compile(r"^approve$", re.I))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, re.compile(r"approve", re.I), role="button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    activity.refresh_from_db()
    assert activity.status == "approved"


def test_a_contact_stops_emails_from_the_link_with_the_keyboard(
    live_server: Any, world: World
) -> None:
    """The page behind an email's "stop these emails" link: no sign-in, no axe violation,
    one button reached and pressed from the keyboard."""
    contact = world.users["provider"].contact
    link = unsubscribe.url_for(contact.pk)
    with chromium_page() as page:
        page.goto(live_server.url + link[link.index("/market/") :])
        assert axe_violations(page) == []
        tab_to(page, "Stop these emails", role="button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "You are unsubscribed" in page.inner_text("main")
        assert axe_violations(page) == []
    contact.refresh_from_db()
    assert contact.unsubscribed
