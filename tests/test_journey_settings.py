"""The patient journey's settings are read strictly: a bad value stops the start-up naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_up(code: str = "", **env) -> subprocess.CompletedProcess:
    """A fresh process with the project's settings and only the given variables changed:
    pytest-django replaces the email backend in this process, so it cannot tell."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
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


def test_by_default_each_email_is_written_as_a_file_under_var_mail():
    result = start_up("from django.conf import settings; print(settings.EMAIL_FILE_PATH)")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]) == ROOT / "var" / "mail"


def test_the_default_backend_writes_the_message_where_email_file_path_says(tmp_path):
    send = "from django.core.mail import send_mail; send_mail('Your link', 'body', None, ['p@example.org'])"
    result = start_up(send, EMAIL_FILE_PATH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    (written,) = tmp_path.iterdir()
    assert "Subject: Your link" in written.read_text()


def test_the_console_backend_can_be_chosen_instead():
    send = "from django.core.mail import send_mail; send_mail('Your link', 'body', None, ['p@example.org'])"
    result = start_up(send, EMAIL_BACKEND="console")
    assert result.returncode == 0 and "Subject: Your link" in result.stdout
