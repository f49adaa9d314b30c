"""No page or endpoint does more queries when there is more data (see query_budgets.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.quality.access_table import TABLE
from tests.quality.query_budgets import API_BUDGETS, PAGE_BUDGETS
from tests.quality.world import World, build_world, grow_world


def _count(client: Client, url: str, headers: dict[str, str] | None = None) -> tuple[int, int]:
    """The status and the number of queries of a request with nothing in the cache: what the
    pages that cache derived data (under ``engage.core.data_versions``) do after a write, and
    where an N+1 would show (a request answered from the cache reads only the version)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers or {})
    return response.status_code, len(captured.captured_queries)


def _measure(world: World) -> dict[str, tuple[int, int]]:
    results: dict[str, tuple[int, int]] = {}
    clients: dict[str, Client] = {}
    for name, (role, _) in PAGE_BUDGETS.items():
        if role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(world.users[role])
        url_name = name.split("#")[0]
        rule = TABLE[url_name]
        url = reverse(url_name, kwargs=rule.kwargs(world, role) if rule.kwargs else {})
        url += f"?{rule.query(world)}" if rule.query else ""
        clients[role].get(url)  # warm caches (content types, sessions) so both sizes compare alike
        results[name] = _count(clients[role], url)
    api = Client()
    ids = {name: obj.pk for name, obj in world.objects.items() if hasattr(obj, "pk")}
    for key, (role, _) in API_BUDGETS.items():
        headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
        path = key.split("#")[0].format_map(ids)
        api.get(path, headers=headers)
        results[key] = _count(api, path, headers)
    return results


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data_and_stay_within_budget() -> None:
    world = build_world()
    small = _measure(world)
    grow_world(world, factor=10)
    large = _measure(world)
    budgets = {**PAGE_BUDGETS, **API_BUDGETS}
    problems = []
    for key, (status, queries) in small.items():
        large_status, large_queries = large[key]
        budget = budgets[key][1]
        if status >= 400 or large_status >= 400:
            problems.append(f"{key}: status {status}/{large_status}")
        if large_queries != queries:
            problems.append(
                f"{key}: {queries} queries with little data, {large_queries} with ten times more (N+1)"
            )
        if large_queries > budget:
            problems.append(f"{key}: {large_queries} queries, over its budget of {budget}")
    assert not problems, "\n".join(problems)


def test_every_list_page_and_endpoint_has_a_budget() -> None:
    """List pages (names ending in _list, queues, registers) must be measured."""
    list_like = [
        name
        for name in TABLE
        if name.endswith(("_list", ":queue", ":register", ":calendar", ":overview"))
    ]
    missing = [name for name in list_like if name not in PAGE_BUDGETS]
    assert not missing, (
        f"Give these list pages a budget in tests/quality/query_budgets.py: {missing}"
    )
