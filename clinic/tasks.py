"""Re-screening after a trial changes: a parent task splits every patient's latest screening
into chunks and fans out one task per chunk, so a large registry spreads across workers.

Tasks take ids and call services; the services are idempotent per (screening, trial,
criteria version), so retries and duplicate deliveries are harmless. The durable record of
owed work is Trial.rescreened_version, set once a fan-out has queued every chunk; the
rescreen_stale_trials sweep queues the fan-out for any published trial left behind.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

# The services queue these tasks and the tasks call the services: each imports the other's
# module (never names from it), which Python resolves whichever is imported first.
from clinic import services


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def rescreen_trial(trial_id: int) -> int:
    version = services.trial_rescreen_version(trial_id=trial_id)
    if version is None:
        return 0
    chunks = services.trial_rescreen_chunks(trial_id=trial_id)
    for chunk in chunks:
        # Raises when the broker goes away mid-way: the version is then not marked below and
        # the rescreen_stale_trials sweep sends the fan-out again (only what is still missing).
        rescreen_trial_chunk.delay(trial_id, chunk)
    services.trial_mark_rescreened(trial_id=trial_id, version=version)
    return len(chunks)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def rescreen_trial_chunk(trial_id: int, screening_ids: list[int]) -> int:
    return services.trial_rescreen_patients(trial_id=trial_id, screening_ids=screening_ids)


@shared_task
def rescreen_stale_trials() -> int:
    """The sweep (see CELERY_BEAT_SCHEDULE): re-screenings owed since the broker was down."""
    return len(services.trials_rescreen_stale())
