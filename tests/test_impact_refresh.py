"""The curator's refresh button."""

from django.urls import reverse

from impact import tasks
from impact.models import AttritionSummary
from tests.impact_base import TRIAL_ID, ImpactBase


class TestRefresh(ImpactBase):
    def test_a_curator_queues_a_refresh_and_returns_to_the_same_filters(
        self, client, monkeypatch, django_capture_on_commit_callbacks
    ):
        self.as_user(client, self.curator).get(reverse("impact:trial", args=[TRIAL_ID]))
        calls = []
        monkeypatch.setattr(
            tasks.refresh_attrition, "apply_async", lambda args, countdown: calls.append(args)
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("impact:refresh", args=[TRIAL_ID]), {"filters": "sex=female"})
        assert response.status_code == 302
        assert response["Location"] == reverse("impact:trial", args=[TRIAL_ID]) + "?sex=female"
        assert calls == [(self.trial.pk,)]
        assert AttritionSummary.objects.get(trial=self.trial, filter_key="").is_stale

    def test_a_coordinator_cannot_refresh(self, client):
        response = self.as_user(client, self.coordinator).post(reverse("impact:refresh", args=[TRIAL_ID]))
        assert response.status_code == 403

    def test_only_curators_see_the_button(self, client):
        url = reverse("impact:trial", args=[TRIAL_ID])
        assert "Refresh the numbers" not in self.as_user(client, self.coordinator).get(url).content.decode()
        assert "Refresh the numbers" in self.as_user(client, self.curator).get(url).content.decode()

    def test_a_get_is_refused(self, client):
        response = self.as_user(client, self.curator).get(reverse("impact:refresh", args=[TRIAL_ID]))
        assert response.status_code == 405
