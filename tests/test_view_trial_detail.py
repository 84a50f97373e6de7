"""GET /<lang>/<mode>/trials/<trial_id>/: every criterion with its status for this patient."""

import pytest

from tests.screening_pages import HTMX, PPMS_PATIENT, patient_path

pytestmark = pytest.mark.django_db


def test_it_lists_every_criterion_with_its_status(client):
    client.post(f"/en/{patient_path(client)}", PPMS_PATIENT)
    html = client.get(f"/en/{patient_path(client)}trials/NCT02424396/").content.decode()
    assert 'data-status="not_met"' in html
    assert 'data-status="unknown"' in html
    assert 'data-status="visit"' in html
    assert "Confirmed at the visit" in html
    assert (
        "MS type: Primary progressive MS (PPMS), but the trial requires Relapsing-remitting MS (RRMS)" in html
    )
    assert 'data-verdict="ineligible"' in html


def test_met_criteria_say_so(client):
    client.post(f"/en/{patient_path(client)}", PPMS_PATIENT)
    html = client.get(f"/en/{patient_path(client)}trials/NCT06592703/").content.decode()
    assert 'data-status="met"' in html


def test_htmx_gets_only_the_content(client):
    response = client.get(f"/en/{patient_path(client)}trials/NCT02424396/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Every criterion, for this patient" in html


def test_an_unknown_trial_is_404(client):
    assert client.get(f"/en/{patient_path(client)}trials/NCT00000000/").status_code == 404


def test_it_speaks_french(client):
    html = client.get("/fr/clinician/trials/NCT02424396/").content.decode()
    assert "Confirmé à la visite" in html
