"""The screening form starts from what the patient record says, in a clinician's words."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from clinic import services
from clinic.models import Screening
from tests.clinic_base import ClinicBase


class TestPrefilledFromTheRecord(ClinicBase):
    def form(self, client, patient=None):
        self.as_user(client, self.clinician)
        response = client.get(reverse("clinic:screening_new", args=[(patient or self.patient).pk]))
        return response, response.context["form"]

    def test_a_first_screening_starts_with_the_records_sex_and_age(self, client):
        response, form = self.form(client)
        assert form.questions["sex"].initial == {"sex": "female"}
        assert form.questions["age"].initial == {"age": str(timezone.localdate().year - 1979)}
        html = response.content.decode()
        assert "From the patient record (born 1979)" in html and "From the patient record." in html

    def test_a_man_with_no_year_of_birth_gets_only_his_sex(self, client):
        patient = services.patient_create(
            by=self.clinician, team=self.team, local_identifier="P-0002", initials="CD", sex="male"
        )
        _response, form = self.form(client, patient)
        assert form.questions["sex"].initial == {"sex": "male"}
        assert not form.questions["age"].initial
        assert set(form.notes) == {"sex"}

    def test_a_patient_without_recorded_sex_or_birth_year_starts_empty(self, client):
        patient = services.patient_create(
            by=self.clinician, team=self.team, local_identifier="P-3", initials="EF"
        )
        _response, form = self.form(client, patient)
        assert form.notes == {} and not form.questions["sex"].initial

    def test_an_age_carried_over_from_a_screening_of_another_year_follows_the_record(self, client):
        old = self.save_screening({"age": 40, "sex": "female"}, as_of=date(2019, 6, 1))
        Screening.objects.filter(pk=old.pk).update(screened_at=timezone.now())
        _response, form = self.form(client)
        assert form.questions["age"].initial == {"age": str(timezone.localdate().year - 1979)}
        assert "age" in form.notes

    def test_an_age_set_this_year_is_kept_the_clinician_knew_the_birthday(self, client):
        this_year = timezone.localdate().year
        self.save_screening({"age": this_year - 1979 - 1}, as_of=timezone.localdate())
        _response, form = self.form(client)
        assert form.questions["age"].initial == {"age": str(this_year - 1979 - 1)}
        assert "age" not in form.notes

    def test_a_date_of_birth_needs_no_age_from_the_record(self, client):
        self.save_screening({"birth_date": "1979-03-04"}, as_of=timezone.localdate())
        _response, form = self.form(client)
        assert not form.questions["age"].initial

    def test_the_record_corrects_a_carried_over_sex(self, client):
        self.save_screening({"sex": "male"}, as_of=timezone.localdate())
        _response, form = self.form(client)
        assert form.questions["sex"].initial == {"sex": "female"}
        assert "sex" in form.notes

    def test_a_prefilled_form_saves_the_records_answers(self, client):
        self.as_user(client, self.clinician)
        today = timezone.localdate()
        client.post(
            reverse("clinic:screening_new", args=[self.patient.pk]),
            {"action": "save", "as_of": today.isoformat(), "sex": "female", "age": str(today.year - 1979)},
        )
        assert Screening.objects.get().answers == {"sex": "female", "age": today.year - 1979}


class TestClinicianWording(ClinicBase):
    def test_the_first_section_is_about_the_patient_not_to_them(self, client):
        self.as_user(client, self.clinician)
        response = client.get(reverse("clinic:screening_new", args=[self.patient.pk]))
        sections = response.context["form"].sections()
        assert sections[0]["label"] == "The patient"
        html = response.content.decode()
        assert "About you" not in html

    def test_the_patients_own_questionnaire_still_says_about_you(self, client):
        html = client.get(client.get("/en/patient/")["Location"] + "all/").content.decode()
        assert "About you" in html and "The patient" not in html

    def test_in_french_the_section_reads_le_patient(self, client):
        self.as_user(client, self.clinician)
        response = client.get(
            reverse("clinic:screening_new", args=[self.patient.pk]), headers={"Accept-Language": "fr"}
        )
        assert response.context["form"].sections()[0]["label"] == "Le patient"
        assert "Âge à la présélection (ans)" in response.content.decode()
        assert "(years)" not in response.content.decode()
