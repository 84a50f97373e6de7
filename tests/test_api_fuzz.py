"""Property tests on POST /api/v1/screen: whatever the body (any JSON, answers of the wrong
shape, raw bytes), the answer is 200 or a 4xx that names what is wrong, never a 500; and a lab
value's verdicts do not depend on the unit it was entered in."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trials.seed_data.vocabulary import CONCEPTS

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings):
    # Hundreds of requests from one address in a few seconds: the rate limit is not under test.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "100000/m"}


CODES = [c["code"] for c in CONCEPTS]
UNITS = sorted({u for c in CONCEPTS for u in c["accepted_units"]} | {"", "furlong", "mg/dL"})
CHOICES = sorted({choice["code"] for c in CONCEPTS for choice in c["choices"]})

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# Values shaped like real answers, so fuzzing reaches unit conversion and cross-field checks.
answer_values = (
    json_values
    | st.sampled_from(CHOICES + ["unknown", "never"])
    | st.fixed_dictionaries(
        {"value": st.floats() | st.integers() | st.text(max_size=5), "unit": st.sampled_from(UNITS)}
    )
    | st.lists(
        st.fixed_dictionaries(
            {
                "drug": st.sampled_from(["natalizumab", "ocrelizumab", "aspirin", ""]),
                "days_since_last_dose": json_values,
            }
        ),
        max_size=3,
    )
)
answers = st.dictionaries(st.sampled_from(CODES) | st.text(max_size=10), answer_values, max_size=8)
envelopes = st.fixed_dictionaries(
    {"answers": answers},
    optional={
        "as_of": st.none() | st.dates().map(str) | st.text(max_size=12) | st.integers(),
        "trials": st.none()
        | st.lists(st.sampled_from(["NCT02403947", "NCT04821596", "NCT0"]) | st.text(max_size=5)),
    },
)


def post(client, body: bytes):
    return client.post("/api/v1/screen", body, content_type="application/json")


def assert_answered(response) -> None:
    assert response.status_code in {200, 400, 413}, response.content[:500]
    body = response.json()
    if response.status_code == 200:
        assert {r["verdict"] for r in body["results"]} <= {"eligible", "ineligible", "needs_info"}
    else:
        assert body["errors"] and all(
            isinstance(k, str) and isinstance(v, str) for k, v in body["errors"].items()
        )


@FUZZ
@given(body=json_values)
def test_any_json_body_gets_an_answer_never_a_server_error(client, body):
    assert_answered(post(client, json.dumps(body).encode()))


@FUZZ
@given(body=envelopes)
def test_any_answers_get_verdicts_or_errors_naming_the_field(client, body):
    response = post(client, json.dumps(body).encode())
    assert_answered(response)
    if response.status_code == 400:
        named = set(body) | set(body["answers"]) | {"body"}
        assert set(response.json()["errors"]) <= named


@FUZZ
@given(raw=st.binary(max_size=300))
def test_bytes_that_are_not_json_are_a_400(client, raw):
    assert_answered(post(client, raw))


BASE = {
    "age": 47,
    "sex": "female",
    "diagnosis": "multiple_sclerosis",
    "ms_phenotype": "RRMS",
    "edss": 3.5,
    "days_since_last_relapse": "never",
    "medications": [],
}
# The same count of cells per litre written in each accepted unit.
PER_LITRE_UNITS = {"10^9/L": 1, "G/L": 1, "/mm3": 1000, "/uL": 1000, "cells/uL": 1000, "10^3/uL": 1}


@FUZZ
@given(
    billions=st.integers(min_value=0, max_value=1000).map(lambda n: n / 2),
    concept=st.sampled_from(["platelets", "lymphocytes", "neutrophils"]),
)
def test_verdicts_do_not_depend_on_the_unit_a_count_is_written_in(client, billions, concept):
    verdicts = set()
    for unit, factor in PER_LITRE_UNITS.items():
        answers = {**BASE, concept: {"value": billions * factor, "unit": unit}}
        response = post(client, json.dumps({"answers": answers, "as_of": "2026-11-21"}).encode())
        assert response.status_code == 200, (unit, response.json())
        verdicts.add(tuple((r["trial_id"], r["verdict"]) for r in response.json()["results"]))
    assert len(verdicts) == 1


fhir_resources = st.fixed_dictionaries(
    {
        "resourceType": st.sampled_from(
            ["Patient", "Observation", "Condition", "MedicationStatement", "Medication", "Spaceship"]
        )
    },
    optional={
        "id": st.text(max_size=6),
        "subject": st.fixed_dictionaries(
            {"reference": st.sampled_from(["Patient/p", "urn:uuid:x", "Patient/q", ""])}
        ),
        "status": st.sampled_from(["final", "active", "completed", "entered-in-error"]) | st.text(max_size=5),
        "code": json_values,
        "valueQuantity": json_values,
        "effectiveDateTime": st.dates().map(str) | st.text(max_size=10),
        "deceasedBoolean": st.booleans(),
        "medicationReference": st.fixed_dictionaries({"reference": st.text(max_size=8)}),
    },
)
fhir_bodies = json_values | st.fixed_dictionaries(
    {"resourceType": st.just("Bundle"), "type": st.sampled_from(["collection", "transaction", "x"])},
    optional={
        "entry": st.lists(st.fixed_dictionaries({"resource": fhir_resources}) | json_values, max_size=5)
    },
)


@FUZZ
@given(body=fhir_bodies)
def test_any_fhir_body_gets_an_answer_never_a_server_error(client, body):
    response = client.post(
        "/api/v1/screen/fhir?as_of=2026-11-21",
        json.dumps(body).encode(),
        content_type="application/fhir+json",
    )
    assert_answered(response)
