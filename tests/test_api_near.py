"""POST /api/v1/screen with `near`: each result's nearest site and its distance, each verdict's
trials nearest first, a 400 that suggests spellings for a town that cannot be found, and
nothing about where the patient lives stored or logged (shared/spec/api.md)."""

import json
import logging
import math

import pytest

from trials.models import Site, Trial

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen"
# The seed trials' sites: Rennes, Rouen, Toulouse and Paris (twice).
FROM_MARSEILLE = {
    "NCT02403947": ("Toulouse", 319),
    "NCT02424396": ("Paris", 661),
    "EUCTR2017-001400-29-FR": ("Paris", 661),
    "NCT04821596": ("Rouen", 758),
    "NCT06592703": ("Rennes", 765),
}
MS_PATIENT = {"diagnosis": "multiple_sclerosis", "age": 40}


def screen(client, **body):
    response = client.post(URL, json.dumps({"answers": {}, **body}), content_type="application/json")
    return response


def results(client, **body) -> list[dict]:
    response = screen(client, **body)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def near_error(client, near) -> str:
    response = screen(client, near=near)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert set(errors) == {"near"}, errors
    return errors["near"]


def distances_within_each_verdict(found: list[dict]) -> dict[str, list[float]]:
    by_verdict: dict[str, list[float]] = {}
    for r in found:
        site = r["nearest_site"]
        by_verdict.setdefault(r["verdict"], []).append(math.inf if site is None else site["distance_km"])
    return by_verdict


def test_each_result_names_its_nearest_site_and_how_far_it_is(client):
    found = {
        r["trial_id"]: r["nearest_site"] for r in results(client, near={"town": "Marseille", "country": "FR"})
    }
    assert set(found) == set(FROM_MARSEILLE)
    for trial_id, (city, km) in FROM_MARSEILLE.items():
        assert found[trial_id]["city"] == city
        assert found[trial_id]["distance_km"] == pytest.approx(km, rel=0.02), trial_id
        assert isinstance(found[trial_id]["distance_km"], int)
    assert found["NCT06592703"]["name"] == "Rennes University Hospital"


def test_a_point_works_like_a_town(client):
    by_town = results(client, near={"town": "Marseille", "country": "FR"})
    by_point = results(client, near={"lat": 43.2965, "lon": 5.3698})
    assert [r["trial_id"] for r in by_point] == [r["trial_id"] for r in by_town]
    for a, b in zip(by_point, by_town, strict=True):
        assert abs(a["nearest_site"]["distance_km"] - b["nearest_site"]["distance_km"]) <= 2


@pytest.mark.parametrize("town", ["Marseille", "Rennes", "Toulouse", "Lille", "Brest"])
def test_within_each_verdict_the_nearest_trials_come_first(client, town):
    found = results(client, answers=MS_PATIENT, near={"town": town})
    for verdict, distances in distances_within_each_verdict(found).items():
        assert distances == sorted(distances), (town, verdict)
    verdicts = [r["verdict"] for r in found]
    assert verdicts == sorted(verdicts, key=["eligible", "needs_info", "ineligible"].index)


def test_where_the_patient_lives_never_changes_a_verdict_or_a_count(client):
    without = screen(client, answers=MS_PATIENT).json()
    with_town = screen(client, answers=MS_PATIENT, near={"town": "Brest"}).json()
    assert with_town["counts"] == without["counts"]
    assert with_town["next_question"] == without["next_question"]
    verdicts = {r["trial_id"]: r["verdict"] for r in without["results"]}
    assert {r["trial_id"]: r["verdict"] for r in with_town["results"]} == verdicts
    assert "nearest_site" not in without["results"][0]


def test_the_order_of_the_trials_follows_the_town(client):
    from_marseille = [r["trial_id"] for r in results(client, near={"town": "Marseille"})]
    from_rennes = [r["trial_id"] for r in results(client, near={"town": "Rennes"})]
    assert from_marseille[0] == "NCT02403947" and from_marseille[-1] == "NCT06592703"  # Toulouse … Rennes
    assert from_rennes[0] == "NCT06592703"  # 0 km


