"""The same code against the real PostgreSQL and Redis (.ci/run sets DATABASE_URL and REDIS_URL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core import mail
from django.db import connection

from engage.celery import app as celery_app
from engage.outbox import services
from engage.outbox.models import OutgoingEmail
from tests.celery_helpers import worker_on_redis


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_email_send_it_once() -> None:
    assert connection.vendor == "postgresql"
    # Written directly, so that nothing delivers it before the race starts.
    email = OutgoingEmail.objects.create(to=["race@example.org"], subject="Race", body_text="x")
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        from django.db import connection as thread_connection

        barrier.wait()
        results.append(services.deliver_email(email.pk))
        thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert [m.subject for m in mail.outbox] == ["Race"]
    assert OutgoingEmail.objects.get(pk=email.pk).state == OutgoingEmail.State.SENT


@pytest.fixture
def celery_worker_on_redis() -> Iterator[None]:
    """A real Celery worker in a thread, consuming the default queue from Redis."""
    with worker_on_redis():
        yield


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_email_is_delivered_by_a_worker_through_redis(celery_worker_on_redis: None) -> None:
    import time

    assert celery_app.conf.broker_url.startswith("redis://")
    email = services.queue_email(to=["queued@example.org"], subject="Through Redis", body_text="x")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.state == OutgoingEmail.State.SENT:
            break
        time.sleep(0.1)
    assert email.state == OutgoingEmail.State.SENT
    assert "Through Redis" in [m.subject for m in mail.outbox]


@pytest.mark.redis
def test_the_cache_is_redis_when_redis_url_is_set() -> None:
    from django.core.cache import caches

    cache = caches["default"]
    assert type(cache).__name__ == "RedisCache"
    cache.set("engage-test-key", "value", 10)
    assert cache.get("engage-test-key") == "value"
