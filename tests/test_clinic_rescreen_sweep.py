"""Re-screenings lost with the broker: a trial whose criteria are newer than its last fully
queued re-screening is found by the rescreen_stale_trials sweep and re-screened then."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from clinic import services, tasks
from tests.clinic_base import ClinicBase
from tests.test_clinic_rescreen_task import adults, new_trial
from trials.models import Trial
from trials.services import trial_replace_criteria


def broker_down(*args, **kwargs):
    raise OperationalError("Connection refused")


def backdate(trial: Trial, minutes: int = 10) -> None:
    Trial.objects.filter(pk=trial.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


class TestRescreenSweep(ClinicBase):
    @pytest.fixture(autouse=True)
    def _seed_trials_owe_nothing(self):
        # The seed trials were published before any screening existed, and once the session is
        # two minutes old the sweep would rightly pick them up: only the trials a test changes
        # may be owed anything here, however slowly the suite runs.
        Trial.objects.update(rescreened_version=F("criteria_version"))

    @pytest.fixture(autouse=True)
    def _tasks_inline(self, monkeypatch):
        # What a worker would do with each queued task, whether or not REDIS_URL names a broker.
        monkeypatch.setattr(tasks.rescreen_trial, "delay", lambda trial_id: tasks.rescreen_trial(trial_id))
        monkeypatch.setattr(
            tasks.rescreen_trial_chunk,
            "delay",
            lambda trial_id, ids: tasks.rescreen_trial_chunk(trial_id, ids),
        )

    def publish_while_the_broker_is_down(self, monkeypatch, django_capture_on_commit_callbacks) -> Trial:
        with monkeypatch.context() as patched:
            patched.setattr(tasks.rescreen_trial, "delay", broker_down)
            with django_capture_on_commit_callbacks(execute=True):
                trial = new_trial(adults())
        return trial

    def test_a_publication_lost_with_the_broker_is_rescreened_by_the_sweep(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        screening = self.save_screening()
        trial = self.publish_while_the_broker_is_down(monkeypatch, django_capture_on_commit_callbacks)
        assert not screening.results.filter(trial=trial).exists()
        assert Trial.objects.get(pk=trial.pk).rescreened_version is None
        backdate(trial)

        assert tasks.rescreen_stale_trials() == 1

        result = screening.results.get(trial=trial)
        assert (result.verdict, result.criteria_version, result.is_new) == ("eligible", 1, True)
        assert Trial.objects.get(pk=trial.pk).rescreened_version == 1
        assert services.trials_rescreen_stale() == []

    def test_the_sweep_leaves_a_recent_change_to_its_own_task(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        self.save_screening()
        self.publish_while_the_broker_is_down(monkeypatch, django_capture_on_commit_callbacks)
        assert services.trials_rescreen_stale() == []

    def test_a_criteria_change_owes_a_rescreening_until_its_fan_out_ran(self):
        screening = self.save_screening()
        trial = new_trial(adults())
        tasks.rescreen_trial(trial.pk)
        trial_replace_criteria(trial=Trial.objects.get(pk=trial.pk), criteria=adults(50))
        backdate(trial)
        assert services.trials_rescreen_stale() == [trial.pk]
        assert screening.results.filter(trial=trial, criteria_version=2).exists()
        assert Trial.objects.get(pk=trial.pk).rescreened_version == 2

    def test_publishing_again_owes_the_screenings_saved_while_it_was_withdrawn(self):
        trial = new_trial(adults())
        tasks.rescreen_trial(trial.pk)
        trial.withdraw()
        screening = self.save_screening()
        trial.submit_for_review()
        trial.publish()
        assert Trial.objects.get(pk=trial.pk).rescreened_version is None
        backdate(trial)
        assert services.trials_rescreen_stale() == [trial.pk]
        assert screening.results.filter(trial=trial).exists()

    def test_a_fan_out_cut_off_by_the_broker_stays_owed(self, monkeypatch):
        for n in range(3):
            patient = services.patient_create(
                by=self.clinician, team=self.team, local_identifier=f"C-{n}", initials="CC"
            )
            self.save_screening(patient=patient)
        trial = new_trial(adults())
        monkeypatch.setattr(services, "RESCREEN_CHUNK_SIZE", 2)
        sent = []

        def first_chunk_only(trial_id, ids):
            if sent:
                raise OperationalError("Connection refused")
            sent.append(ids)

        monkeypatch.setattr(tasks.rescreen_trial_chunk, "delay", first_chunk_only)
        with pytest.raises(OperationalError):
            tasks.rescreen_trial(trial.pk)
        assert Trial.objects.get(pk=trial.pk).rescreened_version is None

    def test_a_repeated_fan_out_sends_only_the_screenings_still_missing_a_result(self, monkeypatch):
        done = self.save_screening()
        other = services.patient_create(
            by=self.clinician, team=self.team, local_identifier="C-9", initials="CC"
        )
        missing = self.save_screening(patient=other)
        trial = new_trial(adults())
        services.trial_rescreen_patients(trial_id=trial.pk, screening_ids=[done.pk])
        assert services.trial_rescreen_chunks(trial_id=trial.pk) == [[missing.pk]]

    def test_an_unpublished_trial_is_never_owed_a_rescreening(self):
        self.save_screening()
        trial = new_trial(adults(), publish=False)
        backdate(trial)
        assert services.trials_rescreen_stale() == []
        assert tasks.rescreen_trial(trial.pk) == 0
