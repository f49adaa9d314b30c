from __future__ import annotations

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "engage.feedback"
    label = "feedback"
    verbose_name = "Evaluations, surveys and you said, we did"

    def ready(self) -> None:
        from engage.feedback import personal_data as feedback_personal_data
        from engage.market import personal_data

        personal_data.register(feedback_personal_data.HOLDER)

        from auditlog.registry import auditlog

        from engage.feedback import models

        # Responses and answers are not audited: anonymous answers must leave no trace of who.
        for model in (
            models.EvaluationQuestion,
            models.OutcomeResult,
            models.Survey,
            models.SurveyQuestion,
            models.Theme,
            models.FeedbackItem,
        ):
            auditlog.register(model)
