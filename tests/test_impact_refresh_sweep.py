"""Attrition refreshes lost with the broker: the summaries stay marked stale, and the
requeue_stale_attrition sweep queues one refresh once they have been stale for a minute."""

from datetime import timedelta

from django.utils import timezone
from kombu.exceptions import OperationalError

from impact import services, tasks
from impact.models import AttritionSummary
from tests.impact_base import ImpactBase


class TestAttritionSweep(ImpactBase):
    def stale_summary(self, minutes_ago: int) -> AttritionSummary:
        return AttritionSummary.objects.create(
            trial=self.trial, filter_key="", requested_at=timezone.now() - timedelta(minutes=minutes_ago)
        )

    def test_a_refresh_lost_with_the_broker_is_computed_after_the_sweep(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        summary = self.stale_summary(minutes_ago=0)
        monkeypatch.setattr(
            tasks.refresh_attrition,
            "apply_async",
            lambda *a, **kw: (_ for _ in ()).throw(OperationalError("Connection refused")),
        )
        with django_capture_on_commit_callbacks(execute=True):
            self.save_screening()  # marks every summary stale, then fails to queue: no error
        monkeypatch.undo()
        AttritionSummary.objects.filter(pk=summary.pk).update(
            requested_at=timezone.now() - timedelta(minutes=2)
        )

        monkeypatch.setattr(
            tasks.refresh_attrition, "delay", lambda trial_id: tasks.refresh_attrition(trial_id)
        )
        assert tasks.requeue_stale_attrition() is True  # the refresh runs inline, as a worker would

        summary.refresh_from_db()
        # The eight patients of impact_base and the one saved while the broker was down.
        assert not summary.is_stale and summary.payload["screened"] == 9

    def test_the_sweep_leaves_summaries_stale_for_less_than_a_minute_to_their_own_task(self):
        self.stale_summary(minutes_ago=0)
        assert services.attrition_summaries_requeue_stale() is False

    def test_the_sweep_queues_nothing_when_every_summary_is_fresh(self, monkeypatch):
        self.stale_summary(minutes_ago=5)
        services.attrition_summaries_refresh()
        sent = []
        monkeypatch.setattr(tasks.refresh_attrition, "delay", lambda trial_id: sent.append(trial_id))
        assert services.attrition_summaries_requeue_stale() is False
        assert sent == []
