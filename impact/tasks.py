"""Attrition summaries are computed in the background: the impact page only reads them."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

# The services queue these tasks and the tasks call the services: each imports the other's
# module (never names from it), which Python resolves whichever is imported first.
from impact import services


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def refresh_attrition(trial_id: int | None = None) -> int:
    return services.attrition_summaries_refresh(trial_id=trial_id)


@shared_task
def requeue_stale_attrition() -> bool:
    """The sweep (see CELERY_BEAT_SCHEDULE): refreshes lost while the broker was down."""
    return services.attrition_summaries_requeue_stale()
