"""Every public page on a phone (390×844) and a desktop (1280×800): nothing scrolls sideways on
the phone, the language switch is on screen, and axe-core finds no accessibility violation at
either width. Screenshots of each page at 390 px go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from django.template import loader
from django.utils import translation

from journey import services
from journey.models import PatientScreening, token_hash
from trials.models import Site, Trial

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PPMS = {"age": 50, "sex": "female", "diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS", "edss": 4.5}
ASCPPMS, MESEMS, CLADACTION = "NCT06592703", "NCT02403947", "NCT04821596"
SERVER_ERROR = "server-error"


def patient(answers: dict) -> tuple[str, PatientScreening]:
    screening, token = services.patient_screening_start(language="en")
    PatientScreening.objects.filter(pk=screening.pk).update(answers=answers)
    return f"patient/{token}/", PatientScreening.objects.get(token_hash=token_hash(token))


def public_pages() -> list[tuple[str, str]]:
    """(name, path without the language prefix) of every public page, in the states a patient
    meets them: answered, with a trial already contacted, with a link deleted."""
    # A second site, so the "choose a site" step is a page of its own.
    Site.objects.create(
        trial=Trial.objects.get(trial_id=CLADACTION), facility="CHU de Brest", city="Brest", position=5
    )
    answered, screening = patient(PPMS)
    contacted, contacted_screening = patient(PPMS)
    trial = Trial.objects.get(trial_id=ASCPPMS)
    services.contact_request_create(
        screening=contacted_screening, trial=trial, site=trial.sites.first(), name="Jeanne Phone",
        email="jeanne.phone@example.org", phone="", language="en", consent_text="I agree",
        summary={"trial_id": ASCPPMS, "verdict": "needs_info", "criteria": []},
    )  # fmt: skip
    subscription = services.subscription_request(
        screening=screening, email="notify@example.org", language="en", known_trials=[]
    )
    deleted, deleted_screening = patient({})
    services.patient_screening_delete(screening=deleted_screening)
    confirm = services.confirm_url(subscription).split("/", 4)[-1]  # the path after /<lang>/
    unsubscribe = services.unsubscribe_url(subscription).split("/", 4)[-1]
    return [
        ("start", ""),
        ("clinician-questionnaire", "clinician/"),
        ("interview", answered),
        ("interview-results", answered + "results/"),
        ("questionnaire", answered + "all/"),
        ("questionnaire-all-trials", answered + "all/?all=1"),
        ("trial", answered + f"trials/{ASCPPMS}/"),
        ("trial-closed", answered + f"trials/{MESEMS}/"),
        ("contact", answered + f"trials/{ASCPPMS}/contact/"),
        ("contact-choose-site", answered + f"trials/{CLADACTION}/contact/"),
        ("contact-refused-closed", answered + f"trials/{MESEMS}/contact/"),
        ("contact-sent", contacted + f"trials/{ASCPPMS}/contact/sent/"),
        ("interview-request-sent", contacted + "results/"),
        ("trial-request-sent", contacted + f"trials/{ASCPPMS}/"),
        ("keep", answered + "keep/"),
        ("notify", answered + "notify/"),
        ("delete", answered + "delete/"),
        ("start-again", answered + "reset"),
        ("deleted", "deleted/"),
        ("privacy", "privacy/"),
        ("confirm", confirm),
        ("unsubscribe", unsubscribe),
        ("not-found-deleted-link", deleted),
        (SERVER_ERROR, ""),
    ]


def visit(page, lang: str, name: str, path: str) -> None:
    page.goto(f"/{lang}/{path}")
    if name == SERVER_ERROR:
        # The 500 page as handler500 renders it (no context, no request), on this origin.
        with translation.override(lang):
            page.set_content(loader.get_template("500.html").render())


def layout_problems(page, where: str) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{where} is {width} px wide")
    switch = page.locator("header nav a[hreflang]")
    if switch.count() != 2:
        problems.append(f"{where}: {switch.count()} language links")
    for link in switch.all():
        box = link.bounding_box()
        if not link.is_visible() or box is None:
            problems.append(f"{where}: language link {link.inner_text()} is not visible")
        elif (
            box["x"] < 0
            or box["x"] + box["width"] > PHONE["width"]
            or box["y"] + box["height"] > PHONE["height"]
        ):
            problems.append(f"{where}: language link {link.inner_text()} is off-screen at {box}")
    return problems


def test_no_public_page_scrolls_sideways_on_a_phone_and_the_language_switch_is_on_screen(page, screenshot):
    pages = public_pages()
    page.set_viewport_size(PHONE)
    problems = []
    for lang in ("en", "fr"):
        for name, path in pages:
            visit(page, lang, name, path)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            problems += layout_problems(page, f"/{lang}/ {name}")
            screenshot(f"phone-{lang}-{name}", full_page=True)
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_results_are_one_tap_away(page, screenshot):
    answered, _ = patient(PPMS)
    page.set_viewport_size(PHONE)
    page.goto(f"/en/{answered}all/")
    page.locator("#q-edss").scroll_into_view_if_needed()
    link = page.get_by_role("link", name="See the results")
    expect(link).to_be_in_viewport()  # the progress line stays on screen
    link.click()
    expect(page.locator("#results h2")).to_be_in_viewport()
    expect(page.locator(f'#results [data-trial="{ASCPPMS}"]')).to_be_visible()
    screenshot("phone-en-results")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_axe_finds_no_violation_on_any_public_page(page, axe, viewport):
    pages = public_pages()
    page.set_viewport_size(viewport)
    problems = []
    for lang in ("en", "fr"):
        for name, path in pages:
            visit(page, lang, name, path)
            problems += [f"/{lang}/ {name} at {viewport['width']} px: {v}" for v in axe()]
    assert not problems, "\n".join(problems)


def test_start_again_asks_in_place_and_clears_only_once_confirmed(page):
    answered, screening = patient(PPMS)
    page.goto(f"/en/{answered}all/")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("link", name="Start again").click()
    expect(page.get_by_role("heading", name="Start again?")).to_be_visible()
    assert page.evaluate("window.sameDocument") is True  # asked in place, with htmx
    page.get_by_role("link", name="No, keep my answers").click()
    expect(page.locator("#id_age")).to_have_value("50")
    page.get_by_role("link", name="Start again").click()
    page.get_by_role("button", name="Yes, delete my answers and start again").click()
    expect(page.locator("#id_age")).to_have_value("")
    screening.refresh_from_db()
    assert screening.answers == {}
