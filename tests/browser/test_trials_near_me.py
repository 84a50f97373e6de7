"""A patient in Marseille says where they live, in a real browser: typing suggests towns, the
results show each trial's nearest site and order each verdict nearest first, without a page
load; a misspelt town offers the right spelling."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect


def nearest_km(page) -> dict[str, int]:
    found = {}
    for card in page.locator("#results article.trial").all():
        line = card.locator(".nearest-site").inner_text()
        found[card.get_attribute("data-trial")] = int(re.search(r"(\d+) km", line).group(1))
    return found


def test_a_patient_in_marseille_sees_how_far_each_trial_is(page, screenshot, axe):
    page.goto("/en/patient/")
    page.get_by_role("link", name="See all questions").click()
    page.wait_for_url("**/en/patient/*/all/")
    page.evaluate("window.sameDocument = true")
    town = page.get_by_role("combobox", name="Which town do you live in?")
    town.press_sequentially("Mars", delay=40)
    expect(page.locator("#town-options option").first).to_have_attribute("value", "Marseille")
    town.fill("Marseille")
    page.get_by_role("button", name="Show distances").click()

    rennes = page.locator('#results [data-trial="NCT06592703"] .nearest-site')
    expect(rennes).to_have_text("Nearest site: Rennes University Hospital, Rennes — 765 km")
    expect(page.locator(".place-status")).to_contain_text("nearest to Marseille first")
    assert page.evaluate("window.sameDocument") is True
    km = nearest_km(page)
    for group in page.locator("#results section[data-verdict]").all():
        trials = [a.get_attribute("data-trial") for a in group.locator("article.trial").all()]
        assert [km[t] for t in trials] == sorted(km[t] for t in trials)
    screenshot("patient-near-marseille")
    assert axe() == []

    town.fill("Marseile")
    page.get_by_role("button", name="Show distances").click()
    expect(page.locator("#place-error")).to_contain_text("We could not find “Marseile”")
    expect(page.locator("#place-town")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Marseille", exact=True).click()
    expect(page.locator("#place-town")).to_have_value("Marseille")
    expect(rennes).to_contain_text("765 km")
