from __future__ import annotations

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "engage.feedback"
    label = "feedback"
    verbose_name = "Evaluations, surveys and you said, we did"
