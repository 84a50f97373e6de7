"""A patient's screening lives under its own unguessable link: only the link's hash is stored,
answers survive a new browser, and any other link is a 404."""

import hashlib

import pytest

from journey.models import PatientScreening
from tests.journey_helpers import screening_of, start, token_of
from tests.screening_pages import HTMX

pytestmark = pytest.mark.django_db


def test_starting_a_patient_screening_redirects_to_its_own_link(client):
    url = start(client)
    assert url.startswith("/en/patient/") and url.endswith("/")
    assert client.get(url).status_code == 200


def test_the_link_carries_at_least_128_random_bits_and_only_its_hash_is_stored(client):
    url = start(client)
    token = token_of(url)
    assert len(token) * 6 >= 128  # base64url: 6 bits a character (43 characters: 256 bits)
    screening = screening_of(url)
    assert screening.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = list(PatientScreening.objects.values_list("token_hash", "answers", "language"))
    assert token not in repr(stored)


def test_two_starts_get_two_different_links(client):
    assert token_of(start(client)) != token_of(start(client))


def test_another_sessions_link_is_a_404(client):
    start(client)
    forged = "A" * 43
    for path in ("", "answer/age", "trials/NCT06592703/", "keep/", "delete/", "notify/"):
        method = client.post if path == "answer/age" else client.get
        assert method(f"/en/patient/{forged}/{path}").status_code == 404, path


def test_answers_are_kept_under_the_link_and_open_in_another_browser(client):
    from django.test import Client

    url = start(client)
    client.post(url + "answer/age", {"age": "52"}, **HTMX)
    assert screening_of(url).answers == {"age": 52}
    assert 'value="52"' in Client().get(url + "all/").content.decode()
    assert "52 years" in Client().get(url).content.decode()  # the interview's earlier answers


def test_the_language_switch_keeps_the_link(client):
    url = start(client)
    html = client.get(url).content.decode()
    assert f'href="/fr/patient/{token_of(url)}/"' in html


def test_patient_pages_are_not_indexed_or_cached(client):
    response = client.get(start(client))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"  # the link never leaves for other sites


def test_the_old_session_url_no_longer_answers_for_patients(client):
    assert client.post("/en/patient/answer/age", {"age": "50"}).status_code == 404
