"""FHIR R4 bundles from the EHR: mapping, units, what is left out, invalid bundles, and the
import page's check-then-confirm flow."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clinic.models import Screening
from screening.catalog import current_catalog
from screening.fhir import BundleError, map_bundle
from tests.clinic_base import ClinicBase
from tests.fhir_bundles import bundle, lab

FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
AS_OF = date(2026, 11, 21)


def bundle_text(name: str = "ms_patient_bundle.json") -> str:
    return (FIXTURES / name).read_text()


@pytest.fixture
def imported(db):
    return map_bundle(bundle_text(), catalog=current_catalog(), as_of=AS_OF)


def test_it_maps_demographics_and_snomed_diagnoses(imported):
    answers = imported.answers()
    assert answers["age"] == 47  # born 1979-05-02: the age, not the birth date, is kept
    assert answers["sex"] == "female"
    assert (answers["diagnosis"], answers["ms_phenotype"]) == ("multiple_sclerosis", "RRMS")
    assert answers["disease_duration_years"] == 11.7  # onset 2015-03-01


def test_it_never_imports_names_or_identifiers(imported):
    text = json.dumps(imported.answers()) + json.dumps(imported.provenance())
    assert "Exemple" not in text and "123456789" not in text


@pytest.mark.parametrize(
    ("concept", "expected", "shown"),
    [
        ("platelets", {"value": 210000, "unit": "/mm3"}, "(= 210 ×10⁹/L)"),  # /mm³-style
        ("lymphocytes", {"value": 1.2, "unit": "10^9/L"}, "1.2 ×10⁹/L"),  # UCUM 10*9/L
        ("wbc", {"value": 5.4, "unit": "10^3/uL"}, "(= 5.4 ×10⁹/L)"),  # UCUM 10*3/uL
        ("cd4_count", {"value": 650, "unit": "cells/uL"}, "(= 650 ×10⁶/L)"),  # UCUM /uL
        ("pao2", {"value": 12, "unit": "kPa"}, "(= 90.0074 mmHg)"),
    ],
)
def test_it_maps_loinc_results_with_their_ucum_units(imported, concept, expected, shown):
    assert imported.answers()[concept] == expected
    (value,) = [v for v in imported.values if v.concept == concept]
    assert shown in value.shown


def test_it_converts_ucum_units_the_vocabulary_does_not_list(db):
    result = map_bundle(
        bundle(lab("plt-per-litre", "777-3", 2.1e11, "/L", "2026-11-01")),
        catalog=current_catalog(),
        as_of=AS_OF,
    )
    assert result.answers()["platelets"] == {"value": 210.0, "unit": "10^9/L"}


def test_alt_is_divided_by_the_upper_limit_of_its_reference_range(imported):
    assert imported.answers()["alt_x_uln"] == 1.5


def test_a_result_older_than_90_days_is_reported_with_its_date_and_not_used(imported):
    assert imported.answers()["neutrophils"] == {"value": 3.5, "unit": "10^9/L"}
    (old,) = [u for u in imported.unused if u.resource == "Observation/obs-neu-old"]
    assert old.reason == "neutrophils from 2026-06-10, older than 90 days"
    assert old.text == "Neutrophils, 2026-06-10: older than 90 days"


def test_medications_map_by_rxnorm_atc_or_name_with_their_timing(imported):
    meds = {m["drug"]: m for m in imported.answers()["medications"]}
    assert meds["ocrelizumab"] == {
        "drug": "ocrelizumab",
        "days_since_last_dose": 499,
        "months_on_treatment": 42.0,
    }
    assert meds["dimethyl_fumarate"]["days_since_last_dose"] == 0  # active, named "Tecfidera"
    assert meds["fingolimod"] == {"drug": "fingolimod"}  # ATC L04AA27, stopped, dates unknown


def test_what_is_not_used_is_reported_with_its_source_and_reason(imported):
    reasons = {u.resource: u.reason for u in imported.unused}
    assert reasons["Condition/cond-htn"].startswith("SNOMED CT 38341003")
    assert reasons["Condition/cond-htn"].endswith("has no concept")
    assert reasons["Observation/obs-hb"] == "hemoglobin: mmol/L cannot be converted to g/dL"  # no molar mass
    assert reasons["Observation/obs-creat"].startswith("LOINC 2160-0 (")
    assert "not a drug of the vocabulary" in reasons["MedicationRequest/rx-vitd"]
    assert "not used" in reasons["Encounter/enc-1"]
    assert "hemoglobin" not in imported.answers()


def test_the_clinicians_words_name_concepts_not_codes(imported):
    texts = {u.resource: u.text for u in imported.unused}
    assert texts["Observation/obs-creat"].endswith("(LOINC 2160-0): not a screening question")
    label = current_catalog().concepts["hemoglobin"].label
    assert texts["Observation/obs-hb"].startswith(f"{label} 8.1 mmol/L")


def test_every_imported_value_names_its_source_resource(imported):
    provenance = imported.provenance()
    assert provenance["platelets"] == ["Observation/obs-plt"]
    assert provenance["ms_phenotype"] == ["Condition/cond-ms"]
    assert provenance["age"] == ["Patient/pat-1"]
    assert provenance["medications"] == [
        "MedicationStatement/med-ocr",
        "MedicationStatement/med-tec",
        "MedicationRequest/rx-fin",
    ]


def test_the_imported_answers_pass_the_shared_validator(imported):
    validated = current_catalog().validator().validate(imported.answers(), AS_OF)
    assert validated.errors == {}
    assert validated.values["age"] == 47


def test_an_invalid_bundle_lists_each_invalid_resource(db):
    with pytest.raises(BundleError) as caught:
        map_bundle(bundle_text("invalid_bundle.json"), catalog=current_catalog(), as_of=AS_OF)
    invalid = [(i.index, i.resource_type) for i in caught.value.invalid]
    assert invalid == [(1, "Observation"), (2, "Condition"), (3, "Spaceship")]
    assert "status" in caught.value.invalid[0].message and "required" in caught.value.invalid[0].message
    assert caught.value.invalid[2].message == "unknown resourceType"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"resourceType": "Patient"}', "not a FHIR Bundle"),
        ('{"resourceType": "Bundle", "type": "collection", "entry": {}}', '"entry" must be a list'),
    ],
)
def test_unreadable_input_gets_a_clear_error(db, raw, message):
    with pytest.raises(BundleError, match=message):
        map_bundle(raw, catalog=current_catalog(), as_of=AS_OF)


def test_a_value_the_validator_refuses_is_reported_not_imported(db):
    result = map_bundle(
        bundle(lab("plt-huge", "777-3", 9000, "10*9/L", "2026-11-01")), catalog=current_catalog(), as_of=AS_OF
    )
    assert "platelets" not in result.answers()
    assert "between 0 and 5000" in result.unused[-1].reason


class TestImportPage(ClinicBase):
    def url(self):
        return reverse("clinic:fhir_import", args=[self.patient.pk])

    def test_a_bundle_is_shown_for_checking_before_anything_is_saved(self, client):
        self.as_user(client, self.clinician)
        upload = (FIXTURES / "ms_patient_bundle.json").open("rb")
        response = client.post(self.url(), {"bundle_file": upload, "as_of": "2026-11-21"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Observation/obs-plt" in html and "210000 /mm3" in html
        assert "mmol/L cannot be converted to g/dL" in html
        assert not Screening.objects.exists()
        assert AuditEvent.objects.filter(action="import", patient_id=self.patient.pk).exists()

    def test_confirming_fills_the_form_and_saving_keeps_the_sources(self, client):
        self.as_user(client, self.clinician)
        preview = client.post(self.url(), {"bundle_text": bundle_text(), "as_of": "2026-11-21"})
        ctx = preview.context
        form_page = client.post(
            reverse("clinic:screening_new", args=[self.patient.pk]),
            {
                "action": "prefill",
                "imported_answers": ctx["answers_json"],
                "imported_provenance": ctx["provenance_json"],
                "imported_as_of": "2026-11-21",
            },
        )
        questions = form_page.context["form"].questions
        assert questions["platelets"].initial == {"platelets": "210000", "platelets__unit": "/mm3"}
        assert questions["medications"].initial["medications__0__drug"] == "ocrelizumab"
        # The clinician submits the form as filled in.
        data = {"action": "save", "provenance": form_page.context["provenance"], "as_of": "2026-11-21"}
        for question in questions.values():
            for name, value in question.initial.items():
                if value is None or value is False:
                    continue
                data[name] = "on" if value is True else str(value)
        response = client.post(reverse("clinic:screening_new", args=[self.patient.pk]), data)
        assert response.status_code == 302, response.context["form"].answer_errors
        screening = Screening.objects.get()
        assert screening.source == "fhir"
        assert screening.provenance["platelets"] == "Observation/obs-plt"
        assert screening.answers["alt_x_uln"] == 1.5

    def test_an_invalid_bundle_is_refused_with_the_list_of_invalid_resources(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            self.url(), {"bundle_text": bundle_text("invalid_bundle.json"), "as_of": "2026-11-21"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "3 invalid resource(s)" in html
        assert "Spaceship" in html and "unknown resourceType" in html

    def test_it_asks_for_a_file_or_pasted_json(self, client):
        self.as_user(client, self.clinician)
        response = client.post(self.url(), {"as_of": "2026-11-21"})
        assert response.status_code == 400
        assert "Choose a bundle file or paste its JSON." in response.content.decode()

    def test_a_bundle_can_be_posted_as_the_request_body(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            self.url() + "?as_of=2026-11-21", bundle_text(), content_type="application/fhir+json"
        )
        assert response.status_code == 200
        assert response.context["as_of"] == date(2026, 11, 21)
        assert response.context["imported"].answers()["alt_x_uln"] == 1.5
        assert not Screening.objects.exists()
