"""The outbox's delivery guarantee, proved with real processes and real faults.

The guarantee: every committed outbox message is delivered at least once, by any running
worker, with no beat: a message whose worker died is sent again within
OUTBOX_SENDING_LEASE_SECONDS + OUTBOX_SWEEP_SECONDS (3 minutes with the defaults). It is sent
exactly once unless its sender is killed (SIGKILL, a crash) after the mail server accepted it
and before "sent" is committed; then the copy carries the same Message-ID. A graceful stop
(SIGTERM, of the worker or of its pool process) and a database outage in that window never
send a copy.

Each test injects one fault in that window (a test-only module, tests/slow_outbox.py, makes
the worker pause there) or around it, against a private PostgreSQL cluster, a private Redis,
Celery workers started here and a real SMTP server (aiosmtpd) counting what arrives. No beat
runs in any of them."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller

from tests.private_services import ROOT, PrivatePostgres, PrivateRedis, app_env, free_port, manage, wait_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="real workers and servers: run once, in the PostgreSQL + Redis pass of .ci/run (REDIS_URL set)",
)

LEASE, SWEEP, GRACE = 5, 1, 2
# Long enough that the test, not the clock, decides what happens in the window.
KILL_WINDOW, GRACEFUL_WINDOW = 60, 2

CREATE_LINK_EMAIL = """
import django
django.setup()
from journey import services
screening, token = services.patient_screening_start(language="en")
message = services.patient_link_email(
    screening=screening, token=token, email="patient@example.org", language="en"
)
print(message.pk)
"""


class Sink:
    """An SMTP server that accepts everything and counts each delivery by Message-ID."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.received.append(message["Message-ID"])
        return "250 OK"

    def deliveries(self) -> list[str]:
        with self.lock:
            return list(self.received)


