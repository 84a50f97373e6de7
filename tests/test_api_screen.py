"""POST /api/v1/screen: the public contract of shared/spec/api.md."""

import json

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen"


def post(client, body, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


def errors_of(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()["errors"]


def test_it_screens_every_published_trial_by_default(client):
    response = post(client, {"answers": {}})
    assert response.status_code == 200
    body = response.json()
    assert {r["trial_id"] for r in body["results"]} == {
        "NCT04821596",
        "NCT02403947",
        "NCT02424396",
        "NCT06592703",
        "EUCTR2017-001400-29-FR",
    }
    assert set(body["results"][0]) == {
        "trial_id",
        "title",
        "status",
        "verdict",
        "failed",
        "unknown",
        "missing_concepts",
        "confirmed_at_visit",
    }


def test_it_restricts_to_the_requested_trials_and_echoes_as_of(client):
    body = post(client, {"answers": {}, "as_of": "2026-01-02", "trials": ["NCT02403947"]}).json()
    assert body["as_of"] == "2026-01-02"
    assert [r["trial_id"] for r in body["results"]] == ["NCT02403947"]
    assert body["results"][0]["status"] == "terminated"


def test_it_answers_the_example_of_the_specification(client):
    body = post(
        client,
        {
            "answers": {
                "age": 34,
                "sex": "female",
                "diagnosis": "multiple_sclerosis",
                "ms_phenotype": "RRMS",
                "edss": 3.5,
                "platelets": {"value": 120000, "unit": "/mm3"},
                "days_since_last_relapse": "never",
                "medications": [{"drug": "natalizumab", "days_since_last_dose": 40}],
            },
            "as_of": "2026-11-21",
            "trials": ["NCT02403947"],
        },
    ).json()
    (result,) = body["results"]
    assert result["verdict"] == "ineligible"
    reasons = {f["source_text"]: f for f in result["failed"]}
    natalizumab = reasons[
        "Inferior to 3 months since treatment with any immunosuppressive therapy including natalizumab and "
        "fingolimod"
    ]
    assert natalizumab["kind"] == "exclusion"
    assert natalizumab["concepts"] == ["medications"]
    assert "natalizumab last taken 40 days ago" in natalizumab["explanation"]
    assert isinstance(natalizumab["criterion_id"], int)


def test_results_are_ordered_eligible_then_needs_info_by_missing_count_then_ineligible(client):
    answers = {
        "age": 47,
        "sex": "male",
        "diagnosis": "multiple_sclerosis",
        "ms_phenotype": "PPMS",
        "edss": 4.5,
    }
    results = post(client, {"answers": answers}).json()["results"]
    order = {"eligible": 0, "needs_info": 1, "ineligible": 2}
    ranks = [order[r["verdict"]] for r in results]
    assert ranks == sorted(ranks)
    needs = [len(r["missing_concepts"]) for r in results if r["verdict"] == "needs_info"]
    assert needs == sorted(needs)


def test_unit_equivalent_answers_give_the_same_results(client):
    base = {"diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS", "age": 30}
    in_mm3 = post(client, {"answers": {**base, "platelets": {"value": 150000, "unit": "/mm3"}}}).json()
    in_gl = post(client, {"answers": {**base, "platelets": {"value": 150, "unit": "G/L"}}}).json()
    canonical = post(client, {"answers": {**base, "platelets": 150}}).json()
    verdicts = [[(r["trial_id"], r["verdict"]) for r in b["results"]] for b in (in_mm3, in_gl, canonical)]
    assert verdicts[0] == verdicts[1] == verdicts[2]


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"foo": 1}, "foo", "unknown concept"),
        ({"age": "34"}, "age", "number"),
        ({"age": True}, "age", "number"),
        ({"age": 34.5}, "age", "whole number"),
        ({"age": 130}, "age", "between 0 and 120"),
        ({"edss": 3.2}, "edss", "EDSS must be between 0 and 10 in steps of 0.5"),
        ({"edss": -1}, "edss", "between 0 and 10"),
        ({"sex": "other"}, "sex", "female, male"),
        ({"pregnant": "yes"}, "pregnant", "true or false"),
        ({"platelets": {"value": 150, "unit": "furlongs"}}, "platelets", "furlongs"),
        ({"platelets": {"value": 150, "unit": "mg/dL"}}, "platelets", "mg/dL"),
        ({"platelets": {"value": 150}}, "platelets", "unit"),
        ({"platelets": {"value": "lots", "unit": "G/L"}}, "platelets", "number"),
        ({"platelets": -5}, "platelets", "between 0 and 5000"),
        ({"days_since_last_relapse": -3}, "days_since_last_relapse", "never"),
        ({"days_since_last_relapse": "yesterday"}, "days_since_last_relapse", "never"),
        ({"medications": [{"drug": "aspirin_forte"}]}, "medications", "unknown drug code"),
        ({"medications": [{"drug": "fingolimod", "dose": 3}]}, "medications", "unknown fields"),
        ({"medications": {"drug": "fingolimod"}}, "medications", "list"),
        ({"medications": [{"drug": "fingolimod", "days_since_last_dose": -1}]}, "medications", "0 or more"),
        ({"relapses_12m": 3, "relapses_24m": 1}, "relapses_24m", "fewer"),
        ({"birth_date": "1990-02-30"}, "birth_date", "YYYY-MM-DD"),
        ({"birth_date": "2030-01-01"}, "birth_date", "after the screening date"),
        ({"age": 20, "birth_date": "1980-01-01"}, "age", "does not match"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_it_rejects_bad_answers_naming_the_concept(client, answers, field, words):
    errors = errors_of(post(client, {"answers": answers, "as_of": "2026-11-21"}))
    assert field in errors
    assert words in errors[field]


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_it_rejects_non_finite_numbers(client, raw):
    body = b'{"answers": {"edss": ' + raw + b"}}"
    errors = errors_of(post(client, body))
    assert "edss" in errors


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"\xff\xfe", "body"),
        (b"[1, 2]", "body"),
        (b'"answers"', "body"),
        ({"answers": []}, "answers"),
        ({"answers": "age=3"}, "answers"),
        ({}, "answers"),
        ({"answers": {}, "as_of": "21/11/2026"}, "as_of"),
        ({"answers": {}, "as_of": 20261121}, "as_of"),
        ({"answers": {}, "trials": "NCT02403947"}, "trials"),
        ({"answers": {}, "trials": ["NCT00000000"]}, "trials"),
        ({"answers": {}, "trials": [1]}, "trials"),
        ({"answers": {}, "answer": {}}, "answer"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_it_rejects_a_bad_envelope_naming_the_field(client, body, field):
    assert field in errors_of(post(client, body))


def test_it_rejects_deeply_nested_json_with_400(client):
    body = '{"answers": {"medications": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = post(client, body)
    assert response.status_code == 400


def test_it_refuses_oversized_bodies_with_413(client, settings):
    settings.SCREEN_MAX_BODY_BYTES = 1000
    response = post(client, {"answers": {"age": 30}, "padding": "x" * 2000})
    assert response.status_code == 413
    assert "body" in response.json()["errors"]


def test_it_reports_every_error_at_once_and_evaluates_nothing(client):
    errors = errors_of(post(client, {"answers": {"edss": 11, "sex": "x", "foo": 1}, "trials": ["nope"]}))
    assert set(errors) == {"edss", "sex", "foo", "trials"}


def test_it_treats_null_unknown_and_omitted_alike(client):
    def verdicts(answers):
        return [(r["trial_id"], r["verdict"]) for r in post(client, {"answers": answers}).json()["results"]]

    base = {"diagnosis": "multiple_sclerosis"}
    assert verdicts({**base, "edss": None}) == verdicts({**base, "edss": "unknown"}) == verdicts(base)


def test_birth_date_gives_the_age_at_the_screening_date(client):
    # Born 2008-11-22: 17 on 2026-11-21, 18 the day after; MSC-LES requires adults.
    def verdict(as_of):
        body = {"answers": {"birth_date": "2008-11-22"}, "as_of": as_of, "trials": ["EUCTR2017-001400-29-FR"]}
        return post(client, body).json()["results"][0]

    assert verdict("2026-11-21")["verdict"] == "ineligible"
    assert "Age 17" in verdict("2026-11-21")["failed"][0]["explanation"]
    assert verdict("2026-11-22")["verdict"] == "needs_info"


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405
