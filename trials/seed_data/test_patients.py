"""Test patients for the five seed trials: made-up people whose verdict a curator has
worked out by reading the registry text. They run against the trial's criteria on every
edit and before every publication (trials.checks), so a curation change that alters any of
these verdicts is caught before patients see it.

Per trial: one eligible patient, one who needs more information, and at least two who are
ineligible with the concept that excludes them.
"""

from __future__ import annotations


def _patient(
    name: str, answers: dict, expected: str, excluded_by: str = "", note: str = "", **changes
) -> dict:
    answers = dict(answers)
    for key, value in changes.items():
        if value is ...:
            answers.pop(key)
        else:
            answers[key] = value
    return {
        "name": name,
        "answers": answers,
        "expected_verdict": expected,
        "expected_excluding_concept": excluded_by or None,
        "note": note,
    }


NO_CHILDBEARING = {
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "childbearing_potential": False,
    "effective_contraception": False,
}

CLADACTION = {
    "age": 42,
    **NO_CHILDBEARING,
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "social_security": True,
    "immunosuppressed_for_other_disease": False,
    "in_ms_interventional_trial": False,
    "medications": [{"drug": "dimethyl_fumarate", "days_since_last_dose": 1, "months_on_treatment": 30}],
    "stem_cell_transplant": False,
    "legal_protection": False,
}

MESEMS = {
    "age": 38,
    **NO_CHILDBEARING,
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "disease_duration_years": 6,
    "edss": 4.0,
    "relapses_12m": 1,
    "relapses_24m": 2,
    "days_since_last_relapse": 150,
    "ongoing_relapse": False,
    "gd_lesions_last_mri": 2,
    "months_since_last_mri": 3,
    "medications": [{"drug": "fingolimod", "days_since_last_dose": 120, "months_on_treatment": 24}],
    "active_infection": False,
    "hiv": False,
    "htlv": False,
    "syphilis": False,
    "hepatitis_b": False,
    "hepatitis_c": False,
    "malignancy": "none",
    "limited_life_expectancy": False,
    "myelodysplasia": False,
    "hematologic_disease": False,
    "egfr": 95,
    "renal_failure": False,
    "mri_contraindication": False,
    "able_to_consent": True,
}

MSIL2 = {
    "age": 33,
    "sex": "male",
    "effective_contraception": True,
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "gd_lesions_last_mri": 1,
    "months_since_last_mri": 2,
    "new_t2_lesions_12m": True,
    "edss": 2.0,
    "days_since_last_relapse": 300,
    "medications": [{"drug": "interferon_beta", "days_since_last_dose": 2, "months_on_treatment": 14}],
    "social_security": True,
    "il2_intolerance": False,
    "heart_failure_nyha": 0,
    "renal_failure": False,
    "hepatic_insufficiency": False,
    "alt_x_uln": 0.8,
    "ast_x_uln": 0.9,
    "respiratory_failure": False,
    "wbc": {"value": 6200, "unit": "/mm3"},
    "lymphocytes": {"value": 1800, "unit": "/mm3"},
    "platelets": {"value": 240000, "unit": "/mm3"},
    "poor_venous_access": False,
    "months_since_live_vaccine": "never",
    "months_since_surgery_general_anaesthesia": "never",
    "surgery_planned": False,
    "months_since_other_trial": "never",
    "severe_psychiatric_disorder": False,
    "malignancy": "none",
    "breastfeeding": False,
    "legal_protection": False,
}

ASCPPMS = {
    "age": 47,
    **NO_CHILDBEARING,
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "PPMS",
    "edss": 4.5,
    "progression_independent_of_relapse_24m": True,
    "csf_oligoclonal_bands": "positive",
    "social_security": True,
    "relapses_12m": 0,
    "days_since_last_relapse": "never",
    "new_t2_lesions_12m": False,
    "medications": [],
    "lumbar_puncture_contraindication": False,
    "platelets": {"value": 250, "unit": "G/L"},
    "months_since_other_trial": "never",
    "legal_protection": False,
    "able_to_consent": True,
}

