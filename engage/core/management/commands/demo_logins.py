from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from engage.accounts.models import Role, User
from engage.core.demo import DEMO_PASSWORD

_ORDER = [
    Role.PEM,
    Role.OFFICER,
    Role.LDD,
    Role.COUNCILLOR,
    Role.PROVIDER,
    Role.PARTNER,
    Role.ADMIN,
]


class Command(BaseCommand):
    help = "Print the demo sign-ins (one per role)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The named demo sign-ins have a one-word local part (pem@, officer@, …).
        users = sorted(
            User.objects.filter(email__regex=r"^[a-z-]+@engage\.example$"),
            key=lambda u: (_ORDER.index(Role(u.role)), u.email),
        )
        if not users:
            self.stdout.write("No demo sign-ins: run `manage.py seed_demo` first.")
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Engage is starting on {settings.SITE_URL}"))
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        width = max(len(u.email) for u in users)
        for user in users:
            self.stdout.write(
                f"  {user.email.ljust(width)}  {user.get_role_display()} – {user.full_name}"
            )
        self.stdout.write("")
