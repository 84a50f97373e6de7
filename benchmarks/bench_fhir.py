"""FHIR bundle to verdicts: a 1 MB Synthea export (339 entries) and a 4 MB one (1 111 entries)
mapped and screened as POST /api/v1/screen/fhir does it (parse, validate, map, screen).

The bundles are real Synthea patients (tests/fixtures/fhir/real/README.md). The 4 MB patient
died in the export; the bench removes the date of death so that the whole bundle is mapped
instead of refused at its Patient. Medians of several runs after one warm-up, which pays the
one-off import of the FHIR models.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from datetime import date
from pathlib import Path

from benchmarks import figures
from screening.catalog import current_catalog
from screening.fhir import map_bundle
from screening.results import screen_response

REAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "fhir" / "real"
AS_OF = date(2020, 6, 1)
RUNS = 5


def _living(raw: bytes) -> bytes:
    data = json.loads(raw)
    for entry in data["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Patient":
            resource.pop("deceasedDateTime", None)
            resource.pop("deceasedBoolean", None)
    return json.dumps(data, indent=2).encode()  # pretty-printed as exported, so the size holds


def _screen(raw: bytes) -> dict:
    catalog = current_catalog()
    imported = map_bundle(raw, catalog=catalog, as_of=AS_OF)
    answers = imported.answers()
    validated = catalog.validator().validate(answers, AS_OF)
    return screen_response(catalog, validated.values, validated.display, asked=list(answers))


def run():
    for name, figure, budget in (
        ("synthea_jordan_cruickshank_1mb.json.gz", "fhir_1mb_s", 1.0),
        ("synthea_fletcher_hyatt_4mb.json.gz", "fhir_4mb_s", 3.0),
    ):
        raw = _living(gzip.decompress((REAL / name).read_bytes()))
        entries = len(json.loads(raw)["entry"])
        _screen(raw)
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            _screen(raw)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        figures.record(figure, round(median, 3))
        yield (
            f"fhir: {len(raw) / 1e6:.1f} MB bundle, {entries} entries mapped and screened in "
            f"{median:.3f} s (median of {RUNS}; target ≤ {budget:.0f} s)"
        )
