"""Email waiting to go out, kept until it has gone.

Every email Engage sends is first written here in the same transaction as the change that
caused it, then delivered by a Celery task. A failure leaves the row pending with the error,
to be retried later; a delivery is claimed atomically so that no email is sent twice.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    #: Stops the same email being queued twice (e.g. "enquiry-ack:123").
    idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    to = models.JSONField(help_text="List of recipient addresses.")
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    #: [{"filename": ..., "content": ... (text), "mimetype": ...}], e.g. an ICS invitation.
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    #: What the email is about, for the record (e.g. "enquiry:ENQ-2026-00012").
    topic = models.CharField(max_length=200, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = "outgoing email"

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
