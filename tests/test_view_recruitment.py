"""What a patient sees of a trial's recruitment: trials no longer recruiting are listed apart
and can never be contacted (the server refuses too), an unconfirmed status is said beside the
offer, and a trial already asked shows "request sent on <date>" instead of the form."""

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from journey.models import ContactRequest, OutboxMessage
from tests.journey_helpers import contact_data, eligible_answers, inline_delivery, screening_of, with_answers
from tests.screening_pages import PPMS_PATIENT, shown_verdicts, verdict_groups
from trials.models import Recruitment, Trial, recruitment

pytestmark = pytest.mark.django_db
__all__ = ["inline_delivery"]

MESEMS, MSIL2, CLADACTION, ASCPPMS = "NCT02403947", "NCT02424396", "NCT04821596", "NCT06592703"
UNCONFIRMED_NOTE = "Recruitment status not confirmed by the registry"
# PPMS_PATIENT as kept answers (whatever page posts them).
PPMS_ANSWERS = {"age": 50, "sex": "female", "diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS",
                "edss": 4.5, "edss_increase_12m": 0}  # fmt: skip


@pytest.mark.parametrize(
    "status, expected",
    [
        ("recruiting", Recruitment.OPEN),
        ("not_yet_recruiting", Recruitment.OPEN),
        ("enrolling_by_invitation", Recruitment.OPEN),
        ("active_not_recruiting", Recruitment.CLOSED),
        ("suspended", Recruitment.CLOSED),
        ("completed", Recruitment.CLOSED),
        ("terminated", Recruitment.CLOSED),
        ("withdrawn", Recruitment.CLOSED),
        ("authorised", Recruitment.UNCONFIRMED),
        ("unknown", Recruitment.UNCONFIRMED),
        ("a status no registry has used yet", Recruitment.UNCONFIRMED),
    ],
)
def test_each_registry_status_means_open_closed_or_unconfirmed(status, expected):
    assert recruitment(status) == expected


def test_every_registry_status_is_classified_on_purpose():
    unclassified = {"unknown", "authorised"}
    for status in Trial.RegistryStatus.values:
        assert (recruitment(status) == Recruitment.UNCONFIRMED) == (status in unclassified), status


def contact_links(html: str) -> set[str]:
    return set(re.findall(r"/trials/([^/]+)/contact/", html))


def test_a_patient_sees_trials_no_longer_recruiting_apart_without_an_offer(client):
    url = with_answers(client, PPMS_ANSWERS)
    html = client.get(url + "results/").content.decode()
    groups = verdict_groups(html)
    assert set(groups["closed"]) == {MESEMS, MSIL2}
    assert not {MESEMS, MSIL2} & set(groups["eligible"] + groups["needs_info"] + groups["ineligible"])
    assert "No longer recruiting" in html
    assert ASCPPMS in contact_links(html) and not {MESEMS, MSIL2} & contact_links(html)


def test_a_clinician_still_sees_every_trial_under_its_verdict(client):
    client.post("/en/clinician/", PPMS_PATIENT)
    groups = verdict_groups(client.get("/en/clinician/").content.decode())
    assert "closed" not in groups
    assert {MESEMS, MSIL2} <= set(groups["ineligible"])


def test_a_trial_that_fits_but_no_longer_recruits_offers_no_contact_on_its_page(client):
    url = with_answers(client, eligible_answers(MESEMS))
    html = client.get(url + "results/").content.decode()
    assert MESEMS in verdict_groups(html)["closed"]
    assert MESEMS not in contact_links(html)
    page = client.get(url + f"trials/{MESEMS}/").content.decode()
    assert "No longer recruiting" in page and MESEMS not in contact_links(page)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_contact_page_refuses_a_trial_no_longer_recruiting_and_stores_nothing(client, method):
    url = with_answers(client, eligible_answers(MESEMS))
    response = getattr(client, method)(url + f"trials/{MESEMS}/contact/", contact_data())
    assert response.status_code == 409
    html = response.content.decode()
    assert "no longer recruiting" in html and "Terminated" in html and 'name="consent"' not in html
    assert ContactRequest.objects.count() == 0 and OutboxMessage.objects.count() == 0
    assert screening_of(url).contacted == {}


