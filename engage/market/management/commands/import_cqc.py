"""``python manage.py import_cqc FILE [--local-authority NAME ...]``: import CQC's register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from engage.accounts.models import User
from engage.market.cqc_import import import_cqc_file


class Command(BaseCommand):
    help = (
        "Import CQC's public directory of registered locations (the care directory CSV, or the "
        "HSCA Active Locations CSV or XLSX). Re-importing updates; locations missing from the "
        "file are marked deregistered; any bad line refuses the whole file."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The CQC file (.csv or .xlsx).")
        parser.add_argument(
            "--local-authority",
            action="append",
            default=[],
            metavar="NAME",
            help="Keep only locations of this local authority (CQC's name); repeat for several.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count; write nothing."
        )
        parser.add_argument(
            "--no-deregister",
            action="store_true",
            help="Leave services missing from the file as they are.",
        )
        parser.add_argument(
            "--as", dest="actor_email", default="", help="The email of the user running it."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        actor = None
        if options["actor_email"]:
            actor = User.objects.filter(email__iexact=options["actor_email"]).first()
            if actor is None:
                raise CommandError(f"No user has the email address {options['actor_email']}.")
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["no_progress"],
            transient=False,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total or None)
                bar.update(tasks[phase], completed=done, total=total or None)

            with path.open("rb") as handle:
                result = import_cqc_file(
                    source=handle,
                    file_name=path.name,
                    actor=actor,
                    local_authorities=options["local_authority"],
                    dry_run=options["dry_run"],
                    deregister=not options["no_deregister"],
                    progress=progress,
                )
        record = result.record
        if result.refused:
            for error in result.errors:
                self.stderr.write(f"line {error.line}: {error.reason}")
            raise CommandError(result.problem)
        verb = "Checked (nothing written)" if options["dry_run"] else "Imported"
        skipped = sum(record.skipped.values()) if record.skipped else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {record.file_name} ({record.layout}) in {result.seconds:.1f} s: "
                f"{record.rows} rows; services {record.created} created, {record.updated} updated, "
                f"{record.unchanged} unchanged, {record.deregistered} deregistered; providers "
                f"{record.providers_created} created, {record.providers_updated} updated; "
                f"{skipped} rows skipped."
            )
        )
        for reason, count in sorted((record.skipped or {}).items(), key=lambda kv: -kv[1])[:10]:
            self.stdout.write(f"  skipped {count}: {reason}")
