from __future__ import annotations

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "engage.outbox"
    label = "outbox"
    verbose_name = "Outgoing email"

    def ready(self) -> None:
        from engage.market import personal_data
        from engage.outbox import personal_data as outbox_personal_data

        personal_data.register(outbox_personal_data.HOLDER)
