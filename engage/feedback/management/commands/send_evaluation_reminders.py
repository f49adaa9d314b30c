"""Remind, once, those who have not evaluated an event N days after being invited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engage.feedback import services


class Command(BaseCommand):
    help = "Send evaluations not yet sent, then one reminder to each non-responder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Remind this many days after the invitation (default: the setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        invited = services.send_due_evaluations()
        reminded = services.send_evaluation_reminders(after_days=options["days"])
        self.stdout.write(f"{invited} invited, {reminded} reminded")
