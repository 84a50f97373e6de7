"""Curating a live trial: edits go to a draft revision while the published one keeps
screening; publication swaps them; explanations written for an older tree are flagged;
earlier revisions stay read-only and can be restored as a new revision."""

import pytest
from django.utils import translation

from tests.curation import CurationTest, criterion_form
from trials.models import Concept, CriteriaRevision, Criterion, Trial
from trials.revisions import compare
from trials.services import revision_draft_open, revision_rollback
from trials.signals import trial_criteria_changed

ASCPPMS = "NCT06592703"
ADD = "/admin/trials/criterion/add/"


def verdict(client, answers: dict) -> str:
    body = {"answers": answers, "trials": [ASCPPMS]}
    return client.post("/api/v1/screen", body, content_type="application/json").json()["results"][0][
        "verdict"
    ]


def api_trial(client, language: str = "en") -> dict:
    return client.get(f"/api/v1/trials/{ASCPPMS}", HTTP_ACCEPT_LANGUAGE=language).json()


def leaves(criteria: list[dict]):
    for node in criteria:
        if node["type"] == "leaf":
            yield node
        yield from leaves(node.get("children", []))


class RevisionTest(CurationTest):
    @pytest.fixture(autouse=True)
    def _trial(self, _users):
        self.trial = Trial.objects.get(trial_id=ASCPPMS)
        self.edss = self.trial.criteria.get(concept__code="edss")
        self.heard = []

        def receiver(sender, trial, **kwargs):
            self.heard.append(trial.trial_id)

        trial_criteria_changed.connect(receiver, dispatch_uid="test-revisions")
        yield
        trial_criteria_changed.disconnect(dispatch_uid="test-revisions")

    def widen_edss(self, high: str = "6.5"):
        form = criterion_form(
            self.trial,
            concept="edss",
            operator="between",
            values=f"3, {high}",
            position=self.edss.position,
            source_text=self.edss.source_text,
            explanation_en=self.edss.explanation_en,
            explanation_fr=self.edss.explanation_fr,
        )
        response = self.as_curator().post(f"/admin/trials/criterion/{self.edss.pk}/change/", form)
        assert response.status_code == 302
        return Trial.objects.get(pk=self.trial.pk).draft_revision.criteria.get(concept__code="edss")

    def publish(self):
        return self.as_curator().post(f"/admin/trials/trial/{self.trial.pk}/workflow/publish/", follow=True)


