"""GET /api/v1/concepts, /api/v1/trials and /api/v1/trials/{id}."""

import pytest

from trials.models import Trial

pytestmark = pytest.mark.django_db


def test_concepts_lists_the_shared_vocabulary_with_types_units_and_questions(client):
    concepts = {c["code"]: c for c in client.get("/api/v1/concepts").json()["concepts"]}
    assert concepts["platelets"]["type"] == "quantity"
    assert concepts["platelets"]["canonical_unit"] == "10^9/L"
    assert "/mm3" in concepts["platelets"]["accepted_units"]
    assert concepts["edss"]["step"] == 0.5 and concepts["edss"]["maximum"] == 10
    assert [c["code"] for c in concepts["ms_phenotype"]["choices"]] == ["CIS", "RRMS", "SPMS", "PPMS"]
    assert concepts["medications"]["type"] == "list"
    assert all(c["clinician_question"] and c["patient_question"] for c in concepts.values())


def test_concepts_are_in_french_for_french_clients(client):
    concepts = client.get("/api/v1/concepts", HTTP_ACCEPT_LANGUAGE="fr").json()["concepts"]
    english = client.get("/api/v1/concepts").json()["concepts"]
    assert concepts[0]["patient_question"] != english[0]["patient_question"]


def test_trials_lists_published_trials_with_their_criteria_trees(client):
    trials = {t["trial_id"]: t for t in client.get("/api/v1/trials").json()["trials"]}
    assert len(trials) == 5
    mesems = trials["NCT02403947"]
    phenotype = next(c for c in mesems["criteria"] if c["type"] == "or")
    assert phenotype["kind"] == "inclusion"
    assert len(phenotype["children"]) == 3
    assert {"ms_phenotype", "edss_increase_12m", "csf_oligoclonal_bands"} <= set(phenotype["concepts"])
    assert all(c["source_text"] for c in mesems["criteria"])


def test_a_trial_by_id_includes_sites_and_visit_criteria(client):
    body = client.get("/api/v1/trials/NCT06592703").json()
    assert body["sites"][0]["city"] == "Rennes"
    assert any(c["confirmed_at_visit"] for c in body["criteria"])


def test_unpublished_or_unknown_trials_are_404(client):
    Trial.objects.filter(trial_id="NCT02424396").update(state=Trial.State.DRAFT)
    assert client.get("/api/v1/trials/NCT02424396").status_code == 404
    assert client.get("/api/v1/trials/NCT00000000").status_code == 404
    assert "NCT02424396" not in {t["trial_id"] for t in client.get("/api/v1/trials").json()["trials"]}
