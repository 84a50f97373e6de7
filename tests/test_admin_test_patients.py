"""Test patients in the admin: answers validated like the screening API's, results shown
after every save."""

from tests.curation import CurationTest, concept, draft_trial, page_errors
from trials.models import TestPatient

ADD = "/admin/trials/testpatient/add/"


def patient_form(trial, **fields) -> dict:
    data = {
        "trial": trial.pk,
        "name": "Young adult",
        "expected_verdict": "eligible",
        "expected_excluding_concept": "",
        "answers": '{"age": 30, "edss": 3.0}',
        "note": "",
    }
    return data | fields


class TestTestPatientAdmin(CurationTest):
    def test_saving_a_test_patient_runs_all_of_the_trials_test_patients(self):
        trial = draft_trial()
        response = self.as_curator().post(ADD, patient_form(trial), follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert "All 1 test patients agree with the criteria." in messages
        wrong = patient_form(trial, name="Wrong", answers='{"age": 30, "edss": 7.0}')
        response = self.as_curator().post(ADD, wrong, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert any(
            m.startswith("Test patient “Wrong” disagrees: expected eligible, got ineligible")
            for m in messages
        )

    def test_answers_are_validated_and_errors_name_the_concept(self):
        trial = draft_trial()
        response = self.as_curator().post(ADD, patient_form(trial, answers='{"age": -4, "colour": "blue"}'))
        errors = page_errors(response)["answers"]
        assert "age: Age must be between 0 and 120" in errors
        assert "colour: unknown concept" in errors
        assert not TestPatient.objects.filter(trial=trial).exists()

    def test_answers_must_be_an_object(self):
        response = self.as_curator().post(ADD, patient_form(draft_trial(), answers="[1, 2]"))
        assert "JSON object" in page_errors(response)["answers"][0]

    def test_only_an_ineligible_patient_names_an_excluding_concept(self):
        form = patient_form(draft_trial(), expected_excluding_concept=concept("age").pk)
        errors = page_errors(self.as_curator().post(ADD, form))
        assert "Only an ineligible test patient" in errors["expected_excluding_concept"][0]

    def test_test_patients_keep_a_history(self):
        trial = draft_trial()
        self.as_curator().post(ADD, patient_form(trial))
        patient = TestPatient.objects.get(trial=trial)
        assert patient.history.get().history_user == self.curator
