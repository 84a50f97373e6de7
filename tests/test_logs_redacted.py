"""No patient link, and no other secret-shaped path segment, in any log: the real output of
`make run`'s runserver (DEBUG on) and of gunicorn as the Docker image runs it (access and
error logs), through a patient's visit, a mistyped link (404), a signed link (404) and a
server error on a patient page (500, with its traceback)."""

import http.client
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.private_services import ROOT, Gunicorn, app_env, free_port, manage, port_open, wait_for

# Shaped like journey's signed confirmation links (django.core.signing): a secret too.
SIGNED = "MTIzNDU:1xYVoS:iEHYGqRCawe7JjudQBV-R_3PYHREOzVhL051ainTGiI"


class Runserver:
    """`make run`'s server: runserver with DEBUG on, its output to a file."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = Path(tempfile.mkstemp(prefix="prescreen-runserver-", suffix=".log")[1])
        self.file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env={**env, "DEBUG": "true"}, stdout=self.file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), 60, "runserver start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.file.close()

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("logs") / "db.sqlite3"
    manage(app_env(DATABASE_URL=f"sqlite:///{path}", REDIS_URL=""), "migrate", "--noinput", "-v", "0")
    return path


@pytest.fixture(params=["runserver", "gunicorn"])
def server(request, database):
    env = app_env(DATABASE_URL=f"sqlite:///{database}", REDIS_URL="", LOG_LEVEL="INFO")
    if request.param == "runserver":
        running = Runserver(env)
    else:  # as docker/entrypoint.sh starts it
        running = Gunicorn(env, "--access-logfile", "-", "--error-logfile", "-")
    yield running
    running.stop()


def get(port: int, path: str, **headers: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Accept": "text/html", **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheader("Location", "")


def test_no_log_line_holds_a_patient_link_or_a_token(server, database):
    status, location = get(server.port, "/en/patient/")
    assert status == 302 and location.startswith("/en/patient/")
    token = location.split("/")[3]
    assert get(server.port, location)[0] == 200
    assert get(server.port, location + "keep/", Referer=f"http://127.0.0.1:{server.port}{location}")[0] == 200
    assert get(server.port, f"/en/patient/{token}x/")[0] == 404
    assert get(server.port, f"/fr/notify/confirm/{SIGNED}/")[0] == 404
    with sqlite3.connect(database) as db:  # a row the app cannot read: a server error
        db.execute("UPDATE journey_patientscreening SET last_visit_at = 'not a date'")
    assert get(server.port, location)[0] == 500
    server.stop()

    output = server.output()
    assert "Not Found" in output and "Internal Server Error" in output and "Traceback" in output
    assert "/patient/[link]" in output and "[token]" in output
    for secret in (token, token[:20], SIGNED, SIGNED.split(":")[-1]):
        assert secret not in output, f"{secret} in the {type(server).__name__} log"
