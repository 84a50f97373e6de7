"""A small trial and eight screened patients whose attrition can be worked out by hand.

Criteria (in order): C1 inclusion age >= 18; C2 inclusion EDSS 3.0–6.5; C3 exclusion pregnant.

patient  age  EDSS  pregnant   C1  C2       C3       verdict
P1       30   4.0   no         met met      met      eligible   (an older screening was ineligible)
P2       16   4.0   no         NOT met      met      ineligible (C1 alone)
P3       40   7.0   no         met NOT      met      ineligible (C2 alone)
P4       40   7.0   yes        met NOT      NOT      ineligible
P5       50   ?     no         met unknown  met      needs information
P6       17   ?     yes        NOT unknown  NOT      ineligible
P7       35   5.0   ?          met met      unknown  needs information
P8       60   3.0   no         met met      met      eligible (3.0 is inside the range)

P1–P4 are women, P5–P8 men (the patient record; the answers do not say).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from clinic import services
from clinic.models import CURATORS, Screening
from tests.clinic_base import ClinicBase, make_user
from trials.models import Trial
from trials.services import trial_create

TRIAL_ID = "NCT09990009"

CRITERIA = [
    {"kind": "inclusion", "node_type": "leaf", "concept": "age", "operator": "gte", "values": [18],
     "source_text": "Aged 18 or over"},
    {"kind": "inclusion", "node_type": "leaf", "concept": "edss", "operator": "between", "values": [3.0, 6.5],
     "source_text": "EDSS 3.0 to 6.5"},
    {"kind": "exclusion", "node_type": "leaf", "concept": "pregnant", "operator": "is_true",
     "source_text": "Pregnancy"},
]  # fmt: skip

PATIENTS = [
    ("P1", "female", {"age": 30, "edss": 4.0, "pregnant": False}),
    ("P2", "female", {"age": 16, "edss": 4.0, "pregnant": False}),
    ("P3", "female", {"age": 40, "edss": 7.0, "pregnant": False}),
    ("P4", "female", {"age": 40, "edss": 7.0, "pregnant": True}),
    ("P5", "male", {"age": 50, "pregnant": False}),
    ("P6", "male", {"age": 17, "pregnant": True}),
    ("P7", "male", {"age": 35, "edss": 5.0}),
    ("P8", "male", {"age": 60, "edss": 3.0, "pregnant": False}),
]


def aware(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


class ImpactBase(ClinicBase):
    """Adds `curator` (Curators group), the small trial and the eight patients' screenings."""

    @pytest.fixture(autouse=True)
    def _impact(self, _people):
        self.curator = make_user("curator", CURATORS)
        self.trial = trial_create(
            data={"trial_id": TRIAL_ID, "public_title": "A small MS trial", "criteria": CRITERIA},
            publish=True,
        )
        self.patients = {}
        for number, (name, sex, answers) in enumerate(PATIENTS):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=name, initials="XX", sex=sex,
                year_of_birth=2026 - answers["age"],
            )  # fmt: skip
            self.patients[name] = patient
            if name == "P1":  # an older, ineligible screening that the latest one replaces
                old = self.save_screening({"age": 30, "edss": 8.0, "pregnant": False}, patient)
                Screening.objects.filter(pk=old.pk).update(screened_at=aware(2025, 6, 1))
            screening = self.save_screening(answers, patient)
            Screening.objects.filter(pk=screening.pk).update(screened_at=aware(2026, 3, 1 + number))

    def reload_trial(self) -> Trial:
        return Trial.objects.get(pk=self.trial.pk)
