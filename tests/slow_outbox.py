"""Test-only, never imported by the app: a Celery worker started with `-I tests.slow_outbox`
(tests/test_faults_outbox.py) pauses in the outbox's critical window — after the mail server
accepted a message, before "sent" is committed — for OUTBOX_WINDOW_SECONDS, the first time
each message gets there. Entering the window is written to OUTBOX_WINDOW_LOG ("<pk> <pid>"),
so the test knows when and which process to stop."""

import os
import time

from journey import services

_real_record_sent = services._record_sent


def _paused_in_the_window(message_pk: int, attempt: int) -> bool:
    log_path = os.environ["OUTBOX_WINDOW_LOG"]
    seen = []
    if os.path.exists(log_path):
        with open(log_path) as log:
            seen = [line.split()[0] for line in log if line.strip()]
    first_time = str(message_pk) not in seen
    with open(log_path, "a") as log:
        log.write(f"{message_pk} {os.getpid()} {time.time():.3f}\n")
    if first_time:
        time.sleep(float(os.environ.get("OUTBOX_WINDOW_SECONDS") or 0))
    return _real_record_sent(message_pk, attempt)


services._record_sent = _paused_in_the_window
