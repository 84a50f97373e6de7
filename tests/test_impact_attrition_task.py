"""The attrition summary task: numbers worked out by hand (see tests/impact_base.py), and
refreshes queued on commit when screenings are saved or criteria change."""

from datetime import date

from impact import services, tasks
from impact.models import AttritionSummary
from tests.curation import publish_draft_edit
from tests.impact_base import ImpactBase
from trials.models import Criterion


def computed(trial, **filters) -> dict:
    summary = services.attrition_summary_get_or_request(trial=trial, filters=filters)
    services.attrition_summaries_refresh(trial_id=trial.pk)
    summary.refresh_from_db()
    return summary.payload


def by_criterion(payload: dict) -> list[tuple[int, int, int]]:
    return [(c["excluded"], c["alone"], c["unknown"]) for c in payload["criteria"]]


class TestAttritionNumbers(ImpactBase):
    def test_each_criterion_counts_who_it_excludes_alone_and_who_is_unknown(self):
        payload = computed(self.trial)
        assert by_criterion(payload) == [(2, 1, 0), (2, 1, 2), (2, 0, 1)]

    def test_verdicts_count_each_patient_once_with_their_latest_screening(self):
        payload = computed(self.trial)
        assert (payload["screened"], payload["eligible"], payload["needs_info"], payload["ineligible"]) == (
            8, 2, 2, 4,
        )  # fmt: skip

    def test_the_funnel_follows_the_criteria_order_down_to_the_eligible(self):
        payload = computed(self.trial)
        assert payload["passing"] == [6, 4, 4]
        assert [c["text"] for c in payload["criteria"]] == ["Aged 18 or over", "EDSS 3.0 to 6.5", "Pregnancy"]

    def test_it_filters_by_the_patients_sex(self):
        payload = computed(self.trial, sex="female")
        assert (payload["screened"], payload["eligible"], payload["ineligible"]) == (4, 1, 3)

    def test_it_filters_by_age_band(self):
        payload = computed(self.trial, age_band="40-59")
        assert (payload["screened"], payload["needs_info"], payload["ineligible"]) == (3, 1, 2)

    def test_a_date_range_uses_each_patients_latest_screening_within_it(self):
        payload = computed(self.trial, date_to=date(2025, 12, 31))
        # Only P1's older screening (EDSS 8.0) falls in the range.
        assert (payload["screened"], payload["ineligible"]) == (1, 1)
        assert by_criterion(payload)[1] == (1, 1, 0)

    def test_it_uses_the_current_criteria_not_the_stored_verdicts(self):
        leaf = Criterion.objects.get(trial=self.trial, concept__code="edss")
        publish_draft_edit(
            self.trial,
            lambda copies: Criterion.objects.filter(pk=copies[leaf.pk].pk).update(values=[3.0, 7.0]),
        )
        payload = computed(self.reload_trial())
        assert (payload["eligible"], payload["ineligible"]) == (3, 3)  # P3 now eligible; P4 still pregnant

    def test_the_summary_records_the_criteria_version_and_when_it_was_computed(self):
        computed(self.trial)
        summary = AttritionSummary.objects.get(trial=self.trial, filter_key="")
        assert summary.criteria_version == self.reload_trial().criteria_version
        assert summary.computed_at is not None and not summary.is_stale

    def test_a_fresh_summary_is_not_computed_again(self):
        computed(self.trial)
        assert services.attrition_summaries_refresh(trial_id=self.trial.pk) == 0


class TestRefreshQueuedOnCommit(ImpactBase):
    def queued(self, monkeypatch) -> list:
        calls = []
        monkeypatch.setattr(
            tasks.refresh_attrition, "apply_async", lambda args, countdown: calls.append(args)
        )
        return calls

    def test_saving_a_screening_queues_a_refresh_of_every_summary_on_commit(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        computed(self.trial)
        calls = self.queued(monkeypatch)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            self.save_screening({"age": 33, "edss": 4.5, "pregnant": False}, self.patients["P2"])
        assert calls == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert calls == [(None,)]
        assert AttritionSummary.objects.get(trial=self.trial, filter_key="").is_stale

    def run_inline(self, monkeypatch) -> None:
        """The queued task runs at once, whatever the broker (CI has a real Redis)."""
        monkeypatch.setattr(
            tasks.refresh_attrition, "apply_async", lambda args, countdown: tasks.refresh_attrition(*args)
        )

    def test_the_queued_refresh_counts_the_new_screening(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        computed(self.trial)
        self.run_inline(monkeypatch)
        with django_capture_on_commit_callbacks(execute=True):
            self.save_screening({"age": 33, "edss": 4.5, "pregnant": False}, self.patients["P2"])
        summary = AttritionSummary.objects.get(trial=self.trial, filter_key="")
        assert not summary.is_stale
        assert (summary.payload["screened"], summary.payload["eligible"]) == (
            8,
            3,
        )  # P2 replaced, now eligible

    def test_a_criteria_change_queues_a_refresh_of_that_trial_on_commit(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        computed(self.trial)
        calls = self.queued(monkeypatch)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish_draft_edit(self.trial, lambda copies: None)
        # Marked in the same transaction: a lost task still leaves a visibly stale summary.
        assert AttritionSummary.objects.get(trial=self.trial, filter_key="").is_stale
        assert calls == []
        for callback in callbacks:
            callback()
        assert (self.trial.pk,) in calls

    def test_the_refresh_after_a_criteria_change_uses_the_new_criteria(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        computed(self.trial)
        self.run_inline(monkeypatch)
        pregnant = Criterion.objects.get(trial=self.trial, concept__code="pregnant")
        with django_capture_on_commit_callbacks(execute=True):
            publish_draft_edit(self.trial, lambda copies: copies[pregnant.pk].delete())
        summary = AttritionSummary.objects.get(trial=self.trial, filter_key="")
        assert len(summary.payload["criteria"]) == 2
        assert summary.criteria_version == self.reload_trial().criteria_version

    def test_nothing_is_queued_when_no_summary_exists_yet(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        calls = self.queued(monkeypatch)
        with django_capture_on_commit_callbacks(execute=True):
            self.save_screening()
            publish_draft_edit(self.trial, lambda copies: None)
        assert calls == []

    def test_the_task_computes_what_the_service_computes(self):
        services.attrition_summary_get_or_request(trial=self.trial, filters={})
        assert tasks.refresh_attrition(self.trial.pk) == 1
        assert AttritionSummary.objects.get(trial=self.trial, filter_key="").payload["eligible"] == 2
