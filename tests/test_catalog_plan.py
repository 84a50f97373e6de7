"""The compiled plan: built from rows exactly as from models, invalidated the moment the
published criteria change, shared safely between threads."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import orjson
import pytest
from django.utils import timezone

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
    half-built plan; when the database changes, one of them patches the plan and the next
    callers get the patched one."""
    version = {"n": 1}
    builds = []

    def slow_build(fingerprint):
        builds.append(fingerprint)
        time.sleep(0.05)
        return type("FakeCatalog", (), {"fingerprint": fingerprint})()

    def slow_patch(catalog, fingerprint):
        return slow_build(fingerprint)

    monkeypatch.setattr(catalog_module, "_cached", None)
    monkeypatch.setattr(catalog_module, "_fingerprint", lambda: (version["n"],))
    monkeypatch.setattr(catalog_module, "build_catalog", slow_build)
    monkeypatch.setattr(catalog_module, "patch_catalog", slow_patch)
    monkeypatch.setattr(catalog_module, "_patchable", lambda catalog, fingerprint: True)
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


def test_a_publication_recompiles_that_trial_alone_and_shares_every_other(client):
    # The catalogue was curated last week, one trial edited yesterday: a patch looks again at
    # what changed in the minute before the last change seen (its commit may have been late).
    Trial.objects.update(updated_at=timezone.now() - timedelta(days=7))
    Criterion.objects.update(updated_at=timezone.now() - timedelta(days=7))
    edited = Trial.objects.published().order_by("trial_id").first()
    Trial.objects.filter(pk=edited.pk).update(updated_at=timezone.now() - timedelta(days=1))
    Criterion.objects.filter(trial=edited).update(updated_at=timezone.now() - timedelta(days=1))
    before = current_catalog()
    new_trial("NCT09999994", publish=False).publish()
    after = current_catalog()
    assert after is not before
    assert "NCT09999994" in after.plan.by_id
    # The trials already compiled are the same objects: nothing else was compiled again.
    assert all(after.plan.by_id[t.trial_id] is t for t in before.plan.trials if t.trial_id != edited.trial_id)
    assert screen_ids(client, {"platelets": 80})["NCT09999994"]["verdict"] == "ineligible"


def test_after_a_bulk_import_an_edit_recompiles_the_edited_trial_alone(client):
    # Every trial saved within the same minute, as an import leaves them: they all fall in the
    # window a patch looks at again, yet the plan already holds each as it is.
    Trial.objects.update(updated_at=timezone.now())
    Criterion.objects.update(updated_at=timezone.now())
    before = current_catalog()
    new_trial("NCT09999993", publish=False).publish()
    after = current_catalog()
    assert "NCT09999993" in after.plan.by_id
    assert all(after.plan.by_id[t.trial_id] is t for t in before.plan.trials)


def test_a_patched_catalog_screens_exactly_like_one_built_from_scratch(client):
    current_catalog()
    new_trial("NCT09999995", platelets_below=120)
    withdrawn = Trial.objects.published().order_by("trial_id").first()
    withdrawn.state = Trial.State.WITHDRAWN
    withdrawn.save()
    patched = current_catalog()
    assert patched.plan._program is not None
    fresh = build_catalog()
    answers = {"platelets": 110.0, "age": 40}
    assert screen_json(patched, answers) == screen_json(fresh, answers)
    assert withdrawn.trial_id not in patched.plan.by_id and withdrawn.trial_id not in patched.trials


def test_a_concept_change_rebuilds_the_catalog_with_it():
    before = current_catalog()
    concept = Concept.objects.get(code="platelets")
    concept.save()
    assert current_catalog() is not before
