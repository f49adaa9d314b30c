from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from engage.enquiries.services import ensure_default_categories


class Command(BaseCommand):
    help = (
        "Create the default enquiry categories, targets and routes that do not exist yet "
        "(existing ones are left as they are). The PEM edits them at /enquiries/categories/."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = ensure_default_categories()
        self.stdout.write(f"Created {created} categor{'y' if created == 1 else 'ies'}.")
