"""Celery tasks of the patient journey, and the outbox sweep every worker runs. Each task takes
ids and calls a service; the services are idempotent (the outbox row's status and attempt
under lock; the trials a subscriber was told), so retries and duplicate deliveries are safe."""

from __future__ import annotations

import logging

from celery import bootsteps, shared_task
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from config.celery import app

# The services queue these tasks and the tasks call the services: each imports the other's
# module (never names from it), which Python resolves whichever is imported first.
from journey import services
from journey.models import DeliveryFailed

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None)
def deliver_outbox_message(self, message_pk: int, sent_attempt: int | None = None) -> bool:
    """Sends the message (services.outbox_deliver), or, given `sent_attempt`, records that the
    attempt the database failed to record was sent. Retries itself; should a retry be lost,
    the row says what is owed and the sweep queues it again."""
    try:
        if sent_attempt is not None:
            return services.outbox_record_sent(message_pk=message_pk, attempt=sent_attempt)
        return services.outbox_deliver(message_pk=message_pk)
    except services.SentNotRecorded as error:
        # Sent: only the mark is owed, and soon, before the claim lapses and it is sent again.
        raise self.retry(
            kwargs={"message_pk": message_pk, "sent_attempt": error.attempt},
            countdown=settings.OUTBOX_RECORD_RETRY_SECONDS,
        ) from error
    except services.StillSending as busy:
        # Another worker is sending it; if that worker died, its claim lapses at `until`.
        raise self.retry(countdown=_seconds_until(busy.until) + 1) from busy
    except DeliveryFailed as error:
        raise self.retry(countdown=_seconds_until(error.retry_at)) from error
    except DatabaseError as error:
        if sent_attempt is not None:
            raise self.retry(countdown=settings.OUTBOX_RECORD_RETRY_SECONDS) from error
        delay = services.outbox_retry_delay(self.request.retries + 1)
        raise self.retry(countdown=delay.total_seconds()) from error


def _seconds_until(moment) -> float:
    return max((moment - timezone.now()).total_seconds(), 0) if moment else 0


@shared_task
def requeue_pending_outbox() -> int:
    """Beat, every few minutes, where beat runs: the same sweep every worker runs anyway."""
    return len(services.outbox_sweep())


class OutboxSweep(bootsteps.StartStopStep):
    """Runs the outbox sweep in every worker, when it starts and every OUTBOX_SWEEP_SECONDS,
    so that owed messages go out with no beat running.

    Why not the broker: a task whose worker died is redelivered by Redis only after the
    visibility timeout, which is transport-wide and must exceed the longest task of any kind
    (an hour); and a message that never reached the broker is not there to redeliver. The
    database row knows what is owed, so a worker reads it: a lapsed claim is queued at most
    OUTBOX_SENDING_LEASE_SECONDS + OUTBOX_SWEEP_SECONDS after its worker died (3 minutes with
    the defaults), by any worker that runs."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs) -> None:
        self.timers: list = []

    def start(self, worker) -> None:
        interval = settings.OUTBOX_SWEEP_SECONDS
        self.timers = [
            worker.timer.call_after(min(interval, 2), self.sweep),
            worker.timer.call_repeatedly(interval, self.sweep),
        ]

    def stop(self, worker) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers = []

    def sweep(self) -> None:
        # As before each task: a connection the database dropped is replaced, not reused.
        close_old_connections()
        try:
            services.outbox_sweep()
        except DatabaseError as error:
            # The database is down: nothing can be sent either; the next sweep tries again.
            log.warning("outbox sweep skipped: %s", type(error).__name__)


app.steps["worker"].add(OutboxSweep)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def purge_expired_screenings() -> int:
    return services.patient_screenings_purge()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def purge_past_retention() -> int:
    """Daily: sent emails lose their content after OUTBOX_SENT_RETENTION_DAYS, contact requests
    their personal data after CONTACT_REQUEST_RETENTION_DAYS."""
    return services.outbox_purge_sent() + services.contact_requests_purge()


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
