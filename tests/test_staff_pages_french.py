"""A French browser (Accept-Language: fr) gets every clinic and impact page in French, with no
English label left; the language switch overrides the browser for the staff pages.

"English left" is judged against the French catalogue itself: any text on the page (or
aria-label, title, placeholder) that is one of the catalogue's English messages with a
different French translation is a string the page forgot to translate.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

from clinic import services as clinic_services
from clinic.models import ScreeningResult
from impact import services as impact_services
from tests.impact_base import TRIAL_ID, ImpactBase

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
SKIPPED = {"script", "style", "q"}  # code, and the registry's own words (also class="registry-text")


def _english_messages() -> list[re.Pattern]:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    patterns = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings or len(re.sub(r"%\(\w+\)s", "", english).strip()) < 4:
                continue
            # A placeholder stands for a value (a number, a date, a name), not for a sentence.
            parts = re.split(r"%\(\w+\)[sd]", english)
            pattern = r".{1,40}?".join(re.escape(re.sub(r"\s+", " ", part)) for part in parts)
            patterns.append(re.compile(pattern.strip()))
    return patterns


ENGLISH = _english_messages()


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (
            tag in SKIPPED
            or attrs.get("lang", "fr") != "fr"
            or "registry-text" in (attrs.get("class") or "").split()
        )
        if tag not in ("input", "br", "meta", "link", "img", "hr"):
            self.stack.append((tag, skip))
        if not (skip or self._skipping()):
            self.texts.extend(attrs[name] for name in ATTRIBUTES if attrs.get(name))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping():
            self.texts.append(text)


def english_left(html: str) -> set[str]:
    parser = _Texts()
    parser.feed(html)
    return {text for text in parser.texts for pattern in ENGLISH if pattern.fullmatch(text)}


def assert_french(response) -> None:
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert english_left(html) == set()


def test_the_check_finds_an_english_label_on_a_page():
    assert english_left('<html lang="fr"><h1>Screening logs</h1><q>Screening logs</q></html>') == {
        "Screening logs"
    }
    assert english_left('<html lang="fr"><p>Page 2 of 7</p></html>') == {"Page 2 of 7"}
    assert english_left('<html lang="fr"><button lang="en">Log out</button><p>Journaux</p></html>') == set()


class TestEveryStaffPageInFrench(ImpactBase):
    @pytest.fixture(autouse=True)
    def _french(self, client, _impact):
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
        self.screening = self.save_screening()
        self.other = self.save_screening({"age": 30, "wbc": {"value": 2800, "unit": "/mm3"}})
        ScreeningResult.objects.filter(screening=self.other).update(is_new=True)

    def test_the_login_page(self, client):
        assert_french(client.get(reverse("clinic:login")))

    def test_a_clinicians_pages(self, client):
        self.as_user(client, self.clinician)
        patient, screening = self.patient.pk, self.screening.pk
        urls = [
            reverse("clinic:dashboard"),
            reverse("clinic:dashboard") + "?q=P-0001&new=yes&verdict=ineligible&screened=30",
            reverse("clinic:dashboard") + "?verdict=nonsense",
            reverse("clinic:patient_create"),
            reverse("clinic:patient", args=[patient]),
            reverse("clinic:patient_edit", args=[patient]),
            reverse("clinic:screening_new", args=[patient]),
            reverse("clinic:screening", args=[screening]),
            reverse("clinic:screening_diff", args=[patient]) + f"?a={screening}&b={self.other.pk}",
            reverse("clinic:report", args=[screening]),
            reverse("clinic:fhir_import", args=[patient]),
        ]
        for url in urls:
            assert_french(client.get(url))

    def test_the_screening_form_checked_and_refused(self, client):
        self.as_user(client, self.clinician)
        url = reverse("clinic:screening_new", args=[self.patient.pk])
        checked = client.post(url, {"action": "check", "as_of": "2026-11-21", "age": "47", "edss": "9.5"})
        assert "Inéligible" in checked.content.decode()
        assert_french(checked)
        refused = client.post(
            url, {"action": "check", "as_of": "2999-01-01", "sex": "male", "pregnant": "yes"}
        )
        assert refused.status_code == 400
        assert_french(refused)

    def test_a_coordinators_pages(self, client):
        clinic_services.result_set_referral(
            result=self.screening.results.first(), status="referred", by=self.coordinator
        )
        self.as_user(client, self.coordinator)
        for url in (
            reverse("clinic:dashboard"),
            reverse("clinic:trial_log", args=["NCT02424396"]),
            reverse("clinic:trial_log", args=["NCT02424396"]) + "?verdict=ineligible&referral=referred",
            reverse("clinic:trial_log", args=["NCT02424396"]) + "?date_from=2026-11-20&date_to=2026-11-01",
            reverse("impact:index"),
        ):
            assert_french(client.get(url))

    def test_the_impact_pages_once_computed_and_the_what_if(self, client):
        self.as_user(client, self.curator)
        url = reverse("impact:trial", args=[TRIAL_ID])
        assert_french(client.get(url))  # "being computed"
        impact_services.attrition_summaries_refresh()
        page = client.get(url)
        assert "moins de 5" in page.content.decode()
        assert_french(page)
        assert_french(client.get(reverse("impact:index")))
        whatif = client.get(url, {"whatif": "1", "date_from": "2026-05-01", "date_to": "2026-01-01"})
        assert_french(whatif)


class TestLanguageSwitch(ImpactBase):
    def test_the_switch_puts_an_english_browser_in_french_and_back(self, client):
        self.as_user(client, self.clinician)
        dashboard = reverse("clinic:dashboard")
        response = client.post(reverse("set_language"), {"language": "fr", "next": dashboard})
        assert response["Location"] == dashboard  # same address, no /fr/ prefix
        assert_french(client.get(dashboard, headers={"Accept-Language": "en"}))
        client.post(reverse("set_language"), {"language": "en", "next": dashboard})
        html = client.get(dashboard, headers={"Accept-Language": "fr"}).content.decode()
        assert '<html lang="en">' in html and "My patients" in html

    def test_every_staff_page_offers_the_switch(self, client):
        self.as_user(client, self.coordinator)
        html = client.get(reverse("impact:index")).content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert 'value="fr" lang="fr"' in html and 'value="en" lang="en"' in html


class TestStoredResultsInTheReadersLanguage(ImpactBase):
    def test_a_result_saved_in_english_reads_in_french(self, client):
        screening = self.save_screening({"wbc": {"value": 2800, "unit": "/mm3"}})
        result = screening.results.get(trial__trial_id="NCT02424396")
        (low_counts,) = [item for item in result.failed if "2800" in item["explanation"]]
        assert set(low_counts["explanations"]) == {code for code, _name in settings.LANGUAGES}
        assert low_counts["explanations"]["fr"] != low_counts["explanations"]["en"]
        self.as_user(client, self.clinician)
        html = client.get(
            reverse("clinic:patient", args=[self.patient.pk]), headers={"Accept-Language": "fr"}
        )
        assert low_counts["explanations"]["fr"] in html.content.decode()

    def test_missing_answers_read_as_labels_not_codes(self, client):
        self.save_screening({"age": 40})
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:patient", args=[self.patient.pk])).content.decode()
        missing = re.search(r'class="missing">([^<]*)<', html).group(1)
        assert "Diagnosis" in missing and "_" not in missing
