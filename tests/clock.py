"""One "today" for a test module that dates things by it.

A module that sets ``TODAY = timezone.localdate()`` when it is imported and then asks the
services about "the future" fails if the suite runs past midnight (London) between the import
and the test: the services' today is then TODAY + 1. Such a module imports `TODAY` from here
and uses the `on_today` fixture, which puts the clock at noon of that day, ticking, for each
test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

TODAY = timezone.localdate()


@pytest.fixture
def on_today() -> Iterator[None]:
    """The test runs at noon of `TODAY` in London, the clock ticking from there."""
    noon = datetime.combine(TODAY, time(12), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(noon, tick=True):
        yield
