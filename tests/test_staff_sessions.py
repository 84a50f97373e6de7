"""Staff sessions end after 30 idle minutes (a setting); every clinic page, PDF, CSV and FHIR
preview, and the impact pages, are sent with Cache-Control: no-store, so nothing about a
patient stays in a shared computer's browser cache or a proxy."""

from datetime import timedelta
from pathlib import Path

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.clinic_base import AS_OF
from tests.impact_base import TRIAL_ID, ImpactBase

FHIR = Path(__file__).parent / "fixtures" / "fhir" / "ms_patient_bundle.json"


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


class TestIdleTimeout(ImpactBase):
    def login(self, client):
        response = client.post(
            reverse("clinic:login"), {"username": "clinician", "password": "x-password-for-tests"}
        )
        assert response.status_code == 302

    def test_a_staff_session_lasts_thirty_idle_minutes_and_each_request_extends_it(self, client, settings):
        assert settings.STAFF_SESSION_IDLE_MINUTES == 30
        self.login(client)
        left = session_of(client).expire_date - timezone.now()
        assert timedelta(minutes=29) < left <= timedelta(minutes=30)
        assert client.cookies["sessionid"]["max-age"] == 30 * 60

        Session.objects.filter(pk=session_of(client).pk).update(
            expire_date=timezone.now() + timedelta(minutes=2)
        )
        assert client.get(reverse("clinic:dashboard")).status_code == 200
        assert session_of(client).expire_date - timezone.now() > timedelta(minutes=29)

    def test_after_the_idle_time_the_next_request_asks_to_sign_in_again(self, client, settings):
        settings.STAFF_SESSION_IDLE_MINUTES = 5
        self.login(client)
        assert session_of(client).expire_date - timezone.now() <= timedelta(minutes=5)
        Session.objects.filter(pk=session_of(client).pk).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = client.get(reverse("clinic:patient", args=[self.patient.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("clinic:login"))


class TestNothingIsCached(ImpactBase):
    def assert_no_store(self, response, what: str) -> None:
        assert response.status_code == 200, what
        assert "no-store" in response.get("Cache-Control", ""), what

    def test_every_clinic_page_pdf_csv_and_fhir_preview_is_no_store(self, client):
        screening = self.save_screening()
        earlier = self.save_screening({**screening.answers, "edss": 4.0})
        self.as_user(client, self.clinician)
        pages = {
            "dashboard": reverse("clinic:dashboard"),
            "patient": reverse("clinic:patient", args=[self.patient.pk]),
            "edit": reverse("clinic:patient_edit", args=[self.patient.pk]),
            "erase": reverse("clinic:patient_erase", args=[self.patient.pk]),
            "screening form": reverse("clinic:screening_new", args=[self.patient.pk]),
            "import form": reverse("clinic:fhir_import", args=[self.patient.pk]),
            "screening": reverse("clinic:screening", args=[screening.pk]),
            "diff": reverse("clinic:screening_diff", args=[self.patient.pk])
            + f"?a={screening.pk}&b={earlier.pk}",
            "report": reverse("clinic:report", args=[screening.pk]),
            "report PDF": reverse("clinic:report_pdf", args=[screening.pk]),
        }
        for what, url in pages.items():
            self.assert_no_store(client.get(url), what)
        with FHIR.open("rb") as upload:
            preview = client.post(
                reverse("clinic:fhir_import", args=[self.patient.pk]), {"bundle_file": upload, "as_of": AS_OF}
            )
        self.assert_no_store(preview, "FHIR preview")
        check = client.post(
            reverse("clinic:screening_new", args=[self.patient.pk]), {"action": "check", "as_of": AS_OF}
        )
        self.assert_no_store(check, "checked screening")

        self.as_user(client, self.coordinator)
        self.assert_no_store(client.get(reverse("clinic:trial_log", args=[TRIAL_ID])), "screening log")
        self.assert_no_store(
            client.get(reverse("clinic:trial_log_csv", args=[TRIAL_ID])), "screening log CSV"
        )

    def test_the_impact_pages_are_no_store(self, client):
        self.as_user(client, self.curator)
        self.assert_no_store(client.get(reverse("impact:index")), "impact index")
        self.assert_no_store(client.get(reverse("impact:trial", args=[TRIAL_ID])), "impact page")
