from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save


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

        # The cached queue counts (selectors.queue_counts) go stale with any change to an
        # enquiry, however it is made: at once (for reads later in the same transaction) and
        # again on commit (so that a count read meanwhile from the old data is not kept).
        post_save.connect(_forget_queue_counts, sender=models.Enquiry)
        post_delete.connect(_forget_queue_counts, sender=models.Enquiry)


def _forget_queue_counts(**kwargs: Any) -> None:
    from engage.enquiries.selectors import forget_queue_counts

    forget_queue_counts()
    transaction.on_commit(forget_queue_counts)
