"""The API's "explanation" (shared/spec/api.md) names every failing leaf of a criterion."""

import json

import pytest

pytestmark = pytest.mark.django_db

MS_IL2 = "NCT02424396"


def failed_of(client, answers: dict, trial_id: str) -> list[dict]:
    body = {"answers": answers, "as_of": "2026-11-21", "trials": [trial_id]}
    response = client.post("/api/v1/screen", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    return result["failed"]


def test_low_white_cells_and_low_platelets_are_both_explained(client):
    failed = failed_of(
        client, {"wbc": {"value": 2800, "unit": "/mm3"}, "platelets": {"value": 140, "unit": "G/L"}}, MS_IL2
    )
    (counts,) = [f for f in failed if set(f["concepts"]) >= {"wbc", "platelets"}]
    assert counts["kind"] == "exclusion"
    assert "2800 /mm3" in counts["explanation"] and "140 G/L" in counts["explanation"]
    assert "White blood cells" in counts["explanation"] and "Platelets" in counts["explanation"]


def test_a_normal_count_beside_a_low_one_is_not_given_as_a_reason(client):
    failed = failed_of(
        client, {"wbc": {"value": 2800, "unit": "/mm3"}, "platelets": {"value": 250, "unit": "G/L"}}, MS_IL2
    )
    (counts,) = [f for f in failed if "wbc" in f["concepts"]]
    assert "2800 /mm3" in counts["explanation"] and "Platelets" not in counts["explanation"]
