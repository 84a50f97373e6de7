"""What a FHIR bundle safely says about its one patient: edge bundles built by hand, and real
Synthea and HL7 files (tests/fixtures/fhir/real/README.md)."""

import copy
import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from screening.catalog import current_catalog
from screening.fhir import BundleError, map_bundle
from tests.fhir_bundles import (
    ATC,
    ICD10,
    RXNORM,
    SNOMED,
    SUBJECT,
    bundle,
    condition,
    lab,
    medication,
    patient,
)
from trials.models import Concept

pytestmark = pytest.mark.django_db
REAL = Path(__file__).parent / "fixtures" / "fhir" / "real"
AS_OF = date(2026, 11, 21)


def read(*resources, as_of=AS_OF, **kwargs):
    return map_bundle(bundle(*resources, **kwargs), catalog=current_catalog(), as_of=as_of)


def unused(result) -> dict[str, str]:
    return {u.resource: u.reason for u in result.unused}


def real(name: str) -> bytes:
    path = REAL / name
    return gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()


# -- whose data


def test_another_patients_results_are_not_read():
    result = read(
        lab("mine", "777-3", 210, "10*9/L", "2026-11-01"),
        lab("theirs", "6690-2", 1.0, "10*9/L", "2026-11-01", subject={"reference": "Patient/other"}),
    )
    assert "wbc" not in result.answers() and "platelets" in result.answers()
    assert unused(result)["Observation/theirs"] == "belongs to Patient/other, not to Patient/p1"
    assert (
        next(u.text for u in result.unused if u.resource == "Observation/theirs")
        == "belongs to another patient"
    )


@pytest.mark.parametrize(
    "reference",
    [
        "urn:uuid:7a1e6a4c-0000-4000-8000-000000000001",
        "Patient/p1",
        "https://ehr.example/fhir/Patient/p1/_history/3",
    ],
)
def test_the_patient_is_recognised_however_the_reference_is_written(reference):
    result = read(lab("plt", "777-3", 210, "10*9/L", "2026-11-01", subject={"reference": reference}))
    assert result.provenance()["platelets"] == ["Observation/plt"]


def test_a_resource_naming_no_patient_is_not_read():
    result = read(lab("anon", "777-3", 210, "10*9/L", "2026-11-01", subject={"display": "someone"}))
    assert "platelets" not in result.answers()
    assert "names no patient" in unused(result)["Observation/anon"]


@pytest.mark.parametrize(
    ("patients", "message"),
    [((), "no Patient"), ((patient("a"), patient("b")), "2 patients")],
)
def test_a_bundle_must_describe_exactly_one_patient(patients, message):
    with pytest.raises(BundleError, match=message) as caught:
        read(lab("plt", "777-3", 210, "10*9/L", "2026-11-01"), patients=patients)
    assert caught.value.field == "bundle"


@pytest.mark.parametrize(
    "deceased", [{"deceasedBoolean": True}, {"deceasedDateTime": "1996-02-11T10:00:00Z"}]
)
def test_a_deceased_patient_is_refused(deceased):
    with pytest.raises(BundleError, match="deceased") as caught:
        read(patients=(patient(**deceased),))
    assert caught.value.field == "Patient.deceased"


def test_a_living_patient_with_deceased_false_is_read():
    assert read(patients=(patient(deceasedBoolean=False),)).answers()["sex"] == "female"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (b"[]", "not a FHIR Bundle"),
    ],
)
def test_what_is_not_a_bundle_is_refused(raw, message):
    with pytest.raises(BundleError, match=message):
        map_bundle(raw, catalog=current_catalog(), as_of=AS_OF)


# -- laboratory results and their age


def test_results_older_than_90_days_are_listed_with_their_date():
    result = read(
        lab("old", "777-3", 210, "10*9/L", "1992-03-04"), lab("new", "6690-2", 5, "10*9/L", "2026-10-01")
    )
    assert "platelets" not in result.answers()
    assert unused(result)["Observation/old"] == "platelets from 1992-03-04, older than 90 days"
    assert (
        next(u.text for u in result.unused if u.resource == "Observation/old")
        == "Platelets, 1992-03-04: older than 90 days"
    )