def test_equally_near_trials_keep_the_fewest_missing_concepts_first(client):
    found = results(client, near={"town": "Marseille"})
    paris = [r for r in found if r["nearest_site"]["city"] == "Paris"]
    assert len(paris) == 2
    assert [len(r["missing_concepts"]) for r in paris] == sorted(len(r["missing_concepts"]) for r in paris)


def test_limit_and_verdicts_apply_after_ordering_by_distance(client):
    found = results(client, near={"town": "Marseille"}, verdicts=["needs_info"], limit=2)
    assert [r["trial_id"] for r in found] == ["NCT02403947", found[1]["trial_id"]]
    assert found[1]["nearest_site"]["city"] == "Paris"


def test_a_town_with_the_same_name_in_two_countries(client):
    in_france = {
        r["trial_id"]: r["nearest_site"]["distance_km"]
        for r in results(client, near={"town": "Paris", "country": "FR"})
    }
    in_texas = {
        r["trial_id"]: r["nearest_site"]["distance_km"]
        for r in results(client, near={"town": "Paris", "country": "US"})
    }
    assert in_france["NCT02424396"] == 0
    assert in_texas["NCT02424396"] == pytest.approx(7_800, rel=0.03)
    assert results(client, near={"town": "Paris"})[0]["nearest_site"]["distance_km"] == 0  # France by default


def test_a_trial_whose_sites_cannot_be_located_has_no_nearest_site_and_comes_last(client):
    Site.objects.filter(trial__trial_id="NCT02403947").update(
        latitude=None, longitude=None, location_source=""
    )
    found = results(client, near={"town": "Marseille"})
    assert found[-1]["trial_id"] == "NCT02403947"
    assert found[-1]["nearest_site"] is None


def test_the_nearest_of_several_sites_is_the_one_given(client):
    trial = Trial.objects.get(trial_id="NCT06592703")
    Site.objects.create(trial=trial, facility="CHU de Nice", city="Nice", country="France", position=1,
                        latitude=43.7031, longitude=7.2661, location_source="gazetteer")  # fmt: skip
    found = {r["trial_id"]: r["nearest_site"] for r in results(client, near={"town": "Marseille"})}
    assert found["NCT06592703"]["city"] == "Nice"
    assert found["NCT06592703"]["distance_km"] == pytest.approx(159, rel=0.03)


def test_an_unknown_town_is_a_400_on_near_that_suggests_close_spellings(client):
    message = near_error(client, {"town": "Marseile", "country": "FR"})
    assert '"Marseile"' in message and "FR" in message
    assert 'did you mean "Marseille"' in message


def test_an_unknown_town_abroad_suggests_that_country_s_towns(client):
    assert '"London"' in near_error(client, {"town": "Lodnon", "country": "GB"})


@pytest.mark.parametrize(
    ("near", "says"),
    [
        ("Marseille", "must be an object"),
        ({"town": "Marseille", "country": "Atlantis"}, "is not a country"),
        ({"town": ""}, "near.town"),
        ({"town": "   "}, "near.town"),
        ({"town": 13008}, "near.town"),
        ({"town": "x" * 201}, "at most 200"),
        ({"town": "Marseille", "country": 33}, "near.country"),
        ({"town": "Marseille", "postcode": "13008"}, "near must be"),
        ({"lat": 43.3}, "near must be"),
        ({"lat": 91, "lon": 5}, "near.lat"),
        ({"lat": 43.3, "lon": -181}, "near.lon"),
        ({"lat": "43.3", "lon": 5.37}, "near.lat"),
        ({"lat": True, "lon": 5.37}, "near.lat"),
        ({"lat": 43.3, "lon": 5.37, "town": "Marseille"}, "near must be"),
    ],
)
def test_a_bad_near_is_a_400_naming_near(client, near, says):
    assert says in near_error(client, near)


def test_a_bad_near_is_reported_with_the_other_errors_and_nothing_is_evaluated(client):
    response = screen(client, answers={"edss": 42}, near={"town": "Marseile"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"edss", "near"}


def test_nothing_about_near_is_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    results(client, near={"town": "Trébeurden", "country": "FR"})
    near_error(client, {"town": "Trébeurdenn", "country": "FR"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Bad Request: /api/v1/screen" in logged  # the 400 is logged, by its path alone
    assert "beurden" not in logged.casefold()
