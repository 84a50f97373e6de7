"""Starting again asks first, then forgets the answers of one mode only."""

import pytest

from tests.screening_pages import HTMX, answer, patient_path

pytestmark = pytest.mark.django_db


def patient_reset(client) -> str:
    return f"/en/{patient_path(client)}reset"


@pytest.mark.parametrize("htmx", [True, False])
def test_once_confirmed_it_forgets_this_modes_answers_and_redirects(client, htmx):
    answer(client, "age", {"age": "50"}, mode="patient")
    answer(client, "age", {"age": "60"}, mode="clinician")
    extra = HTMX if htmx else {}
    response = client.post(patient_reset(client), {"confirm": "yes"}, **extra)
    assert response.status_code == 302
    assert response["Location"] == f"/en/{patient_path(client)}"
    assert 'value="50"' not in client.get(f"/en/{patient_path(client)}").content.decode()
    assert 'value="60"' in client.get("/en/clinician/").content.decode()


@pytest.mark.parametrize("data", [{}, {"confirm": "no"}, {"confirm": ""}])
def test_a_post_that_does_not_confirm_forgets_nothing_and_asks(client, data):
    answer(client, "age", {"age": "50"})
    response = client.post(patient_reset(client), data)
    assert response.status_code == 302 and response["Location"] == patient_reset(client)
    assert 'value="50"' in client.get(f"/en/{patient_path(client)}").content.decode()


def test_start_again_is_a_link_to_a_confirmation_page_that_works_without_javascript(client):
    answer(client, "age", {"age": "50"})
    answer(client, "sex", {"sex": "female"})
    page = client.get(f"/en/{patient_path(client)}").content.decode()
    assert f'href="{patient_reset(client)}"' in page
    assert f'action="{patient_reset(client)}"' not in page  # no one-click reset left
    response = client.get(patient_reset(client))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Start again?" in html and "This deletes your 2 answers" in html
    assert 'name="confirm" value="yes"' in html and f'href="/en/{patient_path(client)}"' in html
    assert 'value="50"' in client.get(f"/en/{patient_path(client)}").content.decode()  # nothing cleared


def test_with_htmx_the_question_comes_in_place(client):
    answer(client, "age", {"age": "50"})
    response = client.get(patient_reset(client), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "<h2" in html and 'name="confirm" value="yes"' in html
    page = client.get(f"/en/{patient_path(client)}").content.decode()
    assert 'hx-target="#reset-confirm"' in page and 'id="reset-confirm"' in page


def test_the_clinician_questionnaire_asks_too(client):
    answer(client, "age", {"age": "60"}, mode="clinician")
    assert "This deletes your 1 answer," in client.get("/en/clinician/reset").content.decode()
    client.post("/en/clinician/reset")
    assert 'value="60"' in client.get("/en/clinician/").content.decode()


def test_the_question_is_in_french_under_fr(client):
    answer(client, "age", {"age": "50"})
    html = client.get(f"/fr/{patient_path(client)}reset").content.decode()
    assert "Recommencer ?" in html and "Oui, supprimer mes réponses et recommencer" in html
