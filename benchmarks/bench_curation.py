"""How long a curator waits for the checks that run after every criteria save: the tree's
problems and every test patient against the trial's current criteria (trials.checks)."""

from __future__ import annotations

import statistics
import time

from trials.models import Trial


def _median_ms(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run() -> list[str]:
    trials = list(Trial.objects.all())
    if not trials:
        return ["curation checks: no trials loaded (run `make setup`)"]
    largest = max(trials, key=lambda t: t.criteria.count())
    nodes, patients = largest.criteria.count(), largest.test_patients.count()
    median = _median_ms(lambda: largest.check_criteria())
    return [
        f"curation Trial.check_criteria ({largest.trial_id}, {nodes} nodes, {patients} test patients): "
        f"median {median:.1f} ms (target < 300 ms, it runs on every admin save)"
    ]
