"""Real Celery workers delivering the outbox: through a private Redis that goes away and comes
back, and (with REDIS_URL set, as in .ci/run) through the machine's Redis. The rows are
committed for real so the worker thread's own connection sees them."""

import os
import time

import pytest
from django.core import mail
from django.db import connections

from config.celery import app
from journey import services, tasks
from journey.models import ContactRequest, OutboxMessage
from tests.journey_helpers import celery_broker, reseeded_afterwards
from tests.private_services import PrivateRedis
from trials.models import Trial

__all__ = ["reseeded_afterwards"]


def wait_until(predicate, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def seeded(reseeded_afterwards, transactional_db):
    """Committed seed trials: another transactional test may have emptied the tables."""
    from django.core.management import call_command

    if not Trial.objects.filter(trial_id="NCT06592703").exists():
        call_command("load_seed_trials", verbosity=0)


def request_contact() -> ContactRequest:
    return services.contact_request_create(
        screening=services.patient_screening_start(language="fr")[0],
        trial=Trial.objects.get(trial_id="NCT06592703"),
        site=None,
        name="Jeanne Testpatient",
        email="jeanne.testpatient@example.org",
        phone="",
        language="fr",
        consent_text="consent",
        summary={"trial_id": "NCT06592703", "verdict": "eligible", "criteria": []},
    )


@pytest.fixture
def worker_connections_closed():
    from celery.signals import task_postrun

    def close(**kwargs):
        connections.close_all()  # the worker thread's connections must not outlive the test

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs PostgreSQL: the worker thread and the test share SQLite's in-memory test database, "
    "whose table locks make this race-prone; the at-most-once row lock is PostgreSQL's",
)
def test_a_request_made_while_redis_is_down_is_delivered_once_after_it_returns(
    seeded, settings, worker_connections_closed
):
    from celery.contrib.testing.worker import start_worker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    redis = PrivateRedis()
    redis.start()
    try:
        with celery_broker(redis.url) as app:
            redis.stop()
            request = request_contact()  # autocommit: on_commit tries the broker at once
            assert set(request.messages.values_list("status", flat=True)) == {"pending"}

            redis.start()  # back, on the same port
            OutboxMessage.objects.update(due_at=request.created_at.replace(year=2025))
            # Beat's sweep, before the worker's own sweep (run when it starts) queues them again.
            assert tasks.requeue_pending_outbox() == 2
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                OutboxMessage.objects.update(due_at=request.created_at.replace(year=2025))
                assert wait_until(
                    lambda: set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
                )
                time.sleep(1)  # let any duplicate task run
        assert sorted(m.to[0] for m in mail.outbox) == [
            "jeanne.testpatient@example.org",
            "study-team@localhost",
        ]
    finally:
        redis.stop()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)")
def test_a_real_worker_sends_a_contact_request_through_the_outbox(seeded, worker_connections_closed):
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        request_contact()
        assert wait_until(lambda: not OutboxMessage.objects.pending().exists())
    assert len(mail.outbox) == 2
    assert (
        "Votre demande" in next(m for m in mail.outbox if m.to == ["jeanne.testpatient@example.org"]).subject
    )
