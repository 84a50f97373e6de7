"""Editing a criteria tree in the admin: every invalid criterion is refused with the message on
the offending field, tree problems are shown and block publishing, every save is versioned."""

import pytest

from tests.curation import CurationTest, concept, criterion_form, draft_trial, page_errors
from trials.models import Criterion, Trial
from trials.seed_data.dsl import all_of, inclusion, leaf, not_
from trials.services import trial_create

ADD = "/admin/trials/criterion/add/"

# (field overrides, field with the error, words of the message)
INVALID = [
    ({"concept": "age", "operator": "in", "values": "18"}, "operator", "does not apply to a integer concept"),
    ({"concept": "age", "operator": "between", "values": "18, 500"}, "values", "outside the range of age"),
    ({"concept": "age", "operator": "between", "values": "18"}, "values", "between takes 2 value(s), got 1"),
    ({"concept": "age", "operator": "between", "values": "50, 18"}, "values", "lower bound is greater"),
    ({"concept": "edss", "operator": "lte", "values": "3.25"}, "values", "not a multiple of 0.5"),
    ({"concept": "age", "operator": "gte", "values": "eighteen"}, "values", "finite numbers"),
    (
        {"concept": "platelets", "operator": "lt", "values": "150", "unit": "mmHg"},
        "unit",
        "not a unit for platelets",
    ),
    ({"concept": "ms_phenotype", "operator": "in", "values": "RRMS, XYZ"}, "values", "unknown choice(s) XYZ"),
    ({"concept": "ms_phenotype", "operator": "in", "values": ""}, "values", "needs at least one choice"),
    (
        {
            "concept": "medications",
            "operator": "taken_within",
            "values": "3",
            "unit": "months",
            "drugs": "unobtainium",
        },
        "drugs",
        "unknown drug or class code(s): unobtainium",
    ),
    (
        {"concept": "medications", "operator": "taken_within", "values": "3", "unit": "months", "drugs": ""},
        "drugs",
        "name at least one drug",
    ),
    (
        {"concept": "pregnant", "operator": "is_true", "values": "", "drugs": "rituximab"},
        "drugs",
        "takes no drugs",
    ),
    ({"concept": "", "operator": "gte", "values": "18"}, "concept", "needs a concept"),
]


class TestCriterionValidation(CurationTest):
    @pytest.mark.parametrize(("fields", "field", "words"), INVALID, ids=[row[2] for row in INVALID])
    def test_it_refuses_an_invalid_criterion_with_the_message_on_the_field(self, fields, field, words):
        trial = draft_trial()
        before = trial.criteria.count()
        response = self.as_curator().post(ADD, criterion_form(trial, **fields))
        assert response.status_code == 200
        errors = page_errors(response)
        assert any(words in message for message in errors.get(field, [])), errors
        assert trial.criteria.count() == before

    def test_it_accepts_a_threshold_in_another_accepted_unit(self):
        trial = draft_trial()
        form = criterion_form(trial, concept="platelets", operator="lt", values="150000", unit="/mm3")
        response = self.as_curator().post(ADD, form)
        assert response.status_code == 302
        node = trial.criteria.get(concept__code="platelets")
        assert (node.values, node.unit) == ([150000], "/mm3")

    def test_a_parent_must_be_a_group_of_the_same_trial(self):
        trial, other = draft_trial(), draft_trial("NCT08888888", [inclusion(all_of(leaf("age", "gte", 18)))])
        foreign_group = other.criteria.get(node_type="and")
        response = self.as_curator().post(ADD, criterion_form(trial, parent=foreign_group))
        assert "parent" in page_errors(response)

    def test_a_not_group_takes_only_one_child(self):
        trial = draft_trial("NCT08888888", [inclusion(not_(leaf("pregnant", "is_true")))])
        group = trial.criteria.get(node_type="not")
        form = criterion_form(trial, parent=group, concept="breastfeeding", operator="is_true", values="")
        errors = page_errors(self.as_curator().post(ADD, form))
        assert "already has its one child" in errors["parent"][0]

    def test_a_group_with_children_cannot_become_a_leaf(self):
        trial = draft_trial("NCT08888888", [inclusion(all_of(leaf("age", "gte", 18)))])
        group = trial.criteria.get(node_type="and")
        form = criterion_form(trial, node_type="leaf", position=0)
        errors = page_errors(self.as_curator().post(f"/admin/trials/criterion/{group.pk}/change/", form))
        assert "has children" in errors["node_type"][0]

    def test_the_form_page_carries_each_concepts_operators_and_units_for_its_script(self):
        trial = draft_trial()
        response = self.as_curator().get(f"{ADD}?trial={trial.pk}")
        data = response.context["concept_data"]["concepts"][str(concept("platelets").pk)]
        assert data["operators"] == ["eq", "lt", "lte", "gt", "gte", "between"]
        assert "/mm3" in data["units"]
        html = response.content.decode()
        assert 'id="criterion-concepts" type="application/json"' in html
        assert "js/criterion_form.js" in html


