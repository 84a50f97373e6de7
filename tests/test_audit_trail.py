"""The audit trail: every read of personal data, every refusal of a patient object, every
sign-in, failed sign-in and sign-out is recorded; staff read it in the admin, where nobody can
change or delete it, and on PostgreSQL the database itself refuses UPDATE and DELETE."""

import pytest
from django.contrib.auth.models import Permission, User
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditEvent
from clinic import services
from journey import services as journey_services
from tests.clinic_base import AS_OF, ClinicBase
from tests.impact_base import TRIAL_ID, ImpactBase
from trials.models import Trial

PROXY = "10.0.0.1"


class TestAuditAdmin(ClinicBase):
    def test_staff_see_who_viewed_a_patient(self, client):
        self.as_user(client, self.clinician)
        client.get(reverse("clinic:patient", args=[self.patient.pk]))
        admin = User.objects.create_superuser("admin", "admin@example.org", "x-password-for-tests")
        self.as_user(client, admin)
        response = client.get(reverse("admin:audit_auditevent_changelist"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "clinician" in html and "P-0001 (AB)" in html

    def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin_even_by_a_superuser(self, client):
        event = AuditEvent.objects.get(action="create")
        admin = User.objects.create_superuser("admin", "admin@example.org", "x-password-for-tests")
        self.as_user(client, admin)
        assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        changelist = client.post(
            reverse("admin:audit_auditevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
        )
        assert changelist.status_code in (200, 302) and AuditEvent.objects.filter(pk=event.pk).exists()
        detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
        assert detail.status_code == 200 and 'type="submit" value="Save"' not in detail.content.decode()

    def test_no_permission_to_change_or_delete_the_trail_exists_to_be_granted(self):
        codenames = set(
            Permission.objects.filter(content_type__app_label="audit").values_list("codename", flat=True)
        )
        assert codenames == {"view_auditevent"}

    def test_patient_records_are_not_browsable_in_the_admin(self, client):
        admin = User.objects.create_superuser("admin", "admin@example.org", "x-password-for-tests")
        self.as_user(client, admin)
        assert client.get("/admin/clinic/patient/").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
class TestTheDatabaseRefusesToRewriteTheTrail(ClinicBase):
    def attempt(self, sql: str, params: list) -> None:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)

    def test_update_and_delete_are_refused_even_in_raw_sql(self):
        event = AuditEvent.objects.get(action="create")
        self.attempt("UPDATE audit_auditevent SET target = 'nothing happened' WHERE id = %s", [event.pk])
        self.attempt("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(username="someone else")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.all().delete()
        event.refresh_from_db()
        assert (event.target, event.username) == ("P-0001 (AB)", "clinician")

    def test_appending_still_works(self):
        before = AuditEvent.objects.count()
        AuditEvent.objects.record(AuditEvent.Action.VIEW, user=self.clinician, target="still appending")
        assert AuditEvent.objects.count() == before + 1


class TestSignInsAndOuts(ClinicBase):
    def login(self, client, password: str, forwarded: str = "198.51.100.20"):
        return client.post(
            reverse("clinic:login"),
            {"username": "clinician", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def test_a_failed_login_a_login_and_a_logout_are_each_recorded_with_the_client_address(
        self, client, settings
    ):
        settings.AXES_IPWARE_PROXY_COUNT = 1
        assert self.login(client, "wrong").status_code == 200
        assert self.login(client, "x-password-for-tests").status_code == 302
        client.post(reverse("clinic:logout"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
        events = list(
            AuditEvent.objects.filter(action__in=["login", "login_failed", "logout"])
            .order_by("pk")
            .values_list("action", "username", "user_id", "address")
        )
        assert events == [
            ("login_failed", "clinician", None, "198.51.100.20"),
            ("login", "clinician", self.clinician.pk, "198.51.100.20"),
            ("logout", "clinician", self.clinician.pk, "198.51.100.20"),
        ]

    def test_a_failed_login_keeps_the_username_typed_never_the_password(self, client):
        client.post(reverse("admin:login"), {"username": "nobody-here", "password": "s3cret-typed"})
        event = AuditEvent.objects.get(action="login_failed")
        assert event.username == "nobody-here" and event.path == "/admin/login/"
        assert not AuditEvent.objects.filter(target__contains="s3cret").exists()


class TestRefusals(ClinicBase):
    def test_every_guessed_patient_id_is_recorded_as_a_refusal(self, client):
        hidden = services.patient_create(
            by=self.outsider, team=self.other_team, local_identifier="B-1", initials="ZZ"
        )
        self.as_user(client, self.clinician)
        guesses = [hidden.pk, hidden.pk + 1000, hidden.pk + 1001]
        for pk in guesses:
            assert client.get(reverse("clinic:patient", args=[pk])).status_code == 404
        refused = AuditEvent.objects.filter(action="refused", user_id=self.clinician.pk)
        assert sorted(refused.values_list("patient_id", flat=True)) == sorted(guesses)
        assert all(path.startswith("/clinic/patients/") for path in refused.values_list("path", flat=True))
        # The refusal names what was asked for, never what the patient is.
        assert not refused.filter(target__contains="B-1").exists()

    def test_refused_screenings_reports_and_referrals_are_recorded(self, client):
        other = services.patient_create(
            by=self.outsider, team=self.other_team, local_identifier="B-2", initials="YY"
        )
        screening = self.save_screening(patient=other, by=self.outsider)
        result = screening.results.first()
        self.as_user(client, self.clinician)
        for url in (
            reverse("clinic:screening", args=[screening.pk]),
            reverse("clinic:report_pdf", args=[screening.pk]),
            reverse("clinic:screening", args=[screening.pk + 999]),
        ):
            assert client.get(url).status_code == 404
        self.as_user(client, self.coordinator)
        assert client.post(reverse("clinic:referral", args=[result.pk + 999]), {}).status_code == 404
        targets = list(
            AuditEvent.objects.filter(action="refused").order_by("pk").values_list("target", flat=True)
        )
        assert targets == [
            f"screening {screening.pk}",
            f"screening {screening.pk}",
            f"screening {screening.pk + 999}",
            f"result {result.pk + 999}",
        ]


class TestReadsOfPersonalData(ImpactBase):
    def test_each_clinic_page_pdf_csv_and_fhir_preview_is_recorded(self, client):
        screening = self.save_screening()
        self.as_user(client, self.clinician)
        pages = {
            reverse("clinic:dashboard"): "dashboard",
            reverse("clinic:patient", args=[self.patient.pk]): "P-0001 (AB)",
            reverse("clinic:screening", args=[screening.pk]): "P-0001 (AB)",
            reverse("clinic:report", args=[screening.pk]): "report page",
            reverse("clinic:report_pdf", args=[screening.pk]): "report PDF",
            reverse("clinic:screening_new", args=[self.patient.pk]): "screening form",
        }
        for url, words in pages.items():
            before = AuditEvent.objects.count()
            assert client.get(url).status_code == 200, url
            event = AuditEvent.objects.latest("pk")
            assert AuditEvent.objects.count() == before + 1 and words in event.target, url
            assert (event.user_id, event.path) == (self.clinician.pk, url)
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1979-05-01"}}
        ]}  # fmt: skip
        preview = client.post(
            reverse("clinic:fhir_import", args=[self.patient.pk]) + f"?as_of={AS_OF}",
            bundle,
            content_type="application/fhir+json",
        )
        assert preview.status_code == 200
        assert AuditEvent.objects.latest("pk").action == "import"

        self.as_user(client, self.coordinator)
        log_csv = reverse("clinic:trial_log_csv", args=[TRIAL_ID])
        assert client.get(log_csv).status_code == 200
        assert AuditEvent.objects.latest("pk").action == "export"

    def test_impact_pages_are_recorded(self, client):
        self.as_user(client, self.curator)
        for url, target in ((reverse("impact:index"), "impact: all trials"),
                            (reverse("impact:trial", args=[TRIAL_ID]), f"impact {TRIAL_ID}")):  # fmt: skip
            assert client.get(url).status_code == 200
            event = AuditEvent.objects.latest("pk")
            assert (event.action, event.target, event.user_id) == ("view", target, self.curator.pk)

    def test_a_coordinator_reading_contact_requests_in_the_admin_is_recorded(self, client):
        request = journey_services.contact_request_create(
            screening=journey_services.patient_screening_start(language="fr")[0],
            trial=Trial.objects.get(trial_id="NCT06592703"), site=None, name="Jeanne Testpatient",
            email="jeanne@example.org", phone="", language="fr", consent_text="I agree", summary={},
        )  # fmt: skip
        self.coordinator.is_staff = True
        self.coordinator.save()
        self.as_user(client, self.coordinator)
        listing = client.get("/admin/journey/contactrequest/?status__exact=new")
        assert listing.status_code == 200 and "Jeanne Testpatient" in listing.content.decode()
        assert AuditEvent.objects.latest("pk").target == "contact requests (status__exact=new)"
        assert client.get(f"/admin/journey/contactrequest/{request.pk}/change/").status_code == 200
        event = AuditEvent.objects.latest("pk")
        assert (event.action, event.target, event.user_id) == (
            "view",
            f"contact request #{request.pk}",
            self.coordinator.pk,
        )


class TestTheTrailOutlivesThePatient(ClinicBase):
    def test_erasing_a_patient_keeps_every_event_about_them_and_adds_one(self, client):
        self.save_screening()
        self.as_user(client, self.clinician)
        client.get(reverse("clinic:patient", args=[self.patient.pk]))
        before = list(AuditEvent.objects.about_patient(self.patient.pk).values_list("pk", "action"))
        response = client.post(reverse("clinic:patient_erase", args=[self.patient.pk]))
        assert response.status_code == 302
        after = list(
            AuditEvent.objects.about_patient(self.patient.pk).order_by("-pk").values_list("pk", "action")
        )
        assert after[0][1] == "erase" and set(before) <= set(after)
