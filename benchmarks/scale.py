"""The registry-scale figures, each measured in a fresh process on the benchmark's own
database (never `make run`'s db.sqlite3). `bench_scale.run()` drives this module:

    python -m benchmarks.scale prepare|engine|api|memory|rescreen

with DATABASE_URL pointing at the benchmark database. Every command prints figure lines.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import date

import django
import orjson

# A script of its own (each figure in a fresh process): Django is set up before the project's
# modules are imported, so the memory figure counts what a worker really loads.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from benchmarks import load  # noqa: E402
from engine import evaluate  # noqa: E402
from engine.table import table_of  # noqa: E402
from screening.catalog import current_catalog  # noqa: E402
from screening.rescreen import answers_to_json  # noqa: E402
from screening.rescreen import rescreen as rescreen_trial  # noqa: E402
from trials.models import DrugClass, Trial  # noqa: E402
from trials.services import revision_draft_open, revision_edited  # noqa: E402

TRIALS = 10_000
PREFIX = "SYN-"
SEED = 0
STORED_SCREENINGS = 100_000

# A clinician half-way through the questionnaire: about you, diagnosis and course answered,
# a few labs in the units the lab printed, one treatment; most other questions still open.
PATIENT = {
    "age": 42,
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "edss": 3.5,
    "relapses_12m": 1,
    "relapses_24m": 2,
    "days_since_last_relapse": 200,
    "gd_lesions_last_mri": 1,
    "months_since_last_mri": 4,
    "platelets": {"value": 210000, "unit": "/mm3"},
    "lymphocytes": {"value": 1.4, "unit": "G/L"},
    "hiv": False,
    "hepatitis_b": False,
    "medications": [{"drug": "natalizumab", "days_since_last_dose": 40, "months_on_treatment": 24}],
}
AS_OF = "2026-11-21"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def prepare(trials: int = TRIALS) -> list[str]:

    call_command("migrate", verbosity=0)
    call_command("load_seed_trials", verbosity=0, stdout=io.StringIO())
    present = Trial.objects.filter(trial_id__startswith=PREFIX, state=Trial.State.PUBLISHED).count()
    if present != trials:
        start = time.perf_counter()
        call_command(
            "make_synthetic_trials",
            trials,
            "--prefix",
            PREFIX,
            "--seed",
            SEED,
            "--replace",
            stdout=io.StringIO(),
        )
        _analyze()
        return [f"corpus: {trials} synthetic trials generated in {time.perf_counter() - start:.0f} s"]
    _analyze()
    return []


def _analyze() -> None:
    # Planner statistics as autovacuum leaves them a minute after a bulk import: without them
    # PostgreSQL guesses a few rows per table and the catalogue's patch queries scan everything.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def validated_patient():

    catalog = current_catalog()
    answers = catalog.validator().validate(PATIENT, date.fromisoformat(AS_OF))
    assert answers.ok, answers.errors
    return catalog, answers


# --- engine ----------------------------------------------------------------------------------

LT, LTE, GT, GTE, EQ, BETWEEN, TRUE, FALSE, IN, NOT_IN, EVER, NEVER_, TAKEN, EVER_TAKEN, TREATED, ON = range(
    16
)
OPCODES = {
    "lt": LT, "lte": LTE, "gt": GT, "gte": GTE, "eq": EQ, "between": BETWEEN, "is_true": TRUE,
    "is_false": FALSE, "in": IN, "not_in": NOT_IN, "within": LTE, "within_strict": LT, "not_within": GT,
    "ever": EVER, "never": NEVER_, "taken_within": TAKEN, "ever_taken": EVER_TAKEN,
    "treated_for_at_least": TREATED, "on_treatment_for_at_least": ON,
}  # fmt: skip


def bare_leaves(plan, classes: dict[str, frozenset[str]]) -> list[list[tuple]]:
    """Every screened leaf of every trial as a plain tuple (concept, opcode, a, b), with
    thresholds already canonical: the data a hand-written loop would need."""

    def walk(node, out):
        if not node.children:
            spec = node.spec
            t = node.thresholds
            if spec.operator in ("in", "not_in"):
                a, b = frozenset(spec.values), None
            elif spec.drugs:
                a = t[0] if t else None
                b = frozenset().union(*(classes.get(d, frozenset({d})) for d in spec.drugs))
            else:
                a, b = (t[0] if t else None), (t[1] if len(t) > 1 else None)
            out.append((spec.concept, OPCODES[spec.operator], a, b))
        for child in node.children:
            walk(child, out)

    data = []
    for trial in plan.trials:
        leaves: list[tuple] = []
        for criterion in trial.screened:
            walk(criterion.node, leaves)
        data.append(leaves)
    return data


def bare_loop(data: list[list[tuple]], answers: dict) -> list[int]:
    """The same comparisons as the engine's leaves, inline, one by one: no groups, no
    outcomes, no sharing. Returns every status (kept so the work is not optimised away)."""
    get = answers.get
    statuses = []
    append = statuses.append
    for leaves in data:
        for code, op, a, b in leaves:
            v = get(code)
            if v is None:
                s = 1
            elif op == TRUE:
                s = 2 if v else 0
            elif op == FALSE:
                s = 0 if v else 2
            elif op == LT:
                s = 2 if v < a else 0
            elif op == GT:
                s = 2 if v > a else 0
            elif op == GTE:
                s = 2 if v >= a else 0
            elif op == LTE:
                s = 2 if v <= a else 0
            elif op == IN:
                s = 2 if v in a else 0
            elif op == BETWEEN:
                s = 2 if a <= v <= b else 0
            elif op == EQ:
                s = 2 if v == a else 0
            elif op == NOT_IN:
                s = 0 if v in a else 2
            elif op == EVER:
                s = 2 if v != float("inf") else 0
            elif op == NEVER_:
                s = 2 if v == float("inf") else 0
            elif op == EVER_TAKEN:
                s = 0
                for m in v:
                    if m.drug in b:
                        s = 2
                        break
            elif op == TAKEN:
                s = 0
                for m in v:
                    if m.drug in b:
                        d = m.days_since_last_dose
                        if d is None:
                            s = 1
                        elif d <= a:
                            s = 2
                            break
            else:  # TREATED / ON: months on treatment (ON: and still current)
                s = 0
                for m in v:
                    if m.drug in b:
                        d, months = m.days_since_last_dose, m.months_on_treatment
                        if op == ON and d is not None and d > 31:
                            continue
                        if months is not None and months < a:
                            continue
                        if months is None or (op == ON and d is None):
                            s = 1
                        else:
                            s = 2
                            break
            append(s)
    return statuses


def engine() -> list[str]:

    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})  # one core, as the target says
    catalog, answers = validated_patient()
    plan, values = catalog.plan, answers.values
    evaluate(plan, values)
    engine_times = timed(lambda: evaluate(plan, values), 31)

    classes = {
        k.code: frozenset(d.code for d in k.drugs.all()) for k in DrugClass.objects.prefetch_related("drugs")
    }
    data = bare_leaves(plan, classes)
    leaves = sum(len(x) for x in data)
    _check_bare_loop(plan, data, values)
    bare_times = timed(lambda: bare_loop(data, values), 11)

    engine_median, bare_median = statistics.median(engine_times), statistics.median(bare_times)
    per_engine, per_bare = engine_median / leaves * 1e9, bare_median / leaves * 1e9
    table = table_of(plan)
    table_times = timed(lambda: table.screen(values), 31)
    return [
        figure("engine_ratio_vs_bare_loop", round(per_engine / per_bare, 3)),
        figure("engine_table_ms_10k", round(statistics.median(table_times) * 1000, 2)),
        f"engine: the verdict table (engine.table, what pages and the API use): every trial's verdict and "
        f"missing concepts in median {ms(statistics.median(table_times))}",
        f"engine: one patient against {len(plan)} trials ({leaves} criteria), plan warm, one core: "
        f"median {ms(engine_median)} (target <= 50 ms; fastest {ms(min(engine_times))})",
        f"engine: per evaluated criterion {per_engine:.0f} ns vs {per_bare:.0f} ns for a bare Python loop "
        f"doing the same comparisons: ratio {per_engine / per_bare:.2f}x (target <= 3x; "
        f"{plan.distinct_predicates} distinct predicates, {plan.distinct_groups} distinct groups)",
    ]


def _check_bare_loop(plan, data, values) -> None:
    """The bare loop must compute what the engine's leaves compute, or the ratio means nothing."""
    engine_statuses = []

    def walk(node):
        if not node.children:
            engine_statuses.append(node.fn(values))
        for child in node.children:
            walk(child)

    for trial in plan.trials[:500]:
        for criterion in trial.screened:
            walk(criterion.node)
    assert bare_loop(data[:500], values) == engine_statuses