class TestDraftRevisions(RevisionTest):
    def test_the_first_edit_of_a_published_trial_makes_a_draft_and_screening_keeps_the_published_tree(
        self, client
    ):
        assert verdict(client, {"edss": 6.5}) == "ineligible"
        groups_before = [node["type"] for node in api_trial(client)["criteria"]].count("or")
        group = criterion_form(self.trial, node_type="or", concept="", operator="", values="")
        assert self.as_curator().post(ADD, group).status_code == 302
        self.trial.refresh_from_db()
        draft = self.trial.draft_revision
        assert (draft.number, draft.state) == (2, CriteriaRevision.State.DRAFT)
        assert draft.criteria.filter(node_type="or").exists()
        assert self.trial.is_published and self.trial.live_revision.number == 1
        served = api_trial(client)
        assert served["revision"] == 1
        assert [node["type"] for node in served["criteria"]].count("or") == groups_before, "not served"
        assert verdict(client, {"edss": 6.5}) == "ineligible"

    def test_a_draft_edit_tells_no_app_above_and_queues_nothing(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            self.widen_edss()
        assert callbacks == [] and self.heard == []
        self.trial.refresh_from_db()
        assert self.trial.criteria_version == 1

    def test_test_patients_run_against_the_draft(self):
        self.widen_edss(high="4")  # the eligible EDSS 4.5 patient now fails
        page = self.as_curator().get(f"/admin/trials/trial/{self.trial.pk}/change/").content.decode()
        assert "Publishing the draft is blocked" in page
        assert "PPMS, EDSS 4.5" in page.split('id="publication-blockers"')[1]
        assert "Screening uses revision 1" in page and "Revision 2 is being edited" in page

    def test_a_published_trial_without_a_draft_is_not_said_to_be_blocked(self):
        page = self.as_curator().get(f"/admin/trials/trial/{self.trial.pk}/change/").content.decode()
        assert "blocked" not in page
        assert "Screening uses revision 1" in page and "No revision is being edited" in page

    def test_publishing_swaps_the_revisions_and_tells_the_apps_above_once(
        self, client, django_capture_on_commit_callbacks
    ):
        copy = self.widen_edss()
        Criterion.objects.filter(pk=copy.pk).update(explanation_en="", explanation_fr="")
        with django_capture_on_commit_callbacks(execute=False):
            response = self.publish()
        assert any("is now published" in str(m) for m in response.context["messages"])
        assert self.heard == [ASCPPMS]
        first, second = CriteriaRevision.objects.filter(trial=self.trial).order_by("number")
        assert (first.state, second.state) == ("superseded", "published")
        assert second.published_by == self.curator and first.published_at < second.published_at
        served = api_trial(client)
        assert served["revision"] == 2 and served["published_at"] == second.published_at.isoformat()
        assert verdict(client, {"edss": 6.5}) == "needs_info"
        self.trial.refresh_from_db()
        assert self.trial.criteria_version == 2

    def test_an_earlier_revision_is_read_only(self):
        copy = self.widen_edss()
        Criterion.objects.filter(pk=copy.pk).update(explanation_en="", explanation_fr="")
        self.publish()
        old = Criterion.objects.get(pk=self.edss.pk)
        form = criterion_form(self.trial, concept="edss", operator="between", values="1, 2")
        response = self.as_curator().post(f"/admin/trials/criterion/{old.pk}/change/", form)
        assert response.status_code == 403
        old.refresh_from_db()
        assert old.values == [3.0, 6.0]
        page = self.as_curator().get(f"/admin/trials/trial/{self.trial.pk}/revisions/1/").content.decode()
        assert "This revision is read-only" in page
        assert "EDSS between 3 and 6" in page


class TestStaleLinks(RevisionTest):
    def test_a_live_group_removed_from_the_draft_is_refused_as_a_parent_by_name(self):
        group = self.trial.criteria.get(node_type="and", parent=None, kind="inclusion")
        draft, copies = revision_draft_open(trial=self.trial, by=self.curator)
        copies[group.pk].delete()
        before = draft.criteria.count()
        form = criterion_form(self.trial, parent=group, concept="age", operator="gte", values="18")
        response = self.as_curator().post(ADD, form)
        assert response.status_code == 200
        assert "no longer in the draft revision" in str(response.context["adminform"].form.errors["parent"])
        assert draft.criteria.count() == before

    def test_a_live_node_removed_from_the_draft_cannot_be_edited(self):
        draft, copies = revision_draft_open(trial=self.trial, by=self.curator)
        copies[self.edss.pk].delete()
        form = criterion_form(self.trial, concept="edss", operator="between", values="3, 6.5")
        response = self.as_curator().post(f"/admin/trials/criterion/{self.edss.pk}/change/", form)
        assert response.status_code == 403
        assert not draft.criteria.filter(concept__code="edss", operator="between").exists()


class TestStaleExplanations(RevisionTest):
    def test_an_override_whose_leaf_changed_is_stale_and_blocks_publication(self, client):
        copy = self.widen_edss()
        assert copy.explanation_is_stale
        response = self.publish()
        assert any("written before the criterion changed" in str(m) for m in response.context["messages"])
        assert api_trial(client)["revision"] == 1

    def test_using_the_generated_text_lets_it_publish_with_the_new_values_in_both_languages(self, client):
        copy = self.widen_edss()
        url = f"/admin/trials/trial/{self.trial.pk}/criteria/{copy.pk}/explanation/generated/"
        self.as_curator().post(url)
        self.publish()
        (edss_en,) = [n for n in leaves(api_trial(client, "en")["criteria"]) if n["concept"] == "edss"]
        (edss_fr,) = [n for n in leaves(api_trial(client, "fr")["criteria"]) if n["concept"] == "edss"]
        assert edss_en["explanation"] == "EDSS between 3 and 6.5"
        assert edss_fr["explanation"] == "EDSS entre 3 et 6,5"

    def test_confirming_keeps_the_text_and_lets_it_publish(self, client):
        copy = self.widen_edss()
        url = f"/admin/trials/trial/{self.trial.pk}/criteria/{copy.pk}/explanation/confirm/"
        self.as_curator().post(url)
        copy.refresh_from_db()
        assert not copy.explanation_is_stale
        self.publish()
        assert api_trial(client)["revision"] == 2

    def test_rewriting_the_explanation_with_the_change_is_not_stale(self):
        form = criterion_form(
            self.trial,
            concept="edss",
            operator="between",
            values="3, 6.5",
            position=self.edss.position,
            explanation_en="Your EDSS must be between 3.0 and 6.5.",
        )
        self.as_curator().post(f"/admin/trials/criterion/{self.edss.pk}/change/", form)
        copy = self.trial.draft_revision.criteria.get(concept__code="edss")
        assert not copy.explanation_is_stale

    def test_a_group_override_goes_stale_when_one_of_its_leaves_changes(self):
        group = self.trial.criteria.get(node_type="and", parent=None, kind="inclusion")
        phenotype = group.children.get(concept__code="ms_phenotype")
        form = criterion_form(
            self.trial,
            parent=group,
            concept="ms_phenotype",
            operator="in",
            values="PPMS, SPMS",
            position=phenotype.position,
        )
        self.as_curator().post(f"/admin/trials/criterion/{phenotype.pk}/change/", form)
        draft = self.trial.draft_revision
        stale = {node.origin for node in draft.stale_overrides()}
        assert group.pk in stale


class TestCompareAndRollback(RevisionTest):
    def publish_wider_edss(self):
        copy = self.widen_edss()
        Criterion.objects.filter(pk=copy.pk).update(explanation_en="", explanation_fr="")
        self.publish()

    def test_compare_with_published_lists_the_changed_leaf_old_to_new_and_the_added_group(self):
        copy = self.widen_edss()
        group = criterion_form(self.trial, node_type="or", concept="", operator="", values="", source_text="")
        self.as_curator().post(ADD, group)
        with translation.override("en"):
            changes = compare(self.trial.live_revision, copy.revision, Concept.objects.vocabulary())
        kinds = sorted(c.change for c in changes)
        assert kinds == ["added", "changed"]
        (changed,) = [c for c in changes if c.change == "changed"]
        assert changed.old.startswith("EDSS between 3 and 6 ") and changed.new.startswith(
            "EDSS between 3 and 6.5"
        )
        page = (
            self.as_curator()
            .get(f"/admin/trials/trial/{self.trial.pk}/revisions/2/compare/")
            .content.decode()
        )
        assert "EDSS between 3 and 6.5" in page and "added" in page

    def test_rolling_back_publishes_a_copy_of_the_earlier_revision_as_a_new_one(self, client):
        self.publish_wider_edss()
        assert verdict(client, {"edss": 6.5}) == "needs_info"
        response = self.as_curator().post(
            f"/admin/trials/trial/{self.trial.pk}/revisions/1/rollback/", follow=True
        )
        assert any("Revision 3, a copy of revision 1" in str(m) for m in response.context["messages"])
        assert api_trial(client)["revision"] == 3
        assert verdict(client, {"edss": 6.5}) == "ineligible"
        states = dict(CriteriaRevision.objects.filter(trial=self.trial).values_list("number", "state"))
        assert states == {1: "superseded", 2: "superseded", 3: "published"}
        self.trial.refresh_from_db()
        assert (
            compare(
                CriteriaRevision.objects.get(trial=self.trial, number=1),
                self.trial.live_revision,
                Concept.objects.vocabulary(),
            )
            == []
        )

    def test_rollback_is_refused_while_a_draft_is_being_edited(self):
        self.publish_wider_edss()
        revision_draft_open(trial=self.trial, by=self.curator)
        earlier = CriteriaRevision.objects.get(trial=self.trial, number=1)
        with pytest.raises(Exception, match="draft revision first"):
            revision_rollback(revision=earlier, by=self.curator)
        self.trial.refresh_from_db()
        assert self.trial.live_revision.number == 2


class TestPreviewAndPickers(RevisionTest):
    def test_the_preview_screens_against_the_draft_not_the_published_tree(self, client):
        self.widen_edss()
        response = self.as_curator().post(
            f"/admin/trials/trial/{self.trial.pk}/preview/",
            {"answers": '{"edss": 6.5}', "as_of": "2026-11-21"},
        )
        assert response.context["verdict"] == "needs_info", "6.5 is inside the draft's range"
        assert verdict(client, {"edss": 6.5}) == "ineligible", "and outside the published one"

    def edit_page(self, node: Criterion, language: str = "en") -> str:
        return self.as_curator().get(
            f"/admin/trials/criterion/{node.pk}/change/", HTTP_ACCEPT_LANGUAGE=language
        )

    def test_an_edss_leaf_is_offered_no_unit_of_another_dimension(self):
        units = [
            value
            for value, _label in self.edit_page(self.edss)
            .context["adminform"]
            .form.fields["unit"]
            .widget.choices
        ]
        assert "mmHg" not in units and "/mm3" not in units

    def test_a_platelet_leaf_is_offered_the_count_units_only(self):
        platelets = Criterion.objects.filter(concept__code="platelets").first()
        units = [
            value
            for value, _label in self.edit_page(platelets)
            .context["adminform"]
            .form.fields["unit"]
            .widget.choices
        ]
        assert "/mm3" in units and "mmHg" not in units and "months" not in units

    def test_concepts_are_offered_by_label_then_code(self):
        form = self.edit_page(self.edss).context["adminform"].form
        labels = [str(label) for _value, label in form.fields["concept"].choices]
        assert "EDSS (edss)" in labels and "Age (age)" in labels

    def test_the_script_gets_each_concepts_operators_choices_by_label_and_drugs_by_name(self):
        data = self.edit_page(self.edss).context["concept_data"]
        phenotype = next(c for c in data["concepts"].values() if c["code"] == "ms_phenotype")
        assert phenotype["operators"] == ["in", "not_in"]
        assert {"code": "PPMS", "label": "Primary progressive MS (PPMS)"} in phenotype["choices"]
        boolean = next(c for c in data["concepts"].values() if c["code"] == "pregnant")
        assert boolean["operators"] == ["is_true", "is_false"]
        assert {"code": "natalizumab", "label": "natalizumab"} in data["drugs"]

    def test_in_french_the_operators_and_the_picker_words_are_french(self):
        response = self.edit_page(self.edss, "fr")
        operators = dict(response.context["adminform"].form.fields["operator"].choices)
        assert str(operators["between"]) == "entre (bornes incluses)"
        assert response.context["concept_data"]["words"]["search"] == "Chercher un concept par nom ou code"
