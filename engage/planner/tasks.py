"""Celery tasks of the year planner: thin wrappers over ``services``; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from engage.planner import services


@shared_task(name="engage.planner.tasks.run_plan", ignore_result=True)
def run_plan(run_id: int) -> bool:
    return services.execute_plan_run(run_id=run_id)
