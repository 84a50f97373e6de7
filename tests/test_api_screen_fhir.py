"""POST /api/v1/screen/fhir, as shared/spec/api.md states it: a bundle in, its answers, their
provenance, what was not used, and the same results as /api/v1/screen for those answers."""

import gzip
import json
from pathlib import Path

import pytest

from tests.fhir_bundles import bundle, lab, patient

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
URL = "/api/v1/screen/fhir"


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "100000/m"}


def post(client, body, query="?as_of=2026-11-21", content_type="application/fhir+json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(URL + query, data, content_type=content_type)


def ms_bundle() -> bytes:
    return (FIXTURES / "ms_patient_bundle.json").read_bytes()


def test_a_bundle_gets_its_answers_provenance_unused_and_results(client):
    response = post(client, ms_bundle())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"as_of", "answers", "provenance", "unused", "results", "counts", "next_question"}
    assert body["answers"]["age"] == 47 and body["answers"]["diagnosis"] == "multiple_sclerosis"
    assert body["provenance"]["age"] == ["Patient/pat-1"]
    assert {
        "resource": "Observation/obs-neu-old",
        "reason": "neutrophils from 2026-06-10, older than 90 days",
    } in body["unused"]
    assert sum(body["counts"].values()) == 5


def test_the_results_are_those_of_the_screen_api_for_the_same_answers(client):
    fhir = post(client, ms_bundle(), query="?as_of=2026-11-21&mode=clinician").json()
    plain = client.post(
        "/api/v1/screen",
        json.dumps({"answers": fhir["answers"], "as_of": "2026-11-21", "mode": "clinician"}),
        content_type="application/json",
    ).json()
    assert fhir["results"] == plain["results"]
    assert fhir["counts"] == plain["counts"]
    assert fhir["next_question"] == plain["next_question"]


def test_query_parameters_select_trials_verdicts_and_a_limit(client):
    body = post(client, ms_bundle(), query="?as_of=2026-11-21&verdicts=ineligible,needs_info&limit=2").json()
    assert len(body["results"]) == 2
    assert {r["verdict"] for r in body["results"]} <= {"ineligible", "needs_info"}
    one = post(client, ms_bundle(), query="?as_of=2026-11-21&trials=NCT02403947").json()
    assert [r["trial_id"] for r in one["results"]] == ["NCT02403947"]
    assert sum(one["counts"].values()) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?as_of=21/11/2026", "as_of"),
        ("?trials=NCT0", "trials"),
        ("?verdicts=maybe", "verdicts"),
        ("?limit=0", "limit"),
        ("?limit=ten", "limit"),
        ("?mode=doctor", "mode"),
        ("?colour=blue", "colour"),
    ],
)
def test_bad_query_parameters_are_400s_naming_them(client, query, field):
    response = post(client, ms_bundle(), query=query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "bundle"),
        (b'{"resourceType": "Patient", "id": "p"}', "bundle"),
        (bundle(patients=()), "bundle"),
        (bundle(patients=(patient("a"), patient("b"))), "bundle"),
        (bundle(patients=(patient(deceasedDateTime="1996-01-02"),)), "Patient.deceased"),
        (bundle({"resourceType": "Spaceship", "id": "x"}), "bundle"),
    ],
)
def test_unscreenable_bundles_are_400s_on_the_contracts_field(client, body, field):
    response = post(client, body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_another_patients_results_are_listed_not_screened(client):
    body = post(
        client, bundle(lab("theirs", "777-3", 20, "10*9/L", "2026-11-01", subject={"reference": "Patient/x"}))
    ).json()
    assert "platelets" not in body["answers"]
    assert body["unused"] == [
        {"resource": "Observation/theirs", "reason": "belongs to Patient/x, not to Patient/p1"}
    ]


def test_a_25_mb_bundle_is_a_413_and_a_4_mb_one_is_read(client):
    padding = "x" * (25 * 1024 * 1024)
    huge = json.dumps(
        bundle(patients=(patient(text={"status": "generated", "div": f"<div>{padding}</div>"}),))
    )
    response = post(client, huge.encode())
    assert response.status_code == 413
    assert "bundle" in response.json()["errors"]
    big = gzip.decompress((FIXTURES / "real" / "synthea_fletcher_hyatt_4mb.json.gz").read_bytes())
    assert len(big) > 3_800_000
    response = post(client, big)  # over DATA_UPLOAD_MAX_MEMORY_SIZE, within the bundle limit
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"Patient.deceased"}


def test_a_real_synthea_bundle_is_screened(client):
    raw = gzip.decompress((FIXTURES / "real" / "synthea_jordan_cruickshank_1mb.json.gz").read_bytes())
    response = post(client, raw, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["answers"]["sex"] == "female"
    assert any(u["reason"].endswith("is not used for screening") for u in body["unused"])
    assert sum(body["counts"].values()) == 5
