from __future__ import annotations

from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "engage.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries from providers"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from engage.enquiries import models

        auditlog.register(models.EnquiryCategory)
        auditlog.register(models.Enquiry)
        auditlog.register(models.EnquiryMessage)
        auditlog.register(models.EnquiryAttachment)
        auditlog.register(models.EnquiryEvent)
        auditlog.register(models.EnquiryPause)
