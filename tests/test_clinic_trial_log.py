"""The coordinator's screening log per trial: one row per patient, filters, pages, referral
status, and a CSV that holds exactly what the page shows."""

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clinic import services
from clinic.models import Screening, ScreeningResult
from clinic.views import PAGE_SIZE
from tests.clinic_base import ANSWERS, ClinicBase

TRIAL = "NCT02403947"
HEADER = [
    "Screened",
    "Patient",
    "Team",
    "Trial",
    "Verdict",
    "Verdict (code)",
    "Failing criteria",
    "Missing information",
    "Missing information (codes)",
    "Criteria version",
    "Referral status",
    "Referral status (code)",
    "Screened by",
]


class TestTrialLog(ClinicBase):
    def url(self, **query):
        url = reverse("clinic:trial_log", args=[TRIAL])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def rows(self, client, **query) -> list:
        return list(client.get(self.url(**query)).context["rows"])

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

    def screened_days_ago(self, screening: Screening, days: int) -> None:
        Screening.objects.filter(pk=screening.pk).update(screened_at=timezone.now() - timedelta(days=days))

    def test_it_lists_every_screened_patient_of_every_team(self, client):
        self.two_patients()
        self.as_user(client, self.coordinator)
        response = client.get(self.url())
        rows = list(response.context["rows"])
        assert [r.screening.patient.local_identifier for r in rows] == ['=HYPERLINK("x")', "P-0001"]
        assert (rows[0].verdict, rows[1].verdict) == ("needs_info", "ineligible")
        assert rows[1].failed[0]["source_text"][:40] in response.content.decode()

    def test_a_patient_screened_three_times_is_one_row_with_the_latest_result(self, client):
        first = self.save_screening({"age": 40})  # needs information
        second = self.save_screening({**ANSWERS, "age": 60})
        latest = self.save_screening()  # ineligible (RRMS)
        self.screened_days_ago(first, 30)
        self.screened_days_ago(second, 20)
        self.as_user(client, self.coordinator)
        (row,) = self.rows(client)
        assert row.screening_id == latest.pk and row.verdict == "ineligible"
        header, *csv_rows = self.csv_rows(client)
        assert len(csv_rows) == 1

    def test_the_row_follows_the_newest_criteria_version_of_the_latest_screening(self, client):
        screening = self.save_screening()
        result = screening.results.get(trial__trial_id=TRIAL)
        newer = ScreeningResult.objects.create(
            screening=screening, trial=result.trial, criteria_version=2, verdict="needs_info"
        )
        self.as_user(client, self.coordinator)
        assert [r.pk for r in self.rows(client)] == [newer.pk]

    def test_a_date_filter_never_brings_back_a_superseded_result(self, client):
        old = self.save_screening({"age": 40})
        self.screened_days_ago(old, 40)
        self.save_screening()  # today
        self.as_user(client, self.coordinator)
        since, until = (
            (timezone.localdate() - timedelta(days=45)),
            (timezone.localdate() - timedelta(days=35)),
        )
        assert self.rows(client, date_from=since.isoformat(), date_to=until.isoformat()) == []

    def test_it_filters_by_verdict_and_date(self, client):
        ineligible, needs_info = self.two_patients()
        self.screened_days_ago(ineligible, 40)
        self.as_user(client, self.coordinator)
        assert [r.screening_id for r in self.rows(client, verdict="ineligible")] == [ineligible.pk]
        since = (timezone.localdate() - timedelta(days=7)).isoformat()
        assert [r.screening_id for r in self.rows(client, date_from=since)] == [needs_info.pk]

    def test_it_filters_by_team_and_by_referral_status(self, client):
        ineligible, needs_info = self.two_patients()
        services.result_set_referral(
            result=needs_info.results.get(trial__trial_id=TRIAL), status="contacted", by=self.coordinator
        )
        self.as_user(client, self.coordinator)
        assert [r.screening_id for r in self.rows(client, team=self.team.pk)] == [ineligible.pk]
        assert [r.screening_id for r in self.rows(client, referral="contacted")] == [needs_info.pk]
        assert [r.screening_id for r in self.rows(client, referral="enrolled")] == []

    def test_a_reversed_date_range_is_an_error_on_the_end_date(self, client):
        self.as_user(client, self.coordinator)
        response = client.get(self.url(date_from="2026-11-20", date_to="2026-11-01"))
        assert "date_to" in response.context["form"].errors

    def test_the_log_comes_a_page_at_a_time(self, client):
        for n in range(PAGE_SIZE + 3):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=f"L-{n:03d}", initials="LL"
            )
            self.save_screening({"age": 40}, patient=patient)
        self.as_user(client, self.coordinator)
        first, second = self.rows(client), self.rows(client, page=2)
        assert (len(first), len(second)) == (PAGE_SIZE, 3)
        assert not {r.pk for r in first} & {r.pk for r in second}
        assert "Page 1 of 2" in client.get(self.url()).content.decode()

    def test_the_pages_queries_do_not_grow_with_its_rows(self, client):
        def queries() -> int:
            client.get(self.url())  # the catalog is built once per process
            with CaptureQueriesContext(connection) as captured:
                assert client.get(self.url()).status_code == 200
            return len(captured)

        self.as_user(client, self.coordinator)
        self.save_screening()
        one_row = queries()
        for n in range(12):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=f"L-{n:03d}", initials="LL"
            )
            self.save_screening({"age": 40}, patient=patient)
        assert queries() == one_row

    def test_each_row_links_to_the_patients_history(self, client):
        self.save_screening()
        self.as_user(client, self.coordinator)
        html = client.get(self.url()).content.decode()
        assert f'href="{reverse("clinic:patient", args=[self.patient.pk])}#history"' in html

    def test_missing_answers_are_named_by_their_labels(self, client):
        self.save_screening({"age": 40})
        self.as_user(client, self.coordinator)
        html = client.get(self.url()).content.decode()
        assert "Diagnosis" in html and ">diagnosis<" not in html

    def test_the_csv_has_labelled_headers_codes_beside_labels_and_safe_cells(self, client):
        ineligible, needs_info = self.two_patients()
        self.as_user(client, self.coordinator)
        header, *rows = self.csv_rows(client)
        assert header == HEADER
        by_patient = {row[1]: row for row in rows}
        assert len(rows) == 2
        mine = dict(zip(HEADER, by_patient["P-0001 (AB)"], strict=True))
        expected_failures = " | ".join(
            item["source_text"] for item in ineligible.results.get(trial__trial_id=TRIAL).failed
        )
        assert mine["Screened"].startswith(timezone.localdate().isoformat())
        assert (mine["Team"], mine["Trial"], mine["Criteria version"]) == ("Team A", TRIAL, "1")
        assert (mine["Verdict"], mine["Verdict (code)"]) == ("Ineligible", "ineligible")
        assert mine["Failing criteria"] == expected_failures
        assert (mine["Referral status"], mine["Referral status (code)"]) == ("Not referred", "not_referred")
        assert mine["Screened by"] == "clinician"
        assert "," in expected_failures or "|" in expected_failures  # quoting round-trips
        # A pseudonym that a spreadsheet would run as a formula is neutralised.
        theirs = dict(zip(HEADER, by_patient['\'=HYPERLINK("x") (ZZ)'], strict=True))
        assert theirs["Verdict (code)"] == "needs_info"
        missing_codes = theirs["Missing information (codes)"].split()
        assert "diagnosis" in missing_codes and "Diagnosis" in theirs["Missing information"]

    def test_the_csv_holds_the_rows_of_every_page_in_the_pages_order(self, client):
        for n in range(PAGE_SIZE + 2):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=f"L-{n:03d}", initials="LL"
            )
            self.save_screening({"age": 40 + n % 3}, patient=patient)
        self.as_user(client, self.coordinator)
        shown = [
            r.screening.patient.pseudonym
            for page in (1, 2)
            for r in self.rows(client, sort="-patient", page=page)
        ]
        header, *rows = self.csv_rows(client, sort="-patient", page=2)
        assert [row[1] for row in rows] == shown

    def test_the_csv_speaks_the_coordinators_language(self, client):
        self.save_screening()
        self.as_user(client, self.coordinator)
        response = client.get(
            reverse("clinic:trial_log_csv", args=[TRIAL]), headers={"Accept-Language": "fr"}
        )
        header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header[:3] == ["Présélectionné", "Patient", "Équipe"]
        assert "Verdict (code)" in header and row[header.index("Verdict")] == "Inéligible"
        assert row[header.index("Verdict (code)")] == "ineligible"

    def test_the_csv_honours_the_filters_and_is_audited(self, client):
        self.two_patients()
        self.as_user(client, self.coordinator)
        header, *rows = self.csv_rows(client, verdict="needs_info")
        assert [row[header.index("Verdict (code)")] for row in rows] == ["needs_info"]
        event = AuditEvent.objects.get(action="export")
        assert event.user_id == self.coordinator.pk and TRIAL in event.target and "1 rows" in event.target

    def test_a_csv_with_a_bad_filter_is_refused_naming_the_filter(self, client):
        self.as_user(client, self.coordinator)
        response = client.get(reverse("clinic:trial_log_csv", args=[TRIAL]), {"verdict": "maybe"})
        assert response.status_code == 400
        assert "Verdict" in response.content.decode()

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

    def test_a_new_screening_keeps_the_patients_referral_status(self, client):
        first = self.save_screening()
        services.result_set_referral(
            result=first.results.get(trial__trial_id=TRIAL), status="contacted", by=self.coordinator
        )
        self.save_screening({**ANSWERS, "edss": 4.0})
        self.as_user(client, self.coordinator)
        (row,) = self.rows(client)
        assert row.screening_id != first.pk and row.referral_status == "contacted"

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
