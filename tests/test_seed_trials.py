"""The five curated seed trials behave as a trial coordinator would expect.

For each trial: a realistic patient who is eligible; the same patient changed on one key
criterion, ineligible with that criterion quoted and explained; and a patient missing one
answer, who needs more information. Screened through the public API.
"""

import pytest

from trials.seed_data.test_patients import ASCPPMS as ASCPPMS_PATIENT
from trials.seed_data.test_patients import CLADACTION as CLADACTION_PATIENT
from trials.seed_data.test_patients import MESEMS as MESEMS_PATIENT
from trials.seed_data.test_patients import MSCLES as MSCLES_PATIENT
from trials.seed_data.test_patients import MSIL2 as MSIL2_PATIENT

pytestmark = pytest.mark.django_db

AS_OF = "2026-11-21"


def screen(client, answers: dict, trial_id: str) -> dict:
    response = client.post(
        "/api/v1/screen",
        {"answers": answers, "as_of": AS_OF, "trials": [trial_id]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    return result


def changed(base: dict, **changes) -> dict:
    answers = dict(base)
    for key, value in changes.items():
        if value is ...:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


# The same realistic patients ship as the seed trials' test patients (the curators' regression
# tests in the admin); here they are screened through the public API.
CLADACTION = "NCT04821596"
MESEMS = "NCT02403947"
MSIL2 = "NCT02424396"
ASCPPMS = "NCT06592703"
MSCLES = "EUCTR2017-001400-29-FR"

MESEMS_PPMS_PATIENT = changed(
    MESEMS_PATIENT,
    ms_phenotype="PPMS",
    edss=5.5,
    edss_increase_12m=0.5,
    relapses_12m=0,
    relapses_24m=0,
    days_since_last_relapse="never",
    gd_lesions_last_mri=1,
    csf_oligoclonal_bands="positive",
    medications=[],
)

ELIGIBLE = [
    (CLADACTION, CLADACTION_PATIENT),
    (MESEMS, MESEMS_PATIENT),
    (MESEMS, MESEMS_PPMS_PATIENT),
    (MSIL2, MSIL2_PATIENT),
    (ASCPPMS, ASCPPMS_PATIENT),
    (MSCLES, MSCLES_PATIENT),
]


@pytest.mark.parametrize(("trial_id", "answers"), ELIGIBLE, ids=lambda v: v if isinstance(v, str) else "")
def test_a_patient_meeting_every_criterion_is_eligible(client, trial_id, answers):
    result = screen(client, answers, trial_id)
    assert result["verdict"] == "eligible", result["failed"] + result["unknown"]
    assert result["failed"] == [] and result["unknown"] == []


INELIGIBLE = [
    # (trial, base, changes, kind, words of the registry, words of the explanation)
    (
        CLADACTION,
        CLADACTION_PATIENT,
        {"age": 70},
        "exclusion",
        "over 65 years",
        "Age 70 is above the required range 18–65",
    ),
    (CLADACTION, CLADACTION_PATIENT, {"ms_phenotype": "CIS"}, "inclusion", "progressive MS", "CIS"),
    (
        CLADACTION,
        CLADACTION_PATIENT,
        {"medications": [{"drug": "ocrelizumab", "days_since_last_dose": 120}]},
        "exclusion",
        "less than 1 year with cladribine",
        "ocrelizumab last taken 120 days ago",
    ),
    (
        CLADACTION,
        CLADACTION_PATIENT,
        {"medications": [{"drug": "mitoxantrone", "days_since_last_dose": 4000}]},
        "exclusion",
        "mitoxantrone or a stem cell transplant",
        "has taken mitoxantrone",
    ),
    (
        CLADACTION,
        CLADACTION_PATIENT,
        {"diagnosis": "systemic_lupus_erythematosus", "ms_phenotype": ...},
        "inclusion",
        "Major Multiple Sclerosis",
        "lupus",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"edss": 2.0},
        "inclusion",
        "EDSS (Expanded Disability Status Scale) 3.0 to 6.5",
        "EDSS 2.0 is below the required range 3.0–6.5",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"age": 55},
        "inclusion",
        "Age 18 to 50 years",
        "Age 55 is above the required range",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"disease_duration_years": 12},
        "inclusion",
        "Disease duration 2 to 10 years",
        "above the required range 2–10",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"relapses_12m": 0, "relapses_24m": 1, "gd_lesions_last_mri": 0, "days_since_last_relapse": 500},
        "inclusion",
        "Relapsing remitting MS (RRMS)",
        "none of these applies",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"medications": [{"drug": "natalizumab", "days_since_last_dose": 40, "months_on_treatment": 24}]},
        "exclusion",
        "Inferior to 3 months since treatment with any immunosuppressive therapy",
        "natalizumab last taken 40 days ago",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"days_since_last_relapse": 45},
        "exclusion",
        "Relapse inferior or egal to 60 days",
        "45 days ago",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"egfr": 45},
        "exclusion",
        "eGFR (estimated Glomerular Filtration Rate ) inferior",
        "eGFR 45 mL/min/1.73m2 is below 60",
    ),
    (
        MESEMS,
        MESEMS_PPMS_PATIENT,
        {"edss_increase_12m": 0.0},
        "inclusion",
        "Primary progressive MS (PPMS)",
        "none of these applies",
    ),
    (
        MESEMS,
        MESEMS_PATIENT,
        {"malignancy": "other", "years_since_malignancy_remission": 8},
        "exclusion",
        "Previous history of a malignancy",
        "Cancer",
    ),
    (
        MSIL2,
        MSIL2_PATIENT,
        {"ms_phenotype": "SPMS"},
        "inclusion",
        "relapsing-remitting MS by the revised McDonald",
        "SPMS",
    ),
    (
        MSIL2,
        MSIL2_PATIENT,
        {"edss": 6.5},
        "inclusion",
        "EDSS between 0 and 6",
        "EDSS 6.5 is above the required",
    ),
    (
        MSIL2,
        MSIL2_PATIENT,
        {"days_since_last_relapse": 30},
        "inclusion",
        "no relapse",
        "30 days ago, within the last 2 months",
    ),
    (
        MSIL2,
        MSIL2_PATIENT,
        {
            "medications": [
                {"drug": "glatiramer_acetate", "days_since_last_dose": 1, "months_on_treatment": 7}
            ]
        },
        "inclusion",
        "glatiramer acetate for at least 9 months",
        "9 months",
    ),
    (
        MSIL2,
        MSIL2_PATIENT,
        {"platelets": {"value": 120, "unit": "G/L"}},
        "exclusion",
        "platelets <150 000 /mm3",
        "120 G/L",
    ),
    (MSIL2, MSIL2_PATIENT, {"gd_lesions_last_mri": 3}, "exclusion", "T1 > 2 upon inclusion", "is above 2"),
    (
        MSIL2,
        MSIL2_PATIENT,
        {"effective_contraception": False},
        "exclusion",
        "Men and women of childbearing potential without effective contraception",
        "",
    ),
    (
        ASCPPMS,
        ASCPPMS_PATIENT,
        {"edss": 2.0},
        "inclusion",
        "EDSS score: 3 to 6 at inclusion",
        "EDSS 2.0 is below the required range 3.0–6.0",
    ),
    (ASCPPMS, ASCPPMS_PATIENT, {"ms_phenotype": "RRMS"}, "inclusion", "Primary Progressive MS", "RRMS"),
    (
        ASCPPMS,
        ASCPPMS_PATIENT,
        {"platelets": {"value": 40000, "unit": "/mm3"}},
        "exclusion",
        "severe thrombocytopenia (<50 G/L)",
        "40000 /mm3",
    ),
    (
        ASCPPMS,
        ASCPPMS_PATIENT,
        {"medications": [{"drug": "ocrelizumab", "days_since_last_dose": 200}]},
        "exclusion",
        "Disease Modifying Drugs during the past year",
        "ocrelizumab last taken 200 days ago",
    ),
    (ASCPPMS, ASCPPMS_PATIENT, {"new_t2_lesions_12m": True}, "exclusion", "Inflammatory activity", "yes"),
    (ASCPPMS, ASCPPMS_PATIENT, {"pregnant": True}, "exclusion", "pregnant or breastfeeding women", "yes"),
    (
        MSCLES,
        MSCLES_PATIENT,
        {"sle_refractory": False},
        "inclusion",
        "refractory to standard treatments",
        "no",
    ),
    (
        MSCLES,
        MSCLES_PATIENT,
        {"age": 17},
        "inclusion",
        "Are the trial subjects under 18? no",
        "Age 17 is below",
    ),
    (
        MSCLES,
        MSCLES_PATIENT,
        {"creatinine_clearance": {"value": 0.4, "unit": "mL/s"}},
        "exclusion",
        "creatinine clearance of <30 ml / min",
        "0.4 mL/s",
    ),
    (
        MSCLES,
        MSCLES_PATIENT,
        {"platelets": {"value": 25, "unit": "G/L"}},
        "exclusion",
        "thrombocytopenia <30. 109 / L",
        "25 G/L",
    ),
    (
        MSCLES,
        MSCLES_PATIENT,
        {"medications": [{"drug": "rituximab", "days_since_last_dose": 90}]},
        "exclusion",
        "B cell depleting biologic therapy within 6 months",
        "rituximab last taken 90 days ago",
    ),
    (MSCLES, MSCLES_PATIENT, {"alt_x_uln": 3.5}, "exclusion", "AST, ALT> 2 x normal", "3.5"),
]


