"""The patient journey's settings are read strictly: a bad value stops the start-up naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_up(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"), [("EMAIL_BACKEND", "pigeon"), ("RATE_LIMIT_CONTACT", "5 per minute")]
)
def test_a_malformed_value_stops_the_start_up_naming_the_variable(variable, value):
    result = start_up(**{variable: value})
    assert result.returncode != 0 and variable in result.stderr


def test_the_default_email_backend_writes_files_under_var(settings):
    assert settings.EMAIL_BACKEND.endswith("filebased.EmailBackend") or "locmem" in settings.EMAIL_BACKEND
    assert start_up(EMAIL_BACKEND="console").returncode == 0
