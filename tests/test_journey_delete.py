"""'Delete my answers': a confirmation page, then the screening and its subscriptions are gone
at once; requests already sent to a study team stay (they are the site's now)."""

import pytest

from journey import services
from journey.models import ContactRequest, PatientScreening, Subscription
from tests.journey_helpers import contact_data, eligible_answers, inline_delivery, screening_of, with_answers

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]


def test_the_confirmation_page_says_what_goes_and_what_stays(client):
    url = with_answers(client, {"age": 50})
    html = client.get(url + "delete/").content.decode()
    assert "Delete my answers now" in html
    assert "Requests you already sent to a study team are not deleted" in html
    assert PatientScreening.objects.count() == 1


def test_it_deletes_the_answers_and_subscriptions_but_keeps_sent_contact_requests(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    url = with_answers(client, eligible_answers())
    screening = screening_of(url)
    services.subscription_request(screening=screening, email="p@example.org", language="en", known_trials=[])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "trials/NCT06592703/contact/", contact_data())
    assert ContactRequest.objects.count() == 1

    response = client.post(url + "delete/")
    assert response.status_code == 302 and response["Location"] == "/en/deleted/"
    assert not PatientScreening.objects.filter(pk=screening.pk).exists()
    assert Subscription.objects.count() == 0
    assert ContactRequest.objects.count() == 1
    assert client.get(url).status_code == 404
    assert "Your answers are deleted" in client.get("/en/deleted/").content.decode()


def test_deleting_needs_a_post(client):
    url = with_answers(client, {"age": 50})
    client.get(url + "delete/")
    assert PatientScreening.objects.count() == 1
