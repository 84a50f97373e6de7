"""Web under load: clients walking the questionnaire against gunicorn + PostgreSQL on loopback.

Each client is a browser on the clinician questionnaire: it opens the page (session and CSRF
cookies), then sends one htmx POST per answer exactly as the page does, pausing between
answers as a person does, and starts again with another patient after a reset. Standard
library only (threads + http.client); gunicorn is started and stopped here. `walk_api` keeps
the older walk through POST /api/v1/screen for comparison.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import figures

CLIENTS = 50
DURATION = 60.0
THINK = (3.0, 7.0)  # seconds between two answers, uniformly drawn
ROOT = Path(__file__).resolve().parent.parent


def patient(rng: random.Random) -> list[dict]:
    """One questionnaire walk: the cumulative answers after each step."""
    first = {
        "age": rng.randint(18, 75),
        "sex": rng.choice(("female", "male")),
        "diagnosis": "multiple_sclerosis",
        "ms_phenotype": rng.choice(("RRMS", "RRMS", "SPMS", "PPMS", "CIS")),
    }
    relapses = rng.randint(0, 2)
    later = [
        ("edss", rng.randint(0, 14) / 2),
        ("relapses_12m", relapses),
        ("relapses_24m", rng.randint(2, 4)),
        ("days_since_last_relapse", rng.randint(10, 360) if relapses else rng.choice((400, "never"))),
        ("gd_lesions_last_mri", rng.randint(0, 3)),
        ("months_since_last_mri", rng.randint(1, 24)),
        ("platelets", {"value": rng.randint(90, 400) * 1000, "unit": "/mm3"}),
        ("lymphocytes", {"value": rng.randint(5, 30) / 10, "unit": "G/L"}),
        ("neutrophils", {"value": rng.randint(10, 60) / 10, "unit": "10^9/L"}),
        ("hemoglobin", {"value": rng.randint(100, 160), "unit": "g/L"}),
        ("hiv", False),
        ("hepatitis_b", False),
        ("hepatitis_c", False),
        ("active_infection", rng.random() < 0.1),
        ("medications", [{"drug": "natalizumab", "days_since_last_dose": rng.randint(5, 200)}]),
        ("egfr", rng.randint(40, 120)),
    ]
    if first["sex"] == "female":
        later += [("pregnant", False), ("breastfeeding", False)]
    rng.shuffle(later)
    steps, answers = [dict(first)], dict(first)
    for code, value in later:
        answers[code] = value
        steps.append(dict(answers))
    return steps


def form_fields(code: str, value: object) -> dict[str, str]:
    """How the clinician questionnaire posts one answer (see screening/forms.py)."""
    if code == "medications":
        fields = {}
        for i, item in enumerate(value):  # type: ignore[arg-type]
            fields[f"medications__{i}__drug"] = item["drug"]
            if "days_since_last_dose" in item:
                fields[f"medications__{i}__days"] = str(item["days_since_last_dose"])
        return fields
    if isinstance(value, dict):
        return {code: str(value["value"]), f"{code}__unit": value["unit"]}
    if isinstance(value, bool):
        return {code: "true" if value else "false"}
    if value == "never":
        return {f"{code}__never": "on"}
    return {code: str(value)}


def answer_steps(rng: random.Random) -> list[tuple[str, dict[str, str]]]:
    """One questionnaire walk: each answer as the form posts it, in the order typed."""
    steps = patient(rng)
    answers = steps[-1]
    order = list(steps[0]) + [code for code in answers if code not in steps[0]]
    return [(code, form_fields(code, answers[code])) for code in order]


class Browser:
    """Just enough of a browser for the questionnaire: cookies, CSRF header, htmx header."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, fields: dict[str, str] | None = None) -> int:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if method == "POST":
            body = urlencode(fields or {})
            headers.update({
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            })  # fmt: skip
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status


