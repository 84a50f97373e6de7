"""The coordinator's screening log per trial: filters, referral status and CSV export."""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clinic import services
from clinic.models import Screening, ScreeningResult
from tests.clinic_base import ClinicBase

TRIAL = "NCT02403947"


class TestTrialLog(ClinicBase):
    def url(self, **query):
        url = reverse("clinic:trial_log", args=[TRIAL])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def csv_rows(self, client, **query):
        url = reverse("clinic:trial_log_csv", args=[TRIAL])
        response = client.get(url, query)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())  # Excel then reads UTF-8
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def two_patients(self):
        ineligible = self.save_screening()  # RRMS, age 47: fails the age and phenotype criteria
        other = services.patient_create(
            by=self.outsider, team=self.other_team, local_identifier='=HYPERLINK("x")', initials="ZZ"
        )
        needs_info = self.save_screening({"age": 40}, patient=other, by=self.outsider)
        return ineligible, needs_info

    def test_it_lists_every_screened_patient_of_every_team(self, client):
        self.two_patients()
        self.as_user(client, self.coordinator)
        response = client.get(self.url())
        rows = list(response.context["rows"])
        assert [r.screening.patient.local_identifier for r in rows] == ['=HYPERLINK("x")', "P-0001"]
        assert (rows[0].verdict, rows[1].verdict) == ("needs_info", "ineligible")
        assert rows[1].failed[0]["source_text"][:40] in response.content.decode()

    def test_it_filters_by_verdict_and_date(self, client):
        ineligible, needs_info = self.two_patients()
        Screening.objects.filter(pk=ineligible.pk).update(screened_at=timezone.now() - timedelta(days=40))
        self.as_user(client, self.coordinator)
        by_verdict = client.get(self.url(verdict="ineligible")).context["rows"]
        assert [r.screening_id for r in by_verdict] == [ineligible.pk]
        since = (timezone.localdate() - timedelta(days=7)).isoformat()
        recent = client.get(self.url(date_from=since)).context["rows"]
        assert [r.screening_id for r in recent] == [needs_info.pk]

    def test_a_reversed_date_range_is_an_error_on_the_end_date(self, client):
        self.as_user(client, self.coordinator)
        response = client.get(self.url(date_from="2026-11-20", date_to="2026-11-01"))
        assert "date_to" in response.context["form"].errors

    def test_the_csv_has_a_header_a_row_per_patient_and_safe_cells(self, client):
        ineligible, needs_info = self.two_patients()
        self.as_user(client, self.coordinator)
        header, *rows = self.csv_rows(client)
        assert header == [
            "screened_at",
            "screening_date",
            "patient",
            "team",
            "trial_id",
            "criteria_version",
            "verdict",
            "failing_criteria",
            "referral_status",
            "screened_by",
        ]
        by_patient = {row[2]: row for row in rows}
        assert len(rows) == 2
        mine = by_patient["P-0001 (AB)"]
        expected_failures = " | ".join(
            item["source_text"] for item in ineligible.results.get(trial__trial_id=TRIAL).failed
        )
        assert mine[1:] == [
            "2026-11-21",
            "P-0001 (AB)",
            "Team A",
            TRIAL,
            "1",
            "ineligible",
            expected_failures,
            "not_referred",
            "clinician",
        ]
        assert "," in expected_failures or "|" in expected_failures  # quoting round-trips
        # A pseudonym that a spreadsheet would run as a formula is neutralised.
        assert '\'=HYPERLINK("x") (ZZ)' in by_patient
        assert by_patient['\'=HYPERLINK("x") (ZZ)'][6] == "needs_info"

    def test_the_csv_honours_the_filters_and_is_audited(self, client):
        self.two_patients()
        self.as_user(client, self.coordinator)
        header, *rows = self.csv_rows(client, verdict="needs_info")
        assert [row[6] for row in rows] == ["needs_info"]
        event = AuditEvent.objects.get(action="export")
        assert event.user_id == self.coordinator.pk and TRIAL in event.target and "1 rows" in event.target

    def test_a_coordinator_records_the_referral_status(self, client):
        screening = self.save_screening()
        result = screening.results.get(trial__trial_id=TRIAL)
        self.as_user(client, self.coordinator)
        response = client.post(
            reverse("clinic:referral", args=[result.pk]),
            {"referral_status": "referred", "next": self.url(verdict="ineligible")},
        )
        assert response["Location"] == self.url(verdict="ineligible")
        result.refresh_from_db()
        assert (result.referral_status, result.referral_updated_by) == ("referred", self.coordinator)
        assert AuditEvent.objects.filter(action="referral", screening_id=screening.pk).exists()

    def test_an_unknown_referral_status_changes_nothing(self, client):
        result = self.save_screening().results.first()
        self.as_user(client, self.coordinator)
        client.post(reverse("clinic:referral", args=[result.pk]), {"referral_status": "abducted"})
        result.refresh_from_db()
        assert result.referral_status == ScreeningResult.Referral.NOT_REFERRED

    def test_the_referral_redirect_never_leaves_the_site(self, client):
        result = self.save_screening().results.get(trial__trial_id=TRIAL)
        self.as_user(client, self.coordinator)
        response = client.post(
            reverse("clinic:referral", args=[result.pk]),
            {"referral_status": "contacted", "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("clinic:trial_log", args=[TRIAL])
