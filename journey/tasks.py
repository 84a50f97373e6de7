"""Celery tasks of the patient journey. Each takes ids and calls a service; the services are
idempotent (the outbox row's status under lock; the trials a subscriber was told), so
retries and duplicate deliveries send nothing twice."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

# The services queue these tasks and the tasks call the services: each imports the other's
# module (never names from it), which Python resolves whichever is imported first.
from journey import services
from journey.models import DeliveryFailed


@shared_task(
    autoretry_for=(DeliveryFailed, DatabaseError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=48,
)
def deliver_outbox_message(message_pk: int) -> bool:
    # After the retries run out the row is still pending: requeue_pending_outbox picks it up.
    return services.outbox_deliver(message_pk=message_pk)


@shared_task
def requeue_pending_outbox() -> int:
    """Beat, every few minutes: messages whose queueing failed (broker down when the request
    was made) or whose retries ran out are queued again."""
    ids = services.outbox_pending_ids()
    for pk in ids:
        services.outbox_queue(message_pk=pk)
    return len(ids)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def purge_expired_screenings() -> int:
    return services.patient_screenings_purge()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def notify_subscribers(trial_pk: int) -> int:
    """A trial was published or changed: fan out one task per chunk of subscribers. The
    digest lists every trial newly likely eligible, so the trial's id is not needed below."""
    chunks = services.subscription_chunks()
    for chunk in chunks:
        notify_subscribers_chunk.delay(chunk)
    return len(chunks)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def notify_subscribers_chunk(subscription_ids: list[int]) -> int:
    return services.subscribers_notify(subscription_ids=subscription_ids)
