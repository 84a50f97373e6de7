"""Test-only, never imported by the app: a Celery worker started with `-I tests.slow_tasks`
(tests/test_faults_queued_work.py) gets a re-screening chunk that records each attempt in the
file named by SLOW_RESCREEN_LOG, then sleeps SLOW_RESCREEN_SECONDS before the real service
runs: a deterministic window in which the test kills the worker mid-task."""

import os
import time

from clinic import services

_real_rescreen = services.trial_rescreen_patients


def _recorded_then_slow(**kwargs):
    with open(os.environ["SLOW_RESCREEN_LOG"], "a") as log:
        log.write(f"attempt by worker pid {os.getpid()}\n")
    time.sleep(float(os.environ.get("SLOW_RESCREEN_SECONDS") or 0))
    return _real_rescreen(**kwargs)


services.trial_rescreen_patients = _recorded_then_slow
