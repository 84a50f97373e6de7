"""POST /<lang>/<mode>/answer/<code>: one answer, validated alone, results re-rendered."""

import json
import re

import pytest

from tests.screening_pages import PPMS_PATIENT, answer, answer_all, is_hidden, patient_path, verdict_groups

pytestmark = pytest.mark.django_db


def questions_event(response) -> dict:
    return json.loads(response["HX-Trigger"])["screening:questions"]


def test_it_accepts_a_french_decimal_comma_and_leaves_the_typed_field_alone(client):
    response = answer(client, "edss", {"edss": "4,5"}, lang="fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert '<div id="q-edss"' not in html
    assert '<div id="results" hx-swap-oob="innerHTML">' in html
    assert '<div id="progress" hx-swap-oob="innerHTML">' in html
    assert "1 question répondue" in html


def test_it_shows_the_validators_error_next_to_the_field_and_keeps_nothing(client):
    response = answer(client, "edss", {"edss": "11"})
    html = response.content.decode()
    assert "HX-Reswap" not in response
    assert html.lstrip().startswith('<div id="q-edss"')
    assert 'name="edss__had_error"' in html
    assert "EDSS must be between 0 and 10 in steps of 0.5" in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*id_edss_error', html)
    assert 'id="id_edss_error"' in html
    assert "0 questions answered" in html


def test_a_corrected_answer_clears_the_error_on_screen(client):
    answer(client, "edss", {"edss": "11"})
    response = answer(client, "edss", {"edss": "4", "edss__had_error": "1"})
    html = response.content.decode()
    assert "HX-Reswap" not in response
    assert 'value="4"' in html
    assert "invalid-feedback" not in html.split('<div id="progress"')[0]


def test_a_word_instead_of_a_number_is_refused_with_the_concepts_label(client):
    html = answer(client, "age", {"age": "fifty"}).content.decode()
    assert "Age must be a number" in html
    assert 'value="fifty"' in html


def test_a_clinician_sees_mesems_and_ms_il2_excluded_with_their_reasons(client):
    # (A patient sees these two apart, as no longer recruiting: test_view_recruitment.)
    html = answer_all(client, PPMS_PATIENT, mode="clinician").content.decode()
    groups = verdict_groups(html)
    assert "NCT06592703" in groups["needs_info"] + groups["eligible"]
    assert {"NCT02403947", "NCT02424396"} <= set(groups["ineligible"])
    assert (
        "MS type: Primary progressive MS (PPMS), but the trial requires Relapsing-remitting MS (RRMS)" in html
    )
    assert "EDSS increase over 12 months 0.0 is below 1.0" in html


def test_raising_the_edss_moves_a_trial_to_not_eligible(client):
    answer_all(client, PPMS_PATIENT)
    html = answer(client, "edss", {"edss": "7"}).content.decode()
    assert "NCT06592703" in verdict_groups(html)["ineligible"]
    assert "EDSS 7.0 is above the required range 3.0–6.0" in html


def test_ms_questions_are_hidden_once_the_diagnosis_is_lupus(client):
    before = questions_event(answer(client, "age", {"age": "40"}))
    assert {"edss", "ms_phenotype"} <= set(before["visible"])
    response = answer(client, "diagnosis", {"diagnosis": "systemic_lupus_erythematosus"})
    event = questions_event(response)
    assert "edss" not in event["visible"] and "ms_phenotype" not in event["visible"]
    assert {"diagnosis", "age", "sle_refractory"} <= set(event["visible"])
    assert event["next"] in event["visible"]
    assert "1 trial still possible" in response.content.decode()


def test_contradictory_answers_are_flagged_on_the_later_question(client):
    answer(client, "relapses_12m", {"relapses_12m": "3"})
    html = answer(client, "relapses_24m", {"relapses_24m": "1"}).content.decode()
    assert html.lstrip().startswith('<div id="q-relapses_24m"')
    assert "relapses in 24 months cannot be fewer than relapses in 12 months" in html


def test_a_quantity_keeps_the_unit_it_was_given_in(client):
    answer(client, "platelets", {"platelets": "150 000", "platelets__unit": "/mm3"}, mode="clinician")
    html = client.get("/en/clinician/").content.decode()
    assert 'name="platelets" value="150000"' in html
    assert 'option value="/mm3" selected' in html


def test_a_patient_can_say_i_dont_know_and_it_counts_as_answered(client):
    html = answer(client, "edss", {"edss__unknown": "on"}).content.decode()
    assert "1 question answered" in html
    page = client.get(f"/en/{patient_path(client)}").content.decode()
    assert re.search(r'name="edss__unknown"[^>]*checked', page)


def test_clinician_medication_rows_grow_as_treatments_are_added(client):
    html = answer(
        client,
        "medications",
        {"medications__0__drug": "natalizumab", "medications__0__days": "40"},
        mode="clinician",
    ).content.decode()
    assert 'name="medications__1__drug"' in html
    assert 'option value="natalizumab" selected' in html
    assert 'name="medications__0__days" value="40"' in html


def test_a_patient_ticks_a_drug_and_says_when_in_plain_words(client):
    answer_all(client, {"diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS"})
    html = answer(
        client,
        "medications",
        {"medications__took__natalizumab": "on", "medications__when__natalizumab": "2m"},
    ).content.decode()
    assert re.search(r'name="medications__took__natalizumab"[^>]*checked', html)
    assert "natalizumab last taken 60 days ago" in html


def test_without_htmx_it_keeps_the_answer_and_redirects_back(client):
    response = answer(client, "age", {"age": "50"}, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"/en/{patient_path(client)}"
    assert 'value="50"' in client.get(f"/en/{patient_path(client)}").content.decode()


def test_without_htmx_a_refused_answer_shows_the_page_with_the_error(client):
    response = answer(client, "age", {"age": "fifty"}, htmx=False)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert "Age must be a number" in html


def test_an_unknown_question_is_404(client):
    assert answer(client, "shoe_size", {"shoe_size": "42"}).status_code == 404


def test_it_refuses_get(client):
    assert client.get(f"/en/{patient_path(client)}answer/age").status_code == 405


def test_patient_and_clinician_answers_are_kept_apart(client):
    answer(client, "age", {"age": "50"}, mode="clinician")
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    assert 'value="50"' not in html
    assert not is_hidden(html, "age")
