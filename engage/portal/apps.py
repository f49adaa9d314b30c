from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "engage.portal"
    label = "portal"
    verbose_name = "The provider portal"

    def ready(self) -> None:
        from engage.portal import panel_versions

        panel_versions.connect()
