"""Synthetic stored screenings for the criterion-impact demo; safe to run again.

Creates up to --count pseudonymous demo patients (identifiers D-0001…, split between the
demo teams) with one or two screenings each, spread over the past year: mostly multiple
sclerosis of every course, some lupus, a few other diagnoses, with EDSS scores, relapses,
MRI activity, treatments, laboratory values in the units clinics use, and answers left
unknown as often happens. Then computes every trial's attrition summary.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic import services
from clinic.models import Patient, Screening
from config.env import env_bool
from impact.models import AttritionSummary
from impact.services import attrition_summaries_refresh
from trials.models import Trial

DEMO_CLINICIANS = ("dr_martin", "dr_durand")
PREFIX = "D-"


def _maybe(rng: random.Random, answers: dict, code: str, value, unknown: float = 0.12) -> None:
    """Leaves the answer out (unknown) with the given probability."""
    if rng.random() >= unknown:
        answers[code] = value


def _lab(rng: random.Random, per_litre_e9: float) -> dict:
    """A count in one of the units clinics write (10^9/L, G/L, /mm3)."""
    unit = rng.choice(["10^9/L", "G/L", "/mm3"])
    value = per_litre_e9 * 1000 if unit == "/mm3" else per_litre_e9
    return {"value": round(value, 1) if unit != "/mm3" else int(value), "unit": unit}


def _medications(rng: random.Random, pool: list[str]) -> list[dict]:
    meds = []
    for drug in rng.sample(pool, k=rng.choice([0, 0, 1, 1, 1, 2])):
        item = {"drug": drug}
        if rng.random() < 0.85:
            item["days_since_last_dose"] = rng.choice([1, 3, 7, 20, 45, 90, 200, 400, 900])
        if rng.random() < 0.75:
            item["months_on_treatment"] = rng.choice([2, 6, 9, 12, 18, 30, 60])
        meds.append(item)
    return meds


MS_DRUGS = [
    "interferon_beta", "glatiramer_acetate", "teriflunomide", "dimethyl_fumarate", "natalizumab",
    "fingolimod", "ocrelizumab", "rituximab", "cladribine", "corticosteroids_high_dose", "mitoxantrone",
]  # fmt: skip
LUPUS_DRUGS = ["belimumab", "mycophenolate", "rituximab", "cyclophosphamide", "corticosteroids_high_dose"]


def common(rng: random.Random, age: int, sex: str) -> dict:
    a: dict = {"age": age, "sex": sex}
    if sex == "female":
        potential = age < 50 and rng.random() < 0.8
        _maybe(rng, a, "childbearing_potential", potential)
        if potential:
            _maybe(rng, a, "effective_contraception", rng.random() < 0.7, 0.25)
            _maybe(rng, a, "pregnant", rng.random() < 0.04)
            _maybe(rng, a, "breastfeeding", rng.random() < 0.04)
    for code, p in (
        ("social_security", 0.95), ("able_to_consent", 0.96), ("legal_protection", 0.03),
        ("active_infection", 0.05), ("hiv", 0.01), ("hepatitis_b", 0.02), ("hepatitis_c", 0.02),
        ("renal_failure", 0.03), ("severe_psychiatric_disorder", 0.04), ("limited_life_expectancy", 0.01),
        ("mri_contraindication", 0.04), ("poor_venous_access", 0.05), ("surgery_planned", 0.05),
        ("immunosuppressed_for_other_disease", 0.04), ("in_ms_interventional_trial", 0.05),
        ("htlv", 0.005), ("syphilis", 0.01), ("hematologic_disease", 0.02), ("myelodysplasia", 0.01),
        ("uncontrolled_ventricular_arrhythmia", 0.01), ("hepatic_insufficiency", 0.02),
        ("respiratory_failure", 0.02), ("lumbar_puncture_contraindication", 0.04), ("il2_intolerance", 0.02),
        ("stem_cell_transplant", 0.01), ("corticosteroid_dependent_comorbidity", 0.04),
    ):  # fmt: skip
        # Rare conditions are usually known to be absent; now and then nobody checked.
        _maybe(rng, a, code, rng.random() < p, 0.04)
    _maybe(rng, a, "malignancy", rng.choices(["none", "excepted_only", "other"], [90, 6, 4])[0], 0.2)
    _maybe(rng, a, "egfr", {"value": rng.randint(45, 120), "unit": "mL/min/1.73m2"}, 0.15)
    _maybe(rng, a, "platelets", _lab(rng, rng.choice([40, 120, 180, 220, 260, 320])), 0.15)
    _maybe(rng, a, "months_since_other_trial", rng.choice(["never", "never", "never", 3, 12, 30]), 0.1)
    _maybe(rng, a, "days_since_substance_abuse", rng.choice(["never"] * 8 + [30, 400]), 0.1)
    return a


def ms_answers(rng: random.Random, age: int | None = None, sex: str | None = None) -> dict:
    age = age or rng.randint(20, 70)
    sex = sex or rng.choices(["female", "male"], [70, 30])[0]
    a = common(rng, age, sex)
    a["diagnosis"] = "multiple_sclerosis"
    phenotype = rng.choices(["RRMS", "SPMS", "PPMS", "CIS"], [55, 20, 20, 5])[0]
    _maybe(rng, a, "ms_phenotype", phenotype, 0.05)
    base = {"RRMS": 2.0, "SPMS": 5.0, "PPMS": 4.5, "CIS": 1.0}[phenotype]
    edss = min(9.0, max(0.0, round(rng.gauss(base, 1.5) * 2) / 2))
    _maybe(rng, a, "edss", edss, 0.1)
    if "edss" in a:
        _maybe(rng, a, "edss_increase_12m", min(edss, rng.choice([0.0, 0.0, 0.5, 1.0, 1.5])), 0.35)
    _maybe(rng, a, "disease_duration_years", min(age - 15, rng.randint(0, 25)), 0.2)
    r12 = rng.choices([0, 1, 2], [60, 30, 10])[0] if phenotype in ("RRMS", "SPMS") else 0
    _maybe(rng, a, "relapses_12m", r12, 0.15)
    _maybe(rng, a, "relapses_24m", r12 + rng.choice([0, 0, 1]), 0.2)
    last = rng.randint(10, 360) if r12 else rng.choice(["never", 500, 900, 2000])
    _maybe(rng, a, "days_since_last_relapse", last, 0.15)
    _maybe(rng, a, "ongoing_relapse", bool(r12) and rng.random() < 0.05, 0.15)
    _maybe(rng, a, "gd_lesions_last_mri", rng.choices([0, 1, 2, 4], [55, 25, 12, 8])[0], 0.3)
    _maybe(rng, a, "months_since_last_mri", rng.choice([2, 5, 8, 11, 14, 20]), 0.3)
    _maybe(rng, a, "new_t2_lesions_12m", rng.random() < 0.35, 0.2)
    _maybe(rng, a, "csf_oligoclonal_bands", rng.choices(["positive", "negative"], [85, 15])[0], 0.25)
    if phenotype == "PPMS":
        _maybe(rng, a, "progression_independent_of_relapse_24m", rng.random() < 0.6, 0.4)
    _maybe(rng, a, "lymphocytes", _lab(rng, rng.choice([0.6, 0.9, 1.4, 1.9, 2.5])), 0.35)
    _maybe(rng, a, "wbc", _lab(rng, rng.choice([2.5, 4.5, 6.0, 8.0])), 0.35)
    _maybe(rng, a, "medications", _medications(rng, MS_DRUGS), 0.1)
    _maybe(rng, a, "months_since_live_vaccine", rng.choice(["never", "never", "never", 2, 10]), 0.15)
    _maybe(rng, a, "months_since_surgery_general_anaesthesia", rng.choice(["never", "never", 1, 24]), 0.15)
    return a


def lupus_answers(rng: random.Random, age: int | None = None, sex: str | None = None) -> dict:
    age = age or rng.randint(18, 65)
    sex = sex or rng.choices(["female", "male"], [88, 12])[0]
    a = common(rng, age, sex)
    a["diagnosis"] = "systemic_lupus_erythematosus"
    _maybe(rng, a, "sle_refractory", rng.random() < 0.5, 0.2)
    _maybe(rng, a, "creatinine_clearance", rng.choice([
        {"value": rng.randint(20, 120), "unit": "mL/min"},
        {"value": round(rng.uniform(0.4, 2.0), 2), "unit": "mL/s"},
    ]), 0.3)  # fmt: skip
    _maybe(rng, a, "heart_failure_nyha", rng.choices([0, 1, 2, 3], [70, 18, 8, 4])[0], 0.3)
    _maybe(rng, a, "lvef", {"value": rng.choice([35, 50, 60, 65]), "unit": "%"}, 0.3)
    _maybe(
        rng, a, "pap_mean", rng.choice([{"value": 18, "unit": "mmHg"}, {"value": 7.5, "unit": "kPa"}]), 0.3
    )
    _maybe(rng, a, "pao2", {"value": rng.choice([65, 85, 95]), "unit": "mmHg"}, 0.3)
    _maybe(rng, a, "paco2", {"value": rng.choice([38, 42, 55]), "unit": "mmHg"}, 0.3)
    _maybe(rng, a, "alt_x_uln", rng.choice([0.5, 1.0, 1.5, 2.5]), 0.3)
    _maybe(rng, a, "ast_x_uln", rng.choice([0.5, 1.0, 1.5, 3.0]), 0.3)
    _maybe(rng, a, "neutrophils", _lab(rng, rng.choice([0.4, 1.5, 3.0, 5.0])), 0.3)
    hemoglobin = rng.choice(
        [
            {"value": rng.choice([7.5, 10.5, 12.8]), "unit": "g/dL"},
            {"value": rng.choice([95, 118, 135]), "unit": "g/L"},
        ]
    )
    _maybe(rng, a, "hemoglobin", hemoglobin, 0.3)
    _maybe(rng, a, "cd4_count", {"value": rng.choice([150, 450, 800]), "unit": "cells/uL"}, 0.5)
    _maybe(rng, a, "medications", _medications(rng, LUPUS_DRUGS), 0.1)
    return a


def other_answers(rng: random.Random, age: int | None = None, sex: str | None = None) -> dict:
    a = common(rng, age or rng.randint(18, 80), sex or rng.choice(["female", "male"]))
    a["diagnosis"] = "other"
    return a


NO_CONDITIONS = (
    "active_infection", "hiv", "htlv", "syphilis", "hepatitis_b", "hepatitis_c", "renal_failure",
    "hepatic_insufficiency", "respiratory_failure", "severe_psychiatric_disorder", "limited_life_expectancy",
    "mri_contraindication", "lumbar_puncture_contraindication", "poor_venous_access", "surgery_planned",
    "legal_protection", "in_ms_interventional_trial", "immunosuppressed_for_other_disease",
    "stem_cell_transplant", "il2_intolerance", "myelodysplasia", "hematologic_disease", "pregnant",
    "breastfeeding", "corticosteroid_dependent_comorbidity", "uncontrolled_ventricular_arrhythmia",
)  # fmt: skip


def _candidate(rng: random.Random, a: dict) -> dict:
    """Clinics mostly screen patients they think may fit: a well-documented patient close to
    the trials' profiles (EDSS near the bounds, so relaxing one shows an effect)."""
    a.update({code: False for code in NO_CONDITIONS if code in a or rng.random() < 0.9})
    if a["sex"] == "male":
        for code in ("pregnant", "breastfeeding"):
            a.pop(code, None)
    else:
        a["effective_contraception"] = True
    a.update(
        able_to_consent=True,
        social_security=True,
        malignancy="none",
        months_since_other_trial="never",
        days_since_substance_abuse="never",
        months_since_live_vaccine="never",
        months_since_surgery_general_anaesthesia="never",
        egfr={"value": rng.randint(70, 110), "unit": "mL/min/1.73m2"},
        platelets=_lab(rng, rng.choice([180, 230, 280])),
        wbc=_lab(rng, rng.choice([5.0, 6.5])),
        lymphocytes=_lab(rng, rng.choice([1.2, 1.8])),
        age=min(a["age"], rng.randint(28, 52)),
    )
    # A work-up before a trial visit includes liver tests and a cardiac history.
    a.update(alt_x_uln=rng.choice([0.5, 1.0, 1.5]), ast_x_uln=rng.choice([0.5, 1.0]), heart_failure_nyha=0)
    if a["diagnosis"] == "systemic_lupus_erythematosus":
        a.update(
            sle_refractory=True,
            medications=[],
            heart_failure_nyha=0,
            lvef={"value": 60, "unit": "%"},
            alt_x_uln=1.0,
            ast_x_uln=1.0,
            pap_mean={"value": 18, "unit": "mmHg"},
            pao2={"value": 90, "unit": "mmHg"},
            paco2={"value": 40, "unit": "mmHg"},
            neutrophils=_lab(rng, 3.0),
            hemoglobin={"value": 12.5, "unit": "g/dL"},
            cd4_count={"value": 700, "unit": "cells/uL"},
            creatinine_clearance=rng.choice(
                [{"value": 85, "unit": "mL/min"}, {"value": 0.4, "unit": "mL/s"}]
            ),
        )
        return a
    if a["diagnosis"] != "multiple_sclerosis":
        return a
    a["disease_duration_years"] = rng.randint(2, 12)
    a["edss"] = rng.choice([2.5, 3.0, 3.5, 4.0, 5.0, 5.5, 6.0, 6.5, 7.0, 7.0])
    a.pop("edss_increase_12m", None)
    if rng.random() < 0.65:
        r12 = rng.choice([1, 1, 2])
        drug = rng.choice(["interferon_beta", "interferon_beta", "glatiramer_acetate", "dimethyl_fumarate"])
        dose = rng.choice([2, 7, 45, 120])
        a.update(
            ms_phenotype=rng.choice(["RRMS", "RRMS", "SPMS"]),
            relapses_12m=r12,
            relapses_24m=r12 + 1,
            days_since_last_relapse=rng.randint(70, 330),
            ongoing_relapse=False,
            gd_lesions_last_mri=rng.choice([1, 2]),
            months_since_last_mri=rng.choice([3, 5, 8]),
            new_t2_lesions_12m=True,
            medications=[
                {"drug": drug, "days_since_last_dose": dose, "months_on_treatment": rng.choice([10, 24, 48])}
            ],
        )
    else:
        a.update(
            ms_phenotype="PPMS",
            relapses_12m=0,
            relapses_24m=0,
            days_since_last_relapse="never",
            ongoing_relapse=False,
            new_t2_lesions_12m=False,
            csf_oligoclonal_bands="positive",
            progression_independent_of_relapse_24m=rng.random() < 0.85,
            medications=[],
            edss_increase_12m=min(a["edss"], rng.choice([0.5, 1.0])),
            gd_lesions_last_mri=rng.choice([0, 1]),
            months_since_last_mri=rng.choice([4, 10]),
        )
    return a


