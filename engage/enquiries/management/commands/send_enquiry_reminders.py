from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engage.enquiries.services import send_due_reminders


class Command(BaseCommand):
    help = (
        "Email owners about enquiries due soon or overdue (what the periodic task does). "
        "Sends nothing outside working hours, and at most one reminder per enquiry, kind and day."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders()
        self.stdout.write(f"Queued {sent} reminder(s).")
