"""Response targets of enquiries, in working days (engage.core.working_days does the counting).

- The first-response target is met by the first reply an officer sends the provider (an
  internal note does not count), on or before the first-response date, whatever happens next.
- The resolution target runs from receipt (or from the latest reopening). While the enquiry
  waits on the provider the clock stops: the resolve-by date moves later by the working days
  spent waiting.
- "Overdue": an open enquiry past a target it has not met; "due soon": within
  ``ENQUIRY_DUE_SOON_WORKING_DAYS`` working days of one. The resolution target of an enquiry
  waiting on the provider is neither (its clock is stopped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q

from engage.core.working_days import add_working_days, local_date, target_date
from engage.enquiries.models import OPEN_STATUSES, Status


@dataclass(frozen=True)
class Targets:
    first_response_due: date
    resolve_due: date


def targets_for(*, received_at: datetime, first_response_days: int, resolve_days: int) -> Targets:
    """The target dates of an enquiry received at ``received_at``."""
    return Targets(
        first_response_due=target_date(received_at, first_response_days),
        resolve_due=target_date(received_at, resolve_days),
    )


def met(*, due: date, at: datetime) -> bool:
    """True when something done at ``at`` met a target date of ``due`` (on or before it)."""
    return local_date(at) <= due


def due_soon_limit(today: date) -> date:
    """The last target date that counts as "due soon" on ``today``."""
    return add_working_days(today, settings.ENQUIRY_DUE_SOON_WORKING_DAYS)


def _first_response_pending() -> Q:
    return Q(first_response_at__isnull=True)


def _resolution_clock_running() -> Q:
    return ~Q(status=Status.WAITING)


def overdue_q(today: date) -> Q:
    """Open enquiries past a target not yet met."""
    return Q(status__in=OPEN_STATUSES) & (
        (_first_response_pending() & Q(first_response_due__lt=today))
        | (_resolution_clock_running() & Q(resolve_due__lt=today))
    )


def due_soon_q(today: date) -> Q:
    """Open enquiries, not overdue, with a target on or before ``due_soon_limit(today)``."""
    limit = due_soon_limit(today)
    return (
        Q(status__in=OPEN_STATUSES)
        & ~overdue_q(today)
        & (
            (_first_response_pending() & Q(first_response_due__lte=limit))
            | (_resolution_clock_running() & Q(resolve_due__lte=limit))
        )
    )
