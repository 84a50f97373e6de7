"""Only curators may curate: other staff get 403 on every curation page and action."""

import pytest

from tests.curation import MSIL2, CurationTest, draft_trial
from trials.models import Concept, Trial


def curation_pages() -> list[str]:
    trial = Trial.objects.get(trial_id=MSIL2)
    node = trial.criteria.first()
    concept = Concept.objects.get(code="edss")
    return [
        "/admin/trials/trial/",
        f"/admin/trials/trial/{trial.pk}/change/",
        f"/admin/trials/trial/{trial.pk}/history/",
        f"/admin/trials/trial/{trial.pk}/preview/",
        "/admin/trials/trial/add/",
        "/admin/trials/criterion/",
        f"/admin/trials/criterion/add/?trial={trial.pk}",
        f"/admin/trials/criterion/{node.pk}/change/",
        "/admin/trials/concept/",
        f"/admin/trials/concept/{concept.pk}/change/",
        "/admin/trials/testpatient/",
        "/admin/trials/drug/",
        "/admin/trials/drugclass/",
    ]


class TestCurationPermissions(CurationTest):
    def test_a_curator_can_open_every_curation_page(self):
        client = self.as_curator()
        for url in curation_pages():
            assert client.get(url).status_code == 200, url

    def test_staff_who_are_not_curators_get_403_on_every_curation_page(self):
        client = self.as_staff()
        for url in curation_pages():
            assert client.get(url).status_code == 403, url

    def test_staff_who_are_not_curators_cannot_publish_move_or_preview(self):
        trial = draft_trial()
        trial.submit_for_review()
        node = trial.criteria.first()
        client = self.as_staff()
        assert client.post(f"/admin/trials/trial/{trial.pk}/workflow/publish/").status_code == 403
        assert client.post(f"/admin/trials/trial/{trial.pk}/criteria/{node.pk}/move/down/").status_code == 403
        assert client.post(f"/admin/trials/trial/{trial.pk}/preview/", {"answers": "{}"}).status_code == 403
        trial.refresh_from_db()
        assert trial.state == Trial.State.IN_REVIEW

    def test_staff_who_are_not_curators_cannot_save_a_trial(self):
        trial = Trial.objects.get(trial_id=MSIL2)
        response = self.as_staff().post(
            f"/admin/trials/trial/{trial.pk}/change/", {"public_title": "Hijacked"}
        )
        assert response.status_code == 403
        trial.refresh_from_db()
        assert trial.public_title != "Hijacked"

    @pytest.mark.parametrize("url", ["/admin/trials/trial/", "/admin/trials/concept/"])
    def test_anonymous_visitors_are_sent_to_the_login_page(self, url):
        response = self.client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_the_workflow_refuses_get_requests(self):
        trial = draft_trial()
        assert self.as_curator().get(f"/admin/trials/trial/{trial.pk}/workflow/submit/").status_code == 405
