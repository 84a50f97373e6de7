"""Re-screening throughput: one chunk of saved screenings against a changed trial.

Runs inside a transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from clinic import services
from clinic.models import Patient, Screening, Team
from trials.models import Trial

CHUNK = services.RESCREEN_CHUNK_SIZE
ANSWERS = {
    "age": 47,
    "sex": "female",
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "edss": 3.0,
    "platelets": {"value": 210000, "unit": "/mm3"},
    "days_since_last_relapse": 120,
    "medications": [{"drug": "natalizumab", "days_since_last_dose": 20, "months_on_treatment": 18}],
}


class _Rollback(Exception):
    pass


def run() -> list[str]:
    trial = Trial.objects.published().order_by("trial_id").first()
    if trial is None:
        return ["rescreen: no published trial (run make setup)"]
    timings = []
    try:
        with transaction.atomic():
            user = User.objects.create(username="bench-rescreen")
            team = Team.objects.create(name="bench-rescreen")
            patients = Patient.objects.bulk_create(
                Patient(team=team, local_identifier=f"B{n}", initials="BB", created_by=user)
                for n in range(CHUNK)
            )
            Screening.objects.bulk_create(
                Screening(patient=p, answers=ANSWERS, as_of=date(2026, 11, 21), created_by=user)
                for p in patients
            )
            mine = list(Screening.objects.filter(created_by=user).values_list("pk", flat=True))
            for _ in range(3):
                with transaction.atomic():
                    start = time.perf_counter()
                    services.trial_rescreen_patients(trial_id=trial.pk, screening_ids=mine)
                    timings.append(time.perf_counter() - start)
                    transaction.set_rollback(True)
            raise _Rollback
    except _Rollback:
        pass
    median = statistics.median(timings)
    return [
        f"rescreen one chunk of {CHUNK} screenings x 1 trial: median {median * 1000:.0f} ms "
        f"({median / CHUNK * 1e6:.0f} µs per screening; target < 5 s per chunk)"
    ]
