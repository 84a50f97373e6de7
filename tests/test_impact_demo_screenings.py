"""The demo data command behind `make run`."""

import pytest
from django.core.management import CommandError, call_command

from clinic.models import Patient, Screening
from impact.models import AttritionSummary
from screening.catalog import current_catalog
from trials.models import Trial


@pytest.mark.django_db
class TestDemoScreenings:
    def test_it_needs_the_demo_clinic_accounts(self):
        with pytest.raises(CommandError, match="create_demo_clinic_accounts"):
            call_command("make_demo_screenings", "--count", "5", stdout=None)

    def test_it_creates_valid_varied_screenings_and_every_trials_summary_once(self, local_development):
        call_command("create_demo_clinic_accounts", verbosity=0)
        call_command("make_demo_screenings", "--count", "40", "--seed", "3")
        demo = Patient.objects.filter(local_identifier__startswith="D-")
        assert demo.count() == 40
        screenings = Screening.objects.filter(patient__in=demo)
        validator = current_catalog().validator()
        assert all(validator.validate(s.answers, s.as_of).ok for s in screenings)
        assert len({s.answers.get("diagnosis") for s in screenings}) >= 2
        assert len({s.answers.get("ms_phenotype") for s in screenings}) >= 4  # and some unknown
        assert len({s.screened_at.date() for s in screenings}) > 10  # spread over the year
        summaries = AttritionSummary.objects.filter(filter_key="")
        assert summaries.count() == Trial.objects.count()
        assert all(s.payload["screened"] >= 40 for s in summaries)

        call_command("make_demo_screenings", "--count", "40", "--seed", "3")
        assert Patient.objects.filter(local_identifier__startswith="D-").count() == 40