# --- API and memory ------------------------------------------------------------------------


def api() -> list[str]:
    current_catalog()
    client = Client()
    lines = []
    for name, extra, target in (
        ("api_ms_10k_full", {}, 150),
        ("api_ms_10k_limited", {"verdicts": ["eligible", "needs_info"], "limit": 50}, 50),
    ):
        body = json.dumps({"answers": PATIENT, "as_of": AS_OF, **extra})

        def post(body=body):
            response = client.post("/api/v1/screen", body, content_type="application/json")
            assert response.status_code == 200, response.content[:300]
            return response

        size = len(post().content)
        times = timed(post, 21)
        median = statistics.median(times)
        lines += [
            figure(name, round(median * 1000, 1)),
            f"api: POST /api/v1/screen {json.dumps(extra) if extra else '(every trial)'}, "
            f"{len(current_catalog().plan)} published trials ({size / 1e3:,.0f} kB response): "
            f"median {ms(median)} (target <= {target} ms; fastest {ms(min(times))})",
        ]
    return lines


def rss_mb() -> tuple[float, float]:
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def memory() -> list[str]:
    trials = len(current_catalog().plan)
    body = json.dumps({"answers": PATIENT, "as_of": AS_OF})
    assert Client().post("/api/v1/screen", body, content_type="application/json").status_code == 200
    rss, peak = rss_mb()
    return [
        figure("rss_mb_10k", round(rss, 1)),
        f"memory: worker RSS with {trials} trials compiled, after one screen: {rss:.0f} MB "
        f"(target <= 200 MB; peak while building {peak:.0f} MB)",
    ]


