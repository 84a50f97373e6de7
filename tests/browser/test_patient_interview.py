"""A patient is interviewed in a real browser, on a phone (390×844) and on a desktop
(1280×800), in French and in English: one question at a time until no answer can change a
verdict, "I don't know", Back, an earlier answer changed, the results opened mid-way from the
summary bar, and at the end the verdicts that all of the patient's facts give at once. axe-core
finds nothing on any step, and no step scrolls sideways."""

from __future__ import annotations

import pytest

from screening.catalog import current_catalog
from tests.journey_helpers import as_the_card_takes_them, last_dose_choice, verdicts_of
from trials.models import TestPatient

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
WORDS = {
    "fr": {
        "next": "Suivant",
        "unknown": "Je ne sais pas",
        "back": "Retour",
        "results": "voir les résultats",
        "questions": "Revenir aux questions",
        "heading": "Votre présélection",
        "end": "Vos résultats",
        "next_steps": "Et maintenant ?",
        "change": "Modifier",
    },
    "en": {
        "next": "Next",
        "unknown": "I don't know",
        "back": "Back",
        "results": "see results",
        "questions": "Back to the questions",
        "heading": "Your screening",
        "end": "Your results",
        "next_steps": "What to do next",
        "change": "Change answer",
    },
}
# (language, trial, test patient): two seed test patients, one interviewed in each language.
PATIENTS = [
    pytest.param("fr", "NCT06592703", "PPMS, EDSS 4.5", id="fr-ppms"),
    pytest.param("en", "NCT04821596", "RRMS on dimethyl fumarate, 42", id="en-rrms"),
]


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page(browser, seeded_server, viewport):
    """The conftest's page at this test's size (its `axe` and `screenshot` use this one)."""
    context = browser.new_context(base_url=seeded_server.url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def typed(value: object, lang: str) -> str:
    """A number as the patient writes it: a decimal comma in French."""
    text = str(value)
    return text.replace(".", ",") if lang == "fr" else text


def card(page):
    return page.locator("#interview-main .interview-card")


def shown_question(page) -> str | None:
    return card(page).get_attribute("data-concept") if card(page).count() else None


def give(page, code: str, value: object, lang: str) -> None:
    """Answers the card on screen as a patient would, then waits for the next one."""
    concept = current_catalog().concepts[code]
    on_card, kind = card(page), concept.type
    if value is None or value == "unknown":
        on_card.get_by_role("button", name=WORDS[lang]["unknown"]).click()
    else:
        if kind == "boolean":
            on_card.locator(f'input[name="{code}"][value="{"true" if value else "false"}"]').check()
        elif kind == "choice":
            on_card.locator(f'input[name="{code}"][value="{value}"]').check()
        elif kind == "list" and not value:
            on_card.locator(f"#id_{code}__none").check()
        elif kind == "list":
            for item in value:
                on_card.locator(f"#id_{code}__took__{item['drug']}").check()
                when = last_dose_choice(item.get("days_since_last_dose"))
                on_card.locator(f"#id_{code}__when__{item['drug']}").select_option(when)
        elif kind == "since" and value == "never":
            on_card.locator(f"#id_{code}__never").check()
        elif kind == "quantity" and isinstance(value, dict):
            on_card.locator(f"#id_{code}").fill(typed(value["value"], lang))
            on_card.locator(f"#id_{code}__unit").select_option(value["unit"])
        else:
            on_card.locator(f"#id_{code}").fill(typed(value, lang))
        on_card.get_by_role("button", name=WORDS[lang]["next"]).click()
    expect(page.locator(f'.interview-card[data-concept="{code}"]')).to_have_count(0)


def assert_fits_the_screen(page, viewport: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"the page is {width} px wide"


def shown_verdicts(page) -> dict[str, str]:
    """Each listed trial's verdict; trials no longer recruiting are listed apart ("closed"),
    each with the verdict its card says."""
    found = {}
    for group in page.locator("#results section[data-verdict]").all():
        for trial in group.locator("article.trial").all():
            verdict = group.get_attribute("data-verdict")
            if verdict == "closed":
                verdict = trial.locator("[data-trial-verdict]").get_attribute("data-trial-verdict")
            found[trial.get_attribute("data-trial")] = verdict
    return found


@pytest.mark.parametrize(("lang", "trial", "name"), PATIENTS)
def test_a_patient_is_interviewed_to_the_end(page, viewport, screenshot, axe, lang, trial, name):
    facts = dict(TestPatient.objects.get(trial__trial_id=trial, name=name).answers)
    words = WORDS[lang]
    shot = f"interview-{lang}-{viewport}"

    page.goto(f"/{lang}/patient/")
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    expect(card(page)).to_be_visible()
    expect(page.locator("#summary")).to_be_in_viewport()
    assert_fits_the_screen(page, viewport)
    screenshot(f"{shot}-question")
    assert axe() == []

    # The first question is put off with "I don't know", then changed below.
    first = shown_question(page)
    assert first in facts
    give(page, first, None, lang)
    page.evaluate("window.sameDocument = true")
    # The keyboard follows the new card.
    expect(page.locator("#card-heading")).to_be_focused()  # once htmx has settled the swap

    # Two more, then Back: the previous question comes back with its answer, and Next carries on.
    asked = [first]
    for _ in range(2):
        code = shown_question(page)
        asked.append(code)
        give(page, code, facts.get(code), lang)
    current = shown_question(page)
    card(page).get_by_role("link", name=words["back"]).click()
    expect(card(page)).to_have_attribute("data-concept", asked[-1])
    card(page).get_by_role("button", name=words["next"]).click()
    expect(card(page)).to_have_attribute("data-concept", current)

    # The results, mid-way, from the summary bar, still on screen once scrolled to the bottom.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator("#summary")).to_be_in_viewport()
    page.locator("#summary").get_by_role("link", name=words["results"]).click()
    expect(page.locator("#results section[data-verdict]").first).to_be_visible()
    expect(page.locator("#results .reasons li").first).to_be_visible()  # reasons, for the ruled out
    assert "/results/" in page.url
    assert_fits_the_screen(page, viewport)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(f"{shot}-results-midway")
    assert axe() == []
    page.get_by_role("link", name=words["questions"]).click()
    expect(card(page)).to_have_attribute("data-concept", current)

    # The first answer is changed from the list of earlier answers, then the interview goes on.
    page.locator(f'.earlier-answer[data-concept="{first}"]').get_by_role("link", name=words["change"]).click()
    expect(card(page)).to_have_attribute("data-concept", first)
    give(page, first, facts[first], lang)
    expect(page.locator(f'.earlier-answer[data-concept="{first}"] .fw-semibold')).not_to_have_text(
        words["unknown"]
    )

    while (code := shown_question(page)) is not None:
        assert code not in asked, f"{code} asked twice"
        asked.append(code)
        assert_fits_the_screen(page, viewport)  # every card, treatments included
        give(page, code, facts.get(code), lang)

    expect(page.get_by_role("heading", name=words["end"], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=words["next_steps"])).to_be_visible()
    assert shown_verdicts(page) == verdicts_of(as_the_card_takes_them(facts))
    assert page.evaluate("window.sameDocument") is True  # every step was swapped by htmx
    assert_fits_the_screen(page, viewport)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(f"{shot}-end")
    assert axe() == []


def test_without_javascript_the_interview_is_one_question_per_page(browser, seeded_server):
    context = browser.new_context(
        base_url=seeded_server.url, java_script_enabled=False, viewport=VIEWPORTS["phone"]
    )
    page = context.new_page()
    try:
        page.goto("/en/patient/")
        assert shown_question(page) is not None
        page.goto(page.url + "?q=age")  # the age card, whatever the interview asks first
        assert shown_question(page) == "age"
        card(page).locator("#id_age").fill("two hundred")
        card(page).get_by_role("button", name="Next").click()
        expect(card(page).locator(".invalid-feedback")).to_contain_text("Age must be a number")
        card(page).locator("#id_age").fill("50")
        card(page).get_by_role("button", name="Next").click()
        page.wait_for_url("**/en/patient/*/")  # post, redirect, get
        second = shown_question(page)
        assert second not in (None, "age")
        card(page).get_by_role("button", name="I don't know").click()
        expect(card(page)).not_to_have_attribute("data-concept", second)
        card(page).get_by_role("link", name="Back").click()
        expect(card(page)).to_have_attribute("data-concept", second)
        page.locator("#summary").get_by_role("link", name="see results").click()
        expect(page.get_by_role("heading", name="Your results so far")).to_be_visible()
        expect(page.locator('#results [data-verdict="needs_info"] article.trial').first).to_be_visible()
    finally:
        context.close()
