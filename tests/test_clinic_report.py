"""The one-screening report: printable page and PDF with the registry's words."""

import io
import re

from django.contrib.staticfiles import finders
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from tests.clinic_base import ClinicBase


class TestReport(ClinicBase):
    def test_the_printable_page_has_the_pseudonym_versions_verdicts_and_criteria(self, client):
        screening = self.save_screening()
        self.as_user(client, self.clinician)
        response = client.get(reverse("clinic:report", args=[screening.pk]))
        html = response.content.decode()
        assert "P-0001 (AB)" in html and "Nov. 21, 2026" in html  # in the reader's date format
        assert "criteria version 1" in html
        assert "NCT02403947" in html and "ineligible" in html
        assert "Age 18 to 50 years" in html  # the registry's own words
        assert "not met" in html
        assert 'rel="stylesheet" href="/static/css/clinic-report.css"' in html
        assert "<main>" in html  # one landmark holds the report
        assert AuditEvent.objects.filter(action="report", screening_id=screening.pk).exists()

    def test_every_stylesheet_the_page_asks_for_exists(self, client):
        screening = self.save_screening()
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:report", args=[screening.pk])).content.decode()
        sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
        assert "vendor/bootstrap/bootstrap.min.css" in sheets
        assert [sheet for sheet in sheets if finders.find(sheet) is None] == []

    def test_the_pdf_is_generated_with_the_expected_text(self, client):
        screening = self.save_screening()
        self.as_user(client, self.teammate)
        response = client.get(reverse("clinic:report_pdf", args=[screening.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="screening-P-0001-20261121.pdf"' in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        text = " ".join(text.split())
        assert "Clinical-trial pre-screening report" in text
        assert "P-0001 (AB)" in text
        assert "NCT02403947" in text and "criteria version 1" in text
        assert "Age 18 to 50 years" in text
        assert AuditEvent.objects.filter(
            action="report", screening_id=screening.pk, user_id=self.teammate.pk
        ).exists()

    def test_each_criterion_shows_its_status_for_the_patient(self, client):
        screening = self.save_screening()
        self.as_user(client, self.clinician)
        report = client.get(reverse("clinic:report", args=[screening.pk])).context["report"]
        trial = next(t for t in report.trials if t.result.info.trial_id == "NCT02403947")
        age = next(row for row in trial.rows if row["source_text"] == "Age 18 to 50 years")
        assert (age["status"], age["fails"]) == ("met", False)
        assert any(row["fails"] for row in trial.rows)
        assert any(row["status"] == "not known" for row in trial.rows)
