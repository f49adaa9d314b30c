from __future__ import annotations

from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "engage.market"
    label = "market"
    verbose_name = "The market register"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from engage.market import caching, models

        auditlog.register(models.Locality)
        auditlog.register(models.ServiceType)
        auditlog.register(models.Provider, exclude_fields=list(models.PROVIDER_FIGURES))
        auditlog.register(models.Service, m2m_fields={"service_types"})
        auditlog.register(models.Contact, m2m_fields={"services"})
        auditlog.register(models.Association)
        auditlog.register(models.AssociationMembership)
        caching.connect_signals()
