"""Who may see which patient: every patient URL goes through one access rule."""

import pytest
from django.urls import reverse

from tests.clinic_base import ClinicBase


class TestAccess(ClinicBase):
    @pytest.fixture(autouse=True)
    def _screening(self, _people):
        self.screening = self.save_screening()
        self.result = self.screening.results.first()

    def patient_urls(self):
        pk, spk = self.patient.pk, self.screening.pk
        return [
            ("get", reverse("clinic:patient", args=[pk])),
            ("get", reverse("clinic:patient_edit", args=[pk])),
            ("post", reverse("clinic:patient_edit", args=[pk])),
            ("post", reverse("clinic:patient_mark_seen", args=[pk])),
            ("get", reverse("clinic:screening_new", args=[pk])),
            ("post", reverse("clinic:screening_new", args=[pk])),
            ("get", reverse("clinic:fhir_import", args=[pk])),
            ("post", reverse("clinic:fhir_import", args=[pk])),
            ("get", reverse("clinic:screening_diff", args=[pk]) + f"?a={spk}&b={spk}"),
            ("get", reverse("clinic:screening", args=[spk])),
            ("get", reverse("clinic:report", args=[spk])),
            ("get", reverse("clinic:report_pdf", args=[spk])),
        ]

    def test_another_clinicians_patient_is_not_found_on_every_patient_url(self, client):
        self.as_user(client, self.outsider)
        for method, url in self.patient_urls():
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url, response.status_code)

    def test_a_teammate_sees_the_teams_patients(self, client):
        self.as_user(client, self.teammate)
        assert client.get(reverse("clinic:patient", args=[self.patient.pk])).status_code == 200
        assert client.get(reverse("clinic:screening", args=[self.screening.pk])).status_code == 200

    def test_the_dashboard_lists_only_visible_patients(self, client):
        self.as_user(client, self.outsider)
        assert "P-0001" not in client.get(reverse("clinic:dashboard")).content.decode()
        self.as_user(client, self.clinician)
        assert "P-0001" in client.get(reverse("clinic:dashboard")).content.decode()

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        response = client.get(reverse("clinic:patient", args=[self.patient.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("clinic:login"))

    def test_a_coordinator_reads_reports_but_cannot_screen(self, client):
        self.as_user(client, self.coordinator)
        assert client.get(reverse("clinic:report", args=[self.screening.pk])).status_code == 200
        assert client.get(reverse("clinic:screening_new", args=[self.patient.pk])).status_code == 403

    def test_clinicians_cannot_open_screening_logs_or_change_referrals(self, client):
        self.as_user(client, self.clinician)
        assert client.get(reverse("clinic:trial_log", args=[self.result.trial.trial_id])).status_code == 403
        response = client.post(
            reverse("clinic:referral", args=[self.result.pk]), {"referral_status": "referred"}
        )
        assert response.status_code == 403

    def test_the_login_page_signs_a_clinician_in(self, client):
        response = client.post(
            reverse("clinic:login"), {"username": "clinician", "password": "x-password-for-tests"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("clinic:dashboard")

    def test_a_coordinators_dashboard_lists_the_trial_logs_and_the_patient_page_is_read_only(self, client):
        self.as_user(client, self.coordinator)
        dashboard = client.get(reverse("clinic:dashboard")).content.decode()
        assert reverse("clinic:trial_log", args=["NCT02403947"]) in dashboard
        page = client.get(reverse("clinic:patient", args=[self.patient.pk])).content.decode()
        assert "P-0001 (AB)" in page
        assert reverse("clinic:screening_new", args=[self.patient.pk]) not in page
