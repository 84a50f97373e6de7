"""GET and POST /<lang>/<mode>/: the whole questionnaire, with or without JavaScript."""

import re

import pytest

from tests.screening_pages import (
    HTMX,
    PPMS_PATIENT,
    answer,
    is_hidden,
    patient_path,
    question_tag,
    verdict_groups,
)

pytestmark = pytest.mark.django_db


def test_it_builds_sections_and_questions_from_the_concept_table(client):
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    sections = re.findall(r'<h2 class="h4 mt-3" id="section-(\w+)">', html)
    assert sections == [
        "about_you",
        "diagnosis",
        "disease_course",
        "treatments",
        "laboratory",
        "other_conditions",
    ]
    assert "How old are you?" in html


def test_clinician_mode_uses_clinical_wording_and_lab_units(client):
    html = client.get("/en/clinician/").content.decode()
    assert "Age at screening (years)" in html
    assert "How old are you?" not in html
    assert re.search(r'<select name="platelets__unit"', html)
    assert 'name="platelets__unknown"' not in html


def test_patient_mode_offers_i_dont_know_on_every_question(client):
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    questions = re.findall(r'<div id="q-(\w+)"', html)
    assert len(questions) > 60
    for code in questions:
        block = html.split(f'<div id="q-{code}"', 1)[1].split('<div id="q-', 1)[0]
        assert "I don&#x27;t know" in block, code


def test_every_input_has_a_label(client):
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    ids = re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', html)
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    labelled |= set(re.findall(r'<select[^>]*aria-label="[^"]+"[^>]*id="([^"]+)"', html))
    assert len(ids) > 200
    assert set(ids) - labelled == set()


def test_it_highlights_one_suggested_next_question(client):
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    assert len(re.findall(r'<p class="next-label mb-2"><span', html)) == 1
    assert len(re.findall(r'class="question card mb-3 is-next"', html)) == 1


def test_the_same_page_is_served_to_htmx_requests(client):
    response = client.get(f"/en/{patient_path(client)}", **HTMX)
    assert response.status_code == 200
    assert 'aria-live="polite"' in response.content.decode()


def test_without_javascript_the_form_posts_everything_and_redirects(client):
    response = client.post(f"/en/{patient_path(client)}", PPMS_PATIENT)
    assert response.status_code == 302
    assert response["Location"] == f"/en/{patient_path(client)}"
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    groups = verdict_groups(html)
    assert "NCT06592703" in groups["needs_info"] + groups["eligible"]
    assert {"NCT02403947", "NCT02424396"} <= set(groups["closed"])  # no longer recruiting
    assert "6 questions answered" in html


def test_the_page_and_the_htmx_answers_agree(client):
    client.post(f"/en/{patient_path(client)}", PPMS_PATIENT)
    page = verdict_groups(client.get(f"/en/{patient_path(client)}").content.decode())
    other = type(client)()
    for code, value in PPMS_PATIENT.items():
        live = answer(other, code, {code: value}).content.decode()
    assert verdict_groups(live) == page


def test_a_refused_answer_is_shown_with_its_error_and_the_others_are_kept(client):
    response = client.post(f"/en/{patient_path(client)}", {**PPMS_PATIENT, "age": "two hundred"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Age must be a number" in html
    assert 'value="two hundred"' in html
    assert "5 questions answered" in html


def test_questions_that_cannot_matter_are_hidden_but_answered_ones_stay(client):
    client.post(f"/en/{patient_path(client)}", {"diagnosis": "systemic_lupus_erythematosus", "edss": "3"})
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    assert is_hidden(html, "ms_phenotype")
    assert not is_hidden(html, "edss")
    assert not is_hidden(html, "sle_refractory")


def test_the_next_question_links_jump_to_the_question(client):
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    links = re.findall(r'<a href="#q-(\w+)" class="js-focus-question">', html)
    assert links
    for code in links:
        question_tag(html, code)


def test_results_show_status_badges_as_text_and_sites(client):
    html = client.get(f"/en/{patient_path(client)}").content.decode()
    assert "Recruiting" in html and "No longer recruiting" in html
    assert "Sites:" in html


def test_the_page_is_in_french_when_asked(client):
    html = client.get(f"/fr/{patient_path(client)}").content.decode()
    assert "Quel âge avez-vous" in html
    assert "Je ne sais pas" in html
    assert "Besoin de plus d&#x27;informations" in html or "Besoin de plus d'informations" in html


def test_a_long_group_lists_its_first_trials_and_links_to_the_rest(client, monkeypatch):
    # A lupus patient is not eligible for the four MS trials; with room for two per group the
    # live panel lists two, counts all four, and links to the full list.
    monkeypatch.setattr("screening.questionnaire.RESULTS_PER_GROUP", 2)
    response = answer(client, "diagnosis", {"diagnosis": "systemic_lupus_erythematosus"}, mode="clinician")
    html = response.content.decode()
    ineligible = html.split('data-verdict="ineligible"', 1)[1]
    assert ineligible.count('<article class="card trial') == 2
    assert 'id="group-ineligible">' in html and ">4</span>" in ineligible.split("</h3>", 1)[0]
    assert 'href="/en/clinician/?all=1#group-ineligible">' in ineligible
    assert "Show 2 more trials" in ineligible

    full = client.get("/en/clinician/?all=1").content.decode().split('data-verdict="ineligible"', 1)[1]
    assert full.count('<article class="card trial') == 4
    assert "more trials" not in full


def test_inputs_drawn_for_one_visitor_never_show_another_visitors_answers_or_language(client):
    # Blank inputs are drawn once and reused: a second visitor, another language and another
    # patient's own link must each still get inputs of their own.
    first = client.get("/en/clinician/").content.decode()
    answer(client, "age", {"age": "42"}, mode="clinician")
    answered = client.get("/en/clinician/").content.decode()
    assert re.search(r'<input[^>]*name="age"[^>]*value="42"', answered)
    assert not re.search(r'<input[^>]*name="age"[^>]*value="42"', first)

    other = type(client)()
    blank = other.get("/en/clinician/").content.decode()
    assert not re.search(r'<input[^>]*name="age"[^>]*value="42"', blank)
    assert _block(blank, "edss") == _block(first, "edss")
    french = other.get("/fr/clinician/").content.decode()
    assert "Âge à la présélection (ans)" in french and "Age at screening" not in french

    mine, theirs = patient_path(client), patient_path(other)
    assert mine != theirs
    for visitor, path in ((client, mine), (other, theirs)):
        html = visitor.get(f"/en/{path}").content.decode()
        posts = set(re.findall(r'hx-post="([^"]+)"', _block(html, "edss")))
        assert posts == {f"/en/{path}answer/edss"}, posts


def _block(html: str, code: str) -> str:
    return html.split(f'<div id="q-{code}"', 1)[1].split('<div id="q-', 1)[0]
