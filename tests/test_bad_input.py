"""Bad input is a 400 with a message naming what is wrong, never a 500 and never a blanket
"not valid JSON": dates only YYYY-MM-DD between 1900 and 2100, durations within their
concept's range, huge numbers and deep nesting named by their concept (or `answers`), and the
clinic form's FHIR prefill refusing anything that its preview page did not post."""

import json

import pytest
from django.urls import reverse

from tests.clinic_base import ClinicBase

pytestmark = pytest.mark.django_db
BASE = {"age": 47, "sex": "female", "diagnosis": "multiple_sclerosis"}
DEEP = "[" * 20_000 + "]" * 20_000  # 40 kB: under the API body limit, far over the parser's depth


def screen(client, body: str | dict):
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/screen", raw, content_type="application/json")


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-W01-1", "YYYY-MM-DD"),  # an ISO week date, which fromisoformat reads as 2025-12-29
        ("20261121", "YYYY-MM-DD"),
        ("2026-11-21T00:00", "YYYY-MM-DD"),
        ("2026-02-30", "YYYY-MM-DD"),
        ("0001-01-01", "between 1900-01-01 and 2100-12-31"),
        ("1899-12-31", "between 1900-01-01 and 2100-12-31"),
        ("2101-01-01", "between 1900-01-01 and 2100-12-31"),
        ("9999-12-31", "between 1900-01-01 and 2100-12-31"),
        (20261121, "YYYY-MM-DD"),
    ],
)
def test_as_of_is_only_a_yyyy_mm_dd_date_from_1900_to_2100(client, as_of, message):
    response = screen(client, {"answers": BASE, "as_of": as_of})
    assert response.status_code == 400
    assert message in response.json()["errors"]["as_of"]


@pytest.mark.parametrize("as_of", ["1900-01-01", "2100-12-31"])
def test_the_bounds_themselves_are_accepted(client, as_of):
    assert screen(client, {"answers": {"sex": "female"}, "as_of": as_of}).status_code == 200


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("1899-12-31", "between 1900-01-01 and 2100-12-31"),
        ("0001-01-01", "between 1900-01-01 and 2100-12-31"),
        ("2020-W01-1", "YYYY-MM-DD"),
    ],
)
def test_birth_date_follows_the_same_rule(client, birth_date, message):
    response = screen(client, {"answers": {"birth_date": birth_date}, "as_of": "2026-11-21"})
    assert response.status_code == 400 and message in response.json()["errors"]["birth_date"]


@pytest.mark.parametrize(
    ("answers", "concept", "words"),
    [
        ('{"days_since_last_relapse": 1e308}', "days_since_last_relapse", "from 0 to 43830, or"),
        ('{"days_since_last_relapse": 43831}', "days_since_last_relapse", "from 0 to 43830"),
        ('{"months_since_live_vaccine": 1e308}', "months_since_live_vaccine", "from 0 to 1440"),
        ('{"age": ' + "9" * 5000 + "}", "age", "finite number"),
        ('{"edss": -' + "9" * 5000 + "}", "edss", "finite number"),
        ('{"days_since_last_relapse": ' + "9" * 5000 + "}", "days_since_last_relapse", '"never"'),
        ('{"medications": [{"drug": "natalizumab", "days_since_last_dose": 1e308}]}', "medications", "at most"),
        ('{"medications": [{"drug": "natalizumab", "months_on_treatment": ' + "9" * 5000 + "}]}", "medications", "0 or more"),
        ('{"medications": ' + DEEP + "}", "medications", "nested"),
        ('{"age": 47, "edss": {"value": ' + DEEP + "}}", "edss", "nested"),
    ],
)  # fmt: skip
def test_huge_numbers_and_deep_nesting_are_refused_on_their_concept(client, answers, concept, words):
    response = screen(client, '{"as_of": "2026-11-21", "answers": ' + answers + "}")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "body" not in errors and words in errors[concept], errors


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"answers": ' + DEEP + "}", "answers"),
        ('{"answers": {}, "trials": ' + DEEP + "}", "trials"),
        ('{"answers": {}, "limit": ' + "9" * 5000 + "}", "limit"),
        (DEEP, "body"),
    ],
)
def test_deep_nesting_and_huge_numbers_in_the_envelope_name_their_field(client, body, field):
    response = screen(client, body)
    assert response.status_code == 400 and set(response.json()["errors"]) == {field}


