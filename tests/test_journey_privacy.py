"""Privacy: a plain notice in both languages linked from every page, and logs that never hold
a patient's answers, name or email address, even through a whole contact flow."""

import logging

import pytest
from django.core import mail

from config.redact import GunicornLogger, RedactPatientLinks
from journey.models import OutboxMessage
from tests.journey_helpers import contact_data, inline_delivery, start
from tests.screening_pages import HTMX

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]


@pytest.mark.parametrize(
    ("lang", "title", "phrase"),
    [("en", "Privacy notice", "Our logs record no answers"), ("fr", "Confidentialité", "Nos journaux")],
)
def test_the_privacy_notice_is_in_both_languages_and_linked_from_every_page(client, lang, title, phrase):
    html = client.get(f"/{lang}/privacy/").content.decode()
    assert title in html and phrase in html
    for page in (f"/{lang}/", start(client, lang), f"/{lang}/clinician/"):
        assert f'href="/{lang}/privacy/"' in client.get(page).content.decode(), page


def test_a_whole_contact_flow_logs_no_answer_name_or_email(
    client, caplog, inline_delivery, django_capture_on_commit_callbacks, settings
):
    caplog.set_level(logging.DEBUG)
    url = start(client)
    answers = {
        "age": "47",
        "sex": "female",
        "diagnosis": "multiple_sclerosis",
        "ms_phenotype": "PPMS",
        "edss": "4,5",
    }
    for code, value in answers.items():
        assert client.post(url + f"answer/{code}", {code: value}, **HTMX).status_code == 200
    data = contact_data(name="Zéphyrine Quillardeau", email="zephyrine.q@example.org", phone="0699887766")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "trials/NCT06592703/contact/", data).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "notify/", {"email": "zephyrine.q@example.org", "consent": "on"})
        client.post(url + "keep/", {"email": "zephyrine.q@example.org"})
    client.post(url + "delete/")

    assert len(mail.outbox) == 4 and OutboxMessage.objects.filter(status="sent").count() == 4
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "outbox message" in logged  # the flow did log, by id
    for secret in ("Zéphyrine", "Quillardeau", "zephyrine.q@example.org", "0699887766", "PPMS", "4,5", "4.5"):
        assert secret not in logged, secret
    assert url.split("/")[3] not in logged  # nor the link's token


def test_patient_links_are_redacted_from_request_logs(client, settings):
    """Django logs a 404 or 422 with its path; the console handler's filter removes the link
    (caplog sits before handler filters, so the filter is applied here as the handler would)."""

    url = start(client)
    token = url.split("/")[3]
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Not Found: %s", (url + "x/",), None)
    RedactPatientLinks().filter(record)
    assert token not in record.getMessage() and "/patient/[link]/x/" in record.getMessage()
    assert "redact_patient_links" in settings.LOGGING["handlers"]["console"]["filters"]


def test_the_gunicorn_access_log_redacts_patient_links():
    from types import SimpleNamespace

    from gunicorn.config import Config

    token = "A" * 43
    logger = GunicornLogger(Config())
    req = SimpleNamespace(
        method="GET",
        uri=f"/en/patient/{token}/",
        path=f"/en/patient/{token}/",
        query="",
        version=(1, 1),
        headers=[],
    )
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "RAW_URI": f"/en/patient/{token}/",
        "HTTP_REFERER": f"/fr/patient/{token}/",
    }
    from datetime import timedelta

    atoms = logger.atoms(resp, req, environ, timedelta(seconds=0.01))
    assert not any(token in str(value) for value in atoms.values())
