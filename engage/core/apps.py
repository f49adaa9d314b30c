from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "engage.core"
    label = "core"
    verbose_name = "Layout, public pages and shared helpers"

    def ready(self) -> None:
        # Load the Celery app with Django so that @shared_task binds to it.
        import engage.celery  # noqa: F401
