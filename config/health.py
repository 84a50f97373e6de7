"""/healthz: can this deployment serve? Database, Redis and a Celery worker, each checked with
a short timeout. 200 when every part is OK, 503 naming the failing parts.

Without REDIS_URL the app runs on its embedded defaults (in-memory cache, tasks inline): Redis
is then "not configured" and Celery "inline", and both count as OK.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to answer is "unreachable" for a health check
        return Check(False, f"unreachable: {type(error).__name__}")
    return Check(True, f"reachable ({connection.vendor})")


def check_redis() -> Check:
    if not settings.REDIS_URL:
        return Check(True, "not configured")
    timeout = settings.HEALTHZ_CELERY_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        return Check(False, f"unreachable: {type(error).__name__}")
    finally:
        client.close()
    return Check(True, "reachable")


def check_celery(redis_check: Check) -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Check(True, "inline")
    if not redis_check.ok:
        # Pinging through a dead broker would only wait for kombu's connection retries.
        return Check(False, "broker unreachable")
    timeout = settings.HEALTHZ_CELERY_TIMEOUT
    try:
        replies = celery_app.control.ping(timeout=timeout)
    except Exception as error:  # kombu raises transport-specific errors
        return Check(False, f"ping failed: {type(error).__name__}")
    if not replies:
        return Check(False, f"no worker answered within {timeout:g} s")
    return Check(True, f"{len(replies)} worker(s) answered")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    redis_check = check_redis()
    checks = {"database": check_database(), "redis": redis_check, "celery": check_celery(redis_check)}
    failing = [name for name, check in checks.items() if not check.ok]
    body = {
        "status": "unavailable" if failing else "ok",
        "failing": failing,
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=503 if failing else 200)
