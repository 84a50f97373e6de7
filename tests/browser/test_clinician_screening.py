"""A clinician screens a lupus patient in English: MS questions go away, units and treatments."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_lupus_diagnosis_hides_the_ms_questions_and_units_can_be_chosen(page, screenshot):
    page.goto("/en/clinician/")
    expect(page.locator("#q-edss")).to_be_visible()
    page.check('#q-diagnosis input[value="systemic_lupus_erythematosus"]')
    expect(page.locator("#q-edss")).to_be_hidden()
    expect(page.locator("#q-ms_phenotype")).to_be_hidden()
    expect(page.locator("#q-sle_refractory")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("1 trial still possible")

    page.select_option("#id_platelets__unit", "/mm3")
    page.fill("#id_platelets", "150 000")
    expect(page.locator("#progress")).to_contain_text("2 questions answered")

    page.select_option("#id_medications__0__drug", "belimumab")
    expect(page.locator("#id_medications__1__drug")).to_be_visible()
    page.fill("#id_medications__0__days", "20")
    # Leaving the field, as a person does, commits it even if the typing debounce was cut short
    # by the redraw the drug choice caused.
    page.press("#id_medications__0__days", "Tab")
    expect(
        page.locator('#results [data-verdict="ineligible"] [data-trial="EUCTR2017-001400-29-FR"]')
    ).to_contain_text("belimumab last taken 20 days ago")
    screenshot("clinician-lupus-en", full_page=True)