class TestEditingTheTree(CurationTest):
    def test_adding_a_child_to_a_group_inherits_the_kind_and_stays_in_the_draft(self):
        trial = draft_trial("NCT08888888", [inclusion(leaf("age", "gte", 18))])
        group_form = criterion_form(
            trial, node_type="or", concept="", operator="", values="", kind="exclusion"
        )
        response = self.as_curator().post(ADD, group_form)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/admin/trials/trial/{trial.pk}/change/")
        group = trial.criteria.get(node_type="or")
        form = criterion_form(
            trial, parent=group, kind="inclusion", concept="pregnant", operator="is_true", values=""
        )
        self.as_curator().post(ADD, form)
        child = group.children.get()
        assert child.kind == "exclusion"
        assert child.revision == group.revision == trial.draft_revision
        trial.refresh_from_db()
        assert trial.criteria_version == 1, "only publication makes a new criteria version"

    def test_an_empty_group_is_a_warning_on_the_trial_page_and_blocks_publishing(self):
        trial = draft_trial()
        form = criterion_form(trial, node_type="and", concept="", operator="", values="")
        response = self.as_curator().post(ADD, form, follow=True)
        assert any("has no children yet" in str(m) for m in response.context["messages"])
        page = self.as_curator().get(f"/admin/trials/trial/{trial.pk}/change/").content.decode()
        assert "Publishing is blocked" in page
        assert "this AND group has no children yet" in page
        trial.submit_for_review()
        response = self.as_curator().post(f"/admin/trials/trial/{trial.pk}/workflow/publish/", follow=True)
        assert any("has no children yet" in str(m) for m in response.context["messages"])
        trial.refresh_from_db()
        assert trial.state == Trial.State.IN_REVIEW

    def test_breaking_the_draft_of_a_published_trial_leaves_the_published_revision_screening(self, client):
        trial = draft_trial("NCT08888888", [inclusion(all_of(leaf("age", "gte", 18)))])
        trial.submit_for_review()
        trial.publish()
        only_child = trial.criteria.get(node_type="leaf")
        response = self.as_curator().post(
            f"/admin/trials/criterion/{only_child.pk}/delete/", {"post": "yes"}, follow=True
        )
        assert not any("is no longer screened" in str(m) for m in response.context["messages"])
        trial.refresh_from_db()
        assert trial.state == Trial.State.PUBLISHED
        assert Criterion.objects.filter(pk=only_child.pk).exists(), "the live node is kept"
        assert not trial.draft_revision.criteria.filter(node_type="leaf").exists()
        page = self.as_curator().get(f"/admin/trials/trial/{trial.pk}/change/").content.decode()
        assert "Publishing the draft is blocked" in page
        body = {"answers": {"age": 15}, "trials": ["NCT08888888"]}
        result = client.post("/api/v1/screen", body, content_type="application/json").json()
        assert result["results"][0]["verdict"] == "ineligible", "the published tree still screens"

    def test_move_up_and_down_reorder_siblings(self):
        trial = draft_trial()
        age, edss = trial.root_criteria()
        self.as_curator().post(f"/admin/trials/trial/{trial.pk}/criteria/{edss.pk}/move/up/")
        assert [c.pk for c in trial.root_criteria()] == [edss.pk, age.pk]
        self.as_curator().post(f"/admin/trials/trial/{trial.pk}/criteria/{edss.pk}/move/down/")
        assert [c.pk for c in trial.root_criteria()] == [age.pk, edss.pk]

    def test_saving_a_criterion_of_a_published_trial_screens_with_it_only_once_published(self, client):
        trial = Trial.objects.get(trial_id="NCT02424396")
        age = trial.criteria.get(concept__code="age", parent=None)
        body = {"answers": {"age": 70}, "trials": ["NCT02424396"]}
        first = client.post("/api/v1/screen", body, content_type="application/json").json()
        assert first["results"][0]["verdict"] == "ineligible"
        form = criterion_form(
            trial, concept="age", operator="between", values="18, 75", position=age.position
        )
        response = self.as_curator().post(f"/admin/trials/criterion/{age.pk}/change/", form)
        assert response.status_code == 302
        trial.refresh_from_db()
        assert trial.state == Trial.State.PUBLISHED
        second = client.post("/api/v1/screen", body, content_type="application/json").json()
        assert second["results"][0]["verdict"] == "ineligible", "the draft is not screened"
        trial.publish(by=self.curator)
        third = client.post("/api/v1/screen", body, content_type="application/json").json()
        assert third["results"][0]["verdict"] == "needs_info"

    def test_the_trial_page_shows_the_registry_text_beside_the_tree_in_plain_language(self):
        trial = draft_trial()
        page = self.as_curator().get(f"/admin/trials/trial/{trial.pk}/change/").content.decode()
        assert 'class="curation-registry"' in page and 'class="curation-criteria"' in page
        assert "Inclusion: age 18 to 50 years." in page
        assert "Age between 18 and 50 years" in page
        assert "EDSS &gt; 6.5" in page
        assert "style=" not in page.split('class="curation"')[1].split("</section>")[0]

    def test_deleting_a_node_returns_to_the_trial_page(self):
        trial = draft_trial()
        edss = trial.criteria.get(concept__code="edss")
        response = self.as_curator().post(f"/admin/trials/criterion/{edss.pk}/delete/", {"post": "yes"})
        assert response["Location"] == f"/admin/trials/trial/{trial.pk}/change/"
        assert not Criterion.objects.filter(pk=edss.pk).exists()

    def test_a_whole_tree_can_be_built_from_nothing(self):
        trial = trial_create(data={"trial_id": "NCT07777777", "public_title": "Empty"})
        client = self.as_curator()
        client.post(
            ADD, criterion_form(trial, node_type="or", concept="", operator="", values="", position=0)
        )
        group = trial.criteria.get()
        client.post(
            ADD, criterion_form(trial, parent=group, concept="ms_phenotype", operator="in", values="RRMS")
        )
        client.post(
            ADD, criterion_form(trial, parent=group, concept="edss", operator="between", values="3, 6.5")
        )
        trial.refresh_from_db()
        assert [c.concept.code for c in trial.root_criteria()[0].tree_children] == ["ms_phenotype", "edss"]
        trial.submit_for_review(by=self.curator)
        trial.publish(by=self.curator)
        assert trial.is_published
