"""What changed between two screenings of a patient."""

from django.urls import reverse

from clinic import services
from tests.clinic_base import ClinicBase


class TestScreeningDiff(ClinicBase):
    def test_it_labels_added_removed_and_changed_answers(self, client):
        before = self.save_screening({"age": 47, "edss": 3.0, "hiv": False})
        after = self.save_screening({"age": 47, "edss": 4.5, "platelets": {"value": 150, "unit": "G/L"}})
        self.as_user(client, self.clinician)
        url = reverse("clinic:screening_diff", args=[self.patient.pk]) + f"?a={after.pk}&b={before.pk}"
        changes = {c["code"]: c for c in client.get(url).context["changes"]}
        assert set(changes) == {"edss", "platelets", "hiv"}
        assert (changes["edss"]["change"], changes["edss"]["before"], changes["edss"]["after"]) == (
            "changed",
            "3",
            "4.5",
        )
        assert (changes["platelets"]["change"], changes["platelets"]["after"]) == ("added", "150 G/L")
        assert (changes["hiv"]["change"], changes["hiv"]["before"]) == ("removed", "no")
        assert changes["edss"]["label"].startswith("EDSS") or "EDSS" in changes["edss"]["label"]

    def test_screenings_of_another_patient_cannot_be_compared(self, client):
        mine = self.save_screening()

        other = services.patient_create(
            by=self.clinician, team=self.team, local_identifier="P-9", initials="QQ"
        )
        theirs = self.save_screening(patient=other)
        self.as_user(client, self.clinician)
        url = reverse("clinic:screening_diff", args=[self.patient.pk]) + f"?a={mine.pk}&b={theirs.pk}"
        assert client.get(url).status_code == 404
