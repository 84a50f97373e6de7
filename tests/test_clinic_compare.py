"""Comparing two screenings of a patient: each named by number, date, time and author; per
trial the verdict before and after, and the criteria whose status moved it."""

from django.contrib.auth.models import User
from django.urls import reverse

from tests.clinic_base import ClinicBase

MS_IL2 = "NCT02424396"
LOW_WBC = {"wbc": {"value": 2800, "unit": "/mm3"}}


class TestCompare(ClinicBase):
    def compare(self, client, before, after, **headers):
        self.as_user(client, self.clinician)
        url = reverse("clinic:screening_diff", args=[self.patient.pk]) + f"?a={before.pk}&b={after.pk}"
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response

    def test_screenings_saved_the_same_minute_by_the_same_person_read_differently(self, client):
        User.objects.filter(pk=self.clinician.pk).update(first_name="Claire", last_name="Martin")
        first, second = self.save_screening({"age": 40}), self.save_screening({"age": 41})
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:patient", args=[self.patient.pk])).content.decode()
        labels = [line for line in html.split("<option")[1:]]
        assert len(labels) == 4  # two menus of two screenings
        assert "No. 1 · " in html and "No. 2 · " in html and "Claire Martin" in html
        assert labels[0] != labels[1]
        assert f'value="{second.pk}"' in labels[0] and f'value="{first.pk}"' in labels[1]

    def test_the_labels_say_the_date_and_time_in_the_readers_format(self, client):
        first, second = self.save_screening({"age": 40}), self.save_screening({"age": 41})
        english = self.compare(client, first, second).context["after_label"]
        french = self.compare(client, first, second, **{"Accept-Language": "fr"}).context["after_label"]
        assert english.startswith("No. 2 · ") and french.startswith("N° 2 · ")
        assert english != french  # "Dec. 1, 2026, 8:47 p.m." / "1 décembre 2026 20:47"

    def test_a_trial_that_went_from_ineligible_to_needs_information_says_which_criterion(self, client):
        before = self.save_screening({**LOW_WBC})
        after = self.save_screening({})
        verdicts = self.compare(client, before, after).context["verdicts"]
        (msil2,) = [t for t in verdicts.trials if t.info.trial_id == MS_IL2]
        assert (msil2.before, msil2.after) == ("ineligible", "needs_info")
        assert (msil2.before_label, msil2.after_label) == ("Ineligible", "Needs more information")
        (change,) = msil2.criteria
        assert "White blood cell count" in change.source_text
        assert (str(change.before), str(change.after)) == ("applies (excludes)", "not known")
        assert "2800 /mm3" in change.before_why and "White blood cells" in change.after_why

    def test_the_page_shows_each_changed_trial_and_lists_the_unchanged_ones(self, client):
        before = self.save_screening({**LOW_WBC})
        after = self.save_screening({})
        response = self.compare(client, before, after)
        html = response.content.decode()
        assert f'data-trial="{MS_IL2}"' in html
        assert "Ineligible</span>" in html and "Needs more information</span>" in html
        assert "Unchanged:" in html
        unchanged = {t.info.trial_id for t in response.context["verdicts"].unchanged}
        assert MS_IL2 not in unchanged and unchanged

    def test_a_criterion_that_changed_without_moving_the_verdict_is_still_shown(self, client):
        before = self.save_screening({"age": 16, "edss": 9.5})  # EDSS 9.5 keeps MESEMS out either way
        after = self.save_screening({"age": 30, "edss": 9.5})
        verdicts = self.compare(client, before, after).context["verdicts"]
        mesems = next(t for t in verdicts.trials if t.info.trial_id == "NCT02403947")
        assert not mesems.verdict_changed
        (age,) = mesems.criteria
        assert age.source_text == "Age 18 to 50 years"
        assert (str(age.before), str(age.after)) == ("not met", "met")

    def test_in_french_the_verdicts_and_statuses_are_french(self, client):
        before = self.save_screening({**LOW_WBC})
        after = self.save_screening({})
        html = self.compare(client, before, after, **{"Accept-Language": "fr"}).content.decode()
        assert "Inéligible" in html and "s’applique (exclut)" in html and "inconnu" in html
        assert "Ineligible" not in html
