"""Where the patient lives, on the questionnaire pages: an optional town question in both modes,
kept with the answers, that shows each trial's nearest site and its distance, orders each
verdict's trials nearest first, and never changes a verdict."""

import logging
import re

import pytest

from journey.models import PatientScreening
from tests.journey_helpers import screening_of
from tests.screening_pages import HTMX, PPMS_PATIENT, mode_path, patient_path, verdict_groups

pytestmark = pytest.mark.django_db
MODES = ["patient", "clinician"]


def page(client, mode: str = "patient", lang: str = "en") -> str:
    return client.get(f"/{lang}/{mode_path(client, mode)}").content.decode()


def say_town(client, town: str, country: str = "FR", *, mode: str = "patient", htmx: bool = False, **extra):
    data = {"town": town, "country": country, **extra}
    return client.post(f"/en/{mode_path(client, mode)}place", data, **(HTMX if htmx else {}))


def nearest_lines(html: str) -> dict[str, str]:
    """Trial id → its "Nearest site: …" line on the results panel."""
    return {
        trial: re.sub(r"\s+", " ", line).strip()
        for trial, line in re.findall(
            r'data-trial="([^"]+)".*?<p class="small mb-1 nearest-site">(.*?)</p>', html, re.S
        )
    }


def kilometres(line: str) -> int:
    return int(re.search(r"— (\d+) km$", line).group(1))


@pytest.mark.parametrize("mode", MODES)
def test_both_questionnaires_ask_where_the_patient_lives_as_an_optional_question(client, mode):
    html = page(client, mode)
    asked = "Which town do you live in?" if mode == "patient" else "Which town does the patient live in?"
    assert asked in html and "(optional)" in html
    assert re.search(r'<option value="FR" selected>France</option>', html)  # France by default
    assert 'list="town-options"' in html  # typing suggests towns
    assert "nearest-site" not in html  # no distances until a town is given


@pytest.mark.parametrize("mode", MODES)
def test_each_trial_shows_its_nearest_site_and_the_distance(client, mode):
    response = say_town(client, "Marseille", mode=mode)
    assert response.status_code == 302 and response["Location"] == f"/en/{mode_path(client, mode)}"
    lines = nearest_lines(page(client, mode))
    assert lines["NCT06592703"] == "Nearest site: Rennes University Hospital, Rennes — 765 km"
    assert kilometres(lines["NCT02403947"]) == pytest.approx(319, rel=0.02)  # Toulouse
    assert len(lines) == 5


def test_within_each_verdict_group_the_nearest_trials_come_first(client):
    client.post(f"/en/{patient_path(client)}", PPMS_PATIENT)
    before = verdict_groups(page(client))
    say_town(client, "Marseille")
    html = page(client)
    after, lines = verdict_groups(html), nearest_lines(html)
    assert {v: sorted(ids) for v, ids in after.items()} == {v: sorted(ids) for v, ids in before.items()}
    for verdict, trials in after.items():
        distances = [kilometres(lines[t]) for t in trials]
        assert distances == sorted(distances), verdict
    say_town(client, "Rennes")
    assert nearest_lines(page(client))["NCT06592703"].endswith("— 0 km")


def test_the_trial_page_lists_every_site_with_its_distance(client):
    say_town(client, "Marseille")
    html = client.get(f"/en/{patient_path(client)}trials/NCT06592703/").content.decode()
    sites = re.findall(r'<li data-site="\d+">(.*?)</li>', html, re.S)
    assert len(sites) == 1
    text = " ".join(re.sub(r"<[^>]+>", " ", sites[0]).split())
    assert text == "Rennes University Hospital, Rennes, France — 765 km"


def test_the_trial_page_without_a_town_lists_the_sites_without_distances(client):
    html = client.get(f"/en/{patient_path(client)}trials/NCT06592703/").content.decode()
    assert re.search(r'<li data-site="\d+">Rennes University Hospital, Rennes, France</li>', html)


def test_the_town_is_kept_with_the_patient_s_answers_and_forgotten_with_them(client):
    say_town(client, "marseille")
    screening = screening_of(f"/en/{patient_path(client)}")
    assert screening.place == {"town": "Marseille", "country": "FR"}
    assert 'value="Marseille"' in page(client)
    client.post(f"/en/{patient_path(client)}reset", {"confirm": "yes"})
    screening.refresh_from_db()
    assert screening.place is None


