from __future__ import annotations

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engage.engagement"
    label = "engagement"
    verbose_name = "Engagement planning and the calendar"

    def ready(self) -> None:
        from engage.engagement import personal_data as engagement_personal_data
        from engage.market import personal_data

        personal_data.register(engagement_personal_data.HOLDER)

        from auditlog.registry import auditlog

        from engage.engagement import calendar_version, models

        calendar_version.connect()

        auditlog.register(
            models.Activity,
            m2m_fields={
                "audience_service_types",
                "audience_localities",
                "required_teams",
                "invited_partners",
            },
        )
        auditlog.register(models.Venue)
        auditlog.register(models.TopicLevelHint)
        auditlog.register(models.AcceptedWarning)
        auditlog.register(models.Registration)
        auditlog.register(models.StatusChange)
        auditlog.register(models.Invitation)
        auditlog.register(models.Attendance)
        auditlog.register(models.CalendarFeed, exclude_fields=["token", "last_used_at"])