def test_the_age_limit_is_kept_per_concept():
    platelets = Concept.objects.get(code="platelets")
    platelets.result_max_age_days = 400
    platelets.save()  # as the admin does: the catalog sees the change
    result = read(
        lab("plt", "777-3", 210, "10*9/L", "2026-01-04"), lab("wbc", "6690-2", 5, "10*9/L", "2026-01-04")
    )
    assert "platelets" in result.answers() and "wbc" not in result.answers()
    assert unused(result)["Observation/wbc"] == "wbc from 2026-01-04, older than 90 days"


@pytest.mark.parametrize(
    ("when", "reason"), [("2026-12-01", "after the screening date"), (None, "has no date")]
)
def test_results_after_the_screening_date_or_undated_are_not_used(when, reason):
    resource = lab("plt", "777-3", 210, "10*9/L", when or "2026-11-01")
    if when is None:
        del resource["effectiveDateTime"]
    assert reason in unused(read(resource))["Observation/plt"]


def test_the_most_recent_result_is_used_and_the_older_one_listed():
    result = read(
        lab("a", "777-3", 100, "10*9/L", "2026-10-01"), lab("b", "777-3", 210, "10*9/L", "2026-11-01")
    )
    assert result.answers()["platelets"] == {"value": 210, "unit": "10^9/L"}
    assert "Observation/b is more recent" in unused(result)["Observation/a"]


@pytest.mark.parametrize("code", ["33914-3", "48642-3", "48643-1", "62238-1", "98979-8"])
def test_each_egfr_loinc_code_answers_egfr_with_its_ucum_unit(code):
    result = read(lab("gfr", code, 88, "mL/min/{1.73_m2}", "2026-11-01"))
    assert result.answers()["egfr"] == {"value": 88, "unit": "mL/min/1.73m2"}


@pytest.mark.parametrize(
    ("reference", "ratio"),
    [({"high": {"value": 40, "unit": "U/L"}}, 2.0), ({"text": "7-40 U/L"}, 2.0), ({"text": "< 40"}, 2.0)],
)
def test_alt_is_divided_by_the_upper_limit_the_observation_gives(reference, ratio):
    result = read(lab("alt", "1742-6", 80, "U/L", "2026-11-01", referenceRange=[reference]))
    assert result.answers()["alt_x_uln"] == ratio


def test_alt_without_any_upper_limit_is_not_guessed():
    result = read(lab("alt", "1742-6", 80, "U/L", "2026-11-01"))
    assert "alt_x_uln" not in result.answers()
    assert "upper limit" in unused(result)["Observation/alt"]


# -- conditions


def test_a_condition_in_remission_does_not_answer_a_current_concept():
    result = read(condition("hiv", SNOMED, "86406008", status="remission"))
    assert "hiv" not in result.answers()
    assert "remission, not active" in unused(result)["Condition/hiv"]


def test_ms_courses_give_diagnosis_phenotype_and_duration_from_the_onset():
    result = read(condition("ms", SNOMED, "426373005", onsetDateTime="2015-03-01"))
    answers = result.answers()
    assert (answers["diagnosis"], answers["ms_phenotype"]) == ("multiple_sclerosis", "RRMS")
    assert answers["disease_duration_years"] == 11.7


def test_an_icd10_code_is_read_through_its_category():
    result = read(condition("ms", ICD10, "G35"), condition("ca", ICD10, "C50.911", status="active"))
    assert result.answers()["diagnosis"] == "multiple_sclerosis"
    assert (result.answers()["malignancy"], result.answers()["years_since_malignancy_remission"]) == (
        "other",
        0,
    )


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        (SNOMED, "254701007", "excepted_only"),  # basal cell carcinoma of skin
        (ICD10, "D06.9", "excepted_only"),  # carcinoma in situ of cervix uteri
        (SNOMED, "92691004", "other"),  # carcinoma in situ of prostate
        (SNOMED, "254637007", "other"),  # non-small cell lung cancer
    ],
)
def test_malignancies_are_told_apart_as_the_vocabulary_does(system, code, expected):
    assert read(condition("ca", system, code)).answers()["malignancy"] == expected


@pytest.mark.parametrize(
    ("system", "code", "concept"),
    [
        (SNOMED, "66071002", "hepatitis_b"),  # viral hepatitis type B
        (SNOMED, "61977001", "hepatitis_b"),  # chronic type B viral hepatitis
        (ICD10, "B18.1", "hepatitis_b"),  # chronic viral hepatitis B without delta-agent
        (ICD10, "B19.10", "hepatitis_b"),  # unspecified viral hepatitis B, through B19.1
        (SNOMED, "128302006", "hepatitis_c"),  # chronic hepatitis C
        (ICD10, "B18.2", "hepatitis_c"),  # chronic viral hepatitis C
        (ICD10, "B17.11", "hepatitis_c"),  # acute hepatitis C with hepatic coma, through B17.1
        (SNOMED, "76272004", "syphilis"),
        (ICD10, "A53.9", "syphilis"),  # syphilis, unspecified, through A53
    ],
)
def test_infections_are_read_from_snomed_ct_as_from_icd10(system, code, concept):
    assert read(condition("inf", system, code)).answers()[concept] is True


