"""A patient's team erases the patient: every screening and result goes, the audit trail
records who did it and keeps what it held; nobody outside the team can."""

from django.urls import reverse

from audit.models import AuditEvent
from clinic.models import Patient, Screening, ScreeningResult
from tests.clinic_base import ClinicBase
from tests.database_scan import tables_containing

NOTE = "Lives with Bartholomew Quenneville, 12 rue Imaginaire"


class TestErasingAPatient(ClinicBase):
    def test_the_confirmation_page_says_what_goes_and_nothing_is_erased_by_a_get(self, client):
        self.save_screening()
        self.as_user(client, self.teammate)
        response = client.get(reverse("clinic:patient_erase", args=[self.patient.pk]))
        assert response.status_code == 200 and "1 screening" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert Patient.objects.filter(pk=self.patient.pk).exists()

    def test_a_teammate_erases_the_patient_and_nothing_they_typed_is_left_anywhere(self, client):
        self.patient.note = NOTE
        self.patient.save()
        screening = self.save_screening()
        self.as_user(client, self.teammate)
        response = client.post(reverse("clinic:patient_erase", args=[self.patient.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("clinic:dashboard")
        assert not Patient.objects.filter(pk=self.patient.pk).exists()
        assert not Screening.objects.filter(pk=screening.pk).exists()
        assert not ScreeningResult.objects.filter(screening_id=screening.pk).exists()
        assert tables_containing(("Quenneville", "rue Imaginaire")) == {}
        # The trail keeps the pseudonym (the team's own code), as every earlier event does.
        assert set(tables_containing(("P-0001",))) == {"audit_auditevent"}
        event = AuditEvent.objects.get(action="erase")
        assert (event.user_id, event.patient_id, event.target) == (
            self.teammate.pk,
            self.patient.pk,
            "P-0001 (AB)",
        )

    def test_another_team_and_coordinators_cannot_erase(self, client):
        self.as_user(client, self.outsider)
        assert client.post(reverse("clinic:patient_erase", args=[self.patient.pk])).status_code == 404
        assert AuditEvent.objects.filter(action="refused", user_id=self.outsider.pk).exists()
        self.as_user(client, self.coordinator)
        assert client.post(reverse("clinic:patient_erase", args=[self.patient.pk])).status_code == 403
        assert Patient.objects.filter(pk=self.patient.pk).exists()
        assert not AuditEvent.objects.filter(action="erase").exists()