# --- re-screening --------------------------------------------------------------------------


def rescreen() -> list[str]:
    if connection.vendor != "postgresql":
        return ["rescreen: skipped (needs PostgreSQL: set DATABASE_URL=postgres://...)"]
    catalog, answers = validated_patient()
    table = "bench_stored_screening"
    rng = random.Random(SEED)
    codes = list(answers.values)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        columns = "id bigserial PRIMARY KEY, criteria_version integer, answers jsonb"
        cursor.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
        try:
            with cursor.cursor.copy(f"COPY {table} (criteria_version, answers) FROM STDIN") as copy:
                for _ in range(STORED_SCREENINGS):
                    values = dict(answers.values)
                    for code in rng.sample(codes, rng.randint(0, len(codes) // 2)):
                        del values[code]  # every stored patient answered a different subset
                    values["age"] = rng.randint(18, 75)
                    values["edss"] = rng.randint(0, 14) / 2
                    values["platelets"] = float(rng.randint(50, 400))
                    copy.write_row((1, json.dumps(answers_to_json(values))))
            cursor.execute(f"ANALYZE {table}")
            trial = catalog.plan.by_id[f"{PREFIX}{1:06d}"]  # the trial whose criteria changed

            def run() -> int:
                verdicts = 0
                with connection.chunked_cursor() as rows:  # a server-side cursor
                    rows.execute(f"SELECT id, answers FROM {table}")
                    while chunk := rows.fetchmany(2000):
                        # Django's PostgreSQL cursors hand jsonb over as text: decoding is timed too.
                        stored = ((key, orjson.loads(text)) for key, text in chunk)
                        for _key, _verdict in rescreen_trial(trial, stored, catalog.specs):
                            verdicts += 1
                return verdicts

            assert run() == STORED_SCREENINGS
            times = timed(run, 3)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    rate = STORED_SCREENINGS / statistics.median(times)
    return [
        figure("rescreen_per_s", round(rate)),
        f"rescreen: one changed trial against {STORED_SCREENINGS} stored screenings on PostgreSQL "
        f"(server-side cursor, one worker): {rate:,.0f} screenings/s (target >= 5,000/s)",
    ]


# --- the htmx answer request ----------------------------------------------------------------

ANSWER_RUNS = 41


def answer(name: str) -> list[str]:
    """One clinician answering EDSS again and again (5, then 4.5) after five answers, through
    Django's test client: the whole request (session, validation, screen, partials)."""
    setup_test_environment()
    current_catalog()
    client = Client()
    client.get("/en/clinician/")
    first = {"age": "42", "sex": "female", "diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS"}
    for code, value in first.items():
        response = client.post(f"/en/clinician/answer/{code}", {code: value}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    values = iter(["5", "4.5"] * (ANSWER_RUNS + 2))

    def post() -> None:
        response = client.post("/en/clinician/answer/edss", {"edss": next(values)}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    post()
    median = statistics.median(timed(post, ANSWER_RUNS))
    return [
        figure(name, round(median * 1000, 1)),
        f"answer: htmx answer request, single client, {len(current_catalog().plan)} trials: "
        f"median {ms(median)}",
    ]


# --- publication ---------------------------------------------------------------------------

PUBLISH_PORT = 8115


def publish() -> list[str]:
    """One trial's criterion text edited and committed while gunicorn serves: how long until a
    worker screens with it, and the slowest request of clients screening meanwhile."""
    catalog = current_catalog()
    trial_id = f"{PREFIX}{2:06d}"
    process = load.start_gunicorn(os.environ["DATABASE_URL"], PUBLISH_PORT, len(os.sched_getaffinity(0)))
    try:
        load.warm_up(PUBLISH_PORT, process, time.monotonic() + 300)
        body = json.dumps({"answers": {}, "as_of": AS_OF, "trials": [trial_id]})
        slowest: list[float] = []
        stop = threading.Event()

        def background() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", PUBLISH_PORT, timeout=30)
            while not stop.is_set():
                start = time.perf_counter()
                conn.request("POST", "/api/v1/screen", body, {"Content-Type": "application/json"})
                conn.getresponse().read()
                slowest.append(time.perf_counter() - start)
                time.sleep(0.05)

        clients = [threading.Thread(target=background) for _ in range(4)]
        for c in clients:
            c.start()
        time.sleep(1)
        visible = []
        for attempt in range(3):
            marker = f"edited {attempt} {time.time()}"
            # The curators' path: a draft revision copied from the live one, one node's
            # registry text edited, then published (which commits and tells every worker).
            with transaction.atomic():
                trial = Trial.objects.get(trial_id=trial_id)
                draft, _copies = revision_draft_open(trial=trial)
                node = draft.criteria.filter(parent=None).order_by("position").first()
                node.source_text = marker
                node.save(update_fields=["source_text"])
                revision_edited(revision=draft)
                trial.refresh_from_db()
                trial.publish()
            committed = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", PUBLISH_PORT, timeout=30)
            while time.perf_counter() - committed < 30:
                conn.request("POST", "/api/v1/screen", body, {"Content-Type": "application/json"})
                if marker.encode() in conn.getresponse().read():
                    visible.append(time.perf_counter() - committed)
                    break
                time.sleep(0.01)
            time.sleep(2)
        stop.set()
        for c in clients:
            c.join()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    median = statistics.median(visible) if len(visible) == 3 else None
    worst = max(slowest) if slowest else None
    return [
        figure("publish_visible_ms_10k", None if median is None else round(median * 1000, 1)),
        figure("publish_slowest_request_ms_10k", None if worst is None else round(worst * 1000, 1)),
        f"publish: one trial's criteria edited among {len(catalog.plan)}, gunicorn workers serving: seen by "
        f"the next request in median {'n/a' if median is None else ms(median)} (target <= 1000 ms); "
        f"slowest request meanwhile {'n/a' if worst is None else ms(worst)} (target < 1 s)",
    ]


def figure(name: str, value: float | int | None) -> str:
    """A line bench_scale records as a figure (and does not print)."""
    return f"figure {name} {'null' if value is None else value}"


COMMANDS = {
    "prepare": prepare,
    "engine": engine,
    "api": api,
    "memory": memory,
    "rescreen": rescreen,
    "answer": answer,
    "publish": publish,
}


if __name__ == "__main__":
    arguments = [int(a) if a.isdigit() else a for a in sys.argv[2:]]
    for line in COMMANDS[sys.argv[1]](*arguments):
        print(line, flush=True)