MSCLES = {
    "age": 36,
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "childbearing_potential": True,
    "effective_contraception": True,
    "diagnosis": "systemic_lupus_erythematosus",
    "sle_refractory": True,
    "creatinine_clearance": {"value": 75, "unit": "mL/min"},
    "heart_failure_nyha": 0,
    "lvef": 60,
    "uncontrolled_ventricular_arrhythmia": False,
    "alt_x_uln": 1.2,
    "ast_x_uln": 1.0,
    "pap_mean": 20,
    "respiratory_failure": False,
    "pao2": {"value": 12, "unit": "kPa"},
    "paco2": {"value": 5.3, "unit": "kPa"},
    "severe_psychiatric_disorder": False,
    "malignancy": "none",
    "myelodysplasia": False,
    "neutrophils": {"value": 2500, "unit": "/mm3"},
    "platelets": {"value": 180, "unit": "G/L"},
    "hemoglobin": {"value": 115, "unit": "g/L"},
    "cd4_count": {"value": 450, "unit": "cells/uL"},
    "active_infection": False,
    "hiv": False,
    "htlv": False,
    "hepatitis_b": False,
    "hepatitis_c": False,
    "medications": [{"drug": "mycophenolate", "days_since_last_dose": 1, "months_on_treatment": 20}],
    "corticosteroid_dependent_comorbidity": False,
    "days_since_substance_abuse": "never",
    "able_to_consent": True,
    "months_since_other_trial": "never",
    "legal_protection": False,
}

TEST_PATIENTS: dict[str, list[dict]] = {
    "NCT04821596": [
        _patient("RRMS on dimethyl fumarate, 42", CLADACTION, "eligible"),
        _patient(
            "Social security not known",
            CLADACTION,
            "needs_info",
            social_security=...,
            note="French social security cover is required and was not answered.",
        ),
        _patient("Too old: 70", CLADACTION, "ineligible", "age", age=70),
        _patient(
            "Past mitoxantrone",
            CLADACTION,
            "ineligible",
            "medications",
            medications=[{"drug": "mitoxantrone", "days_since_last_dose": 4000}],
        ),
        _patient(
            "Lupus, not MS",
            CLADACTION,
            "ineligible",
            "diagnosis",
            diagnosis="systemic_lupus_erythematosus",
            ms_phenotype=...,
        ),
    ],
    "NCT02403947": [
        _patient("RRMS after fingolimod failure", MESEMS, "eligible"),
        _patient("eGFR not known", MESEMS, "needs_info", egfr=...),
        _patient("EDSS too low: 2.0", MESEMS, "ineligible", "edss", edss=2.0),
        _patient(
            "Recent relapse: 45 days",
            MESEMS,
            "ineligible",
            "days_since_last_relapse",
            days_since_last_relapse=45,
        ),
        _patient("Renal function too low: eGFR 45", MESEMS, "ineligible", "egfr", egfr=45),
    ],
    "NCT02424396": [
        _patient("RRMS man on interferon beta", MSIL2, "eligible"),
        _patient("Platelets not known", MSIL2, "needs_info", platelets=...),
        _patient("SPMS", MSIL2, "ineligible", "ms_phenotype", ms_phenotype="SPMS"),
        _patient(
            "Low platelets: 120 G/L",
            MSIL2,
            "ineligible",
            "platelets",
            platelets={"value": 120, "unit": "G/L"},
        ),
        _patient("Three Gd+ lesions", MSIL2, "ineligible", "gd_lesions_last_mri", gd_lesions_last_mri=3),
    ],
    "NCT06592703": [
        _patient("PPMS, EDSS 4.5", ASCPPMS, "eligible"),
        _patient("Oligoclonal bands not known", ASCPPMS, "needs_info", csf_oligoclonal_bands=...),
        _patient("RRMS, not PPMS", ASCPPMS, "ineligible", "ms_phenotype", ms_phenotype="RRMS"),
        _patient("EDSS too low: 2.0", ASCPPMS, "ineligible", "edss", edss=2.0),
        _patient("Pregnant", ASCPPMS, "ineligible", "pregnant", pregnant=True, childbearing_potential=True),
    ],
    "EUCTR2017-001400-29-FR": [
        _patient("Refractory lupus on mycophenolate", MSCLES, "eligible"),
        _patient("Refractory lupus not known", MSCLES, "needs_info", sle_refractory=...),
        _patient("Lupus not refractory", MSCLES, "ineligible", "sle_refractory", sle_refractory=False),
        _patient("Minor: 17", MSCLES, "ineligible", "age", age=17),
        _patient(
            "Rituximab 90 days ago",
            MSCLES,
            "ineligible",
            "medications",
            medications=[{"drug": "rituximab", "days_since_last_dose": 90}],
        ),
    ],
}