def test_the_clinician_s_town_lives_in_the_session_like_the_answers(client):
    say_town(client, "Toulouse", mode="clinician")
    assert client.session["screening:clinician:place"] == {"town": "Toulouse", "country": "FR"}
    assert "nearest-site" not in page(client, "patient")  # the other mode knows nothing of it
    client.post("/en/clinician/reset", {"confirm": "yes"})
    assert "screening:clinician:place" not in client.session


def test_an_empty_town_or_forget_removes_the_distances(client):
    say_town(client, "Marseille")
    say_town(client, "Marseille", forget="1")
    assert "nearest-site" not in page(client)
    say_town(client, "Marseille")
    say_town(client, "")
    assert "nearest-site" not in page(client)
    assert PatientScreening.objects.get().place is None


def test_a_town_that_cannot_be_found_is_refused_with_close_spellings(client):
    response = say_town(client, "Marseile")
    html = response.content.decode()
    assert response.status_code == 422
    assert "We could not find “Marseile” in this country." in html
    assert '<button type="submit" name="suggested" value="Marseille"' in html
    assert PatientScreening.objects.get().place is None
    # Choosing the suggestion keeps it.
    assert say_town(client, "Marseile", suggested="Marseille").status_code == 302
    assert PatientScreening.objects.get().place == {"town": "Marseille", "country": "FR"}


def test_with_htmx_the_question_and_the_results_are_redrawn(client):
    response = say_town(client, "Marseille", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="place"')
    assert '<div id="results" hx-swap-oob="innerHTML">' in html
    assert "Rennes University Hospital, Rennes — 765 km" in html
    assert "Trials are listed nearest to Marseille first." in html
    refused = say_town(client, "Marseile", htmx=True).content.decode()
    assert "We could not find" in refused and "hx-swap-oob" in refused


def test_a_town_with_the_same_name_in_another_country(client):
    say_town(client, "Paris", "US")
    assert kilometres(nearest_lines(page(client))["NCT02424396"]) == pytest.approx(7_800, rel=0.03)
    say_town(client, "Paris", "FR")
    assert kilometres(nearest_lines(page(client))["NCT02424396"]) == 0


def test_typing_suggests_towns_in_the_chosen_country(client):
    response = client.post("/en/towns", {"town": "Mars", "country": "FR"})
    options = re.findall(r'<option value="([^"]+)"></option>', response.content.decode())
    assert options[0] == "Marseille" and len(options) <= 10
    assert client.post("/en/towns", {"town": "Lond", "country": "GB"}).content.decode().count("London") >= 1
    assert client.post("/en/towns", {"town": "M", "country": "FR"}).content.decode().strip() == ""
    assert client.get("/en/towns?town=Mars").status_code == 405  # the letters typed stay out of URLs


def test_the_town_is_never_in_a_url_nor_in_a_log(client, caplog):
    caplog.set_level(logging.DEBUG)
    say_town(client, "Trébeurden")
    say_town(client, "Trébeurdenn")  # refused: a 422, logged by Django by its path
    client.post("/en/towns", {"town": "Trébeur", "country": "FR"})
    html = page(client)
    assert "Trébeurden" in html
    urls = re.findall(r'(?:href|action|hx-post|hx-get)="([^"]*)"', html)
    assert urls and not [u for u in urls if "beurden" in u.casefold()]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/place" in logged  # the refusal is logged, by its path alone
    assert "beurden" not in logged.casefold()


def test_the_town_is_never_asked_as_a_question_that_settles_a_trial(client):
    say_town(client, "Marseille")
    html = page(client)
    assert 'data-concept="town"' not in html
    settling = re.findall(r'<ul class="small settling">(.*?)</ul>', html, re.S)
    assert settling and not [s for s in settling if "town" in s.casefold()]


def test_the_page_asks_in_french_in_french(client):
    html = page(client, lang="fr")
    assert "Dans quelle ville habitez-vous ?" in html
    client.post(f"/fr/{patient_path(client)}place", {"town": "Marseille", "country": "FR"})
    assert "Site le plus proche : Rennes University Hospital, Rennes — 765 km" in page(client, lang="fr")