# What the FHIR preview page posts back, and every way it can arrive malformed.
GOOD = {
    "imported_answers": '{"age": 47}',
    "imported_provenance": '{"age": "Patient/p1"}',
    "imported_as_of": "2026-11-21",
}
MALFORMED = [
    ("imported_answers", "[]"),
    ("imported_answers", '"str"'),
    ("imported_answers", "1"),
    ("imported_answers", "null"),
    ("imported_answers", "true"),
    ("imported_answers", "not json"),
    ("imported_answers", "{"),
    ("imported_answers", '{"medications": [1]}'),
    ("imported_answers", '{"medications": "natalizumab"}'),
    ("imported_answers", '{"medications": [{"drug": 5}]}'),
    ("imported_answers", '{"medications": [{"drug": "natalizumab", "days_since_last_dose": "x"}]}'),
    ("imported_answers", '{"age": "x"}'),
    ("imported_answers", '{"age": [1]}'),
    ("imported_answers", '{"age": 1e999}'),
    ("imported_answers", '{"age": ' + "9" * 5000 + "}"),
    ("imported_answers", '{"platelets": {"value": 1}}'),
    ("imported_answers", '{"sex": {"a": 1}}'),
    ("imported_answers", '{"no_such_concept": 1}'),
    ("imported_answers", '{"birth_date": "0001-01-01"}'),
    ("imported_answers", DEEP),
    ("imported_provenance", "[]"),
    ("imported_provenance", '"str"'),
    ("imported_provenance", "1"),
    ("imported_provenance", "null"),
    ("imported_provenance", '{"age": 5}'),
    ("imported_provenance", '{"age": [1]}'),
    ("imported_provenance", "not json"),
    ("imported_as_of", ""),
    ("imported_as_of", "2026-W01-1"),
    ("imported_as_of", "0001-01-01"),
    ("imported_as_of", "9999-12-31"),
    ("imported_as_of", "21/11/2026"),
]


class TestTheClinicPrefill(ClinicBase):
    def prefill(self, client, **fields):
        self.as_user(client, self.clinician)
        data = {"action": "prefill", **GOOD, **fields}
        return client.post(reverse("clinic:screening_new", args=[self.patient.pk]), data)

    def test_what_the_preview_page_posts_fills_the_form(self, client):
        response = self.prefill(client)
        assert response.status_code == 200
        assert response.context["form"].questions["age"].initial == {"age": "47"}

    @pytest.mark.parametrize(("field", "value"), MALFORMED)
    def test_anything_malformed_is_a_400_naming_the_field(self, client, field, value):
        response = self.prefill(client, **{field: value})
        assert response.status_code == 400
        problems = response.context["prefill_errors"]
        assert problems and all(p.startswith(f"{field}: ") for p in problems), problems
        assert "could not be read" in response.content.decode()


class TestTheClinicScreeningDate(ClinicBase):
    @pytest.mark.parametrize("as_of", ["2026-W01-1", "0001-01-01", "1899-12-31", "2026-1-5", "21/11/2026"])
    def test_the_screening_date_follows_the_api_rule(self, client, as_of):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:screening_new", args=[self.patient.pk]), {"action": "check", "as_of": as_of}
        )
        assert response.status_code == 400 and response.context["form"].errors["as_of"]

    def test_the_fhir_import_date_too(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:fhir_import", args=[self.patient.pk]) + "?as_of=0001-01-01",
            "{}",
            content_type="application/fhir+json",
        )
        assert response.status_code == 400 and response.context["form"].errors["as_of"]
