"""Every seed trial ships test patients covering each verdict, and they all agree with the
curated criteria."""

import pytest
from django.core.management import call_command

from trials.models import TestPatient, Trial
from trials.seed_data import SEED_TRIALS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("trial_id", [t["trial_id"] for t in SEED_TRIALS])
def test_every_seed_trials_test_patients_agree(trial_id):
    check = Trial.objects.get(trial_id=trial_id).check_criteria()
    assert check.problems == [] and check.screenable
    assert [(p.patient.name, p.reason) for p in check.disagreeing] == []


@pytest.mark.parametrize("trial_id", [t["trial_id"] for t in SEED_TRIALS])
def test_every_seed_trial_has_each_kind_of_test_patient(trial_id):
    patients = TestPatient.objects.filter(trial__trial_id=trial_id)
    assert patients.filter(expected_verdict="eligible").exists()
    assert patients.filter(expected_verdict="needs_info").exists()
    assert (
        patients.filter(expected_verdict="ineligible", expected_excluding_concept__isnull=False).count() >= 2
    )


def test_loading_the_seeds_again_adds_no_duplicate_and_keeps_curator_edits():
    patient = TestPatient.objects.filter(trial__trial_id="NCT02424396").first()
    patient.note = "edited by a curator"
    patient.save()
    before = TestPatient.objects.count()
    call_command("load_seed_trials", verbosity=0)
    assert TestPatient.objects.count() == before
    patient.refresh_from_db()
    assert patient.note == "edited by a curator"


def test_resetting_the_seed_criteria_records_a_new_version_and_keeps_them_published():
    call_command("load_seed_trials", reset_criteria=True, verbosity=0)
    for trial in Trial.objects.filter(trial_id__in=[t["trial_id"] for t in SEED_TRIALS]):
        assert trial.is_published and trial.criteria_version == 2
        assert trial.check_criteria().disagreeing == []
