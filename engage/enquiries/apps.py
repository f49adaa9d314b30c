from __future__ import annotations

from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "engage.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries from providers"

    def ready(self) -> None:
        from engage.enquiries import personal_data as enquiries_personal_data
        from engage.market import personal_data

        personal_data.register(enquiries_personal_data.HOLDER)

        from auditlog.registry import auditlog

        from engage.enquiries import models

        auditlog.register(models.EnquiryCategory)
        auditlog.register(models.Enquiry)
        auditlog.register(models.EnquiryMessage)
        auditlog.register(models.EnquiryAttachment)
        auditlog.register(models.EnquiryEvent)
        auditlog.register(models.EnquiryPause)

        # The cached queue counts (selectors.queue_counts) go stale with any change to an
        # enquiry, however it is made (the version is bumped in the writer's transaction).
        from engage.core import data_versions
        from engage.enquiries.selectors import QUEUE_COUNTS_DATA

        data_versions.watch(QUEUE_COUNTS_DATA, [models.Enquiry])