def demo_answers(rng: random.Random) -> tuple[dict, dict]:
    """The patient's latest answers, and answers from an earlier screening of the same disease."""
    kind = rng.choices([ms_answers, lupus_answers, other_answers], [78, 17, 5])[0]
    latest = kind(rng)
    if kind is not other_answers and rng.random() < 0.4:
        latest = _candidate(rng, latest)
    earlier_age = max(18, latest["age"] - 1)
    earlier = kind(rng, earlier_age, latest["sex"])
    if earlier.get("disease_duration_years", 0) > earlier_age:
        del earlier["disease_duration_years"]
    return latest, earlier


class Command(BaseCommand):
    help = "Creates synthetic stored screenings for the criterion-impact demo (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300, help="How many demo patients in total.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")

    def handle(self, *args, count: int, seed: int, **options):
        if env_bool("REQUIRE_SECRET_KEY", default=False) and not env_bool("DEBUG", default=False):
            raise CommandError("demo screenings are for local runs, not a production-like configuration")
        clinicians = list(User.objects.filter(username__in=DEMO_CLINICIANS).order_by("username"))
        if len(clinicians) != len(DEMO_CLINICIANS):
            raise CommandError("run create_demo_clinic_accounts first: the demo patients belong to its teams")
        rng = random.Random(seed)
        now = timezone.now()
        created = 0
        with transaction.atomic():
            for n in range(1, count + 1):
                # Drawn for every n, so the data of patient n does not depend on earlier runs.
                answers, older = demo_answers(rng)
                days_ago, has_older = rng.randint(0, 360), rng.random() < 0.2
                by = clinicians[n % len(clinicians)]
                team = by.clinic_teams.first()
                identifier = f"{PREFIX}{n:04d}"
                if Patient.objects.filter(team=team, local_identifier=identifier).exists():
                    continue
                sex, age = answers["sex"], answers["age"]
                patient = services.patient_create(
                    by=by, team=team, local_identifier=identifier, initials="ZZ",
                    year_of_birth=now.year - age, sex=sex, note="Synthetic demo patient.",
                )  # fmt: skip
                screenings = []
                if has_older:
                    screenings.append((older, days_ago + rng.randint(30, 200)))
                screenings.append((answers, days_ago))
                for data, ago in screenings:
                    when = now - timedelta(days=ago, hours=rng.randint(0, 8))
                    try:
                        screening = services.screening_save(
                            patient=patient, answers=data, as_of=timezone.localdate(when), by=by
                        )
                    except services.ScreeningInvalid as error:
                        raise CommandError(f"demo answers for {identifier} are invalid: {error}") from error
                    # Backdated so the date filters have something to show.
                    Screening.objects.filter(pk=screening.pk).update(screened_at=when)
                created += 1
        # After the commit above, so its queued refreshes find nothing to do: one computation here.
        for trial in Trial.objects.all():
            AttritionSummary.objects.get_or_create(trial=trial, filter_key="")
        AttritionSummary.objects.update(requested_at=timezone.now())
        computed = attrition_summaries_refresh()
        self.stdout.write(f"{created} demo patients created; {computed} attrition summaries computed")
