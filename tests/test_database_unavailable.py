"""A lost database connection is answered with 503 "temporarily unavailable" — JSON for the
API, a page for people — never a 500. (tests/test_faults_postgres.py does it for real.)"""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from config.middleware import server_error_or_unavailable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_the_api_answers_503_json_when_the_database_is_lost(client, error):
    with mock.patch("screening.api.current_catalog", side_effect=error):
        response = client.post("/api/v1/screen", {"answers": {}}, content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {
        "errors": {"service": "temporarily unavailable (database unreachable); retry shortly"}
    }
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"


def test_every_api_read_answers_503_when_the_database_is_lost(client):
    with mock.patch("screening.api.Concept.objects") as concepts:
        concepts.all.side_effect = OperationalError("could not connect")
        response = client.get("/api/v1/concepts")
    assert response.status_code == 503
    assert response.json()["errors"]["service"].startswith("temporarily unavailable")


def test_pages_answer_a_503_page_when_the_database_is_lost(client):
    client.cookies["sessionid"] = "a-returning-staff-member-session"
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("down")
    ):
        page = client.get("/admin/", HTTP_ACCEPT="text/html")
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")
    assert b"Temporarily unavailable" in page.content
    assert b"<script" not in page.content and b"style=" not in page.content


def test_other_errors_are_still_500s():
    request = RequestFactory().get("/admin/")
    try:
        raise OperationalError("lost outside a view")
    except OperationalError:
        assert server_error_or_unavailable(request).status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error_or_unavailable(request).status_code == 500
