from __future__ import annotations

from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "engage.council"
    label = "council"
    verbose_name = "Council: teams, officers, partners and councillors"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from engage.council import models

        for model in (
            models.Team,
            models.Officer,
            models.PartnerOrganisation,
            models.PartnerPerson,
            models.Councillor,
        ):
            auditlog.register(model)
