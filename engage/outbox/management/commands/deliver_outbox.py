from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engage.outbox.services import deliver_due_emails


class Command(BaseCommand):
    help = "Send every email that is due (what the periodic Celery task does), e.g. from cron."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = deliver_due_emails()
        self.stdout.write(f"Sent {sent} email(s).")
