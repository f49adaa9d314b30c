from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "engage.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from engage.accounts.models import User

        auditlog.register(User, exclude_fields=["password", "last_login"])
