"""Concept admin: the vocabulary is validated like the engine reads it, and a concept or drug
in use by a criterion cannot be deleted."""

import pytest

from tests.curation import CurationTest, concept, page_errors
from trials.models import Concept, Drug, DrugClass

BASE = {
    "code": "ferritin",
    "type": "quantity",
    "section": "laboratory",
    "position": 99,
    "canonical_unit": "ug/L",
    "accepted_units": '["ug/L", "ng/mL"]',
    "choices": "[]",
    "minimum": "0",
    "maximum": "5000",
    "step": "",
    "label_en": "Ferritin",
    "label_fr": "Ferritine",
    "clinician_question_en": "Ferritin",
    "clinician_question_fr": "Ferritine",
    "patient_question_en": "What was your ferritin level?",
    "patient_question_fr": "Quel était votre taux de ferritine ?",
    "help_text_en": "",
    "help_text_fr": "",
    "result_max_age_days": 90,
}

INVALID = [
    ({"canonical_unit": "bananas"}, "canonical_unit", "not a unit this app can read"),
    ({"canonical_unit": ""}, "canonical_unit", "needs a canonical unit"),
    ({"accepted_units": '["ug/L", "mmol/L/s"]'}, "accepted_units", "cannot be converted to ug/L"),
    ({"accepted_units": '["ug/L", "kg"]'}, "accepted_units", "kg cannot be converted"),
    ({"accepted_units": '"ug/L"'}, "accepted_units", "JSON list of unit names"),
    ({"minimum": "10", "maximum": "5"}, "maximum", "below the minimum"),
    ({"step": "0"}, "step", "greater than 0"),
    ({"type": "since", "canonical_unit": "mL", "accepted_units": "[]"}, "canonical_unit", "as a duration"),
    ({"type": "choice", "canonical_unit": "", "accepted_units": "[]"}, "choices", "at least one choice"),
    (
        {
            "type": "choice",
            "canonical_unit": "",
            "accepted_units": "[]",
            "choices": '[{"code": "a", "en": "A", "fr": "A"}, {"code": "a", "en": "B", "fr": "B"}]',
        },
        "choices",
        "Choice code a is repeated",
    ),
    (
        {
            "type": "choice",
            "canonical_unit": "",
            "accepted_units": "[]",
            "choices": '[{"code": "a", "en": "A", "fr": ""}]',
        },
        "choices",
        "labels in both languages",
    ),
    ({"choices": '[{"code": "a", "en": "A", "fr": "A"}]'}, "choices", "Only a choice concept has choices"),
    ({"patient_question_fr": ""}, "patient_question_fr", "required"),
]


class TestConceptAdmin(CurationTest):
    def test_a_curator_adds_a_valid_concept(self):
        response = self.as_curator().post("/admin/trials/concept/add/", BASE)
        assert response.status_code == 302, page_errors(response)
        assert Concept.objects.get(code="ferritin").accepted_units == ["ug/L", "ng/mL"]

    @pytest.mark.parametrize(("changes", "field", "words"), INVALID, ids=[row[2] for row in INVALID])
    def test_it_refuses_an_invalid_concept_with_the_message_on_the_field(self, changes, field, words):
        response = self.as_curator().post("/admin/trials/concept/add/", {**BASE, **changes})
        assert response.status_code == 200
        errors = page_errors(response)
        assert any(words in message for message in errors.get(field, [])), errors
        assert not Concept.objects.filter(code="ferritin").exists()

    def test_an_edit_that_would_break_a_criterion_is_refused_and_names_it(self):
        edss = concept("edss")
        client = self.as_curator()
        data = client.get(f"/admin/trials/concept/{edss.pk}/change/").context["adminform"].form.initial
        data = {k: ("" if v is None else v) for k, v in data.items()} | {
            "accepted_units": "[]",
            "choices": "[]",
        }
        response = client.post(f"/admin/trials/concept/{edss.pk}/change/", data | {"maximum": "5"})
        errors = page_errors(response)["__all__"]
        assert any("would break criterion" in e and "NCT02403947" in e for e in errors), errors
        edss.refresh_from_db()
        assert edss.maximum == 10

    def test_a_concept_used_by_a_criterion_cannot_be_deleted(self):
        edss = concept("edss")
        client = self.as_curator()
        page = client.get(f"/admin/trials/concept/{edss.pk}/delete/").content.decode()
        assert "would require deleting the following protected related objects" in page
        client.post(f"/admin/trials/concept/{edss.pk}/delete/", {"post": "yes"})
        assert Concept.objects.filter(pk=edss.pk).exists()

    def test_an_unused_concept_can_be_deleted(self):
        self.as_curator().post("/admin/trials/concept/add/", BASE)
        ferritin = concept("ferritin")
        response = self.as_curator().post(f"/admin/trials/concept/{ferritin.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not Concept.objects.filter(code="ferritin").exists()

    def test_a_drug_named_by_a_criterion_cannot_be_deleted(self):
        rituximab = Drug.objects.get(code="rituximab")
        client = self.as_curator()
        page = client.get(f"/admin/trials/drug/{rituximab.pk}/delete/").content.decode()
        assert "of NCT02424396 names rituximab" in page
        client.post(f"/admin/trials/drug/{rituximab.pk}/delete/", {"post": "yes"})
        assert Drug.objects.filter(pk=rituximab.pk).exists()

    def test_changing_a_drug_class_reruns_the_test_patients_of_the_trials_naming_it(self):
        b_cell = DrugClass.objects.get(code="b_cell_depleting")
        response = self.as_curator().post(
            f"/admin/trials/drugclass/{b_cell.pk}/change/",
            {
                "code": b_cell.code,
                "name_en": b_cell.name_en,
                "name_fr": b_cell.name_fr,
                "drugs": [Drug.objects.get(code="ocrelizumab").pk],
            },
            follow=True,
        )
        messages = [str(m) for m in response.context["messages"]]
        assert any(
            m.startswith(
                "EUCTR2017-001400-29-FR: test patient “Rituximab 90 days ago” now disagrees: "
                "expected ineligible, got eligible"
            )
            for m in messages
        ), messages
