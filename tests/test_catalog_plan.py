"""The compiled plan: built from rows exactly as from models, invalidated the moment the
published criteria change, shared safely between threads."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import orjson
import pytest

from screening import catalog as catalog_module
from screening.catalog import build_catalog, current_catalog, published_trial_specs
from screening.results import screen, screen_json
from trials.models import Concept, Criterion, Trial
from trials.seed_data import SEED_TRIALS
from trials.services import trial_create
from trials.synthetic import synthetic_trials, synthetic_trials_delete, synthetic_trials_insert

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen"


def screen_ids(client, answers=None) -> dict[str, dict]:
    response = client.post(URL, json.dumps({"answers": answers or {}}), content_type="application/json")
    assert response.status_code == 200
    return {r["trial_id"]: r for r in response.json()["results"]}


def new_trial(trial_id: str, platelets_below: int = 100, publish: bool = True) -> Trial:
    data = {
        "trial_id": trial_id,
        "public_title": "A trial added while the app runs",
        "criteria": [
            {
                "kind": "exclusion",
                "node_type": "leaf",
                "concept": "platelets",
                "operator": "lt",
                "values": [platelets_below],
                "unit": "10^9/L",
                "source_text": f"Platelets below {platelets_below} G/L",
            }
        ],
    }
    return trial_create(data=data, publish=publish)


def test_rows_give_the_same_specs_as_the_models():
    codes = dict(Concept.objects.values_list("pk", "code"))
    from_rows = {spec.trial_id: spec for spec in published_trial_specs(codes)}
    from_models = {t.trial_id: t.to_spec() for t in Trial.objects.published().with_criteria()}
    assert from_rows == from_models
    assert len(from_rows) == len(SEED_TRIALS)


def test_a_published_trial_is_screened_by_the_next_call(client):
    assert "NCT09999991" not in screen_ids(client)
    trial = new_trial("NCT09999991", publish=False)
    assert "NCT09999991" not in screen_ids(client)
    trial.publish()
    assert screen_ids(client, {"platelets": 80})["NCT09999991"]["verdict"] == "ineligible"


def test_an_edited_threshold_is_used_by_the_next_call(client):
    new_trial("NCT09999992", platelets_below=100)
    assert screen_ids(client, {"platelets": 120})["NCT09999992"]["verdict"] == "eligible"
    leaf = Criterion.objects.get(trial__trial_id="NCT09999992", node_type="leaf")
    leaf.values = [150]
    leaf.save()
    result = screen_ids(client, {"platelets": 120})["NCT09999992"]
    assert result["verdict"] == "ineligible"
    assert "120" in result["failed"][0]["explanation"]


def test_a_withdrawn_trial_is_gone_from_the_next_call(client):
    new_trial("NCT09999993")
    assert "NCT09999993" in screen_ids(client)
    trial = Trial.objects.get(trial_id="NCT09999993")
    trial.state = Trial.State.WITHDRAWN
    trial.save()
    assert "NCT09999993" not in screen_ids(client)


def test_the_plan_is_reused_while_nothing_changes():
    assert current_catalog() is current_catalog()


def test_concurrent_requests_build_one_plan_per_version_and_all_see_it(monkeypatch):
    """Sixteen threads ask at once: one builds, the others wait for that build, none sees a
    half-built plan; when the database changes, the next callers get the new plan."""
    version = {"n": 1}
    builds = []

    def slow_build(fingerprint):
        builds.append(fingerprint)
        time.sleep(0.05)
        return type("FakeCatalog", (), {"fingerprint": fingerprint})()

    monkeypatch.setattr(catalog_module, "_cached", None)
    monkeypatch.setattr(catalog_module, "_fingerprint", lambda: (version["n"],))
    monkeypatch.setattr(catalog_module, "build_catalog", slow_build)
    start = threading.Barrier(16)

    def ask(_):
        start.wait()
        return current_catalog()

    with ThreadPoolExecutor(max_workers=16) as pool:
        first = list(pool.map(ask, range(16)))
    assert builds == [(1,)]
    assert {id(c) for c in first} == {id(first[0])}

    version["n"] = 2
    with ThreadPoolExecutor(max_workers=16) as pool:
        second = list(pool.map(ask, range(16)))
    assert builds == [(1,), (2,)]
    assert {c.fingerprint for c in second} == {(2,)}


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"age": 34, "sex": "female", "ms_phenotype": "RRMS", "edss": 3.5, "platelets": 120.0},
        {"age": 52, "sex": "male", "diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS", "edss": 6.0},
    ],
)
def test_the_api_fast_path_gives_exactly_the_results_of_the_page_objects(answers):
    synthetic_trials_insert(trials=synthetic_trials(30, seed=3, prefix="SYN-T-"))
    catalog = build_catalog()
    fast = json.loads(orjson.dumps(screen_json(catalog, answers)))
    slow = json.loads(json.dumps([r.as_json() for r in screen(catalog, answers)]))
    assert fast == slow
    assert len(fast) == len(SEED_TRIALS) + 30
    assert synthetic_trials_delete(prefix="SYN-T-") == 30
