"""The one validation layer (engine.validation.Validator): raw JSON answers in,
canonical values out, every error keyed by the concept it concerns.

Pure tests with ConceptSpecs that mirror concepts.md; no database. A few hypothesis
properties check that no JSON value can make validation raise.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.explain import Vocabulary
from engine.plan import compile_plan, detail
from engine.types import (
    NEVER,
    ConceptSpec,
    ConceptType,
    Criterion,
    Kind,
    Leaf,
    Medication,
    Status,
    TrialSpec,
)
from engine.validation import ValidatedAnswers, Validator

AS_OF = date(2026, 11, 21)
CELL_COUNT_UNITS = ("10^9/L", "G/L", "/mm3", "/uL", "/µL", "cells/uL", "10^3/uL")
CONCEPTS = {
    c.code: c
    for c in (
        ConceptSpec("age", ConceptType.INTEGER, "years", minimum=0, maximum=120, step=1),
        ConceptSpec("edss", ConceptType.NUMBER, minimum=0, maximum=10, step=0.5),
        ConceptSpec("platelets", ConceptType.QUANTITY, "10^9/L", CELL_COUNT_UNITS, minimum=0, maximum=5000),
        ConceptSpec("sex", ConceptType.CHOICE, choices=("female", "male")),
        ConceptSpec("pregnant", ConceptType.BOOLEAN),
        ConceptSpec("childbearing_potential", ConceptType.BOOLEAN),
        ConceptSpec("days_since_last_relapse", ConceptType.SINCE, "days", minimum=0, maximum=43830),
        ConceptSpec("birth_date", ConceptType.DATE),
        ConceptSpec("medications", ConceptType.LIST),
        ConceptSpec("relapses_12m", ConceptType.INTEGER, minimum=0, maximum=50, step=1),
        ConceptSpec("relapses_24m", ConceptType.INTEGER, minimum=0, maximum=100, step=1),
    )
}
DRUG_CODES = frozenset({"natalizumab", "fingolimod", "interferon_beta"})
VOCABULARY = Vocabulary(labels={"age": "Age", "edss": "EDSS", "platelets": "Platelets"})
VALIDATOR = Validator(CONCEPTS, DRUG_CODES, VOCABULARY)


def validate(raw, as_of: date = AS_OF) -> ValidatedAnswers:
    return VALIDATOR.validate(raw, as_of)


# --- Errors --------------------------------------------------------------------------------

INVALID = [
    # wrong types
    pytest.param({"age": "34"}, "age", "Age must be a number", id="string for an integer"),
    pytest.param({"age": True}, "age", "Age must be a number", id="true for an integer"),
    pytest.param({"age": [34]}, "age", "Age must be a number", id="list for an integer"),
    pytest.param({"age": 34.5}, "age", "Age must be a whole number", id="fraction for an integer"),
    pytest.param({"edss": "3.5"}, "edss", "EDSS must be a number", id="string for a number"),
    pytest.param({"edss": True}, "edss", "EDSS must be a number", id="true for a number"),
    pytest.param({"edss": False}, "edss", "EDSS must be a number", id="false for a number"),
    pytest.param({"edss": {"value": 3.5}}, "edss", "EDSS must be a number", id="object for a number"),
    pytest.param({"pregnant": 1}, "pregnant", "pregnant must be true or false", id="1 for a boolean"),
    pytest.param({"pregnant": 0}, "pregnant", "pregnant must be true or false", id="0 for a boolean"),
    pytest.param({"pregnant": "yes"}, "pregnant", "pregnant must be true or false", id="yes for a boolean"),
    pytest.param(
        {"pregnant": "true"}, "pregnant", "pregnant must be true or false", id="string true for a boolean"
    ),
    pytest.param({"platelets": "150"}, "platelets", "Platelets must be a number", id="string for a quantity"),
    pytest.param({"platelets": True}, "platelets", "Platelets must be a number", id="true for a quantity"),
    # choices and concepts
    pytest.param({"sex": "F"}, "sex", "sex must be one of: female, male", id="unknown choice"),
    pytest.param({"sex": "Female"}, "sex", "sex must be one of: female, male", id="choice in the wrong case"),
    pytest.param({"sex": 1}, "sex", "sex must be one of: female, male", id="number for a choice"),
    pytest.param({"foo": 1}, "foo", "unknown concept", id="unknown concept"),
    pytest.param({"Age": 34}, "Age", "unknown concept", id="concept code in the wrong case"),
    # range, step and finiteness
    pytest.param({"age": 121}, "age", "Age must be between 0 and 120", id="age above 120"),
    pytest.param({"age": -1}, "age", "Age must be between 0 and 120", id="negative age"),
    pytest.param({"edss": 10.5}, "edss", "EDSS must be between 0 and 10 in steps of 0.5", id="EDSS above 10"),
    pytest.param({"edss": -0.5}, "edss", "EDSS must be between 0 and 10 in steps of 0.5", id="negative EDSS"),
    pytest.param(
        {"edss": 3.2}, "edss", "EDSS must be between 0 and 10 in steps of 0.5", id="EDSS off the step"
    ),
    pytest.param({"edss": 3.25}, "edss", "in steps of 0.5", id="EDSS on a quarter"),
    pytest.param({"relapses_12m": 51}, "relapses_12m", "between 0 and 50", id="too many relapses"),
    pytest.param(
        {"platelets": -1}, "platelets", "Platelets must be between 0 and 5000 ×10⁹/L", id="negative count"
    ),
    pytest.param({"platelets": 5001}, "platelets", "between 0 and 5000 ×10⁹/L", id="count above the range"),
    pytest.param(
        {"platelets": {"value": 6_000_000, "unit": "/mm3"}},
        "platelets",
        "between 0 and 5000 ×10⁹/L",
        id="range checked after conversion",
    ),
    pytest.param({"edss": math.nan}, "edss", "EDSS must be a finite number", id="NaN"),
    pytest.param({"edss": math.inf}, "edss", "EDSS must be a finite number", id="Infinity"),
    pytest.param({"edss": -math.inf}, "edss", "EDSS must be a finite number", id="minus Infinity"),
    pytest.param({"age": 10**400}, "age", "Age must be a finite number", id="integer too large for a float"),
    pytest.param({"platelets": math.nan}, "platelets", "finite number", id="NaN quantity"),
    pytest.param(
        {"platelets": {"value": math.inf, "unit": "/mm3"}},
        "platelets",
        "finite number",
        id="infinite quantity",
    ),
    # units
    pytest.param(
        {"platelets": {"value": 150, "unit": "bogus"}},
        "platelets",
        "unknown unit bogus for Platelets; use one of: 10^9/L, G/L, /mm3, /uL, /µL, cells/uL, 10^3/uL",
        id="unknown unit",
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": "g/L"}},
        "platelets",
        "unit g/L cannot be converted to 10^9/L for Platelets",
        id="grams per litre is not G/L",
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": "kg"}},
        "platelets",
        "unit kg cannot be converted to 10^9/L",
        id="wrong-dimension unit",
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": "10^6/L"}},
        "platelets",
        "unit 10^6/L is not accepted for Platelets",
        id="convertible but not accepted unit",
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": "10**10**10"}}, "platelets", "unknown unit", id="exponent bomb"
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": "oct"}}, "platelets", "unknown unit", id="logarithmic unit"
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": ""}}, "platelets", "Platelets needs a unit", id="empty unit"
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": 3}}, "platelets", "Platelets needs a unit", id="unit not text"
    ),
    pytest.param(
        {"platelets": {"value": 150, "unit": "/uL", "note": "fasting"}},
        "platelets",
        'Platelets must be a number or {"value": number, "unit": text}',
        id="dict with extra keys",
    ),
    pytest.param(
        {"platelets": {"value": 150}},
        "platelets",
        'Platelets must be a number or {"value": number, "unit": text}',
        id="dict without a unit",
    ),
    pytest.param(
        {"platelets": {"value": "150", "unit": "/uL"}},
        "platelets",
        "Platelets must be a number",
        id="value as text inside the dict",
    ),
    # since
    pytest.param(
        {"days_since_last_relapse": -1},
        "days_since_last_relapse",
        'days_since_last_relapse must be a number of days (0 or more) or "never"',
        id="negative since",
    ),
    pytest.param(
        {"days_since_last_relapse": "Never"}, "days_since_last_relapse", '"never"', id="Never capitalised"
    ),
    pytest.param({"days_since_last_relapse": "30"}, "days_since_last_relapse", '"never"', id="since as text"),
    pytest.param(
        {"days_since_last_relapse": True}, "days_since_last_relapse", '"never"', id="true for a since"
    ),
    pytest.param(
        {"days_since_last_relapse": math.inf}, "days_since_last_relapse", '"never"', id="infinite since"
    ),
    pytest.param({"days_since_last_relapse": 10**400}, "days_since_last_relapse", '"never"', id="huge since"),
    pytest.param(
        {"days_since_last_relapse": 43831},
        "days_since_last_relapse",
        'days_since_last_relapse must be a number of days from 0 to 43830, or "never"',
        id="since past its concept's maximum",
    ),
    pytest.param(
        {"days_since_last_relapse": 1e308}, "days_since_last_relapse", "from 0 to 43830", id="1e308 days"
    ),
    # dates
    pytest.param(
        {"birth_date": "2027-01-01"}, "birth_date", "birth_date is after the screening date", id="born later"
    ),
    pytest.param({"birth_date": "2026-11-22"}, "birth_date", "after the screening date", id="born tomorrow"),
    pytest.param(
        {"birth_date": "21/11/1990"}, "birth_date", "must be a date written YYYY-MM-DD", id="day first"
    ),
    pytest.param({"birth_date": "19901121"}, "birth_date", "YYYY-MM-DD", id="basic ISO format"),
    pytest.param({"birth_date": "2020-W01-1"}, "birth_date", "YYYY-MM-DD", id="ISO week date"),
    pytest.param({"birth_date": "1990-02-30"}, "birth_date", "YYYY-MM-DD", id="no such day"),
    pytest.param({"birth_date": "1990-11-21T00:00"}, "birth_date", "YYYY-MM-DD", id="date and time"),
    pytest.param({"birth_date": 19901121}, "birth_date", "YYYY-MM-DD", id="date as a number"),
    pytest.param(
        {"birth_date": "1900-01-01"}, "birth_date", "birth_date gives an age over 120", id="over 120"
    ),
    pytest.param(
        {"birth_date": "1899-12-31"},
        "birth_date",
        "birth_date must be a date between 1900-01-01 and 2100-12-31",
        id="before 1900",
    ),
    pytest.param({"birth_date": "0001-01-01"}, "birth_date", "between 1900-01-01", id="year 1"),
    # medications
    pytest.param(
        {"medications": [{"drug": "aspirin"}]},
        "medications",
        "medication 1: unknown drug code aspirin",
        id="unknown drug code",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab"}, {"drug": "ms_first_line"}]},
        "medications",
        "medication 2: unknown drug code ms_first_line",
        id="a class is not a drug",
    ),
    pytest.param(
        {"medications": [{"drug": 5}]}, "medications", "unknown drug code 5", id="drug code not text"
    ),
    pytest.param(
        {"medications": [{"days_since_last_dose": 3}]},
        "medications",
        'medication 1 must be an object with a "drug" code',
        id="item without a drug",
    ),
    pytest.param(
        {"medications": ["natalizumab"]},
        "medications",
        'medication 1 must be an object with a "drug" code',
        id="item as a bare code",
    ),
    pytest.param(
        {"medications": {"drug": "natalizumab"}},
        "medications",
        "medications must be a list of treatments (an empty list means none)",
        id="a single object instead of a list",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab", "dose": 3}]},
        "medications",
        "medication 1 has unknown fields: dose",
        id="item with an unknown field",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab", "days_since_last_dose": -2}]},
        "medications",
        "medication 1: days_since_last_dose must be a number, 0 or more",
        id="negative days since last dose",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab", "days_since_last_dose": 1e308}]},
        "medications",
        "medication 1: days_since_last_dose must be at most 43920",
        id="1e308 days since last dose",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab", "months_on_treatment": 10**5}]},
        "medications",
        "medication 1: months_on_treatment must be at most 1440",
        id="a hundred thousand months on treatment",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab", "months_on_treatment": "6"}]},
        "medications",
        "medication 1: months_on_treatment must be a number, 0 or more",
        id="months on treatment as text",
    ),
    pytest.param(
        {"medications": [{"drug": "natalizumab", "months_on_treatment": math.nan}]},
        "medications",
        "months_on_treatment must be a number",
        id="NaN months on treatment",
    ),
    # answers that are each valid but inconsistent
    pytest.param(
        {"relapses_12m": 3, "relapses_24m": 2},
        "relapses_24m",
        "relapses in 24 months cannot be fewer than relapses in 12 months",
        id="relapses_24m below relapses_12m",
    ),
    pytest.param(
        {"sex": "male", "pregnant": True}, "pregnant", "this answer only applies to women", id="pregnant man"
    ),
    pytest.param(
        # A man is taken as not of childbearing potential when he does not say (implied), so a
        # "yes" would give other verdicts depending on which question came first.
        {"sex": "male", "childbearing_potential": True},
        "childbearing_potential",
        "this answer only applies to women",
        id="man of childbearing potential",
    ),
    pytest.param(
        {"birth_date": "1990-11-21", "age": 35},
        "age",
        "age does not match birth_date (36 on 2026-11-21)",
        id="age inconsistent with birth_date",
    ),
    pytest.param(
        {"age": 37, "birth_date": "1990-11-21"},
        "age",
        "age does not match birth_date (36 on 2026-11-21)",
        id="age inconsistent with birth_date given first",
    ),
]


@pytest.mark.parametrize(("raw", "key", "message"), INVALID)
def test_every_error_is_keyed_by_its_concept_and_names_the_problem(raw, key, message):
    result = validate(raw)
    assert not result.ok
    assert list(result.errors) == [key]
    assert message in result.errors[key]


def test_every_invalid_answer_is_reported_not_only_the_first():
    result = validate({"age": "x", "edss": 11, "foo": 1, "sex": "F", "pregnant": False})
    assert set(result.errors) == {"age", "edss", "foo", "sex"}
    assert result.values == {"pregnant": False}


@pytest.mark.parametrize("raw", [[], "age=34", None, 34, [{"age": 34}]], ids=repr)
def test_answers_that_are_not_an_object_are_refused_under_answers(raw):
    result = validate(raw)
    assert result.errors == {"answers": "answers must be an object mapping concept codes to values"}
    assert result.values == {}


# --- Values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param({"age": 34}, {"age": 34}, id="integer"),
        pytest.param({"age": 34.0}, {"age": 34}, id="whole float as an integer"),
        pytest.param({"edss": 3.5}, {"edss": 3.5}, id="number on the step"),
        pytest.param({"edss": 0}, {"edss": 0}, id="lowest EDSS"),
        pytest.param({"edss": 10}, {"edss": 10}, id="highest EDSS"),
        pytest.param({"sex": "female"}, {"sex": "female"}, id="choice"),
        pytest.param({"pregnant": False}, {"pregnant": False}, id="boolean"),
        pytest.param({"platelets": 150}, {"platelets": 150.0}, id="bare quantity in the canonical unit"),
        pytest.param({"days_since_last_relapse": 0}, {"days_since_last_relapse": 0.0}, id="since today"),
        pytest.param({"days_since_last_relapse": "never"}, {"days_since_last_relapse": NEVER}, id="never"),
        pytest.param(
            {"relapses_12m": 2, "relapses_24m": 2},
            {"relapses_12m": 2, "relapses_24m": 2},
            id="equal relapses",
        ),
        pytest.param({"medications": []}, {"medications": ()}, id="no medication"),
        pytest.param(
            {"medications": [{"drug": "natalizumab", "days_since_last_dose": 40, "months_on_treatment": 24}]},
            {"medications": (Medication("natalizumab", 40.0, 24.0),)},
            id="medication with timing",
        ),
        pytest.param(
            {
                "medications": [
                    {"drug": "fingolimod", "days_since_last_dose": None, "months_on_treatment": "unknown"}
                ]
            },
            {"medications": (Medication("fingolimod", None, None),)},
            id="medication with unknown timing",
        ),
        pytest.param(
            {"medications": [{"drug": "fingolimod"}, {"drug": "natalizumab", "days_since_last_dose": 0}]},
            {"medications": (Medication("fingolimod"), Medication("natalizumab", 0.0))},
            id="several medications in order",
        ),
    ],
)
def test_valid_answers_become_canonical_values(raw, expected):
    result = validate(raw)
    assert result.errors == {}
    assert result.values == expected
    assert result.display == {}


def test_an_integer_answer_written_as_a_float_is_stored_as_an_int():
    assert type(validate({"age": 34.0}).values["age"]) is int


def test_never_is_infinitely_long_ago():
    assert validate({"days_since_last_relapse": "never"}).values["days_since_last_relapse"] == math.inf


@pytest.mark.parametrize(
    ("value", "unit", "display"),
    [
        pytest.param(150_000, "/mm3", "150000 /mm3 (= 150 ×10⁹/L)", id="per mm3"),
        pytest.param(150_000, "/uL", "150000 /uL (= 150 ×10⁹/L)", id="per uL"),
        pytest.param(150_000, "/µL", "150000 /uL (= 150 ×10⁹/L)", id="per µL"),
        pytest.param(150_000, "cells/uL", "150000 /uL (= 150 ×10⁹/L)", id="cells per uL"),
        pytest.param(150, "10^3/uL", "150 10^3/uL (= 150 ×10⁹/L)", id="thousands per uL"),
        pytest.param(150, "G/L", "150 G/L (= 150 ×10⁹/L)", id="G/L"),
        pytest.param(150, "G/L ", "150 G/L (= 150 ×10⁹/L)", id="G/L with a trailing space"),
        pytest.param(150, "10^9/L", "", id="the canonical unit"),
    ],
)
def test_every_accepted_unit_converts_to_the_same_canonical_value(value, unit, display):
    result = validate({"platelets": {"value": value, "unit": unit}})
    assert result.errors == {}
    assert result.values == {"platelets": 150.0}
    assert result.display.get("platelets", "") == display


def test_the_display_keeps_how_the_patient_wrote_a_converted_value():
    result = validate({"platelets": {"value": 120000, "unit": "/mm3"}})
    assert result.values == {"platelets": 120.0}
    assert result.display == {"platelets": "120000 /mm3 (= 120 ×10⁹/L)"}


@pytest.mark.parametrize(
    ("birth_date", "as_of", "age"),
    [
        pytest.param("1990-11-22", AS_OF, 35, id="the day before the 36th birthday"),
        pytest.param("1990-11-21", AS_OF, 36, id="the day of the 36th birthday"),
        pytest.param("1990-11-20", AS_OF, 36, id="the day after the 36th birthday"),
        pytest.param("2026-11-21", AS_OF, 0, id="born on the screening date"),
        pytest.param("2000-02-29", date(2025, 2, 28), 24, id="leap-day birthday, 28 February"),
        pytest.param("2000-02-29", date(2025, 3, 1), 25, id="leap-day birthday, 1 March"),
        pytest.param("2000-02-29", date(2024, 2, 29), 24, id="leap-day birthday in a leap year"),
        pytest.param("1906-11-21", AS_OF, 120, id="exactly 120"),
    ],
)
def test_birth_date_gives_the_age_on_the_screening_date(birth_date, as_of, age):
    result = validate({"birth_date": birth_date}, as_of)
    assert result.errors == {}
    assert result.values["age"] == age
    assert result.values["birth_date"] == date.fromisoformat(birth_date)


def test_an_age_consistent_with_birth_date_is_accepted():
    result = validate({"birth_date": "1990-11-22", "age": 35})
    assert result.errors == {}
    assert result.values["age"] == 35


def test_the_same_birth_date_gives_a_different_age_on_another_screening_date():
    assert validate({"birth_date": "1990-11-22"}, date(2026, 11, 21)).values["age"] == 35
    assert validate({"birth_date": "1990-11-22"}, date(2026, 11, 22)).values["age"] == 36


def test_a_man_is_not_asked_whether_he_is_pregnant():
    result = validate({"sex": "male"})
    assert result.errors == {}
    assert result.values["pregnant"] is False
    assert validate({"sex": "male", "pregnant": False}).errors == {}
    assert "pregnant" not in validate({"sex": "female"}).values


@pytest.mark.parametrize("marker", [None, "unknown"], ids=["null", "unknown"])
@pytest.mark.parametrize("code", sorted(CONCEPTS))
def test_null_and_unknown_mean_not_known_for_every_concept(code, marker):
    result = validate({code: marker})
    assert result.errors == {}
    assert result.values == {}


def test_an_omitted_concept_means_not_known():
    result = validate({})
    assert result.ok
    assert result.values == {}


def test_an_unknown_age_does_not_conflict_with_birth_date():
    result = validate({"birth_date": "1990-11-21", "age": None})
    assert result.errors == {}
    assert result.values["age"] == 36


# --- Properties ----------------------------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["never", "unknown", "female", "male", "1990-11-21", "natalizumab", "G/L", "/mm3"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
UNITS = st.sampled_from([*CELL_COUNT_UNITS, "g/L", "kg", "oct", "degC", "10**10**10", "9^9^9", ""]) | st.text(
    max_size=12
)
QUANTITIES = st.fixed_dictionaries({"value": JSON_SCALARS, "unit": UNITS | JSON_SCALARS})
MEDICATION_ITEMS = st.fixed_dictionaries(
    {"drug": st.sampled_from([*DRUG_CODES, "aspirin"]) | JSON_SCALARS},
    optional={
        "days_since_last_dose": JSON_SCALARS,
        "months_on_treatment": JSON_SCALARS,
        "dose": JSON_SCALARS,
    },
)
ANY_ANSWER = JSON_VALUES | QUANTITIES | st.lists(MEDICATION_ITEMS | JSON_VALUES, max_size=3)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(code=st.sampled_from(sorted(CONCEPTS)), value=ANY_ANSWER)
def test_any_json_value_for_any_concept_validates_or_gives_an_error_keyed_by_that_concept(code, value):
    result = validate({code: value})
    assert set(result.errors) <= {code}
    if result.errors:
        assert isinstance(result.errors[code], str)
        assert result.errors[code]
        assert code not in result.values
    elif value is not None and value != "unknown":
        assert code in result.values


@PROPERTY_SETTINGS
@given(answers=st.dictionaries(st.sampled_from([*CONCEPTS, "foo"]), ANY_ANSWER, max_size=4))
def test_any_json_object_of_answers_never_makes_validation_raise(answers):
    result = validate(answers)
    assert set(result.errors) <= set(answers)
    assert all(isinstance(message, str) and message for message in result.errors.values())


PLATELETS_BELOW_150 = (
    compile_plan(
        [TrialSpec("T", (Criterion(Kind.EXCLUSION, Leaf("platelets", "lt", (150_000,), "/mm3")),))], CONCEPTS
    )
    .trials[0]
    .screened[0]
    .node
)


@PROPERTY_SETTINGS
@given(per_mm3=st.integers(min_value=0, max_value=5_000_000))
def test_a_count_in_per_mm3_and_in_g_per_l_gives_the_same_value_and_the_same_verdict(per_mm3):
    in_mm3 = validate({"platelets": {"value": per_mm3, "unit": "/mm3"}})
    in_giga = validate({"platelets": {"value": per_mm3 / 1000, "unit": "G/L"}})
    assert in_mm3.errors == in_giga.errors == {}
    assert in_mm3.values["platelets"] == in_giga.values["platelets"] == per_mm3 / 1000
    status = detail(PLATELETS_BELOW_150, in_mm3.values).status
    assert status == detail(PLATELETS_BELOW_150, in_giga.values).status
    assert status == (Status.MET if per_mm3 < 150_000 else Status.NOT_MET)


@PROPERTY_SETTINGS
@given(half_steps=st.integers(min_value=-40, max_value=60))
def test_edss_is_accepted_exactly_on_half_points_from_0_to_10(half_steps):
    value = half_steps / 2
    result = validate({"edss": value})
    assert result.ok == (0 <= value <= 10)
    if result.ok:
        assert result.values["edss"] == value
