"""Clinicians and coordinators in a real browser: the dashboard, the screening form, compare
and the screening log; then every staff page for a French browser, at phone and desktop width,
with axe-core finding nothing and no English left."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from clinic import services
from clinic.models import CLINICIANS, COORDINATORS, CURATORS, Screening, ScreeningResult, Team
from impact import services as impact_services
from tests.test_staff_pages_french import english_left
from trials.models import Criterion, Trial
from trials.seed_data.test_patients import ASCPPMS, MSIL2

pytestmark = pytest.mark.django_db(transaction=True)

expect = pytest.importorskip("playwright.sync_api").expect

LOGIN_SECRET_FOR_TESTS = "a-browser-test-password-2026"
MS_IL2 = "NCT02424396"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def person(username: str, group: str, team: Team | None = None, **names) -> User:
    user = User.objects.create_user(username, password=LOGIN_SECRET_FOR_TESTS, **names)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if team:
        team.members.add(user)
    return user


def log_in(page, user: User, button: str = "Log in") -> None:
    page.goto("/clinic/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", LOGIN_SECRET_FOR_TESTS)
    page.locator("main").get_by_role("button", name=button).click()
    expect(page.locator("main h1")).not_to_have_text(button)


@pytest.fixture
def clinic(seeded_server):
    """Team A's `martin` (a clinician) and `coordinator`, with patients screened over time."""
    team = Team.objects.create(name="Neurologie A")
    martin = person("martin", CLINICIANS, team, first_name="Claire", last_name="Martin")
    coordinator = person("coordinator", COORDINATORS)
    curator = person("curator", CURATORS)
    patients = []
    for n in range(28):
        patient = services.patient_create(
            by=martin, team=team, local_identifier=f"A-{n:04d}", initials="JB" if n == 2 else "ZZ",
            year_of_birth=1980 + n % 20, sex="female",
        )  # fmt: skip
        patients.append(patient)
        if n < 26:
            screening = services.screening_save(
                patient=patient, answers={**ASCPPMS, "edss": 4.5 if n % 2 else 8.0}, as_of=timezone.localdate(), by=martin
            )  # fmt: skip
            Screening.objects.filter(pk=screening.pk).update(screened_at=timezone.now() - timedelta(days=n))
    return {
        "team": team,
        "martin": martin,
        "coordinator": coordinator,
        "curator": curator,
        "patients": patients,
    }


def test_a_clinician_finds_a_patient_filters_and_pages_the_dashboard(page, clinic, screenshot):
    ScreeningResult.objects.filter(screening__patient=clinic["patients"][5]).update(is_new=True)
    log_in(page, clinic["martin"])
    rows = page.locator("table.patient-list tbody tr")
    expect(rows).to_have_count(25)
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(3)

    page.get_by_label("Pseudonym").fill("A-0002 (JB)")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A-0002 (JB)")

    page.get_by_label("Pseudonym").fill("")
    page.get_by_role("combobox", name="New matches").select_option("yes")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A-0005")

    page.get_by_role("combobox", name="New matches").select_option("")
    page.get_by_label("Last screened").select_option("never")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(2)  # A-0026 and A-0027 were never screened
    page.get_by_label("Last screened").select_option("")
    page.get_by_label("Best result").select_option("eligible")
    page.get_by_role("button", name="Show").click()
    expect(rows.first).to_contain_text("eligible for 1 trial")
    screenshot("clinic-dashboard-filtered")


def test_the_screening_form_starts_from_the_record_and_speaks_of_the_patient(page, clinic, screenshot):
    patient = clinic["patients"][27]  # never screened, born 1987
    log_in(page, clinic["martin"])
    page.goto(f"/clinic/patients/{patient.pk}/")
    page.get_by_role("link", name="Screen", exact=True).click()
    expect(page.locator("#section-about_you > legend")).to_have_text("The patient")
    expect(page.locator("#id_age")).to_have_value(str(timezone.localdate().year - 1987))
    expect(page.locator('#q-sex input[value="female"]')).to_be_checked()
    expect(page.locator("#q-age")).to_contain_text("From the patient record (born 1987)")
    page.check('#q-diagnosis input[value="multiple_sclerosis"]')
    page.check('#q-ms_phenotype input[value="PPMS"]')
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.locator(".screening-results")).to_contain_text("NCT06592703")
    page.get_by_role("button", name="Save screening").click()
    expect(page.get_by_text("Screening saved.")).to_be_visible()
    assert Screening.objects.get(patient=patient).answers["age"] == timezone.localdate().year - 1987
    screenshot("clinic-screening-saved")


