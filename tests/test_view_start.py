"""The start page: choose a mode, switch language."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_root_redirects_to_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_it_offers_both_modes_in_english(client):
    html = client.get("/en/").content.decode()
    assert "I am a health professional" in html
    assert "I am a patient" in html
    assert 'href="/en/clinician/"' in html
    assert 'href="/en/patient/"' in html


def test_it_speaks_french_and_links_to_the_english_page(client):
    html = client.get("/fr/").content.decode()
    assert 'lang="fr"' in html
    assert "Je suis un professionnel de santé" in html
    assert 'href="/en/"' in html and 'hreflang="en"' in html


def test_htmx_requests_get_the_same_page(client):
    response = client.get("/en/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "I am a patient" in response.content.decode()


def test_it_serves_bootstrap_and_htmx_from_the_project(client):
    html = client.get("/en/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/django_htmx/" in html or "htmx.min.js" in html
    assert "cdn" not in html.lower()
    assert "<style" not in html and ' style="' not in html
