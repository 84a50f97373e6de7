"""The Celery side of registry imports: what is queued on commit, retries, the daily refresh,
and (with REDIS_URL set) a real worker running an import against Redis."""

import os
import time
from datetime import timedelta

import httpx
import pytest
from celery.exceptions import Retry
from django.db import connections
from django.utils import timezone

from config.celery import app
from trials import tasks
from trials.models import ImportRun, Trial
from trials.registry import services
from trials.registry.records import RegistryUnavailable

from .registry_helpers import fixture_text, mock_registry, study_json


@pytest.fixture
def queued(monkeypatch):
    """Records the run ids the services hand to the import task."""
    sent = []
    monkeypatch.setattr(tasks.import_trial, "delay", lambda run_id: sent.append(run_id))
    return sent


@pytest.mark.django_db
def test_an_import_is_queued_only_once_the_run_is_committed(django_capture_on_commit_callbacks, queued):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.import_run_create(trigger=ImportRun.Trigger.ADMIN_FORM, registry_id="NCT02424396")
    assert queued == [] and len(callbacks) == 1
    callbacks[0]()
    assert queued == [run.pk]
    assert run.state == ImportRun.State.QUEUED and run.requested_id == "NCT02424396"


@pytest.mark.django_db
def test_an_uploaded_file_is_stored_on_the_run_before_it_is_queued(
    django_capture_on_commit_callbacks, queued
):
    content = fixture_text("ictrp_EUCTR2017-001400-29-FR.xml")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_run_create(
            trigger=ImportRun.Trigger.ADMIN_FORM, filename="msc.xml", content=content
        )
    run.refresh_from_db()
    assert (run.source, run.payload, queued) == (ImportRun.Source.ICTRP_FILE, content, [run.pk])


@pytest.mark.django_db
def test_the_task_runs_the_recorded_import(monkeypatch):
    Trial.objects.filter(trial_id="NCT02424396").delete()
    mock_registry(monkeypatch, httpx.Response(200, text=fixture_text("ctgov_NCT02424396.json")))
    run = services.import_run_create(
        trigger=ImportRun.Trigger.COMMAND, registry_id="NCT02424396", queue=False
    )
    result = tasks.import_trial.apply(args=[run.pk])
    assert result.get() == ImportRun.Outcome.OK
    run.refresh_from_db()
    assert run.trial.trial_id == "NCT02424396" and run.attempts == 1


@pytest.mark.django_db
def test_the_task_retries_a_registry_outage_then_records_the_failure(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with a worker
    mock_registry(monkeypatch, httpx.ReadTimeout("slow"))
    run = services.import_run_create(
        trigger=ImportRun.Trigger.SCHEDULE, registry_id="NCT02424396", queue=False
    )
    with pytest.raises(Retry):
        tasks.import_trial.apply(args=[run.pk], retries=0)
    run.refresh_from_db()
    assert run.state == ImportRun.State.RETRYING and not run.outcome
    result = tasks.import_trial.apply(args=[run.pk], retries=tasks.import_trial.max_retries)
    assert result.get() == ImportRun.Outcome.FAILED
    run.refresh_from_db()
    assert run.attempts == 2 and "did not answer in time" in run.error


@pytest.mark.django_db
def test_inline_without_a_worker_a_registry_outage_fails_at_once(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    mock_registry(monkeypatch, httpx.ConnectError("no network"))
    run = services.import_run_create(
        trigger=ImportRun.Trigger.ADMIN_FORM, registry_id="NCT02424396", queue=False
    )
    assert tasks.import_trial.apply(args=[run.pk]).get() == ImportRun.Outcome.FAILED
    run.refresh_from_db()
    assert "could not be reached" in run.error


def test_the_import_task_backs_off_on_network_errors_only():
    assert tasks.import_trial.autoretry_for == (RegistryUnavailable,)
    assert tasks.import_trial.retry_backoff and tasks.import_trial.max_retries == 5


def test_the_daily_refresh_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-imported-trials"]
    assert entry["task"] == tasks.refresh_imported_trials.name


@pytest.mark.django_db
def test_the_daily_refresh_queues_every_imported_trial_once(django_capture_on_commit_callbacks, queued):
    Trial.objects.filter(trial_id__in=["NCT02424396", "EUCTR2017-001400-29-FR"]).delete()
    for name in ("ctgov_NCT02424396.json", "ictrp_EUCTR2017-001400-29-FR.xml"):
        run = services.import_run_create(
            trigger=ImportRun.Trigger.COMMAND, filename=name, content=fixture_text(name), queue=False
        )
        services.import_run_execute(run_id=run.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_imported_trials.apply().get() == 1
    (refresh,) = ImportRun.objects.filter(trigger=ImportRun.Trigger.SCHEDULE)
    assert refresh.requested_id == "NCT02424396" and queued == [refresh.pk]
    # a refresh already waiting is not queued twice
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_imported_trials.apply().get() == 0


@pytest.mark.django_db
def test_runs_that_never_reached_a_worker_are_sent_again(django_capture_on_commit_callbacks, queued):
    old = services.import_run_create(
        trigger=ImportRun.Trigger.ADMIN_FORM, registry_id="NCT02424396", queue=False
    )
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    services.import_run_create(trigger=ImportRun.Trigger.ADMIN_FORM, registry_id="NCT02403947", queue=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_imports.apply().get() == 1
    assert queued == [old.pk]


@pytest.mark.django_db
def test_a_broker_failure_does_not_lose_the_recorded_run(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(run_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.import_trial, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_run_create(trigger=ImportRun.Trigger.ADMIN_FORM, registry_id="NCT02424396")
    assert ImportRun.objects.get(pk=run.pk).state == ImportRun.State.QUEUED


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)")
def test_a_real_worker_imports_a_file_queued_through_redis(django_db_blocker):
    """Runs a Celery worker (solo pool, in a thread) against the Redis broker of REDIS_URL. The
    rows are committed for real, outside a test transaction, so the worker's own database
    connection sees them; the test removes them itself (a transactional test would flush the
    seed data other tests rely on). It runs after the database tests (pytest-django orders
    them first), once the test database exists."""
    name = str(connections["default"].settings_dict["NAME"])
    if not (name.startswith("test_") or "memorydb" in name):
        pytest.skip("the test database is not set up: run this test with the database tests")
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    def close_worker_connections(**kwargs):
        connections.close_all()  # the worker thread's connections must not outlive the test

    task_postrun.connect(close_worker_connections, weak=False)
    content = study_json("ctgov_NCT02424396.json", nct_id="NCT09990001")
    with django_db_blocker.unblock():
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                run = services.import_run_create(
                    trigger=ImportRun.Trigger.COMMAND, filename="s.json", content=content
                )
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    run.refresh_from_db()
                    if run.is_finished:
                        break
                    time.sleep(0.2)
            assert run.outcome == ImportRun.Outcome.OK, run.error
            assert run.trial.trial_id == "NCT09990001" and run.trial.state == Trial.State.DRAFT
        finally:
            task_postrun.disconnect(close_worker_connections)
            Trial.objects.filter(trial_id="NCT09990001").delete()
            ImportRun.objects.filter(payload=content).delete()
