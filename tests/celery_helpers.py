"""Real Celery workers and routes for the tests against Redis (``.ci/run`` sets REDIS_URL).

Celery keeps some choices on its app for good: a worker's queues and the router built
from ``task_routes``. These helpers put both back on the way out, so that a test leaves
the app as it found it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from engage.celery import app


def _rebuild_queues_and_router() -> None:
    # Both are cached properties of app.amqp, built again from the settings on next use.
    app.amqp.flush_routes()
    for name in ("queues", "router"):
        app.amqp.__dict__.pop(name, None)


def own_queue(name: str) -> str:
    """A queue name of this test process's own (pytest-xdist runs several at once on one
    Redis, and a worker of one must not take another's tasks)."""
    return f"{name}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@contextmanager
def worker_on_redis(queues: list[str] | None = None) -> Iterator[None]:
    """A real Celery worker in a thread (solo pool), consuming `queues` (default: the
    default queue) from the Redis broker; tasks are queued, not run eagerly, meanwhile."""
    from celery.contrib.testing.worker import start_worker

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    chosen = queues or [app.conf.task_default_queue]
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=chosen
        ):
            yield
    finally:
        app.conf.task_always_eager = eager
        _rebuild_queues_and_router()


@contextmanager
def celery_routes(routes: dict[str, dict[str, str]]) -> Iterator[None]:
    """Route tasks by `routes` within the block, as ``CELERY_TASK_ROUTES`` would."""
    before = app.conf.task_routes
    app.conf.task_routes = routes
    _rebuild_queues_and_router()
    try:
        yield
    finally:
        app.conf.task_routes = before
        _rebuild_queues_and_router()
