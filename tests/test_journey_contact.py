"""Asking a study team to contact you: from a likely-eligible or needs-information trial, with
a consent that names the site; the request and its two emails are saved together."""

import pytest
from django.core import mail

from journey.models import ContactRequest, OutboxMessage
from tests.journey_helpers import contact_data, eligible_answers, inline_delivery, start, with_answers
from tests.screening_pages import PPMS_PATIENT
from trials.models import Site, Trial

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]
CONTACT = "trials/NCT06592703/contact/"


def test_the_results_offer_contact_only_for_trials_that_may_fit(client):
    url = start(client)
    client.post(url + "all/", PPMS_PATIENT)  # the whole form, without JavaScript
    html = client.get(url + "all/").content.decode()
    assert url + CONTACT in html  # needs information
    assert url + "trials/NCT02403947/contact/" not in html  # ineligible (MESEMS)
    assert url + CONTACT in client.get(url + "trials/NCT06592703/").content.decode()


def test_the_consent_names_the_site_and_what_is_shared(client):
    html = client.get(with_answers(client, eligible_answers()) + CONTACT).content.decode()
    assert "Rennes University Hospital, Rennes" in html
    assert "name, email address, phone number and preferred language" in html
    assert 'name="consent"' in html


def test_a_request_and_both_emails_are_saved_together_and_sent(
    client, inline_delivery, django_capture_on_commit_callbacks, settings
):
    settings.STUDY_TEAM_FALLBACK_EMAIL = "team@example.org"
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + CONTACT, contact_data())
    assert response.status_code == 302 and response["Location"] == url + CONTACT + "sent/"
    request = ContactRequest.objects.get()
    assert (request.name, request.email, request.language, request.status) == (
        "Jeanne Testpatient",
        "jeanne.testpatient@example.org",
        "fr",
        "new",
    )
    assert "Rennes University Hospital" in request.consent_text
    assert request.summary["verdict"] == "eligible"
    assert {c["status"] for c in request.summary["criteria"]} <= {"met", "not_met", "unknown", "visit"}
    assert set(request.summary) == {"trial_id", "verdict", "screened_on", "criteria"}

    assert OutboxMessage.objects.filter(contact_request=request, status="sent").count() == 2
    to_site, to_patient = sorted(mail.outbox, key=lambda m: m.to[0] != "team@example.org")
    assert to_site.to == ["team@example.org"]  # the Rennes site has no address of its own
    assert "Jeanne Testpatient" in to_site.body and "+33 6 12 34 56 78" in to_site.body
    assert to_site.extra_headers["Reply-To"] == "jeanne.testpatient@example.org"
    # An exclusion the patient passes reads as such, never as "met".
    assert "[Exclusion] Ne s’applique pas: Disease Modifying Drugs" in to_site.body
    assert to_patient.to == ["jeanne.testpatient@example.org"]
    assert "Your request is on its way" in client.get(response["Location"]).content.decode()


def test_the_patients_confirmation_is_in_their_language(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    # Two links: one link asks a trial's team once.
    french_url, english_url = (
        with_answers(client, eligible_answers()),
        with_answers(client, eligible_answers()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(french_url + CONTACT, contact_data(language="fr"))
        client.post(english_url + CONTACT, contact_data(language="en", email="en@example.org"))
    french = next(m for m in mail.outbox if m.to == ["jeanne.testpatient@example.org"])
    english = next(m for m in mail.outbox if m.to == ["en@example.org"])
    assert "Votre demande" in french.subject and french.body.startswith("Bonjour,\n")
    assert "Your request" in english.subject and english.body.startswith("Hello,\n")


def test_the_confirmation_repeats_nothing_the_requester_typed(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    """It goes to an address nobody has verified: whoever fills the form must not choose any
    of the text that reaches that inbox."""
    typed = contact_data(name="Win a prize at evil.example", phone="+33 6 99 99 99 99", email="x@example.org")
    for language in ("fr", "en"):
        url = with_answers(client, eligible_answers())
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url + CONTACT, {**typed, "language": language})
    confirmations = [m for m in mail.outbox if m.to == ["x@example.org"]]
    assert len(confirmations) == 2
    for message in confirmations:
        for value in ("Win a prize", "evil.example", "99 99 99", "x@example.org"):
            assert value not in message.subject + message.body, value


def test_the_site_email_goes_to_the_sites_own_address_when_it_has_one(
    client, inline_delivery, django_capture_on_commit_callbacks
):
    Site.objects.filter(trial__trial_id="NCT06592703").update(contact_email="rennes@example.org")
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + CONTACT, contact_data())
    assert OutboxMessage.objects.filter(kind="contact_site", to="rennes@example.org").exists()


def test_without_consent_nothing_is_saved_and_the_field_says_why(client):
    url = with_answers(client, eligible_answers())
    response = client.post(url + CONTACT, contact_data(consent=""))
    assert response.status_code == 422
    assert "Please tick this box" in response.content.decode()
    assert ContactRequest.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_a_bad_email_is_refused_naming_the_field(client):
    url = with_answers(client, eligible_answers())
    response = client.post(url + CONTACT, contact_data(email="not-an-address"))
    assert response.status_code == 422
    assert 'id="id_email"' in response.content.decode() and "is-invalid" in response.content.decode()
    assert ContactRequest.objects.count() == 0


def test_an_ineligible_trial_offers_no_contact(client):
    url = start(client)
    client.post(url + "all/", PPMS_PATIENT)  # MSC-LES (lupus) rules this patient out
    response = client.post(url + "trials/EUCTR2017-001400-29-FR/contact/", contact_data())
    assert response.status_code == 200 and "not for you" in response.content.decode()
    assert ContactRequest.objects.count() == 0


def test_with_several_sites_the_patient_chooses_one_first(client, inline_delivery):
    trial = Trial.objects.get(trial_id="NCT06592703")
    brest = Site.objects.create(trial=trial, facility="CHU de Brest", city="Brest", position=5)
    url = with_answers(client, eligible_answers())
    html = client.get(url + CONTACT).content.decode()
    assert f'href="?site={brest.pk}"' in html and 'name="consent"' not in html
    html = client.get(url + CONTACT + f"?site={brest.pk}").content.decode()
    assert "CHU de Brest, Brest" in html
    assert client.get(url + CONTACT + "?site=999999").status_code == 404
    client.post(url + CONTACT, {**contact_data(), "site": brest.pk})
    assert ContactRequest.objects.get().site == brest


@pytest.mark.parametrize(
    "site_address, team", [("rennes@example.org", "rennes@example.org"), ("", "team@example.org")]
)
def test_the_confirmation_names_the_study_teams_address_and_replies_to_it(
    client, inline_delivery, django_capture_on_commit_callbacks, settings, site_address, team
):
    """The delete page says the team's address is in the confirmation email."""
    settings.STUDY_TEAM_FALLBACK_EMAIL = "team@example.org"
    Site.objects.filter(trial__trial_id="NCT06592703").update(contact_email=site_address)
    url = with_answers(client, eligible_answers())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + CONTACT, contact_data(language="en"))
    confirmation = next(m for m in mail.outbox if m.to == ["jeanne.testpatient@example.org"])
    assert confirmation.message()["Reply-To"] == team  # carried from the outbox row to the wire
    assert f"The study team's address: {team}" in confirmation.body
    assert "no-reply" in confirmation.message()["From"]
    assert "their address is in your confirmation email" in client.get(url + "delete/").content.decode()
