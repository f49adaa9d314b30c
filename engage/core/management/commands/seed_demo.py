from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engage.accounts.models import User
from engage.core import data_versions
from engage.core.demo import DemoContext, run_steps


class Command(BaseCommand):
    help = (
        "Load invented demo data: an Essex-like county, or an England-sized market for load tests."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=["county", "national"], default="county")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data.")
        parser.add_argument(
            "--once", action="store_true", help="Do nothing if the demo data is already loaded."
        )

    def handle(self, *args: Any, scale: str, seed: int, once: bool, **options: Any) -> None:
        if User.objects.filter(email="pem@engage.example").exists():
            if once:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError(
                "Demo data is already loaded in this database; start from an empty one."
            )
        started = time.monotonic()
        ctx = DemoContext(scale=scale, seed=seed)
        with transaction.atomic():
            run_steps(ctx, progress=lambda what: self.stdout.write(f"  {what}…"))
            # The demo writes in bulk, which bumps no data version: nothing cached before it
            # (a shared Redis outlives the database) may be used after it.
            data_versions.forget_all()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({scale}) loaded in {time.monotonic() - started:.1f} s.")
        )
