"""Re-screening after a trial changes: a parent task splits every patient's latest screening
into chunks and fans out one task per chunk, so a large registry spreads across workers.

Tasks take ids and call services; the services are idempotent per (screening, trial,
criteria version), so retries and duplicate deliveries are harmless.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from clinic import services


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def rescreen_trial(trial_id: int) -> int:
    chunks = services.trial_rescreen_chunks(trial_id=trial_id)
    for chunk in chunks:
        rescreen_trial_chunk.delay(trial_id, chunk)
    return len(chunks)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def rescreen_trial_chunk(trial_id: int, screening_ids: list[int]) -> int:
    return services.trial_rescreen_patients(trial_id=trial_id, screening_ids=screening_ids)