def test_another_viral_hepatitis_is_not_hepatitis_b_or_c():
    answers = read(condition("hev", ICD10, "B17.2")).answers()  # acute hepatitis E
    assert "hepatitis_b" not in answers and "hepatitis_c" not in answers


def test_a_cancer_in_remission_gives_the_years_since_remission():
    result = read(condition("ca", SNOMED, "254637007", status="remission", abatementDateTime="2020-11-21"))
    assert result.answers()["malignancy"] == "other"
    assert result.answers()["years_since_malignancy_remission"] == 6.0


def test_an_excepted_skin_cancer_beside_another_cancer_is_other():
    result = read(condition("bcc", SNOMED, "254701007"), condition("ca", SNOMED, "254837009"))
    assert result.answers()["malignancy"] == "other"


def test_a_refuted_condition_is_not_read():
    refuted = condition(
        "ms",
        SNOMED,
        "24700007",
        verificationStatus={
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "refuted"}
            ]
        },
    )
    assert "diagnosis" not in read(refuted).answers()


# -- treatments


def statement(rid, **fields):
    return {"resourceType": "MedicationStatement", "id": rid, "subject": SUBJECT, **fields}


def test_a_contained_medication_is_followed():
    resource = statement(
        "st",
        status="completed",
        contained=[medication("m1", "L04AA23", ATC)],
        medicationReference={"reference": "#m1"},
        effectivePeriod={"start": "2024-01-01", "end": "2026-10-22"},
    )
    assert read(resource).answers()["medications"] == [
        {"drug": "natalizumab", "days_since_last_dose": 30, "months_on_treatment": 33.7}
    ]


@pytest.mark.parametrize(
    ("system", "code", "drug"),
    [
        (RXNORM, "75917", "interferon_beta"),  # interferon beta-1a
        (RXNORM, "72257", "interferon_beta"),  # interferon beta-1b
        (ATC, "L03AB13", "interferon_beta"),  # peginterferon beta-1a
        (RXNORM, "1310520", "teriflunomide"),
        (ATC, "L04AA31", "teriflunomide"),  # the 2014 index
        (ATC, "L04AK02", "teriflunomide"),  # since 2024
        (ATC, "N07XX09", "dimethyl_fumarate"),
        (ATC, "L04AX07", "dimethyl_fumarate"),
        (ATC, "L04AG03", "natalizumab"),
        (ATC, "L04AE01", "fingolimod"),
        (ATC, "L04AA36", "ocrelizumab"),
        (ATC, "L04AG08", "ocrelizumab"),
        (ATC, "L04AA34", "alemtuzumab"),
        (ATC, "L04AG06", "alemtuzumab"),
        (ATC, "L04AA40", "cladribine"),
        (ATC, "L01FA01", "rituximab"),
        (RXNORM, "190353", "daclizumab"),
        (RXNORM, "1092437", "belimumab"),
        (ATC, "L04AG04", "belimumab"),
        (RXNORM, "70223", "interleukin_2"),  # aldesleukin
        (RXNORM, "7005", "mitoxantrone"),
    ],
)
def test_a_drug_is_known_by_its_rxnorm_code_and_by_its_old_and_new_atc_codes(system, code, drug):
    resource = statement(
        "st",
        status="completed",
        medicationCodeableConcept={"coding": [{"system": system, "code": code}]},
        effectivePeriod={"start": "2025-11-21", "end": "2026-10-22"},
    )
    assert [m["drug"] for m in read(resource).answers()["medications"]] == [drug]


def test_a_medication_elsewhere_in_the_bundle_is_followed_by_its_urn():
    med = medication("m2", "1734919")  # cyclophosphamide 1000 MG Injection, as Synthea codes it
    resources = [
        med,
        {
            "resourceType": "MedicationAdministration",
            "id": "ad",
            "status": "completed",
            "subject": SUBJECT,
            "medicationReference": {"reference": "urn:uuid:r-0"},
            "effectiveDateTime": "2026-11-11",
        },
    ]
    assert read(*resources).answers()["medications"] == [
        {"drug": "cyclophosphamide", "days_since_last_dose": 10, "months_on_treatment": 0.0}
    ]