def test_compare_names_each_screening_and_shows_what_moved_each_verdict(page, clinic, screenshot):
    patient = clinic["patients"][0]
    # Eligible for MS-IL2 but for a low white cell count, then with the count left out.
    before = services.screening_save(
        patient=patient, answers={**MSIL2, "wbc": {"value": 2800, "unit": "/mm3"}}, as_of=timezone.localdate(),
        by=clinic["martin"],
    )  # fmt: skip
    without_count = {k: v for k, v in MSIL2.items() if k != "wbc"}
    after = services.screening_save(
        patient=patient, answers=without_count, as_of=timezone.localdate(), by=clinic["martin"]
    )
    log_in(page, clinic["martin"])
    page.goto(f"/clinic/patients/{patient.pk}/")
    options = page.locator("#diff-a option").all_inner_texts()
    assert len(options) == len(set(options)) == 3  # three screenings, three different names
    assert all("Claire Martin" in option for option in options)
    page.select_option("#diff-a", str(before.pk))
    page.select_option("#diff-b", str(after.pk))
    page.get_by_role("button", name="Show changes").click()
    trial = page.locator(f'.trial-change[data-trial="{MS_IL2}"]')
    expect(trial.locator(".verdict-before")).to_have_text("Ineligible")
    expect(trial.locator(".verdict-after")).to_have_text("Needs more information")
    expect(trial.locator("tbody tr")).to_have_count(1)
    expect(trial).to_contain_text("White blood cell count")
    expect(trial).to_contain_text("applies (excludes)")
    expect(page.locator(".answer-changes")).to_contain_text("White blood cell count")
    screenshot("clinic-compare", full_page=True)


def test_the_log_has_one_row_per_patient_filters_pages_and_exports_what_it_shows(page, clinic, screenshot):
    again = clinic["patients"][3]
    for edss in (6.0, 4.5):  # screened three times in all: still one row
        services.screening_save(patient=again, answers={**ASCPPMS, "edss": edss}, as_of=timezone.localdate(), by=clinic["martin"])  # fmt: skip
    log_in(page, clinic["coordinator"])
    page.goto("/clinic/trials/NCT06592703/log/")
    rows = page.locator("table.screening-log tbody tr")
    expect(rows).to_have_count(25)
    expect(page.get_by_text("26 patients")).to_be_visible()
    expect(rows.filter(has_text="A-0003 (ZZ)")).to_have_count(1)

    page.get_by_label("Verdict").select_option("ineligible")
    page.get_by_role("button", name="Filter").click()
    shown = rows.locator("td.patient a:first-child").all_inner_texts()
    assert shown and len(shown) < 25
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV").click()
    header, *lines = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert [line[header.index("Patient")] for line in lines] == shown
    assert {line[header.index("Verdict (code)")] for line in lines} == {"ineligible"}

    rows.first.get_by_role("link", name="history").click()
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("table.screening-history tbody tr").first).to_be_visible()
    screenshot("clinic-log-history")


def staff_pages(clinic) -> list[tuple[User, list[str]]]:
    patient = clinic["patients"][1]
    second = services.screening_save(
        patient=patient, answers={**ASCPPMS, "edss": 4.5}, as_of=timezone.localdate(), by=clinic["martin"]
    )
    first = patient.screenings.exclude(pk=second.pk).first()
    return [
        (
            clinic["martin"],
            [
                "/clinic/",
                "/clinic/?q=A-00&verdict=eligible",
                "/clinic/patients/new/",
                f"/clinic/patients/{patient.pk}/",
                f"/clinic/patients/{patient.pk}/edit/",
                f"/clinic/patients/{patient.pk}/screen/",
                f"/clinic/screenings/{second.pk}/",
                f"/clinic/patients/{patient.pk}/diff/?a={first.pk}&b={second.pk}",
                f"/clinic/screenings/{second.pk}/report/",
                f"/clinic/patients/{patient.pk}/import/",
            ],
        ),
        (
            clinic["coordinator"],
            ["/clinic/", f"/clinic/trials/{MS_IL2}/log/", "/impact/", f"/impact/{MS_IL2}/"],
        ),
    ]


def test_every_staff_page_in_french_fits_a_phone_and_has_no_accessibility_violation(page, clinic, axe):
    page.set_extra_http_headers({"Accept-Language": "fr"})
    page.goto("/clinic/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert axe() == []
    impact_services.attrition_summary_get_or_request(trial=Trial.objects.get(trial_id=MS_IL2), filters={})
    impact_services.attrition_summaries_refresh()
    problems = []
    for user, urls in staff_pages(clinic):
        page.context.clear_cookies()
        log_in(page, user, button="Se connecter")
        for url in urls:
            for viewport in (DESKTOP, PHONE):
                page.set_viewport_size(viewport)
                page.goto(url)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    problems.append(f"{url} at {viewport['width']} px is {width} px wide")
                problems += [f"{url} at {viewport['width']} px: {v}" for v in axe()]
            if page.locator("html").get_attribute("lang") != "fr":
                problems.append(f"{url} is not in French")
            problems += [
                f"{url}: English left: {text}"
                for text in english_left(page.content())
                if not quotes_the_registry(text)
            ]
    assert problems == []


def quotes_the_registry(text: str) -> bool:
    """A criterion's registry wording, as the what-if form lists it ("C4: EDSS between 0 and 6",
    cut at 90 characters): quoted in the registry's own language, not a label left in English."""
    quoted = re.sub(r"^C\d+: ", "", text)
    return any(
        source.startswith(quoted) for source in Criterion.objects.values_list("source_text", flat=True)
    )
