"""With JavaScript off the same form posts every answer and the page shows the same results."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect


def test_the_form_works_without_javascript(browser, seeded_server):
    context = browser.new_context(base_url=seeded_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/patient/")
        page.get_by_role("link", name="See all questions").click()
        expect(page.get_by_role("button", name="Update the results")).to_be_visible()
        page.fill("#id_age", "50")
        page.check('#q-diagnosis input[value="systemic_lupus_erythematosus"]')
        page.get_by_role("button", name="Update the results").click()
        page.wait_for_url("**/en/patient/*/all/")  # the whole form, under the screening's own link
        expect(page.locator("#progress")).to_contain_text("2 questions answered · 1 trial still possible")
        expect(page.locator("#q-edss")).to_be_hidden()
        expect(page.locator("#id_age")).to_have_value("50")
        expect(page.locator('#results [data-verdict="closed"] [data-trial="NCT02424396"]')).to_be_visible()

        page.fill("#id_age", "two hundred")
        page.get_by_role("button", name="Update the results").click()
        expect(page.locator("#q-age .invalid-feedback")).to_contain_text("Age must be a number")
    finally:
        context.close()