@pytest.mark.parametrize(
    ("trial_id", "base", "changes", "kind", "source_words", "explanation_words"),
    INELIGIBLE,
    ids=[f"{row[0]}-{'-'.join(row[2])}" for row in INELIGIBLE],
)
def test_a_patient_failing_a_key_criterion_is_ineligible_with_that_reason(
    client, trial_id, base, changes, kind, source_words, explanation_words
):
    result = screen(client, changed(base, **changes), trial_id)
    assert result["verdict"] == "ineligible"
    matching = [f for f in result["failed"] if source_words in f["source_text"]]
    assert matching, [f["source_text"] for f in result["failed"]]
    assert matching[0]["kind"] == kind
    assert explanation_words in matching[0]["explanation"], matching[0]["explanation"]


NEEDS_INFO = [
    (CLADACTION, CLADACTION_PATIENT, "social_security"),
    (MESEMS, MESEMS_PATIENT, "egfr"),
    (MESEMS, MESEMS_PATIENT, "edss"),
    (MSIL2, MSIL2_PATIENT, "platelets"),
    (ASCPPMS, ASCPPMS_PATIENT, "csf_oligoclonal_bands"),
    (MSCLES, MSCLES_PATIENT, "sle_refractory"),
]


@pytest.mark.parametrize(
    ("trial_id", "base", "missing"), NEEDS_INFO, ids=[f"{r[0]}-{r[2]}" for r in NEEDS_INFO]
)
def test_a_patient_missing_one_answer_needs_more_information_naming_it(client, trial_id, base, missing):
    result = screen(client, changed(base, **{missing: ...}), trial_id)
    assert result["verdict"] == "needs_info"
    assert result["missing_concepts"] == [missing]
    assert result["unknown"] and all(missing in u["concepts"] for u in result["unknown"])
    assert all(u["question"] for u in result["unknown"])