def walk_questionnaire(
    port: int, seed: int, stop_at: float, latencies: list[float], errors: list[str]
) -> None:
    rng = random.Random(seed)
    browser = Browser(port)
    time.sleep(rng.uniform(0, THINK[1]))
    while time.monotonic() < stop_at:
        try:
            browser.request("GET", "/en/clinician/")
            for code, fields in answer_steps(rng):
                if time.monotonic() >= stop_at:
                    break
                start = time.perf_counter()
                status = browser.request("POST", f"/en/clinician/answer/{code}", fields)
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    errors.append(f"HTTP {status} answering {code}")
                time.sleep(rng.uniform(*THINK))
            browser.request("POST", "/en/clinician/reset")
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(conn: http.client.HTTPConnection, answers: dict, limit: int | None = None) -> int:
    envelope = {"answers": answers, "as_of": "2026-11-21"} | ({"limit": limit} if limit else {})
    body = json.dumps(envelope)
    conn.request("POST", "/api/v1/screen", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false")
    env.pop("REDIS_URL", None)  # the screening path needs no Redis; keep the shared one out of it
    # The 50 clients stand for 50 people; here they share one loopback address, which the
    # per-address rate limits (sized for one person) would otherwise throttle.
    env.update(RATE_LIMIT_ANSWER="100000/m", RATE_LIMIT_API="100000/m", RATE_LIMIT_START="100000/m")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", "4", "--timeout", "120", "--log-level", "warning",
        # Longer than the clients' pauses, as behind a browser-facing proxy: gunicorn's default
        # (2 s) would close every idle connection between two answers.
        "--keep-alive", "10",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def warm_up(port: int, process: subprocess.Popen, deadline: float) -> None:
    """Every worker compiles its plan on its first request: wait until a round of
    concurrent requests all come back fast."""
    rng = random.Random(1)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        times: list[float] = []
        threads = [
            threading.Thread(target=_timed_post, args=(port, patient(rng)[-1], times)) for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(times) == 8 and max(times) < 1.0:
            return
    raise RuntimeError("gunicorn did not warm up in time")


def _timed_post(port: int, answers: dict, times: list[float]) -> None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start = time.perf_counter()
        # Limited: at 10 000 trials the full response alone takes about a second on a busy
        # machine; the plan is compiled either way.
        post(conn, answers, limit=50)
        times.append(time.perf_counter() - start)
        conn.close()
    except OSError:
        time.sleep(0.5)


def walk_api(port: int, seed: int, stop_at: float, latencies: list[float], errors: list[str]) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    time.sleep(rng.uniform(0, THINK[1]))  # clients arrive spread out, not in lockstep
    while time.monotonic() < stop_at:
        for answers in patient(rng):
            if time.monotonic() >= stop_at:
                break
            start = time.perf_counter()
            try:
                status = post(conn, answers)
                if status != 200:
                    errors.append(f"HTTP {status} for {sorted(answers)}")
            except (OSError, http.client.HTTPException) as error:
                errors.append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies.append(time.perf_counter() - start)
            time.sleep(rng.uniform(*THINK))
    conn.close()


def run_load(
    database_url: str, trials: int, questionnaire: bool = True, port: int | None = None, figure: str = ""
) -> list[str]:
    """`figure`: record p95 and errors as `load_p95_ms_<figure>` and `load_errors_<figure>`."""
    workers = len(os.sched_getaffinity(0))
    port = port or free_port()
    process = start_gunicorn(database_url, port, workers)
    try:
        try:
            warm_up(port, process, time.monotonic() + 300)
        except RuntimeError as error:
            return [f"load ({trials} trials): FAILED ({error})"]
        latencies: list[float] = []
        errors: list[str] = []
        stop_at = time.monotonic() + DURATION
        clients = [
            threading.Thread(
                target=walk_questionnaire if questionnaire else walk_api,
                args=(port, seed, stop_at, latencies, errors),
            )
            for seed in range(CLIENTS)
        ]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    p95 = statistics.quantiles(latencies, n=20)[-1]
    if figure:
        figures.record(f"load_p95_ms_{figure}", round(p95 * 1000, 1))
        figures.record(f"load_errors_{figure}", len(errors))
    how = (
        "the clinician questionnaire (htmx POST per answer"
        if questionnaire
        else "the questionnaire through POST /api/v1/screen (one request per answer"
    )
    return [
        f"load: {CLIENTS} clients walking {how}, {THINK[0]:g}-{THINK[1]:g} s between answers) "
        f"for {DURATION:g} s, "
        f"gunicorn {workers} workers x 4 threads + PostgreSQL, {trials} trials, loopback: "
        f"{len(latencies)} requests, "
        f"p95 {p95 * 1000:.0f} ms (target <= 250 ms), median {statistics.median(latencies) * 1000:.0f} ms, "
        f"{len(errors)} errors (target 0){' e.g. ' + errors[0] if errors else ''}"
    ]
