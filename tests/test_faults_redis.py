"""Redis stopped mid-run: the app keeps screening, /healthz names Redis, and the cache turns
into misses instead of errors. Runs gunicorn against a private redis-server that it stops."""

import subprocess
import sys

import pytest

from config.cache import FailSoftRedisCache
from tests.private_services import ROOT, Gunicorn, PrivateRedis, app_env, manage, wait_for

ANSWERS = {
    "answers": {
        "age": 47,
        "sex": "female",
        "diagnosis": "multiple_sclerosis",
        "ms_phenotype": "PPMS",
        "edss": 4.5,
        "platelets": {"value": 210000, "unit": "/mm3"},
        "days_since_last_relapse": "never",
        "medications": [],
    },
    "as_of": "2026-11-21",
}


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def web(redis_server, tmp_path):
    env = app_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", REDIS_URL=redis_server.url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_seed_trials")
    server = Gunicorn(env)
    yield server
    server.stop()


def test_screening_goes_on_when_redis_stops(web, redis_server):
    status, _, before = web.request("POST", "/api/v1/screen", ANSWERS)
    assert status == 200
    _, _, health = web.request("GET", "/healthz")
    assert health["checks"]["redis"]["ok"] is True

    redis_server.stop()

    status, _, after = web.request("POST", "/api/v1/screen", ANSWERS)
    assert status == 200, web.output()
    assert after == before
    status, _, concepts = web.request("GET", "/api/v1/concepts")
    assert status == 200 and concepts["concepts"]
    status, _, health = web.request("GET", "/healthz")
    assert status == 503
    assert health["failing"] == ["redis", "celery"]
    assert health["checks"]["celery"]["detail"] == "broker unreachable"


def test_the_cache_degrades_to_misses_when_redis_is_unreachable(redis_server):
    cache = FailSoftRedisCache(redis_server.url, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    cache.set("plan", "compiled")
    assert cache.get("plan") == "compiled"

    redis_server.stop()

    assert cache.get("plan") is None
    assert cache.get("plan", "fallback") == "fallback"
    assert cache.get_or_set("plan", lambda: "recomputed") == "recomputed"
    assert cache.set("plan", "compiled") is False
    assert cache.add("plan", "compiled") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("plan") is False


def test_health_follows_a_real_celery_worker_coming_and_going(web, redis_server, tmp_path):
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo", "--hostname", "healthz@%h",
         "--loglevel", "WARNING"],
        cwd=ROOT, env=web.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: web.request("GET", "/healthz")[0] == 200, 60, "the worker answering /healthz's ping")
        _, _, health = web.request("GET", "/healthz")
        assert health["checks"]["celery"] == {"ok": True, "detail": "1 worker(s) answered"}
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    status, _, health = web.request("GET", "/healthz")
    assert status == 503
    assert health["failing"] == ["celery"]
    assert health["checks"]["celery"]["detail"] == "no worker answered within 1 s"
