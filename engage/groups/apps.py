from __future__ import annotations

from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "engage.groups"
    label = "groups"
    verbose_name = "Engagement groups, meetings and standards"

    def ready(self) -> None:
        from engage.groups import personal_data as groups_personal_data
        from engage.market import personal_data

        personal_data.register(groups_personal_data.HOLDER)

        from auditlog.registry import auditlog

        from engage.groups import models, selectors, standards

        standards.connect()
        selectors.connect_pages_version()

        auditlog.register(
            models.EngagementGroup,
            m2m_fields={
                "required_teams",
                "invited_partners",
                "streams",
                "audience_service_types",
                "audience_localities",
            },
        )
        auditlog.register(models.TermsOfReference)
        auditlog.register(models.MaturityAssessment)
        auditlog.register(models.ForumStream, m2m_fields={"service_types"})
        auditlog.register(models.GroupKindDefaults, m2m_fields={"required_teams", "streams"})
        auditlog.register(models.ForwardPlanItem)
        auditlog.register(models.MeetingNotes)
        auditlog.register(models.Action)
        auditlog.register(
            models.MeetingSession, m2m_fields={"audience_service_types", "audience_localities"}
        )
