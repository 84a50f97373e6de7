"""The list of trials with their headline numbers."""

from django.urls import reverse

from impact import services
from tests.impact_base import TRIAL_ID, ImpactBase


class TestIndex(ImpactBase):
    def test_it_lists_every_trial_with_its_suppressed_headline_numbers(self, client):
        services.attrition_summary_get_or_request(trial=self.trial, filters={})
        services.attrition_summaries_refresh()
        html = self.as_user(client, self.coordinator).get(reverse("impact:index")).content.decode()
        assert TRIAL_ID in html and "NCT02403947" in html
        assert 'data-label="Screened">8</td>' in html and 'data-label="Eligible">fewer than 5</td>' in html

    def test_a_clinician_is_refused(self, client):
        assert self.as_user(client, self.clinician).get(reverse("impact:index")).status_code == 403
