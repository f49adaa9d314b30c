from __future__ import annotations

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "engage.outbox"
    label = "outbox"
    verbose_name = "Outgoing email"
