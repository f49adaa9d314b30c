"""Celery tasks of the market register: thin wrappers over the CQC import and retention."""

from __future__ import annotations

from celery import shared_task

from engage.market import cqc_import, services


@shared_task(name="engage.market.tasks.import_cqc_upload", ignore_result=True)
def import_cqc_upload(
    storage_name: str,
    file_name: str,
    actor_id: int | None,
    local_authorities: list[str],
    dry_run: bool,
    deregister: bool,
) -> int | None:
    """Import an uploaded CQC file; returns the ``CqcImport`` id (None if already done)."""
    return cqc_import.import_uploaded_file(
        storage_name=storage_name,
        file_name=file_name,
        actor_id=actor_id,
        local_authorities=local_authorities,
        dry_run=dry_run,
        deregister=deregister,
    )


@shared_task(name="engage.market.tasks.erase_long_left_contacts", ignore_result=True)
def erase_long_left_contacts() -> int:
    return services.erase_long_left_contacts()
