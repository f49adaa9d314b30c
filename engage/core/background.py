"""Run a Celery task after the response when there is no broker (``make run``).

With Redis, ``later(task, ...)`` is ``task.delay(...)``: a worker runs it. Without a broker
Celery runs tasks eagerly, inside the request that queued them, so publishing a year of
meetings would make the PEM wait while thousands of invitations are written and sent. With
``ENGAGE_EAGER_TASKS_IN_BACKGROUND`` on (the default without Redis; off in tests) such tasks go
to one background thread of this process instead, which runs them in order, eagerly, as a
worker would. Tasks queued from that thread run at once in it.

The tasks are the same idempotent ones a worker runs, so nothing is done twice. A process that
exits normally (a management command, runserver stopped) first finishes what is queued (up to
``EXIT_WAIT_SECONDS``). If it is killed first, what was not done stays as the database says: emails not yet sent stay pending in
the outbox for the periodic sweep (``engage.outbox.tasks.deliver_due_emails``, or
``python manage.py deliver_outbox`` by hand).
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

#: How long a process exiting normally waits for its queued background tasks.
EXIT_WAIT_SECONDS = 300.0

_jobs: queue.Queue[tuple[Any, tuple[Any, ...]]] = queue.Queue()
_worker: threading.Thread | None = None
_start_lock = threading.Lock()


def in_background() -> bool:
    """True when called from the background thread."""
    return threading.current_thread() is _worker


def _run_jobs() -> None:
    while True:
        task, args = _jobs.get()
        try:
            close_old_connections()
            task.apply(args=args, throw=True)
        except Exception:
            logger.exception("Background task %s%r failed", getattr(task, "name", task), args)
        finally:
            connections.close_all()
            _jobs.task_done()


def _finish_at_exit() -> None:
    if pending():
        logger.warning("Finishing %s background tasks before exiting", pending())
        if not wait_for_background(EXIT_WAIT_SECONDS):
            logger.error("Background tasks unfinished at exit; their emails stay pending")


def _ensure_worker() -> None:
    global _worker
    with _start_lock:
        if _worker is None:
            atexit.register(_finish_at_exit)
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_run_jobs, name="engage-background", daemon=True)
            _worker.start()


def later(task: Any, *args: Any) -> None:
    """Queue ``task(*args)``: to the broker, or without one to the background thread (or,
    with ``ENGAGE_EAGER_TASKS_IN_BACKGROUND`` off, run it here and now as Celery does)."""
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if not eager or not settings.ENGAGE_EAGER_TASKS_IN_BACKGROUND or in_background():
        task.delay(*args)
        return
    _ensure_worker()
    _jobs.put((task, args))


def pending() -> int:
    """Tasks queued for the background thread and not yet finished."""
    return _jobs.unfinished_tasks


def wait_for_background(timeout: float = 60.0) -> bool:
    """Block until the background thread has nothing left (for scripts and tests); False if
    it is still busy after ``timeout`` seconds."""
    done = threading.Event()

    def drain() -> None:
        _jobs.join()
        done.set()

    threading.Thread(target=drain, daemon=True).start()
    return done.wait(timeout)