class Worker:
    """`celery worker` (prefork with one pool process, or solo) in its own session, so that
    killing its process group kills the pool too, as a container stop or a crash does."""

    def __init__(self, env: dict[str, str], log: Path, pool: str) -> None:
        self.log = log
        self.file = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", pool, "-c", "1",
             "-I", "tests.slow_outbox", "--hostname", f"outbox{free_port()}@%h", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.file, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def kill_group(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def wait(self, timeout: float = 60) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """At the end of a test: nothing it proves needs a clean exit any more."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.file.close()


@pytest.fixture(scope="module")
def postgres():
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        manage(app_env(DATABASE_URL=server.url, REDIS_URL=""), "migrate", "--noinput", "-v", "0")
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def broker():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sink():
    server = Sink()
    server.controller.start()
    yield server
    server.controller.stop()


class Outbox:
    """One test's view of the world: the environment its processes run with, the workers it
    started, the rows in the private database and what reached the SMTP server."""

    def __init__(self, postgres, broker, sink, tmp_path: Path) -> None:
        self.postgres, self.broker, self.sink, self.tmp = postgres, broker, sink, tmp_path
        self.window_log = tmp_path / "window.log"
        self.workers: list[Worker] = []
        self.env = app_env(
            DATABASE_URL=postgres.url,
            REDIS_URL=broker.url,
            LOG_LEVEL="INFO",
            EMAIL_BACKEND="smtp",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.controller.port),
            EMAIL_TIMEOUT="5",
            OUTBOX_SENDING_LEASE_SECONDS=str(LEASE),
            OUTBOX_SWEEP_SECONDS=str(SWEEP),
            OUTBOX_SWEEP_GRACE_SECONDS=str(GRACE),
            OUTBOX_RECORD_RETRY_SECONDS="1",
            OUTBOX_WINDOW_LOG=str(self.window_log),
            OUTBOX_WINDOW_SECONDS=str(KILL_WINDOW),
        )

    def worker(self, pool: str = "prefork", **env: str) -> Worker:
        worker = Worker({**self.env, **env}, self.tmp / f"worker{len(self.workers)}.log", pool)
        self.workers.append(worker)
        return worker

    def output(self) -> str:
        return "".join(w.log.read_text() for w in self.workers if w.log.exists())

    def request_link_email(self, **env: str) -> subprocess.Popen:
        """What the keep-my-link page does: the message row, queued once its commit is done."""
        return subprocess.Popen(
            [sys.executable, "-c", CREATE_LINK_EMAIL], cwd=ROOT, env={**self.env, **env},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def created(self, request: subprocess.Popen) -> int:
        stdout, self.stderr = request.communicate(timeout=120)
        assert request.returncode == 0, self.stderr
        return int(stdout.strip().splitlines()[-1])

    def create_link_email(self, **env: str) -> int:
        return self.created(self.request_link_email(**env))

    def row(self, pk: int) -> dict:
        with psycopg.connect(
            self.postgres.url.replace("postgres://", "postgresql://"), autocommit=True
        ) as db:
            status, attempts, to, message_id = db.execute(
                'SELECT status, attempts, "to", message_id FROM journey_outboxmessage WHERE id = %s', [pk]
            ).fetchone()
        return {"status": status, "attempts": attempts, "to": to, "message_id": message_id}

    def window_entries(self) -> list[tuple[int, int]]:
        if not self.window_log.exists():
            return []
        return [
            tuple(map(int, line.split()[:2])) for line in self.window_log.read_text().splitlines() if line
        ]

    def in_the_window(self) -> tuple[int, int]:
        """Waits until a worker process has sent a message and not yet recorded it: the
        message's id and the process's pid. (Watched while the request is still exiting, so
        the test acts well within the claim's lease.)"""
        wait_for(lambda: self.window_entries(), 60, "the send reaching the window")
        return self.window_entries()[0]

    def queue_is_empty(self) -> bool:
        """No task message left: none waiting, none delivered to a worker and unacknowledged."""
        client = redis.Redis.from_url(self.broker.url)
        return client.llen("celery") == 0 and client.hlen("unacked") == 0

    def reset(self) -> None:
        redis.Redis.from_url(self.broker.url).flushdb()
        with psycopg.connect(
            self.postgres.url.replace("postgres://", "postgresql://"), autocommit=True
        ) as db:
            db.execute(
                "TRUNCATE journey_outboxmessage, journey_subscription, journey_patientscreening CASCADE"
            )
        with self.sink.lock:
            self.sink.received.clear()


@pytest.fixture
def outbox(postgres, broker, sink, tmp_path):
    world = Outbox(postgres, broker, sink, tmp_path)
    world.reset()
    yield world
    for worker in world.workers:
        worker.stop()


def sent(outbox: Outbox, pk: int) -> bool:
    return outbox.row(pk)["status"] == "sent"


def test_sigkill_of_the_worker_in_the_window_sends_a_copy_with_the_same_message_id_and_no_beat(outbox):
    first = outbox.worker()
    request = outbox.request_link_email()
    pk, _ = outbox.in_the_window()
    first.kill_group()  # the worker and its pool process, after the SMTP server accepted
    assert outbox.created(request) == pk

    assert outbox.sink.deliveries() == [outbox.row(pk)["message_id"]]
    assert outbox.row(pk)["status"] == "sending"  # committed before the send, never "sent"
    outbox.worker()  # another worker, no beat: its sweep finds the lapsed claim
    wait_for(lambda: sent(outbox, pk), LEASE + SWEEP + 60, "the copy sent by the next worker")
    row = outbox.row(pk)
    assert outbox.sink.deliveries() == [row["message_id"], row["message_id"]]
    assert (row["attempts"], row["to"]) == (2, "")  # the link email is erased once sent


def test_sigkill_of_the_pool_process_in_the_window_sends_a_copy_with_the_same_message_id(outbox):
    outbox.worker()
    request = outbox.request_link_email()
    pk, child = outbox.in_the_window()
    os.kill(child, signal.SIGKILL)
    assert outbox.created(request) == pk

    # The worker itself survives: it re-runs the task, which waits for the claim to lapse.
    wait_for(lambda: sent(outbox, pk), LEASE + SWEEP + 60, "the copy sent after the claim lapsed")
    row = outbox.row(pk)
    assert outbox.sink.deliveries() == [row["message_id"], row["message_id"]]
    assert row["attempts"] == 2
    wait_for(outbox.queue_is_empty, 60, "every task finished")
    assert len(outbox.sink.deliveries()) == 2


@pytest.mark.parametrize("target", ["worker", "pool process"])
def test_sigterm_in_the_window_waits_for_the_commit_and_never_sends_a_copy(outbox, target):
    worker = outbox.worker(OUTBOX_WINDOW_SECONDS=str(GRACEFUL_WINDOW))
    request = outbox.request_link_email()
    pk, child = outbox.in_the_window()
    if target == "worker":
        worker.signal(signal.SIGTERM)  # warm shutdown: the running task finishes first
        assert worker.wait() == 0
    else:
        os.kill(child, signal.SIGTERM)  # held off until "sent" is committed
    assert outbox.created(request) == pk
    wait_for(lambda: sent(outbox, pk), 60, "sent recorded")
    assert outbox.sink.deliveries() == [outbox.row(pk)["message_id"]]
    # No task message is left to run, and the row is not owed: nothing can send a copy.
    wait_for(outbox.queue_is_empty, 60, "every task finished")
    assert outbox.row(pk)["attempts"] == 1
    assert len(outbox.sink.deliveries()) == 1


def test_a_message_written_while_redis_is_down_is_sent_once_it_is_back_without_beat(outbox):
    outbox.worker(pool="solo", OUTBOX_WINDOW_SECONDS="0")
    outbox.broker.stop()
    try:
        pk = outbox.create_link_email()  # the request succeeds; queueing it fails
        assert "not queued, broker unreachable" in outbox.stderr
        assert outbox.row(pk)["status"] == "pending"
    finally:
        outbox.broker.start()  # the same port, empty: the task was never there
    wait_for(lambda: sent(outbox, pk), GRACE + SWEEP + 90, "the worker's sweep sending it")
    assert outbox.sink.deliveries() == [outbox.row(pk)["message_id"]]


def test_the_database_down_between_the_send_and_the_commit_records_it_later_without_a_copy(outbox):
    # The claim outlasts the outage, so nothing but the worker's own retry of the mark runs.
    worker = outbox.worker(pool="solo", OUTBOX_WINDOW_SECONDS="6", OUTBOX_SENDING_LEASE_SECONDS="60")
    request = outbox.request_link_email()
    pk, _ = outbox.in_the_window()
    outbox.postgres.stop()
    try:
        wait_for(lambda: "recording it failed" in outbox.output(), 60, "the mark refused by the database")
    finally:
        outbox.postgres.start()
    assert outbox.created(request) == pk
    wait_for(lambda: sent(outbox, pk), 60, "the mark retried once the database is back")
    row = outbox.row(pk)
    assert (row["attempts"], outbox.sink.deliveries()) == (1, [row["message_id"]])
    wait_for(outbox.queue_is_empty, 60, "every task finished")
    assert len(outbox.sink.deliveries()) == 1
    assert worker.process.poll() is None  # the worker rode out the outage