def test_unknown_answers_never_exclude_a_patient(client):
    result = screen(client, {"diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS"}, ASCPPMS)
    assert result["verdict"] == "needs_info"
    assert result["failed"] == []


def test_visit_criteria_are_listed_and_never_decide(client):
    result = screen(client, ASCPPMS_PATIENT, ASCPPMS)
    assert result["verdict"] == "eligible"
    assert "Having signed a free, informed and written consent" in result["confirmed_at_visit"]


def test_the_misfiled_msc_les_inclusion_list_is_not_curated_as_inclusion(client):
    # The record's "Inclusion criteria" field copies the exclusion list: pregnancy must be an
    # exclusion (a pregnant patient fails an exclusion), never an inclusion requirement.
    result = screen(client, changed(MSCLES_PATIENT, pregnant=True), MSCLES)
    assert {f["kind"] for f in result["failed"]} == {"exclusion"}
    response = client.get(f"/api/v1/trials/{MSCLES}")
    inclusion = [c for c in response.json()["criteria"] if c["kind"] == "inclusion"]
    assert len(inclusion) == 2
    assert {code for c in inclusion for code in c["concepts"]} == {"age", "diagnosis", "sle_refractory"}


def test_a_lupus_patient_is_ineligible_for_every_ms_trial_and_sorted_last(client):
    response = client.post(
        "/api/v1/screen",
        {"answers": MSCLES_PATIENT, "as_of": AS_OF},
        content_type="application/json",
    )
    results = response.json()["results"]
    assert [r["trial_id"] for r in results][0] == MSCLES
    assert results[0]["verdict"] == "eligible"
    assert {r["verdict"] for r in results[1:]} == {"ineligible"}
