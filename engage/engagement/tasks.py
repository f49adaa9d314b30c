"""Celery tasks of engagement planning: thin wrappers over ``services``; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from engage.engagement import services


@shared_task(name="engage.engagement.tasks.send_activity_invitations", ignore_result=True)
def send_activity_invitations(activity_id: int) -> int:
    return services.send_invitations(activity_id=activity_id)
