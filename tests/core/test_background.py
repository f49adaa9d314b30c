"""Without a broker, tasks queued with ``later`` run after the request in one background
thread (or, with the setting off as in tests, at once, as Celery's eager mode does)."""

from __future__ import annotations

import threading
from typing import Any

from engage.core import background


class _Task:
    """Stands for a Celery task: records where and how it ran."""

    name = "test.task"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], str]] = []

    def delay(self, *args: Any) -> None:
        self.calls.append(("delay", args, threading.current_thread().name))

    def apply(self, args: tuple[Any, ...] = (), throw: bool = False) -> None:
        self.calls.append(("apply", args, threading.current_thread().name))


def test_with_a_broker_a_task_is_sent_to_it(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ENGAGE_EAGER_TASKS_IN_BACKGROUND = True
    task = _Task()
    background.later(task, 1)
    assert task.calls == [("delay", (1,), threading.current_thread().name)]


def test_without_a_broker_and_the_setting_off_it_runs_here_and_now(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ENGAGE_EAGER_TASKS_IN_BACKGROUND = False
    task = _Task()
    background.later(task, 2)
    assert task.calls == [("delay", (2,), threading.current_thread().name)]


def test_without_a_broker_it_runs_later_in_the_background_thread_in_order(
    settings: Any,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ENGAGE_EAGER_TASKS_IN_BACKGROUND = True
    task = _Task()
    for n in range(3):
        background.later(task, n)
    assert background.wait_for_background(timeout=10)
    assert task.calls == [("apply", (n,), "engage-background") for n in range(3)]


def test_a_failing_task_does_not_stop_the_background_thread(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ENGAGE_EAGER_TASKS_IN_BACKGROUND = True

    class Failing(_Task):
        def apply(self, args: tuple[Any, ...] = (), throw: bool = False) -> None:
            raise RuntimeError("boom")

    task = _Task()
    background.later(Failing(), 0)
    background.later(task, 1)
    assert background.wait_for_background(timeout=10)
    assert task.calls == [("apply", (1,), "engage-background")]
