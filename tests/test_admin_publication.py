"""The review workflow: draft -> in review -> published (and withdrawn). Publishing is refused,
with every reason, while the tree is invalid, nothing is screenable or a test patient disagrees."""

import pytest

from screening.catalog import current_catalog
from tests.curation import CurationTest, concept, draft_trial
from trials.models import TestPatient, Trial, WorkflowError
from trials.seed_data.dsl import inclusion, visit


def workflow(client, trial: Trial, step: str):
    return client.post(f"/admin/trials/trial/{trial.pk}/workflow/{step}/", follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def add_patient(trial: Trial, name: str, answers: dict, expected: str, excluded_by: str = "") -> TestPatient:
    return TestPatient.objects.create(
        trial=trial,
        name=name,
        answers=answers,
        expected_verdict=expected,
        expected_excluding_concept=concept(excluded_by) if excluded_by else None,
    )


class TestPublishing(CurationTest):
    def test_a_curator_submits_then_publishes_and_who_and_when_are_recorded(self):
        trial = draft_trial()
        add_patient(trial, "Young adult", {"age": 30, "edss": 3.0}, "eligible")
        Trial.objects.filter(pk=trial.pk).update(needs_review=True)
        client = self.as_curator()
        workflow(client, trial, "submit")
        response = workflow(client, trial, "publish")
        assert f"{trial.trial_id} is now published." in messages_of(response)
        trial.refresh_from_db()
        assert trial.state == Trial.State.PUBLISHED
        assert trial.published_by == self.curator and trial.published_at is not None
        assert not trial.needs_review, "publishing ends the review"
        record = trial.history.order_by("-history_date", "-history_id").first()
        assert (record.state, record.history_user) == ("published", self.curator)
        assert trial.trial_id in current_catalog().plan.by_id

    def test_a_disagreeing_test_patient_blocks_publication_and_is_named_with_the_reason(self):
        trial = draft_trial()
        add_patient(trial, "Young adult", {"age": 30, "edss": 3.0}, "eligible")
        add_patient(trial, "Mistaken expectation", {"age": 30, "edss": 7.0}, "eligible")
        trial.submit_for_review()
        response = workflow(self.as_curator(), trial, "publish")
        (message,) = [m for m in messages_of(response) if "was not changed" in m]
        assert "test patient “Mistaken expectation”: expected eligible, got ineligible" in message
        assert "EDSS 7.0 is above 6.5" in message
        assert "Young adult" not in message
        trial.refresh_from_db()
        assert trial.state == Trial.State.IN_REVIEW and trial.published_at is None
        page = self.as_curator().get(f"/admin/trials/trial/{trial.pk}/change/").content.decode()
        assert "Publishing is blocked" in page and "disagrees" in page

    def test_an_ineligible_test_patient_excluded_for_another_reason_disagrees(self):
        trial = draft_trial()
        add_patient(trial, "Too old", {"age": 70, "edss": 7.0}, "ineligible", excluded_by="age")
        add_patient(trial, "Disabled", {"age": 30, "edss": 7.0}, "ineligible", excluded_by="age")
        trial.submit_for_review()
        with pytest.raises(WorkflowError) as refused:
            trial.publish(by=self.curator)
        (reason,) = refused.value.reasons
        assert reason.startswith(
            "test patient “Disabled”: ineligible as expected, but excluded by edss rather than age"
        )

    def test_a_needs_info_expectation_is_checked(self):
        trial = draft_trial()
        add_patient(trial, "Nothing known", {}, "ineligible")
        trial.submit_for_review()
        with pytest.raises(WorkflowError) as refused:
            trial.publish()
        assert "expected ineligible, got needs_info — no answer for age, edss" in refused.value.reasons[0]

    def test_a_trial_with_nothing_screenable_cannot_be_published(self):
        trial = draft_trial(criteria=[inclusion(visit("Signed informed consent"))])
        trial.submit_for_review()
        with pytest.raises(WorkflowError, match="no criterion a questionnaire can screen"):
            trial.publish()

    def test_steps_out_of_order_are_refused(self):
        trial = draft_trial()
        with pytest.raises(WorkflowError, match="A draft trial cannot be withdrawn"):
            trial.withdraw()
        trial.submit_for_review()
        with pytest.raises(WorkflowError, match="cannot be submitted for review"):
            trial.submit_for_review()

    def test_withdrawing_stops_screening_and_the_trial_can_be_resubmitted(self, client):
        trial = Trial.objects.get(trial_id="NCT02424396")
        response = workflow(self.as_curator(), trial, "withdraw")
        assert "NCT02424396 is now withdrawn." in messages_of(response)
        body = client.post("/api/v1/screen", {"answers": {}}, content_type="application/json").json()
        assert "NCT02424396" not in {r["trial_id"] for r in body["results"]}
        workflow(self.as_curator(), trial, "submit")
        workflow(self.as_curator(), trial, "publish")
        trial.refresh_from_db()
        assert trial.is_published

    def test_the_changelist_actions_publish_what_passes_and_report_what_does_not(self):
        good, bad = draft_trial(), draft_trial("NCT08888888")
        add_patient(bad, "Wrong", {"age": 30, "edss": 7.0}, "eligible")
        for trial in (good, bad):
            trial.submit_for_review()
        response = self.as_curator().post(
            "/admin/trials/trial/",
            {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]},
            follow=True,
        )
        good.refresh_from_db()
        bad.refresh_from_db()
        assert good.is_published and not bad.is_published
        assert any("NCT08888888 was not changed" in m for m in messages_of(response))

    def test_the_changelist_searches_conditions_and_filters_needs_review(self):
        trial = draft_trial()
        Trial.objects.filter(pk=trial.pk).update(needs_review=True)
        client = self.as_curator()
        found = client.get("/admin/trials/trial/", {"q": "multiple sclerosis"}).context["cl"].result_list
        assert trial in found
        flagged = client.get("/admin/trials/trial/", {"needs_review__exact": "1"}).context["cl"].result_list
        assert list(flagged) == [trial]
        by_acronym = client.get("/admin/trials/trial/", {"q": "MS-IL2"}).context["cl"].result_list
        assert [t.trial_id for t in by_acronym] == ["NCT02424396"]
