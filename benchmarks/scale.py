"""The registry-scale figures, each measured in a fresh process on the benchmark's own
database (never `make run`'s db.sqlite3). `bench_scale.run()` drives this module:

    python -m benchmarks.scale prepare|engine|api|memory|rescreen

with DATABASE_URL pointing at the benchmark database. Every command prints figure lines.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from engine import evaluate  # noqa: E402
from screening.catalog import current_catalog  # noqa: E402
from screening.rescreen import answers_to_json  # noqa: E402
from screening.rescreen import rescreen as rescreen_trial  # noqa: E402
from trials.models import DrugClass, Trial  # noqa: E402

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
        return [f"corpus: {trials} synthetic trials generated in {time.perf_counter() - start:.0f} s"]
    return []


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
    return [
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
    body = json.dumps({"answers": PATIENT, "as_of": AS_OF})

    def post():
        response = client.post("/api/v1/screen", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        return response

    size = len(post().content)
    times = timed(post, 21)
    return [
        f"api: POST /api/v1/screen, {len(current_catalog().plan)} published trials "
        f"({size / 1e6:.1f} MB response): median {ms(statistics.median(times))} (target <= 150 ms; "
        f"fastest {ms(min(times))})"
    ]


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
        f"memory: worker RSS with {trials} trials compiled, after one screen: {rss:.0f} MB "
        f"(target <= 250 MB; peak while building {peak:.0f} MB)"
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
        f"rescreen: one changed trial against {STORED_SCREENINGS} stored screenings on PostgreSQL "
        f"(server-side cursor, one worker): {rate:,.0f} screenings/s (target >= 5,000/s)"
    ]


COMMANDS = {"prepare": prepare, "engine": engine, "api": api, "memory": memory, "rescreen": rescreen}


if __name__ == "__main__":
    for line in COMMANDS[sys.argv[1]](*map(int, sys.argv[2:])):
        print(line, flush=True)
