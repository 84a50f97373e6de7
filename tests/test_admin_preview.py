"""Preview from a trial's admin page: answers in, verdict and each node's status out."""

from tests.curation import CurationTest, draft_trial
from trials.models import Trial
from trials.seed_data.test_patients import MSIL2


def preview(client, trial: Trial, answers: str, as_of: str = "2026-11-21"):
    return client.post(f"/admin/trials/trial/{trial.pk}/preview/", {"answers": answers, "as_of": as_of})


class TestPreview(CurationTest):
    def test_it_shows_the_verdict_and_every_nodes_status_with_the_explanation(self):
        trial = Trial.objects.get(trial_id="NCT02424396")
        response = preview(self.as_curator(), trial, '{"age": 30, "edss": 7}')
        assert response.status_code == 200
        assert response.context["verdict"] == "ineligible"
        edss = next(c for c in response.context["criteria"] if "EDSS" in c["tree"]["text"])
        assert (edss["effect"], edss["tree"]["status"]) == ("NOT_MET", "NOT_MET")
        assert edss["explanation"] == "EDSS 7.0 is above the required range 0.0–6.0"
        age = response.context["criteria"][0]
        assert (age["tree"]["text"], age["tree"]["status"]) == ("Age between 18 and 65 years", "MET")
        diagnosis = response.context["criteria"][1]["tree"]
        assert diagnosis["status"] == "UNKNOWN"
        assert [c["status"] for c in diagnosis["children"]] == ["UNKNOWN", "UNKNOWN"]
        html = response.content.decode()
        assert "Verdict: ineligible" in html
        assert '<span class="status status-NOT_MET">NOT_MET</span>' in html
        assert "signed informed consent" in html

    def test_a_seed_test_patient_is_eligible_in_the_preview(self):
        import json

        trial = Trial.objects.get(trial_id="NCT02424396")
        response = preview(self.as_curator(), trial, json.dumps(MSIL2))
        assert response.context["verdict"] == "eligible"
        assert {c["effect"] for c in response.context["criteria"]} == {"MET"}

    def test_an_unpublished_trial_is_previewed_against_its_current_criteria(self):
        trial = draft_trial()
        response = preview(self.as_curator(), trial, '{"age": 30}')
        assert response.context["verdict"] == "needs_info"
        assert response.context["missing"] == ("edss",)

    def test_invalid_json_is_an_error_on_the_answers_field(self):
        response = preview(self.as_curator(), draft_trial(), "{age: 30")
        assert "Not valid JSON" in response.context["form"].errors["answers"][0]
        assert "verdict" not in response.context

    def test_invalid_answers_are_named_by_concept(self):
        response = preview(
            self.as_curator(),
            draft_trial(),
            '{"age": "old", "platelets": {"value": 1, "unit": "kg"}, "x": 1}',
        )
        errors = response.context["form"].errors["answers"]
        assert "age: Age must be a number" in errors
        assert any(
            e.startswith("platelets: unknown unit kg") or e.startswith("platelets: unit kg") for e in errors
        ), errors
        assert "x: unknown concept" in errors
