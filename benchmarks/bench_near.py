"""Trials near me: a web worker's memory with the gazetteer, the lookups' speed (typing,
misspellings) and the API's cost of `near` on the seed trials and at registry scale (the
scale benchmark's 10 000-trial corpus). Each is measured in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks import bench_scale, figures


def _child(database_url: str, command: str) -> list[str]:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.near", command],
        cwd=bench_scale.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return [f"near {command}: FAILED ({last[0]})"]
    lines = []
    for line in done.stdout.splitlines():
        if line.startswith("figure "):
            _, name, value = line.split()
            figures.record(name, float(value))
        elif line.strip():
            lines.append(line)
    return lines


def run() -> list[str]:
    here = os.environ.get("DATABASE_URL", "")
    lines = _child(here, "memory") + _child(here, "lookups") + _child(here, "api")
    corpus = bench_scale.bench_database_url()
    prepared = bench_scale.child(corpus, "prepare")
    lines += [line for line in prepared if "FAILED" in line]
    return lines + _child(corpus, "api")
