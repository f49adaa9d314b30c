"""Celery tasks of the outbox: thin wrappers over ``services``; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from engage.outbox import services


@shared_task(name="engage.outbox.tasks.deliver_email", ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.deliver_email(email_id)


@shared_task(name="engage.outbox.tasks.deliver_emails", ignore_result=True)
def deliver_emails(email_ids: list[int]) -> int:
    return services.deliver_emails(email_ids)


@shared_task(name="engage.outbox.tasks.deliver_due_emails", ignore_result=True)
def deliver_due_emails() -> int:
    return services.deliver_due_emails()


@shared_task(name="engage.outbox.tasks.delete_old_emails", ignore_result=True)
def delete_old_emails() -> int:
    return services.delete_old_emails()
