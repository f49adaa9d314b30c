"""Celery tasks of the feedback app: thin wrappers over ``services``; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from engage.feedback import services


@shared_task(name="engage.feedback.tasks.send_activity_evaluations", ignore_result=True)
def send_activity_evaluations(activity_id: int) -> int:
    return services.send_evaluations(activity_id=activity_id)


@shared_task(name="engage.feedback.tasks.evaluation_sweep", ignore_result=True)
def evaluation_sweep() -> tuple[int, int]:
    """Evaluations not yet sent for recently held gatherings, then the one reminder."""
    return services.send_due_evaluations(), services.send_evaluation_reminders()
