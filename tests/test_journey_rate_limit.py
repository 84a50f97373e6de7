"""Every public POST is rate limited per address, with a friendly 429 page (JSON for the API)."""

import json

import pytest

from config.ratelimit import client_address, parse_rate
from journey.models import ContactRequest
from tests.journey_helpers import contact_data, eligible_answers, start, with_answers
from tests.screening_pages import HTMX

pytestmark = pytest.mark.django_db


def test_the_contact_form_allows_a_few_posts_then_says_slow_down(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": "2/10m"}
    url = with_answers(client, eligible_answers())
    for _ in range(2):
        assert client.post(url + "trials/NCT06592703/contact/", contact_data(consent="")).status_code == 422
    response = client.post(url + "trials/NCT06592703/contact/", contact_data())
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    html = response.content.decode()
    assert "Please slow down" in html and "wait 10 minutes" in html and "Nothing you entered is lost" in html
    assert ContactRequest.objects.count() == 0


def test_the_429_page_speaks_french_on_french_pages(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/m"}
    url = start(client, "fr")
    client.post(url + "answer/age", {"age": "50"}, **HTMX)
    response = client.post(url + "answer/age", {"age": "51"}, **HTMX)
    assert response.status_code == 429
    assert "Merci de ralentir" in response.content.decode()


def test_the_questionnaire_allows_a_generous_rate(client, settings):
    assert parse_rate(settings.RATE_LIMITS["answer"])[0] >= 60
    url = start(client)
    for age in range(30, 90):
        assert client.post(url + "answer/age", {"age": str(age)}, **HTMX).status_code == 200


def test_the_api_answers_429_in_json(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "1/m"}
    body = json.dumps({"answers": {"age": 40}})
    assert client.post("/api/v1/screen", body, content_type="application/json").status_code == 200
    response = client.post("/api/v1/screen", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["errors"]["request"].startswith("too many requests")


def test_limits_are_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "notify": "1/10m"}
    url = with_answers(client, eligible_answers())
    assert client.post(url + "notify/", {"email": "x"}, REMOTE_ADDR="10.0.0.1").status_code == 422
    assert client.post(url + "notify/", {"email": "x"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(url + "notify/", {"email": "x"}, REMOTE_ADDR="10.0.0.2").status_code == 422


def test_behind_a_trusted_proxy_the_forwarded_address_counts(rf, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    # The client wrote a fake first entry; our one proxy appended the address it saw.
    request = rf.post("/", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == "203.0.113.9"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"


def test_a_malformed_rate_is_refused_naming_it():
    with pytest.raises(ValueError, match="5 per minute"):
        parse_rate("5 per minute")
