"""Celery tasks of enquiries: thin wrappers over ``services``; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from engage.enquiries import services


@shared_task(name="engage.enquiries.tasks.send_enquiry_reminders", ignore_result=True)
def send_enquiry_reminders() -> int:
    return services.send_due_reminders()
