"""`manage.py create_demo_clinic_accounts`, run by `make run`."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from clinic.models import Patient, Screening, is_clinician, is_coordinator

pytestmark = pytest.mark.django_db


def test_it_creates_the_documented_accounts_and_patients_once(local_development):
    call_command("create_demo_clinic_accounts", verbosity=0)
    call_command("create_demo_clinic_accounts", verbosity=0)
    martin = authenticate(username="dr_martin", password="demo-martin-2026")
    durand = authenticate(username="dr_durand", password="demo-durand-2026")
    coordinator = authenticate(username="coordinator", password="demo-coordinator-2026")
    assert is_clinician(martin) and is_clinician(durand) and is_coordinator(coordinator)
    assert set(martin.clinic_teams.all()).isdisjoint(durand.clinic_teams.all())
    assert Patient.objects.visible_to(martin).count() == 3
    assert Patient.objects.visible_to(durand).count() == 1
    assert Screening.objects.count() == 3
