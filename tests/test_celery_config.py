"""A worker killed mid-task must not lose the task: the Celery app acknowledges tasks only when
they finish and has the broker deliver an unacknowledged one again after the visibility timeout."""

import os
import subprocess
import sys
from pathlib import Path

from config.celery import app


def test_tasks_are_acknowledged_late_and_requeued_when_the_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] == 3600


def test_the_visibility_timeout_comes_from_the_environment():
    code = "from config.celery import app; import django; django.setup(); "
    code += "print(app.conf.broker_transport_options['visibility_timeout'])"
    env = {**os.environ, "CELERY_VISIBILITY_TIMEOUT": "7200", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "7200"
