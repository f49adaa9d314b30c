"""The tests' clock: one "today" for a test module that dates things by it, and a run
started at a chosen moment.

A module that sets ``TODAY = timezone.localdate()`` when it is imported and then asks the
services about "the future" fails if the suite runs past midnight (London) between the import
and the test: the services' today is then TODAY + 1. Such a module imports `TODAY` from here
and uses the `on_today` fixture, which puts the clock at noon of that day, ticking, for each
test.

``ENGAGE_TEST_CLOCK=2026-11-24T23:58 make test`` (London time unless the value gives an
offset) starts every test process's clock at that moment, ticking, before any test module is
imported: it finds the tests that fail when a run crosses midnight, a weekend, a bank holiday
or a clock change. The database's own clock is not moved.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def _start_clock(value: str) -> None:
    moment = datetime.fromisoformat(value)
    time_machine.travel(moment if moment.tzinfo else moment.replace(tzinfo=LONDON)).start()


if os.environ.get("ENGAGE_TEST_CLOCK"):
    _start_clock(os.environ["ENGAGE_TEST_CLOCK"])  # stopped with the process

TODAY = timezone.localdate()


@pytest.fixture
def on_today() -> Iterator[None]:
    """The test runs at noon of `TODAY` in London, the clock ticking from there."""
    noon = datetime.combine(TODAY, time(12), tzinfo=LONDON)
    with time_machine.travel(noon, tick=True):
        yield