def test_an_unresolvable_medication_reference_is_reported():
    result = read(statement("st", status="active", medicationReference={"reference": "Medication/nowhere"}))
    assert "medications" not in result.answers()
    assert "not in the bundle" in unused(result)["MedicationStatement/st"]


def test_a_request_reads_its_dosage_bounds_for_the_last_dose():
    request = {
        "resourceType": "MedicationRequest",
        "id": "rq",
        "status": "completed",
        "intent": "order",
        "subject": SUBJECT,
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "855332"}]
        },  # warfarin, Synthea's code
        "authoredOn": "2026-01-01",
        "dosageInstruction": [
            {
                "timing": {
                    "repeat": {
                        "boundsDuration": {
                            "value": 30,
                            "unit": "days",
                            "system": "http://unitsofmeasure.org",
                            "code": "d",
                        }
                    }
                }
            }
        ],
    }
    assert read(request).answers()["medications"] == [
        {"drug": "anticoagulant", "days_since_last_dose": 294, "months_on_treatment": 1.0}
    ]


def test_an_active_treatment_is_current_and_a_planned_one_is_not_taken():
    active = statement(
        "a",
        status="active",
        effectivePeriod={"start": "2026-05-21"},
        medicationCodeableConcept={"text": "Tysabri 300 mg"},
    )
    planned = {
        "resourceType": "MedicationRequest",
        "id": "p",
        "status": "active",
        "intent": "plan",
        "subject": SUBJECT,
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "L04AA27"}]},
    }
    result = read(active, planned)
    assert result.answers()["medications"] == [
        {"drug": "natalizumab", "days_since_last_dose": 0, "months_on_treatment": 6.0}
    ]
    assert "not an order" in unused(result)["MedicationRequest/p"]


# -- real files


def test_a_real_synthea_bundle_gives_its_patients_recent_answers_only():
    result = map_bundle(real("synthea_liz_conn.json.gz"), catalog=current_catalog(), as_of=date(2018, 9, 1))
    answers = result.answers()
    assert answers["sex"] == "female" and answers["age"] == 31
    assert answers["egfr"] == {"value": 159.13022420996492, "unit": "mL/min/1.73m2"}  # 2018-08-17
    reasons = unused(result)
    assert any(r == "egfr from 2015-08-14, older than 90 days" for r in reasons.values())
    assert "Hypertension" in " ".join(reasons.values())


def test_a_real_deceased_synthea_patient_is_refused():
    with pytest.raises(BundleError) as caught:
        map_bundle(real("synthea_fletcher_hyatt_4mb.json.gz"), catalog=current_catalog(), as_of=AS_OF)
    assert caught.value.field == "Patient.deceased"


def test_a_real_bundle_without_a_patient_is_refused():
    with pytest.raises(BundleError, match="no Patient"):
        map_bundle(real("synthea_hospital_information.json.gz"), catalog=current_catalog(), as_of=AS_OF)


def test_the_hl7_cbc_example_is_another_patients_when_put_beside_ours():
    report = json.loads(real("hl7-diagnosticreport-example.json"))
    ours = json.loads(real("hl7-patient-example.json"))
    report["entry"].insert(0, {"fullUrl": "https://example.com/base/Patient/example", "resource": ours})
    result = map_bundle(report, catalog=current_catalog(), as_of=date(2011, 3, 10))
    assert set(result.answers()) <= {"age", "sex"}
    assert unused(result)["Observation/r1"] == "belongs to Patient/pat2, not to Patient/example"


def test_the_hl7_medication_examples_are_read_through_their_contained_medication():
    ours = json.loads(real("hl7-patient-example.json"))
    for name in (
        "hl7-medicationrequest0301.json",
        "hl7-medicationadministration0301.json",
        "hl7-medicationstatementexample1.json",
    ):
        resource = json.loads(real(name))
        resource = copy.deepcopy(resource)
        result = map_bundle(bundle(resource, patients=(ours,)), catalog=current_catalog(), as_of=AS_OF)
        assert result.unused and result.unused[0].resource.startswith(resource["resourceType"])
        assert "medications" not in result.answers()  # vancomycin and the like are no trial's treatments
