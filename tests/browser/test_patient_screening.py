"""A patient screens themself in French, in a real browser: live results, reasons, keyboard."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect


def in_group(page, verdict: str, trial_id: str):
    return page.locator(f'#results [data-verdict="{verdict}"] [data-trial="{trial_id}"]')


def see_all_questions(page):
    """From the interview (the patient's link) to the whole questionnaire, one link away."""
    page.get_by_role("link", name="Voir toutes les questions").click()
    expect(page.get_by_role("heading", name="Votre questionnaire")).to_be_visible()


def answer_ppms_patient(page):
    page.fill("#id_age", "50")
    page.check('#q-sex input[value="female"]')
    page.check('#q-diagnosis input[value="multiple_sclerosis"]')
    page.check('#q-ms_phenotype input[value="PPMS"]')
    page.fill("#id_edss", "4,5")
    page.fill("#id_edss_increase_12m", "0")
    expect(page.locator("#progress")).to_contain_text("6 questions répondues")


def test_a_ppms_patient_sees_which_trials_fit_and_why_not(page, screenshot):
    page.goto("/fr/")
    screenshot("start-fr")
    page.get_by_role("link", name="Je suis un patient").click()
    see_all_questions(page)
    answer_ppms_patient(page)

    hopeful = page.locator('#results [data-trial="NCT06592703"]')
    expect(hopeful).to_have_count(1)
    verdict = hopeful.locator("xpath=ancestor::section[@data-verdict]").get_attribute("data-verdict")
    assert verdict in ("eligible", "needs_info")
    for trial_id in ("NCT02403947", "NCT02424396"):  # MESEMS, MS-IL2: apart, no longer recruiting
        excluded = in_group(page, "closed", trial_id)
        expect(excluded).to_be_visible()
        expect(excluded).to_contain_text("Selon vos réponses : Non éligible")
        expect(excluded.locator(".reasons li").first).to_be_visible()
        expect(
            excluded.get_by_role("link", name="Demander à l’équipe de l’étude de me contacter")
        ).to_have_count(0)
    expect(in_group(page, "closed", "NCT02424396")).to_contain_text("mais l’essai exige")
    expect(in_group(page, "closed", "NCT02403947")).to_contain_text("EDSS")
    # MS questions asked, lupus questions hidden.
    expect(page.locator("#q-sle_refractory")).to_be_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("patient-ppms-fr")
    screenshot("patient-ppms-fr-full", full_page=True)

    page.get_by_role("link", name="Tous les critères de cet essai").nth(0).click()
    expect(page.get_by_role("heading", name="Tous les critères, pour ce patient")).to_be_visible()
    expect(page.locator("tr.criterion").first).to_be_visible()
    screenshot("trial-detail-fr", full_page=True)


def test_changing_the_edss_updates_the_results_without_a_page_load(page, screenshot):
    page.goto("/fr/patient/")
    see_all_questions(page)
    answer_ppms_patient(page)
    expect(in_group(page, "ineligible", "NCT06592703")).to_have_count(0)
    page.evaluate("window.sameDocument = true")

    page.fill("#id_edss", "7")
    expect(in_group(page, "ineligible", "NCT06592703")).to_be_visible()
    expect(in_group(page, "ineligible", "NCT06592703")).to_contain_text("au-dessus de l’intervalle exigé")
    assert page.evaluate("window.sameDocument") is True
    screenshot("patient-edss-7-fr")

    page.fill("#id_edss", "12")
    expect(page.locator("#q-edss .invalid-feedback")).to_contain_text("comprise entre 0 et 10")
    expect(page.locator("#id_edss")).to_have_attribute("aria-invalid", "true")


def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_patient_can_answer_with_the_keyboard_only(page, screenshot):
    page.goto("/fr/")
    tab_to(page, 'a[href="/fr/patient/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Votre présélection")).to_be_visible()
    tab_to(page, 'a[href$="/all/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Votre questionnaire")).to_be_visible()

    tab_to(page, "#id_age")
    page.keyboard.type("50")
    expect(page.locator("#progress")).to_contain_text("1 question répondue")
    tab_to(page, 'input[name="sex"]')
    page.keyboard.press("Space")
    expect(page.locator("#progress")).to_contain_text("2 questions répondues")
    tab_to(page, 'input[name="diagnosis"]')
    page.keyboard.press("Space")
    expect(page.locator("#progress")).to_contain_text("3 questions répondues")
    expect(page.locator("#q-diagnosis input:checked")).to_have_value("multiple_sclerosis")

    # A "question that would settle it" link puts the keyboard in that question.
    link = page.locator("#results a.js-focus-question").first
    target = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("(t) => document.querySelector(t).contains(document.activeElement)", target)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    screenshot("patient-keyboard-fr")
