"""Criteria drafting on the five seed records (the registry fixtures): how many items get a
structured draft, and how long drafting a whole record takes."""

import statistics
import time
from pathlib import Path

from trials.registry import ctgov, ictrp
from trials.registry.drafting import draft_registry_record, seed_vocabulary

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "registry"
SEED_FILES = [
    "ctgov_NCT04821596.json",
    "ctgov_NCT02403947.json",
    "ctgov_NCT02424396.json",
    "ctgov_NCT06592703.json",
    "ictrp_EUCTR2017-001400-29-FR.xml",
]


def _records():
    for name in SEED_FILES:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        if name.endswith(".json"):
            yield ctgov.parse_study(ctgov.load_studies(text)[0])
        else:
            yield from ictrp.parse_export(text.encode("utf-8"))


def run() -> list[str]:
    records = list(_records())
    vocabulary = seed_vocabulary()
    items = [item for record in records for item in draft_registry_record(record, vocabulary).items]
    structured = sum(1 for item in items if item.criteria)
    visit = sum(1 for item in items if item.confirmed_at_visit)
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        for record in records:
            draft_registry_record(record, vocabulary)
        timings.append((time.perf_counter() - start) * 1000 / len(records))
    return [
        f"drafting (seed records): {structured}/{len(items)} items with a structured draft "
        f"({structured / len(items):.0%}), {visit} confirmed at the visit; reviewed-correct share in "
        "tests/test_registry_drafting.py (target >= 60%)",
        f"drafting (seed records): median {statistics.median(timings):.1f} ms per record",
    ]
