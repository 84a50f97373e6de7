"""The trial's impact page: who may see it, what it shows, and small-count suppression."""

import re

import pytest
from django.urls import reverse

from clinic.models import Screening
from impact import services
from impact.models import AttritionSummary
from tests.impact_base import TRIAL_ID, ImpactBase, aware


def url(**query) -> str:
    path = reverse("impact:trial", args=[TRIAL_ID])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def cells(html: str) -> list[str]:
    """Every number cell and chart value label of the page."""
    return re.findall(r'class="num"[^>]*>([^<]*)<', html) + re.findall(r'class="impact-value">([^<]*)<', html)


class TestAccess(ImpactBase):
    @pytest.mark.parametrize("who", ["curator", "coordinator"])
    def test_curators_and_coordinators_see_the_page(self, client, who):
        response = self.as_user(client, getattr(self, who)).get(url())
        assert response.status_code == 200

    def test_a_clinician_is_refused(self, client):
        assert self.as_user(client, self.clinician).get(url()).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get(url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("clinic:login"))

    def test_an_unknown_trial_is_not_found(self, client):
        response = self.as_user(client, self.curator).get(reverse("impact:trial", args=["NCT00000000"]))
        assert response.status_code == 404


class TestSummary(ImpactBase):
    def test_the_first_visit_asks_for_the_numbers_and_says_they_are_being_computed(self, client):
        html = self.as_user(client, self.curator).get(url()).content.decode()
        assert "being computed" in html
        assert 'hx-trigger="every 3s"' in html  # the summary polls until ready
        assert AttritionSummary.objects.filter(trial=self.trial, filter_key="").exists()

    def test_once_computed_it_shows_when_and_for_which_criteria_version(self, client):
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        html = client.get(url()).content.decode()
        assert "Computed " in html and "criteria version 1" in html
        assert "every 3s" not in html

    def test_counts_under_five_are_shown_as_less_than_five_and_never_exactly(self, client):
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        html = client.get(url()).content.decode()
        values = cells(html)
        # 8 screened and 6 after C1 are shown; every other count here is under 5.
        assert "8" in values and "6" in values
        assert "fewer than 5" in values
        assert not {"0", "1", "2", "3", "4"} & set(values)
        assert "excluded 2" not in html and "Eligible: 2" not in html  # the charts' text alternatives too

    def test_suppressed_bars_are_drawn_at_the_threshold_so_their_length_reveals_nothing(self, client):
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        html = client.get(url()).content.decode()
        suppressed = re.findall(r'width="([\d.]+)" height="16" class="[^"]*impact-bar--suppressed', html)
        assert suppressed and len(set(suppressed)) == 1

    def test_the_charts_are_accessible_images_with_a_table_of_the_same_numbers(self, client):
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        html = client.get(url()).content.decode()
        assert html.count('role="img"') == 2
        assert '<title id="funnel-chart-title">' in html
        # Each step is named by its criterion's short name, the concepts it reads.
        assert 'aria-label="Attrition funnel, in criteria order: All screened: 8; After C1 · Age: 6;' in html
        assert '<th scope="row">Not excluded by C1–C1 (last: Age)</th><td class="num">6</td>' in html

    def test_the_page_has_no_inline_script_or_style(self, client):
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        html = client.get(url()).content.decode()
        assert "style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None

    def test_filters_select_their_own_summary(self, client):
        self.as_user(client, self.curator).get(url(sex="female", age_band="40-59"))
        services.attrition_summaries_refresh()
        summary = AttritionSummary.objects.get(trial=self.trial, filter_key="sex=female&age_band=40-59")
        assert summary.payload["screened"] == 2  # P3 and P4

    def test_a_date_range_ending_before_it_starts_is_refused_on_the_field(self, client):
        html = (
            self.as_user(client, self.curator).get(url(date_from="2026-05-01", date_to="2026-01-01")).content
        )
        assert "The end of the date range is before its start." in html.decode()

    def test_a_high_unknown_rate_is_flagged(self, client):
        # Five more patients without an EDSS: C2 unknown for 7 of 13 patients.
        for n in range(5):
            patient = self.patients["P1"].__class__.objects.create(
                team=self.team, local_identifier=f"U{n}", initials="UU", created_by=self.clinician
            )
            screening = self.save_screening({"age": 40, "pregnant": False}, patient)
            Screening.objects.filter(pk=screening.pk).update(screened_at=aware(2026, 4, 1))
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        html = client.get(url()).content.decode()
        assert html.count("often unknown") == 1
        assert "54 %" in html  # 7 of 13


class TestPolling(ImpactBase):
    def test_the_polling_request_gets_only_the_summary_fragment_with_the_numbers_once_ready(self, client):
        self.as_user(client, self.curator).get(url())
        services.attrition_summaries_refresh()
        response = client.get(url(), headers={"HX-Request": "true", "HX-Target": "summary"})
        html = response.content.decode()
        assert html.strip().startswith('<div id="summary"')
        assert "<html" not in html and "Funnel, in the trial" in html
        assert "HX-Request" in response["Vary"]
