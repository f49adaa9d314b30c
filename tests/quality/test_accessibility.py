"""Every page reachable from each role's navigation, checked by axe-core in Chromium.

The county demo data is loaded, each demo user signs in through the form, and the crawl
visits the navigation, the header and footer links, and one page of each kind linked from
those (detail pages). Skips, saying why, where Chromium is absent.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.quality.browser import axe_violations, chromium_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_USERS = {
    "anonymous": None,
    "pem": "pem@engage.example",
    "officer": "officer@engage.example",
    "ldd": "ldd@engage.example",
    "councillor": "councillor@engage.example",
    "provider": "provider@engage.example",
    "partner": "partner@engage.example",
    "admin": "admin@engage.example",
}
MAX_PAGES_PER_ROLE = 45
#: Links never followed by the crawl: downloads, feeds, the technical admin, the API docs, sign-out.
NOT_CRAWLED = re.compile(
    r"(export=|\.ics|/admin/|/api/|/static/|sign-out|mailto:|tel:|/feeds/|/download)"
)


def _shape(path: str) -> str:
    """Pages of the same kind share a shape: /market/providers/12/ → /market/providers/N/."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlsplit(path).path)


def _links(page: Any, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/") and not NOT_CRAWLED.search(h)]


def _crawl(page: Any, base_url: str) -> dict[str, list[str]]:
    page.goto(f"{base_url}/")
    first = _links(page, "header a, footer a, #navigation a")
    queue = list(dict.fromkeys(["/", *first]))
    seen_shapes: set[str] = set()
    problems: dict[str, list[str]] = {}
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        shape = _shape(path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = page.goto(f"{base_url}{path}")
        visited += 1
        if response is not None and response.status >= 500:
            problems[path] = [f"server error {response.status}"]
            continue
        found = axe_violations(page)
        if found:
            problems[path] = found
        if path in first or path == "/":
            queue.extend(link for link in _links(page, "main a") if _shape(link) not in seen_shapes)
    return problems


@pytest.mark.django_db(transaction=True)
def test_no_serious_or_critical_accessibility_violations_for_any_role(live_server: Any) -> None:
    call_command("seed_demo", "--scale", "county", "--seed", "7", verbosity=0)
    report: list[str] = []
    with chromium_page() as page:
        for role, email in DEMO_USERS.items():
            page.context.clear_cookies()
            if email:
                sign_in(page, live_server.url, email)
            for path, violations in _crawl(page, live_server.url).items():
                report.extend(f"[{role}] {path}: {v}" for v in violations)
    assert not report, "\n".join(report)


def test_the_checker_finds_a_violation_when_there_is_one() -> None:
    """The crawl's axe run is live: an unlabelled input and unreadable text are reported."""
    with chromium_page() as page:
        page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main><h1>Form</h1>'
            '<input type="text"><p style="color:#ccc;background:#fff">faint</p></main></body></html>'
        )
        found = axe_violations(page)
    assert any(v.startswith("label") for v in found)
    assert any(v.startswith("color-contrast") for v in found)
