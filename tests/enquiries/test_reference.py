"""References: ENQ-<year>-<number>, unique even when enquiries arrive at the same moment."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
import time_machine
from django.db import connection

from engage.enquiries import services
from engage.enquiries.models import Enquiry, ReferenceCounter
from tests.enquiries.factories import london, submit


@pytest.mark.django_db
def test_references_count_up_within_a_year_and_restart_in_the_next(
    provider_a: Any, categories: Any
) -> None:
    with time_machine.travel(london(2026, 12, 31, 11), tick=False):
        first = submit(provider_a, categories["payments"])
        second = submit(provider_a, categories["payments"])
    with time_machine.travel(london(2027, 1, 4, 11), tick=False):
        third = submit(provider_a, categories["payments"])
    assert [first.reference, second.reference, third.reference] == [
        "ENQ-2026-00001",
        "ENQ-2026-00002",
        "ENQ-2027-00001",
    ]
    assert re.fullmatch(r"ENQ-\d{4}-\d{5}", first.reference)


@pytest.mark.django_db
def test_allocation_continues_from_the_counter() -> None:
    ReferenceCounter.objects.create(year=2027, last_number=41)
    assert services.allocate_reference(year=2027) == "ENQ-2027-00042"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_reference(provider_a: Any, categories: Any) -> None:
    assert connection.vendor == "postgresql"
    workers = 6
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            submit(provider_a, categories["payments"])
        except BaseException as error:
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = list(Enquiry.objects.values_list("reference", flat=True))
    assert len(references) == workers
    assert len(set(references)) == workers
