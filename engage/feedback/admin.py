"""The technical admin site: the data a council configures (evaluation questions, themes)."""

from __future__ import annotations

from django.contrib import admin

from engage.feedback.models import EvaluationQuestion, Theme


@admin.register(EvaluationQuestion)
class EvaluationQuestionAdmin(admin.ModelAdmin[EvaluationQuestion]):
    list_display = ["text", "key", "kind", "required", "position", "is_active"]
    list_editable = ["position", "is_active"]
    ordering = ["position"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
