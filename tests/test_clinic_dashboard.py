"""The clinician's dashboard: find a patient by pseudonym, filter by new matches, best result
and last screening, a page at a time."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from clinic import services
from clinic.models import Screening, ScreeningResult
from clinic.views import PAGE_SIZE
from tests.clinic_base import ANSWERS, ClinicBase
from trials.seed_data.test_patients import ASCPPMS as ELIGIBLE_FOR_ASC_PPMS


class TestDashboard(ClinicBase):
    def new_patient(self, code: str, initials: str = "XY", **fields):
        return services.patient_create(
            by=self.clinician, team=self.team, local_identifier=code, initials=initials, **fields
        )

    def listed(self, client, **query) -> list[str]:
        self.as_user(client, self.clinician)
        response = client.get(reverse("clinic:dashboard"), query)
        assert response.status_code == 200
        return [row.record.local_identifier for row in response.context["table"].paginated_rows]

    def test_a_pseudonym_finds_its_patient_whole_or_in_part(self, client):
        self.new_patient("A-0002", "JB")
        self.new_patient("B-0107", "JB")
        assert self.listed(client, q="A-0002 (JB)") == ["A-0002"]
        assert self.listed(client, q="a-000") == ["A-0002"]
        assert self.listed(client, q="jb") == ["A-0002", "B-0107"]
        assert self.listed(client, q="  P-0001  ") == ["P-0001"]
        assert self.listed(client, q="Z-9") == []

    def test_an_outsiders_patient_is_never_found(self, client):
        services.patient_create(by=self.outsider, team=self.other_team, local_identifier="X-1", initials="OO")
        assert self.listed(client, q="X-1") == []

    def test_patients_with_new_matches_can_be_shown_alone(self, client):
        self.save_screening()
        other = self.new_patient("P-0002")
        self.save_screening(patient=other)
        ScreeningResult.objects.filter(screening__patient=other).update(is_new=True)
        assert self.listed(client, new="yes") == ["P-0002"]
        assert self.listed(client, new="no") == ["P-0001"]

    def test_the_best_result_of_the_latest_screening_filters_patients(self, client):
        self.save_screening(ANSWERS)  # RRMS: ineligible or needs information, eligible for none
        eligible = self.new_patient("P-0002")
        self.save_screening(ELIGIBLE_FOR_ASC_PPMS, patient=eligible)
        never = self.new_patient("P-0003")
        assert self.listed(client, verdict="eligible") == ["P-0002"]
        assert "P-0003" not in self.listed(client, verdict="ineligible")
        assert never.local_identifier in self.listed(client)

    def test_an_older_screening_does_not_count_for_the_best_result(self, client):
        old = self.save_screening(ELIGIBLE_FOR_ASC_PPMS)
        Screening.objects.filter(pk=old.pk).update(screened_at=timezone.now() - timedelta(days=10))
        self.save_screening({**ELIGIBLE_FOR_ASC_PPMS, "ms_phenotype": "RRMS"})
        assert self.listed(client, verdict="eligible") == []

    def test_last_screened_filters_by_recency_and_never(self, client):
        recent = self.save_screening()
        old_patient = self.new_patient("P-0002")
        old = self.save_screening(patient=old_patient)
        Screening.objects.filter(pk=old.pk).update(screened_at=timezone.now() - timedelta(days=400))
        self.new_patient("P-0003")
        assert recent.patient.local_identifier in self.listed(client, screened="7")
        assert self.listed(client, screened="7") == ["P-0001"]
        assert self.listed(client, screened="older") == ["P-0002"]
        assert self.listed(client, screened="never") == ["P-0003"]

    def test_filters_combine_with_the_search(self, client):
        self.save_screening(ELIGIBLE_FOR_ASC_PPMS)
        other = self.new_patient("P-0002")
        self.save_screening(ELIGIBLE_FOR_ASC_PPMS, patient=other)
        assert self.listed(client, q="P-0002", verdict="eligible", screened="30") == ["P-0002"]

    def test_patients_come_a_page_at_a_time(self, client):
        for n in range(PAGE_SIZE + 4):
            self.new_patient(f"Q-{n:03d}")
        first = self.listed(client)
        second = self.listed(client, page=2)
        assert (len(first), len(second)) == (PAGE_SIZE, 5)
        assert not set(first) & set(second)

    def test_a_page_keeps_the_filters_in_its_links(self, client):
        for n in range(PAGE_SIZE + 4):
            self.new_patient(f"Q-{n:03d}")
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:dashboard"), {"q": "Q-"}).content.decode()
        assert "q=Q-" in html and "page=2" in html

    def test_an_unknown_filter_value_is_an_error_on_the_field_not_an_empty_list(self, client):
        self.as_user(client, self.clinician)
        response = client.get(reverse("clinic:dashboard"), {"verdict": "maybe"})
        assert response.status_code == 200
        assert "verdict" in response.context["filters"].form.errors
        assert "maybe" in response.content.decode()  # "Select a valid choice. maybe is not one…"

    def test_each_patient_reads_its_latest_results_in_words(self, client):
        self.save_screening(ELIGIBLE_FOR_ASC_PPMS)
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:dashboard")).content.decode()
        assert "eligible for 1 trial" in html
