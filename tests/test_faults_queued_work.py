"""Queued work survives faults: a worker SIGKILLed mid-task has its task delivered again and
run once more (each result stored exactly once), and work queued while Redis was down is
queued again by the beat sweeps once it is back.

Real processes against the pytest PostgreSQL database: a private redis-server (the broker), a
Celery worker subprocess and gunicorn. Runs in CI (REDIS_URL set, PostgreSQL); the worker and
gunicorn read the test database, so the tests commit for real (transaction=True)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clinic import services, tasks
from clinic.models import ScreeningResult
from config.celery import app
from impact.models import AttritionSummary
from impact.services import attrition_summaries_refresh
from tests.clinic_base import ClinicBase
from tests.private_services import ROOT, Gunicorn, PrivateRedis, app_env, wait_for
from tests.test_clinic_rescreen_task import adults, new_trial, reseeded_afterwards  # noqa: F401 (fixture)
from tests.test_faults_redis import ANSWERS
from trials.models import Trial

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI runs it with a real Redis)"
    ),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: the worker subprocess must share the test database (SQLite is in-memory here)",
    ),
]

CSRF = "faulttestscsrfsecret0123456789ab"  # a 32-character CSRF secret, sent as cookie and header


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = urllib.parse.quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class Worker:
    """`celery -A config worker -P solo -c 1` in a subprocess, logging to a file."""

    def __init__(self, env: dict[str, str], log: Path, name: str) -> None:
        self.log = log
        self.file = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-c", "1",
             "-I", "tests.slow_tasks", "--hostname", f"{name}@%h", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.file, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.file.close()


@pytest.fixture
def broker():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(broker, tmp_path):
    started: list[Worker] = []
    env = app_env(
        DATABASE_URL=test_database_url(),
        REDIS_URL=broker.url,
        CELERY_VISIBILITY_TIMEOUT="3",
        SLOW_RESCREEN_LOG=str(tmp_path / "attempts.log"),
    )

    def start(slow_seconds: float = 0) -> Worker:
        worker = Worker(
            {**env, "SLOW_RESCREEN_SECONDS": str(slow_seconds)}, tmp_path / "worker.log", f"w{len(started)}"
        )
        started.append(worker)
        return worker

    start.env = env
    start.attempts = lambda: (
        (tmp_path / "attempts.log").read_text().splitlines() if (tmp_path / "attempts.log").exists() else []
    )
    start.output = lambda: (tmp_path / "worker.log").read_text()
    yield start
    for worker in started:
        if not worker.file.closed:
            worker.stop()


class TestQueuedWorkSurvivesFaults(ClinicBase):
    @pytest.fixture(autouse=True)
    def _people(self, reseeded_afterwards, transactional_db, monkeypatch):  # noqa: F811 (the fixture)
        self.create_people()
        # Set-up writes must not queue anything on the suite's own broker: the tests send their
        # work to the private one.
        monkeypatch.setattr(tasks.rescreen_trial, "delay", lambda *args: None)

    def patients(self, count: int) -> list:
        screenings = [self.save_screening()]
        for n in range(1, count):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=f"F-{n}", initials="FT"
            )
            screenings.append(self.save_screening(patient=patient))
        return screenings

    def test_a_worker_killed_mid_task_has_it_run_again_and_each_result_stored_once(self, broker, workers):
        screenings = self.patients(3)
        trial = new_trial(adults())
        ids = [s.pk for s in screenings]
        with app.connection_for_write(broker.url) as connection:
            tasks.rescreen_trial_chunk.apply_async((trial.pk, ids), connection=connection)

        first = workers(slow_seconds=120)
        wait_for(lambda: len(workers.attempts()) == 1, 60, "the worker starting the chunk")
        first.kill()  # mid-task: the chunk is sleeping before its first write
        assert not ScreeningResult.objects.filter(trial=trial).exists()

        # Unacknowledged for longer than the visibility timeout (3 s): the next worker to start
        # restores it to the queue (kombu scans for such messages when it starts polling).
        time.sleep(4)
        workers()
        wait_for(
            lambda: ScreeningResult.objects.filter(trial=trial).count() == len(ids),
            60,
            "the chunk re-run by the new worker",
        )
        # The finished chunk was acknowledged: a worker starting past another visibility timeout
        # (and so scanning for unacknowledged messages) finds nothing to run a third time.
        wait_for(lambda: "succeeded" in workers.output(), 10, "the worker logging the success")
        time.sleep(4)
        workers()
        wait_for(lambda: workers.output().count(" ready.") == 3, 60, "the third worker starting")
        time.sleep(2)
        assert len(workers.attempts()) == 2, workers.output()
        rows = ScreeningResult.objects.filter(trial=trial)
        assert sorted(rows.values_list("screening_id", flat=True)) == sorted(ids)
        assert set(rows.values_list("criteria_version", "verdict", "is_new")) == {(1, "eligible", True)}

    def test_work_queued_while_redis_is_down_is_done_once_it_is_back(self, broker, workers):
        (earlier,) = self.patients(1)
        # A superuser: the flush of transactional tests empties the migrations' Curators group.
        curator = User.objects.create_superuser("cora", password="x-password-for-tests")
        trial = new_trial(adults(40), publish=False)
        trial.submit_for_review()
        summary = AttritionSummary.objects.create(trial=trial, filter_key="")
        attrition_summaries_refresh(trial_id=trial.pk)

        web = Gunicorn(app_env(DATABASE_URL=test_database_url(), REDIS_URL=broker.url))
        try:
            broker.stop()

            status, location = post_form(web, self.clinician, f"/clinic/patients/{self.patient.pk}/screen/",
                                         {"action": "save", "as_of": "2026-11-21", "age": "52", "sex": "female"})  # fmt: skip
            assert (status, location.startswith("/clinic/screenings/")) == (302, True), web.output()
            status, _ = post_form(web, curator, f"/admin/trials/trial/{trial.pk}/workflow/publish/", {})
            assert status == 302, web.output()
            status, _, _ = web.request("POST", "/api/v1/screen", ANSWERS)
            assert status == 200
        finally:
            web.stop()
        output = web.output()
        assert "task clinic.tasks.rescreen_trial not queued, broker unreachable" in output
        assert "Traceback" not in output
        latest = self.patient.latest_screening()
        assert latest.pk != earlier.pk and Trial.objects.get(pk=trial.pk).is_published
        assert not latest.results.filter(trial=trial).exists()  # saved before the publication
        assert AttritionSummary.objects.get(pk=summary.pk).is_stale

        broker.start()  # back, empty: whatever had been queued is gone
        # Past the sweeps' grace periods (they leave fresh work to the on-commit tasks).
        Trial.objects.filter(pk=trial.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
        AttritionSummary.objects.filter(pk=summary.pk).update(
            requested_at=timezone.now() - timedelta(minutes=10)
        )
        workers()
        for sweep in (
            "clinic.tasks.rescreen_stale_trials",
            "impact.tasks.requeue_stale_attrition",
        ):  # what beat sends
            subprocess.run([sys.executable, "-m", "celery", "-A", "config", "call", sweep],
                           cwd=ROOT, env=workers.env, check=True, capture_output=True, timeout=60)  # fmt: skip

        wait_for(lambda: latest.results.filter(trial=trial).exists(), 60, "the owed re-screening")
        result = latest.results.get(trial=trial)
        assert (result.criteria_version, result.verdict, result.is_new) == (1, "eligible", True)
        wait_for(
            lambda: not AttritionSummary.objects.get(pk=summary.pk).is_stale, 60, "the owed attrition refresh"
        )
        assert Trial.objects.get(pk=trial.pk).rescreened_version == 1


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(web: Gunicorn, user: User, path: str, fields: dict) -> tuple[int, str]:
    """A signed-in browser's form POST; returns the status and the redirect's Location."""
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{web.port}{path}",
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={"Cookie": cookie, "X-CSRFToken": CSRF, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")
