"""Every page × every role → the expected allow or deny, from the one table in access_table.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.quality.access_table import TABLE
from tests.quality.world import ROLES, World, build_world

#: Namespaces checked elsewhere: the technical admin site (Django's own) and the JSON API.
SKIPPED_NAMESPACES = {"admin", "api"}


def _named_urls(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _named_urls(pattern.url_patterns, prefix)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_page_is_in_the_table() -> None:
    names = set(_named_urls())
    missing = sorted(names - set(TABLE))
    stale = sorted(set(TABLE) - names)
    assert not missing, f"Add these pages to tests/quality/access_table.py: {missing}"
    assert not stale, f"These rows name pages that no longer exist: {stale}"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_allows(world: World, role: str) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    problems = []
    for name, rule in sorted(TABLE.items()):
        kwargs = rule.kwargs(world, role) if rule.kwargs else {}
        url = reverse(name, kwargs=kwargs) + (f"?{rule.query(world)}" if rule.query else "")
        response = client.get(url)
        status = response.status_code
        location = response.get("Location", "")
        if role in rule.expect:
            ok = status == rule.expect[role]
            wanted = str(rule.expect[role])
        elif role in rule.allowed:
            ok = status < 300 or (300 <= status < 400 and "/accounts/sign-in/" not in location)
            wanted = "allowed"
        elif role == "anonymous":
            ok = status == 302 and location.startswith("/accounts/sign-in/")
            wanted = "sent to sign in"
        else:
            ok = status == rule.denied_status
            wanted = str(rule.denied_status)
        if not ok:
            problems.append(f"{name} {url}: {status} {location} (expected {wanted})")
    assert not problems, f"As {role}:\n" + "\n".join(problems)
