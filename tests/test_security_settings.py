"""Production settings pass `manage.py check --deploy` cleanly, refuse to start without a real
SECRET_KEY, and every response carries the hardening headers; dev and tests stay on http."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "screening.example.org",
}


def run_django(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", REDIS_URL="")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_deploy_check_does_flag_plain_http_settings(tmp_path):
    env = {**PRODUCTION, "HTTPS": "false"}
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_django(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_placeholder_secret_key(tmp_path):
    result = run_django(["manage.py", "check"], {**PRODUCTION, "SECRET_KEY": "CHANGE-ME"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be a long random value" in result.stderr


PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client(HTTP_HOST="screening.example.org")
plain = client.get("/api/v1/concepts")
secure = client.get("/nowhere", secure=True)
health = client.get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "hsts": secure.get("Strict-Transport-Security"),
    "health": health.status_code,
}))
"""


def test_with_https_on_plain_http_is_redirected_and_hsts_is_sent(tmp_path):
    env = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = run_django(["-c", PROBE], env, tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://screening.example.org/api/v1/concepts"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    # The container health check probes over plain http from inside the stack.
    assert seen["health"] == 200


@pytest.mark.django_db
def test_dev_and_tests_are_served_over_plain_http(client, settings):
    assert settings.HTTPS is False and settings.SESSION_COOKIE_SECURE is False
    response = client.get("/api/v1/concepts")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_every_response_carries_the_hardening_headers(client):
    response = client.get("/api/v1/trials")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_admin_login_page_is_covered_by_the_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert b"<script>" not in response.content


def test_the_lockout_limit_and_cool_off_come_from_the_environment(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    env = {
        "AXES_FAILURE_LIMIT": "7",
        "AXES_COOLOFF_MINUTES": "30",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = run_django(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["7", "1800.0"]
