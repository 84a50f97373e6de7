"""Queueing on commit when the broker is down: the saved request succeeds, a warning says what
was not queued (never with the task's arguments), and errors of inline tasks still surface."""

import logging

import pytest
from kombu.exceptions import OperationalError

from clinic import tasks
from config.celery import app
from config.queueing import enqueue, enqueue_on_commit


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.django_db
def test_it_queues_only_once_the_transaction_commits(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.rescreen_trial, "delay", lambda trial_id: sent.append(trial_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(tasks.rescreen_trial, 41)
    assert sent == []
    callbacks[0]()
    assert sent == [41]


@pytest.mark.django_db
def test_a_broker_that_is_down_is_logged_and_does_not_raise(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(tasks.rescreen_trial, "delay", broker_down)
    with (
        caplog.at_level(logging.WARNING, logger="config.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(tasks.rescreen_trial, 987654)
    (record,) = caplog.records
    assert "clinic.tasks.rescreen_trial not queued, broker unreachable" in record.getMessage()
    assert "987654" not in record.getMessage()


def test_a_countdown_is_passed_to_the_broker(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.rescreen_trial, "apply_async", lambda args, countdown: calls.append((args, countdown))
    )
    assert enqueue(tasks.rescreen_trial, 3, countdown=10) is True
    assert calls == [((3,), 10)]


def test_it_reports_a_send_that_failed(monkeypatch):
    monkeypatch.setattr(tasks.rescreen_trial, "delay", broker_down)
    assert enqueue(tasks.rescreen_trial, 3) is False


def test_errors_that_are_not_the_brokers_still_raise(monkeypatch):
    def task_bug(*args):
        raise ValueError("a bug in an inline task")

    monkeypatch.setattr(tasks.rescreen_trial, "delay", task_bug)
    with pytest.raises(ValueError):
        enqueue(tasks.rescreen_trial, 3)


@pytest.mark.parametrize(
    "task_name", ["clinic.tasks.rescreen_stale_trials", "impact.tasks.requeue_stale_attrition"]
)
def test_each_sweep_is_a_registered_task_that_beat_runs_every_few_minutes(settings, task_name):
    from importlib import import_module

    import_module(task_name.rsplit(".", 1)[0])  # what the worker's autodiscovery does
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == task_name]
    assert task_name in app.tasks
    runs_per_hour = len(entry["schedule"].minute)
    assert runs_per_hour >= 12
