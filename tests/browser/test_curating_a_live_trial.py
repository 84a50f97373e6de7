"""A curator edits a published trial in a real browser: while the draft revision is built
(an OR group added and filled, a threshold changed) the API keeps screening the published
revision; once published, the new threshold decides, the explanation says the new values in
English and French, and the history and compare pages show both revisions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect

ASCPPMS = "NCT06592703"
SECRET = "a-browser-test-password-2026"
# EDSS 6.5 is outside the published range [3, 6]: ineligible until the range is widened.
PATIENT = {"answers": {"edss": 6.5}, "trials": [ASCPPMS]}


def verdict(page) -> str:
    response = page.request.post("/api/v1/screen", data=PATIENT)
    return response.json()["results"][0]["verdict"]


def served(page, language: str) -> dict:
    return page.request.get(f"/api/v1/trials/{ASCPPMS}", headers={"Accept-Language": language}).json()


def edss_explanation(trial: dict) -> str:
    def walk(nodes):
        for node in nodes:
            if node.get("concept") == "edss" and node["operator"] == "between":
                yield node["explanation"]
            yield from walk(node.get("children", []))

    return next(walk(trial["criteria"]))


def save_criterion(page) -> None:
    page.locator("input[name=_save]").click()
    expect(page.locator("#live-revision")).to_be_visible()


def test_editing_a_published_trial_changes_nothing_patients_see_until_it_is_published(page, screenshot):
    User.objects.create_superuser("curator", "curator@example.org", SECRET)
    page.goto("/admin/login/?next=/admin/trials/trial/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", SECRET)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=ASCPPMS).click()
    expect(page.locator("#live-revision")).to_contain_text("Screening uses revision 1")
    expect(page.locator("#publication-blockers")).to_have_count(0)
    assert verdict(page) == "ineligible"

    # An OR group: the first step of building one no longer takes the trial offline.
    page.get_by_role("link", name="Add an inclusion criterion").click()
    page.select_option("#id_node_type", "or")
    page.fill("#id_source_text", "Adult, or EDSS of at least 3")
    save_criterion(page)
    expect(page.locator("#draft-revision")).to_contain_text("Revision 2 is being edited")
    expect(page.locator("#live-revision")).to_contain_text("Screening uses revision 1")
    assert verdict(page) == "ineligible"
    assert served(page, "en")["revision"] == 1

    # Fill it: two alternatives, the concept found by its label.
    group = page.locator("li.node-or", has_text="Adult, or EDSS of at least 3")
    for search, label, op, value in (("age", "Age (age)", "gte", "18"), ("edss", "EDSS (edss)", "gte", "3")):
        group.get_by_role("link", name="add child").first.click()
        page.fill("#criterion-concept-search", search)
        page.select_option("#id_concept", label=label)
        page.select_option("#id_operator", op)
        page.fill("#id_values", value)
        save_criterion(page)
        assert verdict(page) == "ineligible"
    group = page.locator("li.node-or", has_text="Adult, or EDSS of at least 3")
    expect(group.locator("li.criterion-node")).to_have_count(2)

    # Change the threshold: the unit list only offers the concept's own.
    edss = page.locator("li.node-leaf", has_text="EDSS score: 3 to 6 at inclusion")
    edss.get_by_role("link", name="edit").click()
    assert "mmHg" not in page.locator("#id_unit").inner_text()
    page.fill("#id_values", "3, 6.5")
    save_criterion(page)
    assert verdict(page) == "ineligible"
    edss = page.locator("li.node-leaf", has_text="EDSS score: 3 to 6 at inclusion")
    expect(edss.locator(".stale-explanation")).to_be_visible()
    expect(page.locator("#publication-blockers")).to_contain_text("written before the criterion changed")
    screenshot("curation-draft-revision", full_page=True)
    edss.get_by_role("button", name="use the generated explanation").click()
    expect(page.locator("#publication-blockers")).to_have_count(0)
    assert verdict(page) == "ineligible"

    page.get_by_role("button", name="Publish the draft").click()
    expect(page.locator("#live-revision")).to_contain_text("Screening uses revision 2")
    assert verdict(page) == "needs_info"
    assert served(page, "en")["revision"] == 2
    assert edss_explanation(served(page, "en")) == "EDSS between 3 and 6.5"
    assert edss_explanation(served(page, "fr")) == "EDSS entre 3 et 6,5"
    edss = page.locator("li.node-leaf", has_text="EDSS score: 3 to 6 at inclusion")
    expect(edss.locator(".explanation-en")).to_contain_text("EDSS between 3 and 6.5")
    expect(edss.locator(".explanation-fr")).to_contain_text("EDSS entre 3 et 6,5")

    revisions = page.locator("#revisions tbody tr")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0)).to_contain_text("Published")
    expect(revisions.nth(0)).to_contain_text("curator")  # who published it
    expect(revisions.nth(1)).to_contain_text("Earlier revision")
    revisions.nth(1).get_by_role("link", name="Compare with published").click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("EDSS between 3 and 6.5")
    expect(changes.locator("tr.change-changed")).to_contain_text("EDSS between 3 and 6 ")
    screenshot("curation-compare-revisions", full_page=True)
    page.go_back()
    page.locator("#revisions tbody tr").nth(1).get_by_role("link", name="1", exact=True).click()
    expect(page.locator("#revision-state")).to_contain_text("Earlier revision")
    expect(page.locator("main, #content").first).to_contain_text("EDSS between 3 and 6")
