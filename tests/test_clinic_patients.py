"""Creating and editing pseudonymous patients."""

from django.urls import reverse

from audit.models import AuditEvent
from clinic.models import Patient
from tests.clinic_base import ClinicBase


class TestPatients(ClinicBase):
    def test_a_clinician_creates_a_patient_in_their_team(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:patient_create"),
            {
                "team": self.team.pk,
                "local_identifier": "P-0002",
                "initials": "cd",
                "year_of_birth": 1990,
                "sex": "male",
            },
        )
        patient = Patient.objects.get(local_identifier="P-0002")
        assert response["Location"] == reverse("clinic:patient", args=[patient.pk])
        assert (patient.initials, patient.created_by, patient.team) == ("CD", self.clinician, self.team)
        assert AuditEvent.objects.filter(
            patient_id=patient.pk, action="create", user_id=self.clinician.pk
        ).exists()

    def test_a_clinician_cannot_file_a_patient_under_another_team(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:patient_create"),
            {"team": self.other_team.pk, "local_identifier": "P-0003", "initials": "EF"},
        )
        assert response.status_code == 200
        assert "team" in response.context["form"].errors
        assert not Patient.objects.filter(local_identifier="P-0003").exists()

    def test_an_identifier_is_unique_within_a_team(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:patient_create"),
            {"team": self.team.pk, "local_identifier": "P-0001", "initials": "ZZ"},
        )
        assert response.status_code == 200
        assert Patient.objects.filter(local_identifier="P-0001").count() == 1

    def test_it_rejects_an_impossible_year_of_birth(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:patient_create"),
            {"team": self.team.pk, "local_identifier": "P-0004", "initials": "GH", "year_of_birth": 1800},
        )
        assert "year_of_birth" in response.context["form"].errors

    def test_editing_a_patient_is_audited(self, client):
        self.as_user(client, self.teammate)
        response = client.post(
            reverse("clinic:patient_edit", args=[self.patient.pk]),
            {"team": self.team.pk, "local_identifier": "P-0001", "initials": "AB", "note": "MRI planned"},
        )
        assert response.status_code == 302
        self.patient.refresh_from_db()
        assert self.patient.note == "MRI planned"
        assert AuditEvent.objects.filter(
            patient_id=self.patient.pk, action="update", user_id=self.teammate.pk
        ).exists()

    def test_viewing_a_patient_is_audited(self, client):
        self.as_user(client, self.clinician)
        client.get(reverse("clinic:patient", args=[self.patient.pk]))
        event = AuditEvent.objects.filter(action="view").latest("at")
        assert (event.user_id, event.patient_id) == (self.clinician.pk, self.patient.pk)


class TestWherePatientsLive(ClinicBase):
    def post_patient(self, client, **fields):
        data = {"team": self.team.pk, "local_identifier": "P-0009", "initials": "TW", **fields}
        return client.post(reverse("clinic:patient_create"), data)

    def test_a_clinician_records_the_town_a_patient_lives_in(self, client):
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:patient_create")).content.decode()
        assert "Town the patient lives in" in html and '<option value="FR" selected>' in html
        response = self.post_patient(client, town="st etienne", town_country="FR")
        assert response.status_code == 302
        patient = Patient.objects.get(local_identifier="P-0009")
        assert (patient.town, patient.town_country) == ("Saint-Étienne", "FR")

    def test_a_town_that_cannot_be_found_is_refused_with_close_spellings(self, client):
        self.as_user(client, self.clinician)
        response = self.post_patient(client, town="Marseile", town_country="FR")
        assert response.status_code == 200
        assert "Did you mean: Marseille" in response.context["form"].errors["town"][0]
        assert not Patient.objects.filter(local_identifier="P-0009").exists()

    def test_the_town_is_optional(self, client):
        self.as_user(client, self.clinician)
        assert self.post_patient(client).status_code == 302
        assert Patient.objects.get(local_identifier="P-0009").town == ""
