"""Starting again forgets the answers of one mode only."""

import pytest

from tests.screening_pages import answer, patient_path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("htmx", [True, False])
def test_it_forgets_this_modes_answers_and_redirects(client, htmx):
    answer(client, "age", {"age": "50"}, mode="patient")
    answer(client, "age", {"age": "60"}, mode="clinician")
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(f"/en/{patient_path(client)}reset", **extra)
    assert response.status_code == 302
    assert response["Location"] == f"/en/{patient_path(client)}"
    assert 'value="50"' not in client.get(f"/en/{patient_path(client)}").content.decode()
    assert 'value="60"' in client.get("/en/clinician/").content.decode()


def test_it_refuses_get(client):
    assert client.get(f"/en/{patient_path(client)}reset").status_code == 405
