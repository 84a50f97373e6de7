"""The patient interview at /<lang>/patient/<token>/: one question card at a time (the
chooser's next question), "I don't know", Back, earlier answers that can be changed, a summary
bar, the results at any moment, and the results with what to do next at the end; with htmx
(the card swapped, the summary bar out of band) and without JavaScript (post, redirect, get)."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone, translation

from screening.catalog import current_catalog
from screening.forms import UNKNOWN
from screening.questionnaire import build_screening
from tests.journey_helpers import (
    as_the_card_takes_them,
    card_data,
    next_card,
    screening_of,
    start,
    verdicts_of,
    with_answers,
)
from tests.screening_pages import HTMX, shown_verdicts, verdict_groups
from tests.test_staff_translations_complete import FRENCH, ROOT, python_messages, template_messages
from trials.models import TestPatient

pytestmark = pytest.mark.django_db

MS_WOMAN = {"age": 50, "sex": "female", "diagnosis": "multiple_sclerosis"}


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def give(client, url: str, code: str, value, *, htmx: bool = False):
    """Answers the card of `code` as a patient would (None: "I don't know")."""
    data = card_data(current_catalog().concepts[code], value)
    return client.post(f"{url}ask/{code}", data, **(HTMX if htmx else {}))


def interview_to_the_end(client, url: str, facts: dict, *, htmx: bool) -> tuple[list[str], str]:
    """Answers every card from `facts` ("I don't know" for what they do not say) until the
    interview ends; returns the questions asked, in order, and the last page."""
    asked: list[str] = []
    html = page(client, url)
    while (code := next_card(html)) is not None:
        assert code not in asked, f"{code} asked twice: {asked}"
        asked.append(code)
        response = give(client, url, code, facts.get(code), htmx=htmx)
        if htmx:
            assert response.status_code == 200
            html = response.content.decode()
        else:
            assert response.status_code == 302 and response["Location"] == url
            html = page(client, url)
        assert len(asked) <= len(current_catalog().concepts)
    return asked, html


class TestTheCard:
    def test_a_new_screening_opens_on_the_choosers_first_question_in_plain_words(self, client):
        url = start(client)
        html = page(client, url)
        first = build_screening(current_catalog(), "patient", {}, timezone.localdate()).next_code
        assert next_card(html) == first
        concept = current_catalog().concepts[first]
        assert concept.patient_question in html
        assert concept.help_text in html
        assert re.search(r'<button[^>]*name="dont_know"[^>]*>I don\'t know</button>', html)
        # The first question has nothing before it.
        assert "interview-back" not in html

    def test_the_card_offers_i_dont_know_once_as_a_button_not_as_an_input(self, client):
        url = with_answers(client, {"age": 50})
        html = page(client, url)
        card = html.split('class="interview-card', 1)[1].split("</section>", 1)[0]
        assert len(re.findall(r"I don(&#x27;|')t know", card)) == 1
        assert 'value="unknown"' not in card and "__unknown" not in card

    def test_the_summary_bar_counts_the_trials_still_possible_and_likely_eligible(self, client):
        html = page(client, start(client))
        # Five seed trials, two of which (MESEMS, MS-IL2) no longer recruit.
        assert re.search(r"3 trials still possible · 0 likely eligible</span>\s*—", html)
        assert 'role="status"' in html.split('id="summary"', 1)[1][:200]
        url = with_answers(client, {"age": 50, "diagnosis": "systemic_lupus_erythematosus"})
        assert "1 trial still possible · 0 likely eligible" in page(client, url)

    def test_see_all_questions_is_one_link_away_and_opens_the_whole_form(self, client):
        url = start(client)
        assert f'href="{url}all/"' in page(client, url)
        whole = page(client, f"{url}all/")
        assert len(re.findall(r'<div id="q-(\w+)"', whole)) > 60
        # The whole form links back to the interview.
        assert f'<a href="{url}">One question at a time</a>' in whole

    def test_a_question_that_does_not_exist_is_a_404(self, client):
        url = start(client)
        assert client.get(url, {"q": "no_such_question"}).status_code == 404
        assert client.post(f"{url}ask/no_such_question", {"dont_know": "1"}).status_code == 404


class TestAnswering:
    def test_without_javascript_an_answer_posts_redirects_and_the_next_question_follows(self, client):
        url = start(client)
        first = next_card(page(client, url))
        response = give(client, url, first, MS_WOMAN.get(first, 50))
        assert response.status_code == 302 and response["Location"] == url
        html = page(client, url)
        assert next_card(html) not in (None, first)
        assert first in screening_of(url).answers

    def test_with_htmx_the_card_is_swapped_and_the_summary_bar_updated_out_of_band(self, client):
        url = with_answers(client, {"age": 50})
        code = next_card(page(client, url))
        response = give(
            client, url, code, "systemic_lupus_erythematosus" if code == "diagnosis" else None, htmx=True
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html and "interview-card" in html
        assert re.search(r'<div id="summary" hx-swap-oob="innerHTML">', html)
        assert response["HX-Push-Url"] == url
        shown = json.loads(response["HX-Trigger-After-Settle"])["interview:shown"]
        assert shown == {"shown": next_card(html)}

    def test_i_dont_know_is_kept_and_never_asked_again(self, client):
        url = start(client)
        first = next_card(page(client, url))
        give(client, url, first, None)
        assert screening_of(url).answers == {first: UNKNOWN}
        asked, _ = interview_to_the_end(client, url, {}, htmx=True)
        assert first not in asked

    def test_a_refused_answer_stays_on_its_card_naming_the_field_and_nothing_is_kept(self, client):
        url = start(client)
        response = client.post(f"{url}ask/age", {"age": "two hundred"})
        assert response.status_code == 422
        html = response.content.decode()
        assert next_card(html) == "age"
        assert "Age must be a number" in html
        assert 'aria-invalid="true"' in html and 'value="two hundred"' in html
        assert screening_of(url).answers == {}

        response = client.post(f"{url}ask/age", {"age": "200"}, **HTMX)
        assert response.status_code == 200  # htmx swaps only successful responses
        assert (
            "Age must be between" in response.content.decode()
            or "Age must be at most" in response.content.decode()
        )
        assert screening_of(url).answers == {}

    def test_an_empty_answer_asks_for_an_answer_or_i_dont_know(self, client):
        url = start(client)
        response = client.post(f"{url}ask/sex", {})
        assert response.status_code == 422
        assert "Answer “What is your sex?”, or choose “I don&#x27;t know”." in response.content.decode()
        assert screening_of(url).answers == {}


class TestGoingBack:
    def test_back_shows_the_previous_question_with_its_answer(self, client):
        url = start(client)
        first = next_card(page(client, url))
        give(client, url, first, MS_WOMAN.get(first, 50))
        html = page(client, url)
        assert f'href="{url}?q={first}"' in html.split("interview-back", 1)[1][:300]
        back = page(client, url, q=first)
        assert next_card(back) == first
        assert "Question 1 · change your answer" in back
        assert "interview-back" not in back  # nothing before the first question

    def test_changing_an_earlier_answer_continues_the_interview_with_the_new_results(self, client):
        url = with_answers(client, MS_WOMAN)
        html = page(client, url)
        listed = re.findall(r'class="earlier-answer[^"]*" data-concept="(\w+)"', html)
        assert listed == ["age", "sex", "diagnosis"]
        assert f'href="{url}?q=diagnosis"' in html
        assert next_card(page(client, url, q="diagnosis")) == "diagnosis"

        response = give(client, url, "diagnosis", "systemic_lupus_erythematosus")
        assert response.status_code == 302 and response["Location"] == url
        html = page(client, url)
        assert "1 trial still possible" in html
        assert (
            next_card(html)
            == build_screening(
                current_catalog(), "patient", screening_of(url).answers, timezone.localdate()
            ).next_code
        )
        # The changed answer keeps its place in the list, in the patient's words.
        listed = re.findall(r'class="earlier-answer[^"]*" data-concept="(\w+)"', html)
        assert listed == ["age", "sex", "diagnosis"]
        assert "Systemic lupus erythematosus" in html.split('data-concept="diagnosis"', 1)[1][:400]

    def test_earlier_answers_are_listed_in_the_words_of_their_choices(self, client):
        answers = {
            "age": 42,
            "ongoing_relapse": False,
            "ms_phenotype": "RRMS",
            "edss": 4.5,
            "medications": [{"drug": "fingolimod", "days_since_last_dose": 91}],
            "platelets": UNKNOWN,
        }
        url = with_answers(client, answers, lang="fr")
        html = page(client, url)
        words = dict(
            re.findall(
                r'data-concept="(\w+)">\s*<span[^>]*>[^<]*</span>\s*<span class="fw-semibold">([^<]*)</span>',
                html,
            )
        )
        with translation.override("fr"):
            phenotype = current_catalog().concepts["ms_phenotype"].choice_label("RRMS")
        assert words == {
            "age": "42 ans",
            "ongoing_relapse": "Non",
            "ms_phenotype": phenotype,
            "edss": "4,5",
            "medications": "Fingolimod (Arrêté il y a 2 à 3 mois)",
            "platelets": "Je ne sais pas",
        }


class TestResults:
    def test_the_results_open_at_any_moment_with_their_reasons(self, client):
        url = with_answers(client, {"age": 50, "diagnosis": "multiple_sclerosis", "ms_phenotype": "SPMS"})
        html = page(client, url)
        assert f'href="{url}results/"' in html.split('id="summary"', 1)[1][:1200]
        results = page(client, f"{url}results/")
        groups = verdict_groups(results)
        assert "NCT02424396" in groups["closed"]  # MS-IL2 has completed: listed apart
        assert "Why not:" in results
        assert f'href="{url}"' in results  # back to the questions
        # Questions that would settle a trial open their card in the interview.
        assert re.search(rf'<a href="{re.escape(url)}\?q=\w+">', results)

    def test_with_htmx_the_results_replace_the_card(self, client):
        url = with_answers(client, {"age": 50})
        response = client.get(f"{url}results/", **HTMX)
        html = response.content.decode()
        assert "<html" not in html and 'data-verdict="needs_info"' in html
        assert json.loads(response["HX-Trigger-After-Settle"])["interview:shown"] == {"shown": "results"}

    def test_when_no_answer_can_change_a_verdict_the_interview_ends_with_the_results_and_what_to_do_next(
        self, client
    ):
        url = with_answers(client, {"age": 17})  # a minor: every seed trial is for adults
        html = page(client, url)
        assert next_card(html) is None
        assert "That was the last question" in html
        assert set(shown_verdicts(html).values()) == {"ineligible"}
        assert set(shown_verdicts(html)) == set(current_catalog().plan.by_id)
        assert f'href="{url}keep/"' in html and f'href="{url}notify/"' in html
        assert "No trial listed here fits your answers today" in html
        # The town question is offered, and optional.
        assert 'id="place-town"' in html and "(optional)" in html

    def test_a_trial_one_might_join_offers_its_study_team_at_the_end(self, client):
        facts = dict(TestPatient.objects.get(trial__trial_id="NCT06592703", name__startswith="PPMS").answers)
        url = start(client)
        _, html = interview_to_the_end(client, url, facts, htmx=False)
        assert "NCT06592703" in verdict_groups(html)["eligible"] + verdict_groups(html)["needs_info"]
        assert f'href="{url}trials/NCT06592703/contact/"' in html
        assert "What to do next" in html


class TestInFrench:
    def test_the_interview_speaks_french(self, client):
        url = start(client, "fr")
        html = page(client, url)
        code = next_card(html)
        with translation.override("fr"):
            assert current_catalog().concepts[code].patient_question in html
        assert "Voir toutes les questions" in html
        assert re.search(r"3 essais encore possibles · 0 probablement éligible</span>\s*—", html)
        response = client.post(f"{url}ask/age", {"age": "deux cents"})
        assert response.status_code == 422
        assert (
            "L’âge doit être un nombre" in response.content.decode()
            or "doit être un nombre" in response.content.decode()
        )


SEED_PATIENTS = [
    ("NCT06592703", "PPMS, EDSS 4.5"),
    ("NCT02403947", "RRMS after fingolimod failure"),
    ("NCT02424396", "RRMS man on interferon beta"),
    ("NCT04821596", "RRMS on dimethyl fumarate, 42"),
    ("EUCTR2017-001400-29-FR", "Refractory lupus on mycophenol"),
    ("NCT02424396", "SPMS"),
    ("NCT06592703", "Pregnant"),
]
# Every one with htmx (in French); without JavaScript (in English), the same steps as pages.
RUNS = [pytest.param(trial, name, True, id=f"htmx-{trial}-{name[:20]}") for trial, name in SEED_PATIENTS] + [
    pytest.param(trial, name, False, id=f"no-js-{trial}-{name[:20]}") for trial, name in SEED_PATIENTS[:2]
]


@pytest.mark.parametrize(("trial", "name", "htmx"), RUNS)
def test_a_seed_test_patient_ends_on_the_verdicts_that_all_its_facts_give_at_once(client, trial, name, htmx):
    facts = dict(TestPatient.objects.get(trial__trial_id=trial, name__startswith=name).answers)
    url = start(client, "fr" if htmx else "en")
    asked, html = interview_to_the_end(client, url, facts, htmx=htmx)
    assert next_card(html) is None
    expected = verdicts_of(as_the_card_takes_them(facts))
    assert shown_verdicts(html) == expected
    assert verdicts_of(screening_of(url).answers) == expected
    # The interview asked fewer questions than the whole form has.
    assert len(asked) < len(current_catalog().concepts)


def test_the_clinician_questionnaire_keeps_the_whole_form_and_highlights_the_suggested_question(client):
    html = client.get("/en/clinician/").content.decode()
    assert len(re.findall(r'<div id="q-(\w+)"', html)) > 60
    suggested = re.findall(
        r'<div id="q-\w+" class="question card mb-3 is-next"[^>]*data-concept="(\w+)"', html
    )
    assert suggested == [build_screening(current_catalog(), "clinician", {}, timezone.localdate()).next_code]


INTERVIEW_FILES = [
    ROOT / "journey" / "templates" / "journey" / "interview.html",
    ROOT / "journey" / "interview.py",
    ROOT / "journey" / "views.py",
    ROOT / "journey" / "answers.py",
]


@pytest.mark.parametrize("path", INTERVIEW_FILES, ids=[p.name for p in INTERVIEW_FILES])
def test_every_string_of_the_interview_has_its_french(path):
    messages = template_messages(path) if path.suffix == ".html" else python_messages(path)
    assert messages
    untranslated = [
        m for m in messages if not FRENCH.get(m) or (isinstance(FRENCH[m], tuple) and not all(FRENCH[m]))
    ]
    assert untranslated == []


def test_show_more_trials_under_the_results_opens_every_trial_of_the_results(client):
    url = start(client)
    response = client.get(url, {"all": "1"})
    assert response.status_code == 302 and response["Location"] == f"{url}results/?all=1"
    assert client.get(response["Location"]).status_code == 200


def test_the_order_of_answers_keeps_a_changed_answer_in_its_place_and_forgets_with_them(client):
    url = start(client)
    for code, value in (("age", 50), ("sex", "female"), ("diagnosis", "multiple_sclerosis")):
        give(client, url, code, value)
    give(client, url, "age", 51)
    assert screening_of(url).asked == ["age", "sex", "diagnosis"]
    client.post(f"{url}all/reset", {"confirm": "yes"})
    assert screening_of(url).asked == [] and screening_of(url).answers == {}


def test_start_again_on_the_interview_asks_first_and_only_a_confirmed_post_forgets(client):
    url = start(client)
    give(client, url, "age", 50)
    html = page(client, url)
    link = re.search(r'<a class="btn[^"]*start-again" href="([^"]+)"', html)
    assert link and link.group(1) == f"{url}reset"
    asking = client.get(link.group(1)).content.decode()
    assert "Start again?" in asking and 'name="confirm" value="yes"' in asking
    client.post(f"{url}reset")  # not confirmed: nothing is forgotten
    assert screening_of(url).answers == {"age": 50}
    response = client.post(f"{url}reset", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == url
    assert screening_of(url).answers == {}


def test_start_again_appears_with_the_first_answer_even_when_htmx_swapped_the_card(client):
    url = start(client)
    assert "start-again" not in page(client, url)  # nothing to forget yet
    html = give(client, url, "age", 50, htmx=True).content.decode()
    actions = html.split('id="interview-actions"', 1)[1].split("</div>", 1)[0]
    assert 'hx-swap-oob="true"' in actions and f'href="{url}reset"' in actions
