"""Celery tasks for registry imports. Each takes ids, calls a service and owns its retries;
services queue them with transaction.on_commit, so a task never sees uncommitted rows."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

# The services queue these tasks and the tasks call the services: each imports the other's
# module (never names from it), which Python resolves whichever is imported first.
from trials.registry import services
from trials.registry.records import RegistryUnavailable


@shared_task(
    bind=True,
    autoretry_for=(RegistryUnavailable,),
    retry_backoff=60,  # 1, 2, 4, 8, 16 minutes (with jitter) while the registry is down
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def import_trial(self, run_id: int) -> str:
    """Runs the recorded import `run_id` (a registry id to fetch, or an uploaded file)."""
    # Inline (no broker, `make run`), nothing would ever run a retry: the first failure is final.
    final = settings.CELERY_TASK_ALWAYS_EAGER or self.request.retries >= self.max_retries
    run = services.import_run_execute(run_id=run_id, final_attempt=final)
    return run.outcome


@shared_task
def refresh_imported_trials() -> int:
    """The daily refresh (see CELERY_BEAT_SCHEDULE): queues one import per imported trial."""
    return len(services.trials_refresh_imported())


@shared_task
def requeue_stale_imports() -> int:
    """Re-sends recorded imports that never reached a worker (see CELERY_BEAT_SCHEDULE)."""
    return len(services.import_runs_requeue_stale())
