from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engage.engagement.services import send_invitations


class Command(BaseCommand):
    help = (
        "Bring the calendar invitations of activities up to date (what publishing does in the "
        "background); safe to run again: nobody is emailed twice for the same version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("activity_ids", nargs="+", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        for activity_id in options["activity_ids"]:
            queued = send_invitations(activity_id=activity_id)
            self.stdout.write(f"Activity {activity_id}: {queued} email(s) queued.")
