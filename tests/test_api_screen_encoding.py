"""The full /api/v1/screen response is joined from each trial's parts encoded once per
catalog: it must be exactly what encoding the results afresh gives, and follow the catalog."""

import json

import orjson
import pytest

from screening import nearby
from screening.catalog import build_catalog, current_catalog
from screening.results import _results_bytes, _results_json, patient_screen
from trials.models import Trial
from trials.synthetic import synthetic_trials, synthetic_trials_delete, synthetic_trials_insert

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen"
ANSWERS = [
    {},
    {"age": 34, "sex": "female", "ms_phenotype": "RRMS", "edss": 3.5, "platelets": 120.0},
    {"age": 52, "sex": "male", "diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS", "edss": 6.0},
]


@pytest.mark.parametrize("answers", ANSWERS)
def test_the_joined_results_are_byte_for_byte_a_fresh_encoding(answers):
    synthetic_trials_insert(trials=synthetic_trials(40, seed=5, prefix="SYN-E-"))
    catalog = build_catalog()
    screen = patient_screen(catalog, answers)
    values = screen.answers
    order = screen.order()
    fresh = orjson.dumps(_results_json(catalog, values, None, screen.outcomes(order)))
    # Twice: the second joins the fragments the first kept.
    for _ in range(2):
        assert _results_bytes(catalog, screen, order, None) == fresh
    assert len(orjson.loads(fresh)) == len(catalog.plan)
    assert synthetic_trials_delete(prefix="SYN-E-") == 40


def test_results_near_a_place_carry_each_nearest_site_last_as_before():
    catalog = build_catalog()
    screen = patient_screen(catalog, ANSWERS[2])
    nearest = nearby.nearest_sites((43.2965, 5.3698))  # Marseille
    order = screen.order()
    expected = _results_json(catalog, screen.answers, None, screen.outcomes(order))
    for result in expected:
        site = nearest.get(result["trial_id"])
        result["nearest_site"] = None if site is None else site.as_json()
    joined = _results_bytes(catalog, screen, order, None, nearest)
    assert joined == orjson.dumps(expected)
    assert any(r["nearest_site"] for r in orjson.loads(joined))


def test_the_api_shows_a_trials_new_title_and_status_right_after_an_edit(client):
    def results() -> dict[str, dict]:
        response = client.post(URL, json.dumps({"answers": {"age": 40}}), content_type="application/json")
        assert response.status_code == 200
        return {r["trial_id"]: r for r in response.json()["results"]}

    trial = Trial.objects.published().order_by("trial_id").first()
    assert results()[trial.trial_id]["title"] == trial.public_title
    assert trial.trial_id in current_catalog().api_fragments
    trial.public_title = "A title edited after the fragments were kept"
    trial.status = "suspended"
    trial.save()
    shown = results()[trial.trial_id]
    assert shown["title"] == "A title edited after the fragments were kept"
    assert shown["status"] == "suspended"
