from __future__ import annotations

from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "engage.planner"
    label = "planner"
    verbose_name = "The year planner"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from engage.planner import models

        auditlog.register(models.TeamLeave)
        auditlog.register(models.SchoolHoliday)
        auditlog.register(models.PlannerSettings)
        auditlog.register(
            models.PlanRun, m2m_fields={"groups"}, exclude_fields=["progress", "stage"]
        )
        auditlog.register(models.PlanPin)
