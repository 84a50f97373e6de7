"""Registry scale (issue 8): engine, API, memory, re-screening and load figures on a
synthetic corpus of 10 000 published trials (`manage.py make_synthetic_trials`).

The corpus lives in the benchmark's own database, never in `make run`'s db.sqlite3:
- DATABASE_URL=postgres://…/NAME → database NAME_bench on the same server (created once);
- otherwise → var/bench.sqlite3 (re-screening and load then print why they are skipped).
It is generated once (deterministic seed) and reused while it holds 10 000 synthetic trials.
Each figure is measured in a fresh process (`python -m benchmarks.scale FIGURE`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

from benchmarks import figures, load

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(suffix: str = "_bench") -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        name = parsed.path.lstrip("/") + suffix
        _create_postgres_database(url, name)
        return urlunparse(parsed._replace(path="/" + name))
    (ROOT / "var").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / (suffix.strip('_') + '.sqlite3')}"


def _create_postgres_database(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def child(database_url: str, command: str, *args: str) -> list[str]:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("REDIS_URL", None)
    # One client answering as fast as it can is not an abuse to throttle here.
    env.update(RATE_LIMIT_ANSWER="100000/m", RATE_LIMIT_API="100000/m", RATE_LIMIT_START="100000/m")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return [f"{command}: FAILED ({last[0]})"]
    lines = []
    for line in done.stdout.splitlines():
        if line.startswith("figure "):
            _, name, value = line.split()
            figures.record(name, None if value == "null" else float(value))
        elif line.strip():
            lines.append(line)
    return lines


def run() -> list[str]:
    url = bench_database_url()
    cores = len(os.sched_getaffinity(0))
    lines = [f"scale: {os.cpu_count()} cores (nproc {cores}), corpus in {urlparse(url).path.lstrip('/')}"]
    lines += child(url, "prepare")
    for figure in ("engine", "api", "memory", "rescreen"):
        lines += child(url, figure)
    lines += child(url, "answer", "answer_ms_10k")
    if url.startswith("postgres"):
        seed_only = bench_database_url("_bench_seed")
        lines += [line for line in child(seed_only, "prepare", "0") if "FAILED" in line]
        lines += child(seed_only, "answer", "answer_ms_seed")
        lines += _ratio()
        lines += child(url, "publish")
        # The questionnaire on the product's own catalog (the seed trials), then with 1 000
        # and 10 000 synthetic trials beside them: nobody should notice the catalogue's size.
        lines += load.run_load(seed_only, 5, port=LOAD_PORT)
        small = bench_database_url("_bench_1k")
        lines += [line for line in child(small, "prepare", "1000") if "FAILED" in line]
        lines += load.run_load(small, 1000 + 5, port=LOAD_PORT)
        lines += load.run_load(url, 10_000 + 5, port=LOAD_PORT, figure="10k")
    else:
        lines += child(url, "answer", "answer_ms_seed")  # the seed trials are in the corpus
        lines.append("load and publish: skipped (need PostgreSQL: set DATABASE_URL=postgres://...)")
    return lines


LOAD_PORT = 8114


def _ratio() -> list[str]:
    ten_k, seed = figures.recorded("answer_ms_10k"), figures.recorded("answer_ms_seed")
    if not ten_k or not seed:
        return ["answer ratio: not measured"]
    ratio = round(ten_k / seed, 2)
    figures.record("answer_ratio_10k_vs_seed", ratio)
    return [
        f"answer: 10 005 trials {ten_k:.1f} ms vs the 5 seed trials {seed:.1f} ms: ratio {ratio} "
        f"(target <= 3; answer_ms_10k target <= 50 ms)"
    ]
