"""Re-screening saved patients when a trial is published or its criteria change."""

import os
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from clinic import services, tasks
from clinic.models import ScreeningResult
from config.celery import app
from tests.clinic_base import ClinicBase
from trials.models import Trial
from trials.services import trial_create, trial_replace_criteria


def adults(minimum_age: int = 18) -> list[dict]:
    return [
        {
            "kind": "inclusion",
            "node_type": "leaf",
            "concept": "age",
            "operator": "gte",
            "values": [minimum_age],
            "source_text": f"Aged {minimum_age} years or older",
        }
    ]


def new_trial(criteria: list[dict], publish: bool = True) -> Trial:
    return trial_create(
        data={"trial_id": "NCT09999999", "public_title": "A new MS trial", "criteria": criteria},
        publish=publish,
    )


class TestRescreening(ClinicBase):
    def test_publishing_a_trial_queues_the_rescreening_on_commit(
        self, django_capture_on_commit_callbacks, monkeypatch
    ):
        self.save_screening()
        queued = []
        monkeypatch.setattr(tasks.rescreen_trial, "delay", lambda trial_id: queued.append(trial_id))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            trial = new_trial(adults())
        assert queued == []  # nothing before the commit
        assert len(callbacks) == 1
        callbacks[0]()
        assert queued == [trial.pk]

    def test_a_criteria_change_queues_the_rescreening_on_commit(self, django_capture_on_commit_callbacks):
        self.save_screening()
        trial = new_trial(adults(minimum_age=50))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            trial_replace_criteria(trial=trial, criteria=adults())
        assert len(callbacks) == 1

    def test_criteria_its_test_patients_reject_stay_a_draft_and_queue_nothing(
        self, django_capture_on_commit_callbacks
    ):
        self.save_screening()
        trial = Trial.objects.get(trial_id="NCT02403947")
        live = trial.live_revision
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            trial_replace_criteria(trial=trial, criteria=adults())
        assert callbacks == []
        trial.refresh_from_db()
        assert trial.live_revision == live and trial.draft_revision is not None

    def test_nothing_is_queued_when_no_screening_was_saved(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            new_trial(adults())
        assert callbacks == []

    def test_a_newly_published_trial_is_a_new_match_for_saved_patients(self, client):
        screening = self.save_screening()
        trial = new_trial(adults())
        assert services.trial_rescreen_patients(trial_id=trial.pk) == 1
        result = screening.results.get(trial=trial)
        assert (result.verdict, result.criteria_version, result.is_new) == ("eligible", 1, True)
        self.as_user(client, self.clinician)
        html = client.get(reverse("clinic:dashboard")).content.decode()
        assert "1 new" in html and "NCT09999999" in html

    def test_rescreening_is_idempotent_per_screening_trial_and_version(self):
        self.save_screening()
        trial = new_trial(adults())
        assert services.trial_rescreen_patients(trial_id=trial.pk) == 1
        assert services.trial_rescreen_patients(trial_id=trial.pk) == 0
        assert ScreeningResult.objects.filter(trial=trial).count() == 1

    def test_a_criteria_change_adds_a_result_for_the_new_version_and_keeps_the_referral(self):
        screening = self.save_screening()  # age 47
        trial = new_trial(adults(minimum_age=50))
        services.trial_rescreen_patients(trial_id=trial.pk)
        first = screening.results.get(trial=trial)
        assert (first.verdict, first.is_new) == ("ineligible", False)
        services.result_set_referral(result=first, status="contacted", by=self.coordinator)

        trial_replace_criteria(trial=trial, criteria=adults(minimum_age=40))
        assert services.trial_rescreen_patients(trial_id=trial.pk) == 1
        second = screening.results.get(trial=trial, criteria_version=2)
        assert (second.verdict, second.is_new, second.referral_status) == ("eligible", True, "contacted")
        assert (first.revision, second.revision) == (1, 2), "each result names the revision it screened"
        assert [r.criteria_version for r in screening.current_results() if r.trial == trial] == [2]

    def test_a_match_that_was_already_there_is_not_new(self):
        screening = self.save_screening()
        trial = new_trial(adults(minimum_age=18))
        services.trial_rescreen_patients(trial_id=trial.pk)
        ScreeningResult.objects.update(is_new=False)
        trial_replace_criteria(trial=trial, criteria=adults(minimum_age=21))
        services.trial_rescreen_patients(trial_id=trial.pk)
        latest = screening.results.get(trial=trial, criteria_version=2)
        assert (latest.verdict, latest.is_new) == ("eligible", False)

    def test_only_each_patients_latest_screening_is_rescreened(self):
        older = self.save_screening({"age": 30})
        latest = self.save_screening({"age": 60})
        trial = new_trial(adults())
        services.trial_rescreen_patients(trial_id=trial.pk)
        assert not older.results.filter(trial=trial).exists()
        assert latest.results.filter(trial=trial).exists()

    def test_an_unpublished_trial_rescreens_nobody(self):
        self.save_screening()
        trial = new_trial(adults(), publish=False)
        assert services.trial_rescreen_patients(trial_id=trial.pk) == 0

    def test_the_parent_task_fans_out_chunks_of_screenings(self, monkeypatch):
        for n in range(5):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=f"C-{n}", initials="CC"
            )
            self.save_screening(patient=patient)
        trial = new_trial(adults())
        sent = []
        monkeypatch.setattr(services, "RESCREEN_CHUNK_SIZE", 2)
        monkeypatch.setattr(tasks.rescreen_trial_chunk, "delay", lambda trial_id, ids: sent.append(ids))
        assert tasks.rescreen_trial(trial.pk) == 3
        assert sorted(len(ids) for ids in sent) == [1, 2, 2]
        for ids in sent:  # what each worker would do
            tasks.rescreen_trial_chunk(trial.pk, ids)
        assert ScreeningResult.objects.filter(trial=trial).count() == 5

    def test_marking_new_matches_as_seen_clears_the_badge(self, client):
        self.save_screening()
        trial = new_trial(adults())
        services.trial_rescreen_patients(trial_id=trial.pk)
        self.as_user(client, self.clinician)
        client.post(reverse("clinic:patient_mark_seen", args=[self.patient.pk]))
        assert not ScreeningResult.objects.filter(is_new=True).exists()


@pytest.fixture
def reseeded_afterwards(django_db_blocker):
    """A transactional test empties every table when it ends; the other tests expect the
    seed trials. Requested before the database fixture, so this teardown runs after the flush."""
    yield
    with django_db_blocker.unblock():
        call_command("load_seed_trials", verbosity=0)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)")
class TestRescreeningOnARealWorker(ClinicBase):
    @pytest.fixture(autouse=True)
    def _people(self, reseeded_afterwards, transactional_db):
        # The worker thread reads committed rows only, so this class commits for real.
        self.create_people()

    def test_publishing_a_trial_rescreens_saved_patients_through_redis(self):
        from celery.contrib.testing.worker import start_worker

        screening = self.save_screening()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            trial = new_trial(adults())  # autocommit: on_commit sends the task at once
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not screening.results.filter(trial=trial).exists():
                time.sleep(0.2)
        result = screening.results.get(trial=trial)
        assert (result.verdict, result.is_new, result.criteria_version) == ("eligible", True, 1)
