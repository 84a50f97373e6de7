"""404, 403 and 500 pages speak the visitor's language and keep the site's layout (header,
language switch, skip link, privacy footer), with DEBUG off as `make run` serves."""

from unittest import mock

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import translation

from journey.services import patient_screening_delete
from tests.clinic_base import ClinicBase
from tests.journey_helpers import screening_of, start

pytestmark = pytest.mark.django_db

TEXTS = {
    404: {"en": "Page not found", "fr": "Page introuvable"},
    403: {"en": "Access denied", "fr": "Accès refusé"},
    500: {"en": "Something went wrong", "fr": "Une erreur est survenue"},
}


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # A /fr/ request leaves French active in this thread; the next test file expects English.
    yield
    translation.deactivate()


def assert_site_layout(html: str, lang: str) -> None:
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html and '<main id="main"' in html  # skip link and landmark
    assert 'hreflang="en"' in html and 'hreflang="fr"' in html  # the language switch
    assert "/privacy/" in html  # the footer
    assert "vendor/bootstrap/bootstrap.min.css" in html


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_deleted_patient_link_gives_the_localised_not_found_page(client, lang):
    url = start(client, lang)
    patient_screening_delete(screening=screening_of(url))
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert TEXTS[404][lang] in html
    assert_site_layout(html, lang)
    assert "Not Found</h1>" not in html  # Django's bare page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unknown_public_address_gives_the_localised_not_found_page(client, lang):
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    assert TEXTS[404][lang] in response.content.decode()
    assert_site_layout(response.content.decode(), lang)


class TestRefused(ClinicBase):
    @pytest.mark.parametrize("lang", ["en", "fr"])
    def test_a_refused_page_is_localised_with_the_layout(self, client, lang):
        # Staff pages have one address: the language comes from the switch's cookie.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        response = self.as_user(client, self.clinician).get(reverse("impact:index"))
        assert response.status_code == 403
        html = response.content.decode()
        assert TEXTS[403][lang] in html
        assert_site_layout(html, lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_server_error_gives_the_localised_error_page(lang):
    client = Client(raise_request_exception=False)
    with mock.patch("screening.views.render", side_effect=RuntimeError("a bug")):
        response = client.get(f"/{lang}/")
    assert response.status_code == 500
    html = response.content.decode()
    assert TEXTS[500][lang] in html and "a bug" not in html
    assert_site_layout(html, lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_server_error_page_renders_without_any_context_or_request(lang):
    # django.views.defaults.server_error renders 500.html with an empty context: whatever
    # failed (the session, a context processor) cannot fail the error page too.
    with translation.override(lang):
        html = loader.get_template("500.html").render()
    assert TEXTS[500][lang] in html
    assert_site_layout(html, lang)
    assert f'href="/{lang}/"' in html


@pytest.mark.parametrize("lang, text", [("en", "This form has expired"), ("fr", "Ce formulaire a expiré")])
def test_a_form_sent_without_its_csrf_token_gets_the_localised_expired_page(lang, text):
    client = Client(enforce_csrf_checks=True)
    url = start(client, lang)
    response = client.post(url + "delete/")
    assert response.status_code == 403
    html = response.content.decode()
    assert text in html
    assert_site_layout(html, lang)
    assert screening_of(url)  # nothing deleted
