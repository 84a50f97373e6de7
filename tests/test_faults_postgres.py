"""PostgreSQL restarted: requests during the outage get 503 "temporarily unavailable" (JSON for
the API, a page for people), the app recovers on its own, and a write cut off mid-way leaves no
half-written records. Runs against a private PostgreSQL cluster that the tests stop and start."""

import json
import subprocess
import sys

import pytest

from tests.private_services import ROOT, Gunicorn, PrivatePostgres, app_env, manage, wait_for
from tests.test_faults_redis import ANSWERS


@pytest.fixture(scope="module")
def postgres():
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        env = app_env(DATABASE_URL=server.url, REDIS_URL="")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_seed_trials")
        yield server
    finally:
        server.destroy()


@pytest.fixture
def web(postgres):
    server = Gunicorn(app_env(DATABASE_URL=postgres.url, REDIS_URL=""))
    yield server
    server.stop()


def test_requests_during_a_restart_get_503_then_the_app_recovers(web, postgres):
    status, _, before = web.request("POST", "/api/v1/screen", ANSWERS)
    assert status == 200

    postgres.stop()
    try:
        status, headers, body = web.request("POST", "/api/v1/screen", ANSWERS)
        assert status == 503, web.output()
        assert body == {
            "errors": {"service": "temporarily unavailable (database unreachable); retry shortly"}
        }
        assert headers["Retry-After"] == "5"
        # A returning staff member: reading the session needs the database.
        browser = {"Accept": "text/html", "Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
        status, _, page = web.request("GET", "/admin/", headers=browser)
        assert status == 503
        assert "Temporarily unavailable" in page and "Nothing you submitted was saved" in page
        status, _, health = web.request("GET", "/healthz")
        assert status == 503 and health["failing"] == ["database"]
    finally:
        postgres.start()

    status, _, after = web.request("POST", "/api/v1/screen", ANSWERS)
    assert status == 200, web.output()
    assert after == before
    assert web.request("GET", "/healthz")[0] == 200
    assert "Traceback" not in web.output()


# Creates a copy of a seed trial and crashes the database (immediate shutdown, as a power cut
# would) after the first rows of it were written inside the service's transaction.
INTERRUPTED_WRITE = """
import copy, json, os, subprocess, sys
import django
django.setup()
from django.db import DatabaseError, connection
from trials.models import Criterion, Trial
from trials.seed_data import SEED_TRIALS
from trials.services import trial_create

data = copy.deepcopy(SEED_TRIALS[0])
data["trial_id"] = "NCT99999999"
crash_at = int(sys.argv[1])
inserts = 0

def crash_mid_write(execute, sql, params, many, context):
    global inserts
    if sql.lstrip().upper().startswith("INSERT"):
        inserts += 1
        if inserts == crash_at:
            subprocess.run(json.loads(os.environ["CRASH_COMMAND"]), check=True, capture_output=True)
    return execute(sql, params, many, context)

if crash_at:
    with connection.execute_wrapper(crash_mid_write):
        try:
            trial_create(data=data, publish=True)
            outcome = "completed"
        except DatabaseError as error:
            outcome = type(error).__name__
    print(json.dumps({"outcome": outcome, "inserts_before_crash": crash_at - 1}))
else:
    trial = Trial.objects.filter(trial_id=data["trial_id"]).first()
    print(json.dumps({
        "trial": trial is not None,
        "nodes": trial.criteria.count() if trial else 0,
        "orphans": Criterion.objects.filter(trial__trial_id=data["trial_id"]).count(),
        "seed_nodes": Trial.objects.get(trial_id=SEED_TRIALS[0]["trial_id"]).criteria.count(),
    }))
"""


def run_write(postgres: PrivatePostgres, crash_at: int) -> dict:
    env = app_env(
        DATABASE_URL=postgres.url,
        REDIS_URL="",
        CRASH_COMMAND=json.dumps(postgres.ctl_command("stop", "immediate")),
    )
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WRITE, str(crash_at)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_write_cut_off_by_a_database_crash_leaves_nothing_half_written(postgres):
    crashed = run_write(postgres, crash_at=6)
    assert crashed["outcome"] in {"OperationalError", "InterfaceError"}
    assert crashed["inserts_before_crash"] == 5

    postgres.start()
    wait_for(lambda: run_write(postgres, 0) is not None, 30, "database recovery")
    state = run_write(postgres, 0)
    assert state["trial"] is False and state["orphans"] == 0

    # The same write, retried once the database is back, is stored whole.
    completed = run_write(postgres, crash_at=10_000)
    assert completed["outcome"] == "completed"
    state = run_write(postgres, 0)
    assert state["trial"] is True and state["nodes"] == state["seed_nodes"] > 0
