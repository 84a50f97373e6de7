"""The offline gazetteer: towns as people type them, found with their coordinates, and close
spellings for the ones that cannot be found (trials/gazetteer.py)."""

import pytest

from trials import gazetteer

MARSEILLE, RENNES, TOULOUSE = (43.2965, 5.3698), (48.1147, -1.6794), (43.6045, 1.4440)


@pytest.fixture(scope="module")
def towns() -> gazetteer.Gazetteer:
    return gazetteer.default()


@pytest.mark.parametrize(
    ("town", "country", "label", "found_in"),
    [
        ("Marseille", "FR", "Marseille", "FR"),
        ("marseille", "fr", "Marseille", "FR"),
        ("MARSEILLE ", "France", "Marseille", "FR"),
        ("Marseilles", "FR", "Marseille", "FR"),  # the English name
        ("St-Etienne", "FR", "Saint-Étienne", "FR"),  # abbreviation, no accent
        ("saint etienne", "FR", "Saint-Étienne", "FR"),
        ("Paris Cedex 10", "FR", "Paris", "FR"),  # how registries write hospital addresses
        ("13008", "FR", "Marseille 08", "FR"),  # a postcode alone
        ("Saint-Christophe (16420)", "FR", "Saint-Christophe (16420)", "FR"),
        ("Saint-Christophe 16420", "FR", "Saint-Christophe (16420)", "FR"),
        ("Rochefourchat", "FR", "Rochefourchat", "FR"),  # a commune of one inhabitant
        ("Leménil-Mitry", "FR", "Leménil-Mitry", "FR"),  # of a handful
        ("Le Tampon", "FR", "Le Tampon (RE)", "RE"),  # La Réunion is France too
        ("97413", "FR", "Cilaos (RE)", "RE"),
        ("Kourou", "FR", "Kourou (GF)", "GF"),
        ("Saint-Denis", "FR", "Saint-Denis (93200)", "FR"),  # before Réunion's namesake
        ("Saint-Denis (RE)", "FR", "Saint-Denis (RE)", "RE"),
        ("Paris", "US", "Paris (TX)", "US"),  # the most populous of the American Parises
        ("London", "CA", "London", "CA"),
        ("Londres", "GB", "London", "GB"),  # the French name
        ("Genève", "CH", "Geneva", "CH"),
        ("Bruxelles", "Belgique", "Brussels", "BE"),  # a country's French name
    ],
)
def test_a_town_is_found_as_people_write_it(towns, town, country, label, found_in):
    place = towns.locate(town, country)
    assert place is not None, f"{town!r} in {country} not found"
    assert (place.label, place.country) == (label, found_in)


@pytest.mark.parametrize(
    ("town", "a", "b", "km"),
    [
        ("a town with the same name in two countries", ("Paris", "FR"), ("Paris", "US"), 7_900),
        ("London, England, and London, Ontario", ("London", "GB"), ("London", "CA"), 5_800),
    ],
)
def test_the_same_name_in_two_countries_is_two_places(towns, town, a, b, km):
    first, second = towns.locate(*a), towns.locate(*b)
    assert gazetteer.distance_km(first.point, second.point) == pytest.approx(km, rel=0.05), town


@pytest.mark.parametrize(
    ("origin", "destination", "km"),
    [(MARSEILLE, RENNES, 765), (MARSEILLE, TOULOUSE, 319), (TOULOUSE, RENNES, 551)],
)
def test_distances_are_great_circle_kilometres(origin, destination, km):
    assert gazetteer.distance_km(origin, destination) == pytest.approx(km, rel=0.02)


def test_the_gazetteer_places_the_towns_where_they_are(towns):
    for town, point in (("Marseille", MARSEILLE), ("Rennes", RENNES), ("Toulouse", TOULOUSE)):
        assert gazetteer.distance_km(towns.locate(town, "FR").point, point) < 5, town


@pytest.mark.parametrize(
    ("typed", "country", "meant"),
    [
        ("Marseile", "FR", "Marseille"),
        ("Narseille", "FR", "Marseille"),
        ("Tolouse", "FR", "Toulouse"),
        ("Rennnes", "FR", "Rennes"),
        ("Strasbourgh", "FR", "Strasbourg"),
        ("Bordau", "FR", "Bordeaux"),
        ("Lodnon", "GB", "London"),
    ],
)
def test_a_misspelt_town_is_not_found_but_its_spelling_is_suggested_first(towns, typed, country, meant):
    assert towns.locate(typed, country) is None
    with pytest.raises(gazetteer.TownNotFound) as missing:
        towns.require(typed, country)
    assert missing.value.suggestions[0] == meant
    assert len(missing.value.suggestions) <= 5


def test_districts_are_not_suggested_beside_their_city(towns):
    suggestions = towns.suggest("Marseile", "FR")
    assert suggestions[0] == "Marseille"
    assert not [s for s in suggestions if s.startswith("Marseille ")]  # "Marseille 01" …


def test_nonsense_suggests_nothing(towns):
    assert towns.suggest("Xqzwvk", "FR") == []


def test_an_unknown_country_is_said_to_be_so(towns):
    with pytest.raises(gazetteer.UnknownCountry):
        towns.locate("Paris", "Atlantis")


def test_typing_suggests_the_biggest_towns_starting_so(towns):
    labels = [p.label for p in towns.complete("Mars", "FR")]
    assert labels[0] == "Marseille"
    assert all(gazetteer.normalize(label).startswith("mars") for label in labels)
    assert [p.label for p in towns.complete("Renn", "FR")][0] == "Rennes"
    assert towns.complete("M", "FR") == []  # one letter: too many to be useful


def test_namesakes_are_told_apart_in_suggestions(towns):
    labels = [p.label for p in towns.complete("Saint-Christophe", "FR", limit=50)]
    assert "Saint-Christophe (16420)" in labels and "Saint-Christophe (17220)" in labels
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("St Étienne", "saint etienne"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("  Aix-en-Provence ", "aix en provence"),
    ],
)
def test_names_compare_without_case_accents_or_punctuation(name, key):
    assert gazetteer.normalize(name) == key
