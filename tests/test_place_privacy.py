"""Where the patient lives stays with their answers: it is deleted with them, and nothing the
study team receives carries it unless the patient writes it in the contact request."""

import pytest
from django.core import mail

from journey.models import ContactRequest, OutboxMessage, PatientScreening
from tests.journey_helpers import contact_data, eligible_answers, inline_delivery, screening_of, with_answers

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]
CONTACT = "trials/NCT06592703/contact/"
TOWN = "Trébeurden"


def everything_the_study_team_receives() -> str:
    request = ContactRequest.objects.get()
    parts = [request.name, request.email, request.phone, request.site_label, request.consent_text,
             str(request.summary)]  # fmt: skip
    parts += [f"{m.subject}\n{m.body}\n{m.headers}" for m in OutboxMessage.objects.all()]
    parts += [f"{m.subject}\n{m.body}\n{m.extra_headers}" for m in mail.outbox]
    return "\n".join(parts)


def test_a_contact_request_does_not_carry_the_patient_s_town(
    client, inline_delivery, django_capture_on_commit_callbacks, settings
):
    settings.STUDY_TEAM_FALLBACK_EMAIL = "team@example.org"
    url = with_answers(client, eligible_answers())
    client.post(url + "place", {"town": TOWN, "country": "FR"})
    assert screening_of(url).place == {"town": TOWN, "country": "FR"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + CONTACT, contact_data()).status_code == 302
    received = everything_the_study_team_receives()
    assert "Jeanne Testpatient" in received  # what the patient typed does go
    assert "beurden" not in received.casefold()


def test_a_town_the_patient_types_into_the_request_goes_with_it(
    client, inline_delivery, django_capture_on_commit_callbacks, settings
):
    settings.STUDY_TEAM_FALLBACK_EMAIL = "team@example.org"
    url = with_answers(client, eligible_answers())
    client.post(url + "place", {"town": TOWN, "country": "FR"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + CONTACT, contact_data(name=f"Jeanne Testpatient ({TOWN})"))
    assert TOWN in everything_the_study_team_receives()


def test_deleting_the_answers_deletes_the_town(client):
    url = with_answers(client, eligible_answers())
    client.post(url + "place", {"town": TOWN, "country": "FR"})
    client.post(url + "delete/")
    assert not PatientScreening.objects.exists()
