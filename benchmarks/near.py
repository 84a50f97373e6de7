"""The figures of trials near me, each in a fresh process (`bench_near.run()` drives this):

    python -m benchmarks.near memory|lookups|api

with DATABASE_URL pointing at the database to measure (the scale corpus for `api`).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.test import Client  # noqa: E402

from screening.catalog import current_catalog  # noqa: E402
from screening.nearby import nearest_sites  # noqa: E402
from trials import gazetteer  # noqa: E402

MARSEILLE = (43.2965, 5.3698)
PATIENT = {"diagnosis": "multiple_sclerosis", "age": 42, "sex": "female", "ms_phenotype": "RRMS", "edss": 3.5}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def memory() -> list[str]:
    """What a web worker holds for the gazetteer: its file is on disk, read through SQLite."""
    current_catalog()
    before = rss_mb()
    towns = gazetteer.default()
    towns.locate("Marseille", "FR")
    towns.complete("Mars", "FR")
    located = rss_mb()
    towns.suggest("Marseile", "FR")  # loads France's ~52 000 name keys, once
    suggested = rss_mb()
    return [
        f"near memory: worker RSS {before:.0f} MB; +{located - before:.1f} MB after locating and "
        f"completing towns; +{suggested - before:.1f} MB after one misspelling (France's name keys)",
        f"figure near_rss_delta_mb {suggested - before:.1f}",
    ]


def lookups() -> list[str]:
    towns = gazetteer.default()
    towns.suggest("Marseile", "FR")  # warm
    locate = median_ms(lambda: towns.locate("Saint-Christophe (16420)", "FR"), 200)
    complete = median_ms(lambda: towns.complete("Sain", "FR"), 100)
    suggest = median_ms(lambda: towns.suggest("Tolouse", "FR"), 30)
    return [
        f"near lookups: locate median {locate:.2f} ms, complete (typing) {complete:.2f} ms, "
        f"suggest (misspelt) {suggest:.1f} ms (targets < 5 / < 20 / < 100 ms)",
        f"figure near_locate_ms {locate:.3f}",
        f"figure near_complete_ms {complete:.3f}",
        f"figure near_suggest_ms {suggest:.2f}",
    ]


def api() -> list[str]:
    trials = len(current_catalog().plan)
    client = Client()
    plain = json.dumps({"answers": PATIENT, "verdicts": ["eligible", "needs_info"], "limit": 50})
    near = json.dumps({"answers": PATIENT, "verdicts": ["eligible", "needs_info"], "limit": 50,
                       "near": {"town": "Marseille", "country": "FR"}})  # fmt: skip

    def post(body: str):
        def call():
            response = client.post("/api/v1/screen", body, content_type="application/json")
            assert response.status_code == 200, response.content[:300]

        return call

    without = median_ms(post(plain), 11)
    with_near = median_ms(post(near), 11)
    sites = median_ms(lambda: nearest_sites(MARSEILLE), 11)
    return [
        f"near api: POST /api/v1/screen (limit 50), {trials} trials: median {without:.0f} ms without near, "
        f"{with_near:.0f} ms with near (nearest sites alone {sites:.0f} ms)",
        f"figure near_api_ms {with_near:.1f}",
        f"figure near_api_overhead_ms {with_near - without:.1f}",
    ]


COMMANDS = {"memory": memory, "lookups": lookups, "api": api}

if __name__ == "__main__":
    for line in COMMANDS[sys.argv[1]]():
        print(line, flush=True)