def test_the_refusal_is_in_french_under_fr(client):
    url = with_answers(client, eligible_answers(MESEMS), lang="fr")
    response = client.post(url + f"trials/{MESEMS}/contact/", contact_data())
    assert response.status_code == 409 and "ne recrute plus" in response.content.decode()


def test_an_unconfirmed_status_is_said_beside_the_offer(client):
    url = with_answers(client, PPMS_ANSWERS)
    html = client.get(url + "results/").content.decode()
    cladaction = html[html.index(f'data-trial="{CLADACTION}"') :].split("</article>")[0]
    ascppms = html[html.index(f'data-trial="{ASCPPMS}"') :].split("</article>")[0]
    assert "contact/" in cladaction and UNCONFIRMED_NOTE in cladaction
    assert "contact/" in ascppms and UNCONFIRMED_NOTE not in ascppms
    page = client.get(url + f"trials/{CLADACTION}/").content.decode()
    assert UNCONFIRMED_NOTE in page and CLADACTION in contact_links(page)


def test_the_unconfirmed_note_is_in_french_under_fr(client):
    url = with_answers(client, PPMS_ANSWERS, lang="fr")
    assert (
        "Statut de recrutement non confirmé par le registre" in client.get(url + "results/").content.decode()
    )


def test_after_a_request_the_trial_says_when_it_was_sent_instead_of_offering_the_form(
    client, inline_delivery
):
    url = with_answers(client, eligible_answers(ASCPPMS))
    assert ASCPPMS in contact_links(client.get(url + "results/").content.decode())
    client.post(url + f"trials/{ASCPPMS}/contact/", contact_data())
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    html = client.get(url + "results/").content.decode()
    assert f"Request sent on {today}" in html and ASCPPMS not in contact_links(html)
    page = client.get(url + f"trials/{ASCPPMS}/").content.decode()
    assert f"Request sent on {today}" in page and ASCPPMS not in contact_links(page)
    # Only the day is kept with the answers; the request itself stays unlinked.
    assert screening_of(url).contacted == {ASCPPMS: timezone.localdate().isoformat()}


def test_the_sent_date_is_written_the_french_way_under_fr(client, inline_delivery):
    url = with_answers(client, eligible_answers(ASCPPMS), lang="fr")
    client.post(url + f"trials/{ASCPPMS}/contact/", contact_data())
    with override("fr"):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Demande envoyée le {today}" in client.get(url + "results/").content.decode()


def test_another_link_still_sees_the_offer(client, inline_delivery):
    first = with_answers(client, eligible_answers(ASCPPMS))
    client.post(first + f"trials/{ASCPPMS}/contact/", contact_data())
    other = with_answers(client, eligible_answers(ASCPPMS))
    html = client.get(other + "results/").content.decode()
    assert ASCPPMS in contact_links(html) and "Request sent on" not in html


def test_asking_the_same_team_twice_from_one_link_sends_nothing_more(client, inline_delivery):
    url = with_answers(client, eligible_answers(ASCPPMS))
    contact = url + f"trials/{ASCPPMS}/contact/"
    client.post(contact, contact_data())
    assert ContactRequest.objects.count() == 1 and OutboxMessage.objects.count() == 2
    again = client.get(contact)
    assert again.status_code == 200 and "Request sent on" in again.content.decode()
    assert 'name="consent"' not in again.content.decode()
    assert client.post(contact, contact_data(email="again@example.org")).status_code == 409
    assert ContactRequest.objects.count() == 1 and OutboxMessage.objects.count() == 2


def test_the_interview_summary_does_not_count_a_trial_that_no_longer_recruits(client):
    url = with_answers(client, eligible_answers(MESEMS))
    assert MESEMS in verdict_groups(client.get(url + "results/").content.decode())["closed"]
    summary = client.get(url).content.decode().split('id="summary"', 1)[1].split("</div>", 1)[0]
    counted = re.search(r"(\d+) trials? still possible · (\d+) likely eligible", summary)
    assert counted, summary
    possible = {
        trial_id
        for trial_id, verdict in shown_verdicts(client.get(url + "results/").content.decode()).items()
        if verdict != "ineligible" and trial_id not in (MESEMS, MSIL2)
    }
    assert int(counted.group(1)) == len(possible)
    assert int(counted.group(2)) == 0  # MESEMS fits, but it has stopped recruiting
