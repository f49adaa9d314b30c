from __future__ import annotations

from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "engage.planner"
    label = "planner"
    verbose_name = "The year planner"
