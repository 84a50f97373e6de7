"""Every curation edit leaves a history row naming who made it, with field-level changes."""

from tests.curation import CurationTest, concept, criterion_form, draft_trial
from trials.models import Trial


class TestHistory(CurationTest):
    def test_editing_a_trial_records_the_user_and_the_field_change(self):
        trial = Trial.objects.get(trial_id="NCT02424396")
        client = self.as_curator()
        page = client.get(f"/admin/trials/trial/{trial.pk}/change/")
        data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
        data.update(
            {
                "public_title": "Low-dose IL-2 in RRMS",
                "other_ids": "[]",
                "conditions": '["Relapsing-Remitting Multiple Sclerosis"]',
                "status": trial.status,
            }
        )
        for prefix in ("sites", "test_patients"):
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = client.post(f"/admin/trials/trial/{trial.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        record = trial.history.latest("history_date")
        assert record.history_user == self.curator
        history = client.get(f"/admin/trials/trial/{trial.pk}/history/").content.decode()
        assert "Public title:" in history
        assert "Low-dose IL-2 in RRMS" in history
        assert "cora" in history

    def test_editing_a_criterion_records_the_change_in_the_draft_revision(self):
        trial = draft_trial()
        age = trial.criteria.get(concept__code="age")
        form = criterion_form(
            trial, concept="age", operator="between", values="18, 55", position=age.position
        )
        self.as_curator().post(f"/admin/trials/criterion/{age.pk}/change/", form)
        latest = age.history.latest("history_date")
        assert latest.history_user == self.curator and latest.values == [18, 55]
        assert latest.prev_record.values == [18, 50]
        # A draft edit is not a new criteria version: only publication makes one.
        trial.refresh_from_db()
        assert trial.criteria_version == 1
        assert latest.revision_id == trial.draft_revision.pk
        history = self.as_curator().get(f"/admin/trials/criterion/{age.pk}/history/").content.decode()
        assert "[18, 50]" in history and "[18, 55]" in history

    def test_editing_a_concept_records_who_did_it(self):
        edss = concept("edss")
        client = self.as_curator()
        data = client.get(f"/admin/trials/concept/{edss.pk}/change/").context["adminform"].form.initial
        data = {k: ("" if v is None else v) for k, v in data.items()}
        data.update(
            accepted_units="[]", choices="[]", patient_question_en="Your latest EDSS score, if you know it?"
        )
        response = client.post(f"/admin/trials/concept/{edss.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        record = edss.history.latest("history_date")
        assert record.history_user == self.curator
        assert record.patient_question_en == "Your latest EDSS score, if you know it?"

    def test_reverting_a_criterion_goes_through_validation_and_lands_in_the_draft(self):
        trial = draft_trial()
        age = trial.criteria.get(concept__code="age")
        first = age.history.earliest("history_date")
        url = f"/admin/trials/criterion/{age.pk}/history/{first.history_id}/"
        invalid = criterion_form(
            trial, concept="age", operator="between", values="18, 500", position=age.position
        )
        assert self.as_curator().post(url, invalid).status_code == 200
        age.refresh_from_db()
        assert age.values == [18, 50]
        form = criterion_form(
            trial, concept="age", operator="between", values="18, 50", position=age.position
        )
        assert self.as_curator().post(url, form).status_code == 302
        age.refresh_from_db()
        assert age.values == [18, 50] and age.revision_id == trial.draft_revision.pk
