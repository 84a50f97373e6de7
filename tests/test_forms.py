"""screening.forms: the one place where posted strings become the Validator's values."""

import pytest
from django.http import QueryDict
from django.utils import translation

from screening.forms import QuestionForm, format_number, parse_number
from trials.models import Concept, Drug

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("47", 47),
        ("4.5", 4.5),
        ("4,5", 4.5),
        ("150 000", 150000),
        ("150\u202f000", 150000),
        (" 7 ", 7),
        ("1e3", 1000.0),
        ("abc", "abc"),
        ("4,5,6", "4,5,6"),
    ],
)
def test_parse_number(text, value):
    parsed = parse_number(text)
    assert parsed == value and type(parsed) is type(value)


def test_numbers_are_written_back_with_a_comma_in_french():
    with translation.override("fr"):
        assert format_number(4.5) == "4,5"
        assert format_number(7.0) == "7"
    with translation.override("en"):
        assert format_number(4.5) == "4.5"


def raw(code, mode, data):
    concept = Concept.objects.get(code=code)
    drugs = Drug.objects.all() if concept.type == "list" else ()
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return QuestionForm(concept, mode, data=query, drugs=drugs).raw()


@pytest.mark.parametrize(
    ("code", "mode", "data", "expected"),
    [
        ("age", "patient", {"age": "47"}, 47),
        ("age", "patient", {"age": ""}, None),
        ("age", "patient", {"age": "47", "age__unknown": "on"}, "unknown"),
        ("edss", "clinician", {"edss": "3,5"}, 3.5),
        ("hiv", "patient", {"hiv": "true"}, True),
        ("hiv", "patient", {"hiv": "false"}, False),
        ("hiv", "patient", {"hiv": "unknown"}, "unknown"),
        ("hiv", "patient", {}, None),
        ("ms_phenotype", "patient", {"ms_phenotype": "PPMS"}, "PPMS"),
        (
            "platelets",
            "clinician",
            {"platelets": "150 000", "platelets__unit": "/mm3"},
            {"value": 150000, "unit": "/mm3"},
        ),
        ("platelets", "patient", {"platelets": "210"}, {"value": 210, "unit": "10^9/L"}),
        ("days_since_last_relapse", "clinician", {"days_since_last_relapse__never": "on"}, "never"),
        ("days_since_last_relapse", "clinician", {"days_since_last_relapse": "30"}, 30),
        ("birth_date", "patient", {"birth_date": "1976-05-01"}, "1976-05-01"),
        ("medications", "clinician", {"medications__none": "on"}, []),
        (
            "medications",
            "clinician",
            {"medications__0__drug": "natalizumab", "medications__0__days": "40", "medications__1__drug": ""},
            [{"drug": "natalizumab", "days_since_last_dose": 40}],
        ),
        (
            "medications",
            "patient",
            {"medications__took__fingolimod": "on", "medications__when__fingolimod": "6m"},
            [{"drug": "fingolimod", "days_since_last_dose": 182.0}],
        ),
        (
            "medications",
            "patient",
            {"medications__took__fingolimod": "on", "medications__when__fingolimod": "unsure"},
            [{"drug": "fingolimod"}],
        ),
        ("medications", "patient", {"medications__unknown": "on"}, "unknown"),
        ("medications", "patient", {}, None),
    ],
)
def test_posted_strings_become_validator_values(code, mode, data, expected):
    assert raw(code, mode, data) == expected


@pytest.mark.parametrize(
    ("code", "mode", "stored"),
    [
        ("age", "patient", 47),
        ("hiv", "patient", True),
        ("hiv", "clinician", "unknown"),
        ("edss", "patient", "unknown"),
        ("platelets", "clinician", {"value": 150000, "unit": "/mm3"}),
        ("days_since_last_relapse", "clinician", "never"),
        ("medications", "clinician", [{"drug": "natalizumab", "days_since_last_dose": 40}]),
        ("medications", "patient", [{"drug": "fingolimod", "days_since_last_dose": 182.0}]),
        ("medications", "patient", []),
    ],
)
def test_a_kept_answer_round_trips_through_the_form(code, mode, stored):
    concept = Concept.objects.get(code=code)
    drugs = list(Drug.objects.all()) if concept.type == "list" else ()
    shown = QuestionForm(concept, mode, stored=stored, drugs=drugs)
    query = QueryDict(mutable=True)
    for bound in shown:
        value = bound.value()
        if value in (None, "", False):
            continue
        query[bound.html_name] = "on" if value is True else str(value)
    assert QuestionForm(concept, mode, data=query, drugs=drugs).raw() == stored
