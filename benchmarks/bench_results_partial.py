"""How long a patient waits for the results panel after an answer, on the seed trials.

Two figures: rendering the results partial from kept answers (evaluation + explanations +
template), and a whole htmx answer request through Django (validation, the stored
screening, relevance, partials), both as medians over repeated runs after one warm-up.
"""

from __future__ import annotations

import statistics
import time

from django.template.loader import get_template
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone, translation

from screening.catalog import current_catalog
from screening.questionnaire import build_screening

ANSWERS = {
    "age": 50,
    "sex": "female",
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "PPMS",
    "edss": 4.5,
    "edss_increase_12m": 0,
    "platelets": {"value": 210000, "unit": "/mm3"},
    "days_since_last_relapse": "never",
    "medications": [{"drug": "natalizumab", "days_since_last_dose": 40}],
}
RUNS = 50


def _median_ms(fn, runs: int = RUNS) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run() -> list[str]:
    template = get_template("screening/questionnaire.html#results")
    catalog = current_catalog()

    def results_partial() -> None:
        # Patient pages link under the screening's token; any well-formed one renders.
        today = timezone.localdate()
        state = build_screening(current_catalog(), "patient", dict(ANSWERS), today, token="t" * 43)
        template.render({"state": state, "mode": "patient"})

    with translation.override("fr"):
        partial = _median_ms(results_partial)

    setup_test_environment()
    client = Client()
    # A patient's answers live under their screening's own link (stored, not in the session).
    base = client.get("/fr/patient/")["Location"]
    for code, value in ANSWERS.items():
        if code not in ("platelets", "medications"):
            client.post(f"{base}answer/{code}", {code: str(value)}, HTTP_HX_REQUEST="true")
    values = iter(["5", "4,5"] * (RUNS + 1))

    def answer_request() -> None:
        response = client.post(f"{base}answer/edss", {"edss": next(values)}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200

    request = _median_ms(answer_request)
    trials = len(catalog.plan)
    return [
        f"results partial ({trials} seed trials, {len(ANSWERS)} answers): "
        f"median {partial:.1f} ms (target < 100 ms)",
        f"htmx answer request, whole round trip in Django: median {request:.1f} ms (target < 100 ms)",
    ]
