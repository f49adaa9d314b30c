"""Time accepting a year plan on the demo data, part by part, with tasks run in-process.

Run on a demo database (``DEBUG=1 manage.py seed_demo --scale county``), without REDIS_URL so
Celery runs eagerly as under ``make run``::

    DEBUG=1 .venv/bin/python benchmarks/plan_acceptance.py > /tmp/accept.txt

It plans every group the plan page offers (from next Monday, 12 months), accepts the plan as
the demo PEM and prints, on stderr, the seconds spent solving, accepting (creating, checking,
approving and publishing the meetings) and sending the invitations after the commit, with the
rows written. The console mail backend writes the emails to stdout: send that to a file.
Without a broker the invitations and emails are done after the response, in the background
thread (``engage.core.background``): the script waits for it and times that too (run with
``ENGAGE_EAGER_TASKS_IN_BACKGROUND=0`` to do everything inside the request, as before).
Changes the database: run it on a copy.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engage.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from engage.accounts.models import User  # noqa: E402
from engage.core.background import pending, wait_for_background  # noqa: E402
from engage.engagement import services as engagement_services  # noqa: E402
from engage.engagement.models import Invitation  # noqa: E402
from engage.outbox import services as outbox_services  # noqa: E402
from engage.outbox.models import OutgoingEmail  # noqa: E402
from engage.planner import selectors, services  # noqa: E402
from engage.planner.models import PlanRun  # noqa: E402

seconds: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)


def timed(module: Any, name: str, label: str) -> None:
    """Wrap ``module.name`` so that its time (outermost calls only) adds up under ``label``."""
    original: Callable[..., Any] = getattr(module, name)
    depth = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth["n"] += 1
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            depth["n"] -= 1
            if depth["n"] == 0:
                seconds[label] += time.perf_counter() - began
                calls[label] += 1

    setattr(module, name, wrapper)


@contextmanager
def stage(label: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    seconds[label] += time.perf_counter() - began


def main() -> None:
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        sys.exit("Run without REDIS_URL: this measures the in-process (eager) case.")
    pem = User.objects.get(email="pem@engage.example")
    today = timezone.localdate()
    start = services.next_monday(today)
    groups = list(selectors.plannable_groups(start, services.horizon_end(start, 12)))
    timed(services, "schedule_meeting", "accept: create meetings")
    timed(engagement_services, "submit_activity", "accept: submit")
    timed(services, "report_for", "accept: clash reports")
    timed(engagement_services, "accept_warning", "accept: accept warnings")
    timed(engagement_services, "approve_activity", "accept: approve")
    timed(engagement_services, "publish_activity", "accept: publish")
    timed(engagement_services, "send_invitations", "after commit: invitations and outbox rows")
    timed(outbox_services, "deliver_email", "after commit: delivering emails (one by one)")
    if hasattr(outbox_services, "deliver_emails"):
        timed(outbox_services, "deliver_emails", "after commit: delivering emails (batches)")
    emails_before = OutgoingEmail.objects.count()
    invitations_before = Invitation.objects.count()
    with stage("plan (solve and store)"):
        run = services.start_plan_run(actor=pem, groups=groups, start=start, months=12)
    run.refresh_from_db()
    print(
        f"Plan #{run.pk}: {run.status}, {run.solver_status}, "
        f"{run.proposals.count()} meetings of {len(groups)} groups",
        file=sys.stderr,
    )
    with stage("accept_plan, whole call (request)"):
        made = services.accept_plan(actor=pem, run=run)
    # Meanwhile other requests still write: time a small write every quarter of a second.
    longest_write = 0.0
    with stage("after the request: background thread until every email is sent"):
        while pending():
            began = time.perf_counter()
            with transaction.atomic():
                PlanRun.objects.filter(pk=run.pk).update(stage=run.stage)
            longest_write = max(longest_write, time.perf_counter() - began)
            time.sleep(0.25)
        if not wait_for_background(timeout=3600):
            sys.exit("The background thread did not finish within an hour.")
    print(f"Longest wait of another write meanwhile: {longest_write:.2f} s", file=sys.stderr)
    emails = OutgoingEmail.objects.count() - emails_before
    sent = OutgoingEmail.objects.filter(state=OutgoingEmail.State.SENT).count()
    print(
        f"{len(made)} meetings published; {Invitation.objects.count() - invitations_before} "
        f"invitations and {emails} emails written; {sent} emails sent in all",
        file=sys.stderr,
    )
    for label, value in seconds.items():
        extra = f" ({calls[label]} calls)" if label in calls else ""
        print(f"{value:8.2f} s  {label}{extra}", file=sys.stderr)


if __name__ == "__main__":
    main()
