"""Where a page's time goes: the load benchmark's endpoints, in-process, one request at a time.

A companion to ``benchmarks/load.py`` for finding what to speed up, not a benchmark of its own:
it uses the same cached national database and production settings, signs in with Django's
test client (no HTTP, no gunicorn) and times each endpoint's requests one after the other.

    python benchmarks/profile_pages.py                     # every endpoint: median ms, queries
    python benchmarks/profile_pages.py "portal home" -p    # and a cProfile of that one
    python benchmarks/profile_pages.py "API providers" --sql   # and its SQL, slowest first
    python benchmarks/profile_pages.py --cold              # each request with an empty cache

Run ``python benchmarks/load.py`` (or ``make bench``) once first so the database exists.
The in-process time is not the load figure: under load the server also parses HTTP and shares
the two cores with locust. The floor's figure gives the scale (see docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import load  # noqa: E402 - the benchmark's endpoints and environment

os.environ.update(load._env())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="endpoint names (default: all)")
    parser.add_argument("-n", type=int, default=30, help="requests per endpoint (default 30)")
    parser.add_argument("-p", "--profile", action="store_true", help="print a cProfile")
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the cache before each request: what a page costs right after a write "
        "(pages keep derived data in the cache under data versions, engage.core.data_versions)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    values = _values()
    endpoints = [load.FLOOR, *load.ENDPOINTS]
    if args.names:
        endpoints = [e for e in endpoints if e.name in args.names]
    floor_ms = None
    print(f"{'endpoint':34} {'median ms':>9} {'min ms':>7} {'queries':>7} {'x floor':>7}")
    for endpoint in endpoints:
        client = _client(endpoint, values)
        path = endpoint.path.format(**values)
        response = client.get(path)
        if response.status_code != 200:
            print(f"{endpoint.name:34} answered {response.status_code}")
            continue
        times = []
        for _ in range(args.n):
            if args.cold:
                cache.clear()
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        if args.cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        median = statistics.median(times)
        if endpoint is load.FLOOR:
            floor_ms = median
        ratio = f"{median / floor_ms:7.1f}" if floor_ms else ""
        print(
            f"{endpoint.name:34} {median:9.1f} {min(times):7.1f} "
            f"{len(captured.captured_queries):7} {ratio}"
        )
        if args.sql:
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
                print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        reset_queries()


def _values() -> dict[str, str]:
    from engage.accounts.models import User
    from engage.api.services import create_token
    from engage.groups.models import EngagementGroup
    from engage.market.models import Provider

    values: dict[str, str] = {
        "provider_id": str(
            Provider.objects.filter(is_tier_one=True).order_by("pk").values_list("pk", flat=True)[0]
        ),
        "forum_id": str(
            EngagementGroup.objects.filter(kind="provider-forum")
            .order_by("pk")
            .values_list("pk", flat=True)[0]
        ),
    }
    officer = User.objects.get(email="officer@engage.example")
    values["token:officer@engage.example"] = create_token(user=officer, name="profile")[1]
    return values


def _client(endpoint: load.Endpoint, values: dict[str, str]):  # type: ignore[no-untyped-def]
    from django.test import Client

    from engage.accounts.models import User

    if endpoint.api_user:
        token = values[f"token:{endpoint.api_user}"]
        return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    client = Client(HTTP_HOST="127.0.0.1")
    if endpoint.email:
        client.force_login(User.objects.get(email=endpoint.email))
    return client


if __name__ == "__main__":
    main()
