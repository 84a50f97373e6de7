"""The live results panel keeps each card it drew (screening.cards): a kept card must never
show what an answer, the language or the mode changed."""

import re

import pytest
from django.core.cache import caches

from tests.screening_pages import answer, shown_verdicts

pytestmark = pytest.mark.django_db

STEPS = [
    ("age", "50"),
    ("sex", "female"),
    ("diagnosis", "multiple_sclerosis"),
    ("ms_phenotype", "PPMS"),
    ("edss", "4,5"),
    ("edss", "8"),  # changes verdicts and reasons of trials already on the panel
    ("edss", "4,5"),  # back: the cards of two answers ago are kept
    ("ms_phenotype", "RRMS"),
    ("edss", "unknown"),
    ("ms_phenotype", "PPMS"),
]


def results_panel(response) -> str:
    html = response.content.decode()
    return html[html.index('<div id="results" hx-swap-oob="innerHTML">') :]


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_each_answer_shows_exactly_the_panel_drawn_without_kept_cards(client, mode):
    caches["template_fragments"].clear()
    seen = set()
    for code, value in STEPS:
        kept = results_panel(answer(client, code, {code: value}, mode=mode))
        caches["template_fragments"].clear()
        fresh = results_panel(answer(client, code, {code: value}, mode=mode))
        assert kept == fresh, (code, value)
        seen.add(tuple(sorted(shown_verdicts(kept).items())))
    assert len(seen) >= 3  # the walk did change what the panel shows


def test_a_changed_edss_changes_the_kept_cards_reasons(client):
    for code, value in STEPS[:5]:
        answer(client, code, {code: value}, mode="clinician")
    low = results_panel(answer(client, "edss", {"edss": "4,5"}, mode="clinician"))
    high = results_panel(answer(client, "edss", {"edss": "8"}, mode="clinician"))
    again = results_panel(answer(client, "edss", {"edss": "4,5"}, mode="clinician"))
    assert shown_verdicts(low) != shown_verdicts(high)
    assert again == low


def test_the_same_answers_in_french_give_french_cards(client):
    for code, value in STEPS[:5]:
        answer(client, code, {code: value}, mode="clinician")
    english = results_panel(answer(client, "edss", {"edss": "4,5"}, mode="clinician"))
    french = results_panel(answer(client, "edss", {"edss": "4,5"}, mode="clinician", lang="fr"))
    assert "Every criterion of this trial" in english
    assert "Every criterion of this trial" not in french
    assert re.findall(r'data-trial="([^"]+)"', english) == re.findall(r'data-trial="([^"]+)"', french)
    assert "/fr/" in french and "/en/" not in french
