"""Hand-built FHIR R4 resources for edge-case bundles: one patient, as Synthea names it (an
urn:uuid fullUrl that the other resources reference), unless a test says otherwise."""

from __future__ import annotations

PATIENT_URL = "urn:uuid:7a1e6a4c-0000-4000-8000-000000000001"
SUBJECT = {"reference": PATIENT_URL}
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"


def patient(pid: str = "p1", **fields) -> dict:
    return {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1979-05-02", **fields}


def bundle(*resources: dict, patients: tuple[dict, ...] | None = None) -> dict:
    people = (patient(),) if patients is None else patients
    entries = [
        {"fullUrl": PATIENT_URL if i == 0 else f"urn:uuid:p-{i}", "resource": p} for i, p in enumerate(people)
    ]
    entries += [{"fullUrl": f"urn:uuid:r-{i}", "resource": r} for i, r in enumerate(resources)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def lab(rid: str, code: str, value: float, unit: str, when: str, subject: dict = SUBJECT, **extra) -> dict:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": subject,
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        **extra,
    }


def condition(
    rid: str, system: str, code: str, status: str = "active", subject: dict = SUBJECT, **extra
) -> dict:
    return {
        "resourceType": "Condition",
        "id": rid,
        "clinicalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]
        },
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": subject,
        **extra,
    }


def medication(rid: str, code: str, system: str = RXNORM) -> dict:
    return {"resourceType": "Medication", "id": rid, "code": {"coding": [{"system": system, "code": code}]}}
