"""The clinician's screening form: built from the vocabulary, validated by the shared
Validator, results from the API's own screen()."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clinic.models import Screening
from tests.clinic_base import ClinicBase


def form_data(**fields):
    data = {"as_of": "2026-11-21"}
    data.update(fields)
    return data


class TestScreeningForm(ClinicBase):
    def url(self):
        return reverse("clinic:screening_new", args=[self.patient.pk])

    def test_the_form_has_a_unit_selector_for_quantities_and_treatment_rows(self, client):
        self.as_user(client, self.clinician)
        html = client.get(self.url()).content.decode()
        assert 'name="platelets__unit"' in html and "/mm3" in html
        assert 'name="medications__0__drug"' in html and 'name="medications__5__drug"' in html
        assert "Ocrelizumab".lower() in html.lower()
        assert "Platelet count" in html  # clinician wording

    def test_checking_shows_verdicts_without_saving(self, client):
        self.as_user(client, self.clinician)
        response = client.post(self.url(), form_data(action="check", age="30", sex="female", edss="9.5"))
        assert response.status_code == 200
        results = response.context["results"]
        assert {r.info.trial_id for r in results} >= {"NCT02403947", "NCT04821596"}
        assert "Ineligible" in response.content.decode()
        assert not Screening.objects.exists()

    def test_saving_stores_canonical_answers_and_a_result_per_trial(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            self.url(),
            form_data(
                action="save",
                age="47",
                sex="female",
                diagnosis="multiple_sclerosis",
                ms_phenotype="RRMS",
                edss="3",
                platelets="210000",
                platelets__unit="/mm3",
                days_since_last_relapse__never="on",
                medications__0__drug="natalizumab",
                medications__0__days="20",
                medications__0__months="18",
            ),
        )
        screening = Screening.objects.get()
        assert response["Location"] == reverse("clinic:screening", args=[screening.pk])
        assert screening.answers == {
            "age": 47,
            "days_since_last_relapse": "never",
            "diagnosis": "multiple_sclerosis",
            "edss": 3,
            "medications": [{"drug": "natalizumab", "days_since_last_dose": 20, "months_on_treatment": 18}],
            "ms_phenotype": "RRMS",
            "platelets": {"unit": "/mm3", "value": 210000},
            "sex": "female",
        }
        assert screening.results.count() == 5
        assert all(r.criteria_version == r.trial.criteria_version for r in screening.results.all())

    def test_validator_errors_are_shown_next_to_their_field_and_nothing_is_saved(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            self.url(), form_data(action="save", edss="3.2", platelets="-5", platelets__unit="10^9/L")
        )
        assert response.status_code == 400
        errors = response.context["form"].answer_errors
        assert "steps of 0.5" in errors["edss"][0]
        assert "platelets" in errors
        assert not Screening.objects.exists()

    def test_a_man_cannot_be_recorded_as_pregnant(self, client):
        self.as_user(client, self.clinician)
        response = client.post(self.url(), form_data(action="save", sex="male", pregnant="true"))
        assert "only applies to women" in response.context["form"].answer_errors["pregnant"][0]

    def test_ticking_never_and_giving_a_duration_is_refused(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            self.url(),
            form_data(action="check", days_since_last_relapse="30", days_since_last_relapse__never="on"),
        )
        assert "not both" in response.context["form"].answer_errors["days_since_last_relapse"][0]

    def test_an_unknown_drug_is_refused_on_the_treatments(self, client):
        self.as_user(client, self.clinician)
        response = client.post(self.url(), form_data(action="check", medications__0__drug="aspirin"))
        assert response.status_code == 400
        assert "medications" in response.context["form"].answer_errors

    def test_the_form_starts_from_the_latest_screening(self, client):
        self.save_screening()
        self.as_user(client, self.clinician)
        form = client.get(self.url()).context["form"]
        assert form.questions["platelets"].initial == {"platelets": "210000", "platelets__unit": "/mm3"}
        assert form.questions["medications"].initial == {"medications__none": True}
        assert form.questions["sex"].initial == {"sex": "female"}

    def test_saving_is_audited(self, client):
        self.as_user(client, self.clinician)
        client.post(self.url(), form_data(action="save", age="40"))
        screening = Screening.objects.get()
        assert screening.answers == {"age": 40}
        assert AuditEvent.objects.filter(
            action="screen", screening_id=screening.pk, user_id=self.clinician.pk
        ).exists()


class TestScreeningDate(ClinicBase):
    def test_a_screening_date_in_the_future_is_refused(self, client):
        self.as_user(client, self.clinician)
        response = client.post(
            reverse("clinic:screening_new", args=[self.patient.pk]),
            {"action": "save", "as_of": (timezone.localdate() + timedelta(days=1)).isoformat()},
        )
        assert response.status_code == 400
        assert "future" in response.context["form"].errors["as_of"][0]
