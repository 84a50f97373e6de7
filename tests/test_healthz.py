"""/healthz tells an operator whether this deployment can serve, and which part cannot.

The boundaries (a database cursor, the Redis client, Celery's control.ping) are replaced by
fakes; tests/test_faults_redis.py exercises the real Redis check against a stopped server."""

from unittest import mock

import pytest
import redis
from django.db import OperationalError

from config import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6399/3"
    settings.CELERY_TASK_ALWAYS_EAGER = False


def redis_answering():
    return mock.patch.object(redis.Redis, "ping", return_value=True)


def redis_down():
    return mock.patch.object(redis.Redis, "ping", side_effect=redis.ConnectionError("refused"))


def workers(replies):
    return mock.patch.object(health.celery_app.control, "ping", return_value=replies)


def test_without_redis_the_embedded_defaults_are_healthy(client, settings):
    settings.REDIS_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": True, "detail": "not configured"}
    assert body["checks"]["celery"] == {"ok": True, "detail": "inline"}
    assert "no-cache" in response["Cache-Control"]


def test_it_is_healthy_when_database_redis_and_a_worker_answer(client, with_redis):
    with redis_answering(), workers([{"celery@w1": {"ok": "pong"}}]) as ping:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["celery"] == {"ok": True, "detail": "1 worker(s) answered"}
    assert ping.call_args.kwargs["timeout"] == pytest.approx(1.0)


def test_it_names_celery_when_no_worker_answers_the_ping(client, with_redis):
    with redis_answering(), workers([]):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["celery"]
    assert body["checks"]["redis"]["ok"] is True


def test_it_names_redis_and_celery_when_redis_is_down(client, with_redis):
    with redis_down(), workers([{"celery@w1": {"ok": "pong"}}]) as ping:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis", "celery"]
    assert body["checks"]["redis"] == {"ok": False, "detail": "unreachable: ConnectionError"}
    assert body["checks"]["celery"]["detail"] == "broker unreachable"
    ping.assert_not_called()


def test_it_names_the_database_when_it_cannot_answer(client, settings):
    settings.REDIS_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with mock.patch.object(health, "connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "unreachable: OperationalError"}


def test_a_failing_ping_is_reported_not_raised(client, with_redis):
    with (
        redis_answering(),
        mock.patch.object(health.celery_app.control, "ping", side_effect=OSError("reset")),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == {"ok": False, "detail": "ping failed: OSError"}


def test_it_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
