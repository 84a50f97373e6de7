"""What-if: switching criteria off and changing thresholds gives what the engine would give
with the criteria really changed, and never touches the published criteria."""

from django.urls import reverse

from impact import services
from impact.analysis import attrition, modified_spec, numeric_leaves
from screening.catalog import current_catalog
from tests.curation import publish_draft_edit
from tests.impact_base import TRIAL_ID, ImpactBase
from trials.models import Criterion


class TestWhatIf(ImpactBase):
    def ids(self):
        leaves = {leaf.concept: leaf.id for leaf in numeric_leaves(services.trial_spec(self.trial))}
        pregnancy = Criterion.objects.get(trial=self.trial, concept__code="pregnant")
        return leaves["edss"], pregnancy.pk

    def test_it_equals_rerunning_the_engine_with_the_criteria_really_changed(self):
        edss, pregnancy = self.ids()
        whatif = services.whatif_run(
            trial=self.trial, filters={}, switched_off=[pregnancy], values={edss: (3.0, 7.0)}
        )

        # Now change the criteria for real and screen the same patients again.
        def edit(copies):
            copies[pregnancy].delete()
            Criterion.objects.filter(pk=copies[edss].pk).update(values=[3.0, 7.0])

        publish_draft_edit(self.trial, edit)
        catalog = current_catalog()
        rerun = attrition(
            services.compile_trial(services.trial_spec(self.reload_trial()), catalog),
            services.population(catalog, {}),
        )
        assert whatif.after == {
            "eligible": rerun.eligible,
            "needs_info": rerun.needs_info,
            "ineligible": rerun.ineligible,
        }
        assert whatif.after == {"eligible": 5, "needs_info": 1, "ineligible": 2}  # by hand: P3, P4, P7 gain

    def test_before_is_the_current_criteria_and_gained_counts_better_verdicts(self):
        edss, pregnancy = self.ids()
        whatif = services.whatif_run(
            trial=self.trial, filters={}, switched_off=[pregnancy], values={edss: (3.0, 7.0)}
        )
        assert whatif.before == {"eligible": 2, "needs_info": 2, "ineligible": 4}
        assert (whatif.gained, whatif.screened) == (3, 8)

    def test_the_published_criteria_are_untouched(self):
        edss, pregnancy = self.ids()
        version = self.reload_trial().criteria_version
        services.whatif_run(trial=self.trial, filters={}, switched_off=[pregnancy], values={edss: (0, 9.5)})
        assert Criterion.objects.get(pk=edss).values == [3.0, 6.5]
        assert Criterion.objects.filter(pk=pregnancy).exists()
        assert self.reload_trial().criteria_version == version

    def test_the_modified_spec_replaces_only_what_was_asked(self):
        edss, pregnancy = self.ids()
        spec = services.trial_spec(self.trial)
        changed = modified_spec(spec, switched_off=[pregnancy], values={edss: (3.0, 7.0)})
        assert [c.node.id for c in changed.criteria] == [c.node.id for c in spec.criteria][:2]
        assert changed.criteria[1].node.values == (3.0, 7.0)
        assert changed.criteria[0] == spec.criteria[0]


class TestWhatIfPage(ImpactBase):
    def get(self, client, **query):
        self.as_user(client, self.coordinator)
        return client.get(reverse("impact:trial", args=[TRIAL_ID]), {"whatif": "1", **query}).content.decode()

    def test_it_lists_numeric_thresholds_with_their_current_values(self, client):
        edss, _ = self.ids()
        html = (
            self.as_user(client, self.curator).get(reverse("impact:trial", args=[TRIAL_ID])).content.decode()
        )
        assert f'name="leaf_{edss}_1" value="6.5"' in html

    def ids(self):
        return TestWhatIf.ids(self)

    def test_the_result_shows_before_and_after_with_small_counts_suppressed(self, client):
        edss, pregnancy = self.ids()
        html = self.get(client, off=pregnancy, **{f"leaf_{edss}_1": "7.0"})
        assert "What if: the same 8 patients" in html
        assert 'Eligible</th><td class="num" data-label="Current">fewer than 5</td>' in html
        assert '<td class="num" data-label="Modified">5</td>' in html

    def test_an_impossible_threshold_is_refused_on_its_field(self, client):
        edss, _ = self.ids()
        html = self.get(client, **{f"leaf_{edss}_1": "70"})
        assert f'id="id_leaf_{edss}_0_error"' in html
        assert "outside the range of edss" in html
        assert "What if: the same" not in html

    def test_an_htmx_request_gets_only_the_result(self, client):
        edss, _ = self.ids()
        self.as_user(client, self.curator)
        response = client.get(
            reverse("impact:trial", args=[TRIAL_ID]),
            {"whatif": "1", f"leaf_{edss}_1": "7.0"},
            headers={"HX-Request": "true", "HX-Target": "whatif-result"},
        )
        html = response.content.decode()
        assert html.strip().startswith('<div id="whatif-result"')
        assert "<html" not in html
