"""POST /api/v1/screen: counts, the verdicts / limit selection, the mode, and next_question
(shared/spec/api.md)."""

import json

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen"
MS_WOMAN = {"age": 40, "sex": "female", "diagnosis": "multiple_sclerosis"}
# Lupus rules out the four MS trials; a 10-year-old rules out the lupus trial (adults only).
RULED_OUT_OF_EVERYTHING = {"age": 10, "diagnosis": "systemic_lupus_erythematosus"}


def post(client, body, **extra):
    return client.post(URL, json.dumps(body), content_type="application/json", **extra)


def verdicts_of(body) -> list[str]:
    return [r["verdict"] for r in body["results"]]


def test_counts_cover_every_screened_trial_whatever_is_returned(client):
    full = post(client, {"answers": MS_WOMAN}).json()
    counted = {v: verdicts_of(full).count(v) for v in ("eligible", "needs_info", "ineligible")}
    assert full["counts"] == counted and sum(counted.values()) == 5

    selected = post(client, {"answers": MS_WOMAN, "verdicts": ["ineligible"], "limit": 1}).json()
    assert selected["counts"] == full["counts"]
    assert verdicts_of(selected) == ["ineligible"]


def test_verdicts_and_limit_select_from_the_api_order(client):
    full = post(client, {"answers": MS_WOMAN}).json()["results"]
    body = post(client, {"answers": MS_WOMAN, "verdicts": ["needs_info", "eligible"], "limit": 2}).json()
    expected = [r["trial_id"] for r in full if r["verdict"] != "ineligible"][:2]
    assert [r["trial_id"] for r in body["results"]] == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("verdicts", ["maybe"]),
        ("verdicts", "eligible"),
        ("verdicts", [1]),
        ("limit", 0),
        ("limit", 1001),
        ("limit", 2.5),
        ("limit", True),
        ("limit", "10"),
        ("mode", "doctor"),
        ("mode", 1),
    ],
)
def test_a_bad_selection_or_mode_is_a_400_naming_it(client, field, value):
    response = post(client, {"answers": {}, field: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_next_question_names_a_concept_that_can_decide_trials_in_the_requested_wording(client):
    patient = post(client, {"answers": {}}, HTTP_ACCEPT_LANGUAGE="en").json()["next_question"]
    clinician = post(client, {"answers": {}, "mode": "clinician"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    clinician = clinician["next_question"]
    assert patient["concept"] == clinician["concept"]
    assert patient["trials_it_can_decide"] >= 1
    assert patient["question"] != clinician["question"]  # plain words vs the clinician's French


def test_an_answer_of_unknown_is_never_proposed_again(client):
    first = post(client, {"answers": {}}).json()["next_question"]["concept"]
    after = post(client, {"answers": {first: "unknown"}}).json()["next_question"]
    assert after is None or after["concept"] != first


def test_next_question_is_null_when_no_answer_could_change_a_verdict(client):
    body = post(client, {"answers": RULED_OUT_OF_EVERYTHING}).json()
    assert body["counts"] == {"eligible": 0, "needs_info": 0, "ineligible": 5}
    assert body["next_question"] is None
