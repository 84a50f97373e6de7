"""Unit conversion for laboratory values and durations (engine.units).

Pure tests: no database, no Django. Every notation accepted by concepts.md is converted in
both directions, and the answers that would be silently wrong if confused ("G/L" cells vs
"g/L" grams) are pinned down.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import units
from engine.units import DimensionError, UnitError, convert, factor, is_accepted, normalise, tidy

CELL_COUNT_UNITS = ("10^9/L", "G/L", "/mm3", "/uL", "/µL", "cells/uL", "10^3/uL")
CD4_UNITS = ("10^6/L", "cells/uL", "/mm3", "10^9/L")
MICRO_SIGN = "\u00b5"  # µ as typed on most keyboards
GREEK_MU = "\u03bc"  # μ, the Greek letter, which some lab systems export


# value, unit, target unit, expected value: every pair must convert exactly (tidy() rounds away
# binary noise), so these are compared with ==.
EXACT_CONVERSIONS = [
    # Cell counts: 1 /mm3 = 1 /µL = 10^6/L, and "G/L" means 10^9/L.
    pytest.param(150_000, "/mm3", "10^9/L", 150.0, id="150000 /mm3 is 150 x10^9/L"),
    pytest.param(150, "10^9/L", "/mm3", 150_000.0, id="150 x10^9/L is 150000 /mm3"),
    pytest.param(150, "G/L", "10^9/L", 150.0, id="150 G/L is 150 x10^9/L"),
    pytest.param(150, "10^9/L", "G/L", 150.0, id="150 x10^9/L is 150 G/L"),
    pytest.param(150_000, "/mm3", "G/L", 150.0, id="150000 /mm3 is 150 G/L"),
    pytest.param(150, "G/L", "/mm3", 150_000.0, id="150 G/L is 150000 /mm3"),
    pytest.param(150_000, "/uL", "10^9/L", 150.0, id="150000 /uL is 150 x10^9/L"),
    pytest.param(150, "10^9/L", "/uL", 150_000.0, id="150 x10^9/L is 150000 /uL"),
    pytest.param(150_000, f"/{MICRO_SIGN}L", "10^9/L", 150.0, id="150000 per microlitre (micro sign)"),
    pytest.param(150_000, f"/{GREEK_MU}L", "10^9/L", 150.0, id="150000 per microlitre (greek mu)"),
    pytest.param(150_000, "cells/uL", "10^9/L", 150.0, id="150000 cells/uL is 150 x10^9/L"),
    pytest.param(150_000, f"cells/{MICRO_SIGN}L", "10^9/L", 150.0, id="150000 cells/µL is 150 x10^9/L"),
    pytest.param(150, "10^9/L", "cells/uL", 150_000.0, id="150 x10^9/L is 150000 cells/uL"),
    pytest.param(150, "10^3/uL", "10^9/L", 150.0, id="150 x10^3/uL is 150 x10^9/L"),
    pytest.param(150, "10^9/L", "10^3/uL", 150.0, id="150 x10^9/L is 150 x10^3/uL"),
    pytest.param(150_000, "/mm³", "10^9/L", 150.0, id="superscript cubed mm"),
    pytest.param(150, "×10^9/L", "10^9/L", 150.0, id="multiplication sign prefix"),
    pytest.param(150, "x10^9/L", "10^9/L", 150.0, id="letter x prefix"),
    pytest.param(150, "10^9/l", "10^9/L", 150.0, id="lower-case litre"),
    pytest.param(150, " G/L ", "10^9/L", 150.0, id="surrounding spaces"),
    pytest.param(4_500, "/mm3", "10^9/L", 4.5, id="white cells 4500 /mm3 is 4.5 x10^9/L"),
    pytest.param(500, "/mm3", "10^9/L", 0.5, id="neutrophils 500 /mm3 is 0.5 x10^9/L"),
    # CD4 counts: canonical 10^6/L, which is cells/uL and /mm3.
    pytest.param(200, "cells/uL", "10^6/L", 200.0, id="cd4 200 cells/uL is 200 x10^6/L"),
    pytest.param(200, "10^6/L", "cells/uL", 200.0, id="cd4 200 x10^6/L is 200 cells/uL"),
    pytest.param(200, "/mm3", "10^6/L", 200.0, id="cd4 200 /mm3 is 200 x10^6/L"),
    pytest.param(200, "10^6/L", "/mm3", 200.0, id="cd4 200 x10^6/L is 200 /mm3"),
    pytest.param(0.2, "10^9/L", "10^6/L", 200.0, id="cd4 0.2 x10^9/L is 200 x10^6/L"),
    pytest.param(200, "10^6/L", "10^9/L", 0.2, id="cd4 200 x10^6/L is 0.2 x10^9/L"),
    # Haemoglobin: canonical g/dL.
    pytest.param(135, "g/L", "g/dL", 13.5, id="135 g/L is 13.5 g/dL"),
    pytest.param(13.5, "g/dL", "g/L", 135.0, id="13.5 g/dL is 135 g/L"),
    pytest.param(80, "g/L", "g/dL", 8.0, id="80 g/L is 8 g/dL"),
    # Creatinine clearance: canonical mL/min.
    pytest.param(1.5, "mL/s", "mL/min", 90.0, id="1.5 mL/s is 90 mL/min"),
    pytest.param(90, "mL/min", "mL/s", 1.5, id="90 mL/min is 1.5 mL/s"),
    pytest.param(60, "mL/min/1.73m2", "mL/min/1.73m2", 60.0, id="egfr unit to itself"),
    # Durations: a month is a twelfth of a Julian year (30.4375 days).
    pytest.param(3, "months", "days", 91.3125, id="3 months is 91.3125 days"),
    pytest.param(6, "months", "days", 182.625, id="6 months is 182.625 days"),
    pytest.param(1, "month", "days", 30.4375, id="1 month is 30.4375 days"),
    pytest.param(91.3125, "days", "months", 3.0, id="91.3125 days is 3 months"),
    pytest.param(182.625, "days", "months", 6.0, id="182.625 days is 6 months"),
    pytest.param(2, "years", "months", 24.0, id="2 years is 24 months"),
    pytest.param(1, "year", "days", 365.25, id="1 year is 365.25 days"),
    pytest.param(2, "weeks", "days", 14.0, id="2 weeks is 14 days"),
    pytest.param(12, "months", "years", 1.0, id="12 months is 1 year"),
]


@pytest.mark.parametrize(("value", "unit", "target", "expected"), EXACT_CONVERSIONS)
def test_it_converts_every_accepted_notation_exactly(value, unit, target, expected):
    assert convert(value, unit, target) == expected


@pytest.mark.parametrize(
    ("value", "unit", "target", "expected"),
    [
        pytest.param(10, "kPa", "mmHg", 75.00615758456563, id="10 kPa is about 75.006 mmHg"),
        pytest.param(1, "kPa", "mmHg", 7.500615758456563, id="1 kPa is about 7.5006 mmHg"),
        pytest.param(75, "mmHg", "kPa", 9.99917905612, id="75 mmHg is about 9.999 kPa"),
        pytest.param(760, "mmHg", "kPa", 101.3250144354, id="760 mmHg is about 101.325 kPa"),
        pytest.param(1, "mL/min", "mL/s", 1 / 60, id="1 mL/min is a sixtieth of a mL/s"),
        pytest.param(1, "days", "months", 1 / 30.4375, id="1 day in months"),
    ],
)
def test_it_converts_inexact_factors_to_within_rounding(value, unit, target, expected):
    assert convert(value, unit, target) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("unit", "target"),
    [
        pytest.param("kPa", "mmHg", id="kPa and mmHg"),
        pytest.param("mL/s", "mL/min", id="mL/s and mL/min"),
        pytest.param("months", "days", id="months and days"),
        pytest.param("g/L", "g/dL", id="g/L and g/dL"),
        pytest.param("/mm3", "10^9/L", id="/mm3 and 10^9/L"),
        pytest.param("cells/uL", "10^6/L", id="cells/uL and 10^6/L"),
    ],
)
@pytest.mark.parametrize("value", [0.0, 0.5, 7.3, 150.0, 9_999.0])
def test_it_round_trips_a_value_through_both_directions(unit, target, value):
    there = convert(value, unit, target)
    back = convert(there, target, unit)
    assert back == pytest.approx(value, rel=1e-11, abs=1e-12)


@pytest.mark.parametrize(
    ("unit", "target", "expected"),
    [
        pytest.param("/mm3", "10^6/L", 1.0, id="one per mm3 is one per microlitre"),
        pytest.param("G/L", "10^9/L", 1.0, id="G/L is 10^9/L"),
        pytest.param("10^9/L", "10^6/L", 1000.0, id="10^9/L is a thousand 10^6/L"),
        pytest.param("g/dL", "g/L", 10.0, id="g/dL is ten g/L"),
        pytest.param("mL/s", "mL/min", 60.0, id="mL/s is sixty mL/min"),
        pytest.param("years", "months", 12.0, id="a year is twelve months"),
        pytest.param("%", "%", 1.0, id="percent to itself"),
        pytest.param("x ULN", "x ULN", 1.0, id="times upper limit of normal to itself"),
        pytest.param("× ULN", "x ULN", 1.0, id="multiplication sign ULN to letter x ULN"),
        pytest.param("mL/min/1.73m2", "mL/min", 1.0, id="egfr notation reads as mL/min"),
    ],
)
def test_factor_gives_how_many_target_units_one_unit_is(unit, target, expected):
    assert factor(unit, target) == pytest.approx(expected, rel=1e-12)


def test_tidy_makes_150000_per_mm3_compare_exactly_equal_to_150():
    raw = 150_000 * factor("/mm3", "10^9/L")
    assert raw != 150  # the binary noise tidy() exists for
    assert tidy(raw) == 150.0
    assert convert(150_000, "/mm3", "10^9/L") == 150.0
    assert convert(150_000, "/mm3", "10^9/L") == convert(150, "G/L", "10^9/L")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(150.00000000000003, 150.0, id="noise above"),
        pytest.param(149.99999999999997, 150.0, id="noise below"),
        pytest.param(0.30000000000000004, 0.3, id="point one plus point two"),
        pytest.param(123.456, 123.456, id="real digits are kept"),
        pytest.param(0.000123456789012, 0.000123456789012, id="small values keep twelve significant digits"),
        pytest.param(0.0, 0.0, id="zero"),
    ],
)
def test_tidy_rounds_away_binary_noise_but_keeps_real_digits(raw, expected):
    assert tidy(raw) == expected


@pytest.mark.parametrize("value", [150, 7.5, 0.0])
def test_convert_with_no_unit_or_the_canonical_unit_returns_the_value_unchanged(value):
    assert convert(value, "", "10^9/L") == value
    assert convert(value, "10^9/L", "10^9/L") == value
    assert isinstance(convert(value, "", "10^9/L"), float)


@pytest.mark.parametrize(
    ("unit", "target"),
    [
        pytest.param("bogus", "10^9/L", id="made-up word"),
        pytest.param("xyz/L", "10^9/L", id="made-up count per litre"),
        pytest.param("10^9/L", "bogus", id="unknown target"),
        pytest.param("cells per litre", "10^9/L", id="prose"),
        pytest.param("degC", "10^9/L", id="offset temperature unit"),
        pytest.param("oct", "10^9/L", id="logarithmic unit"),
        pytest.param("a" * 41, "10^9/L", id="absurdly long notation"),
        pytest.param("2**2", "10^9/L", id="numeric power"),
        pytest.param("mm^3^3", "10^9/L", id="chained power"),
    ],
)
def test_it_rejects_unknown_units(unit, target):
    with pytest.raises(UnitError):
        factor(unit, target)
    with pytest.raises(UnitError):
        convert(1, unit, target)


@pytest.mark.parametrize(
    ("unit", "target"),
    [
        pytest.param("g/L", "10^9/L", id="grams per litre is not a cell count"),
        pytest.param("g/dL", "/mm3", id="grams per decilitre is not a cell count"),
        pytest.param("G/L", "g/dL", id="giga-cells per litre is not grams"),
        pytest.param("G/L", "g/L", id="G/L and g/L differ"),
        pytest.param("kg", "10^9/L", id="mass is not a concentration"),
        pytest.param("mmHg", "mL/min", id="pressure is not a flow"),
        pytest.param("kPa", "days", id="pressure is not a duration"),
        pytest.param("days", "g/dL", id="duration is not a concentration"),
        pytest.param("months", "mmHg", id="duration is not a pressure"),
        pytest.param("mL/min", "days", id="flow is not a duration"),
        pytest.param("furlong", "10^9/L", id="length is not a cell count"),
    ],
)
def test_it_rejects_units_of_the_wrong_dimension(unit, target):
    with pytest.raises(DimensionError, match="cannot be converted"):
        factor(unit, target)
    with pytest.raises(UnitError):
        convert(1, unit, target)


def test_an_unknown_unit_is_not_reported_as_a_dimension_problem():
    with pytest.raises(UnitError) as caught:
        factor("bogus", "10^9/L")
    assert not isinstance(caught.value, DimensionError)
    assert "unknown unit 'bogus'" in str(caught.value)


def test_unit_error_is_a_value_error():
    assert issubclass(UnitError, ValueError)
    assert issubclass(DimensionError, UnitError)


def test_capital_g_per_litre_is_a_cell_count_and_small_g_per_litre_is_grams():
    assert convert(150, "G/L", "10^9/L") == 150.0
    assert convert(150, "g/L", "g/dL") == 15.0
    with pytest.raises(UnitError):
        convert(150, "g/L", "10^9/L")
    with pytest.raises(UnitError):
        convert(150, "G/L", "g/dL")


@pytest.mark.parametrize(
    ("unit", "accepted", "expected"),
    [
        pytest.param("G/L", CELL_COUNT_UNITS, "G/L", id="G/L among cell count units"),
        pytest.param("g/L", CELL_COUNT_UNITS, None, id="g/L is not a cell count unit"),
        pytest.param("g/L", ("g/dL", "g/L"), "g/L", id="g/L among haemoglobin units"),
        pytest.param("G/L", ("g/dL", "g/L"), None, id="G/L is not a haemoglobin unit"),
        pytest.param("10^9/l", CELL_COUNT_UNITS, "10^9/L", id="case does not matter"),
        pytest.param(" /mm3 ", CELL_COUNT_UNITS, "/mm3", id="spaces do not matter"),
        pytest.param("/mm³", CELL_COUNT_UNITS, "/mm3", id="superscript three"),
        pytest.param("10^3/uL", CELL_COUNT_UNITS, "10^3/uL", id="thousands per microlitre"),
        pytest.param("mL/s", ("mL/min", "mL/s"), "mL/s", id="clearance in mL/s"),
        pytest.param("kPa", ("mmHg", "kPa"), "kPa", id="blood gas in kPa"),
        pytest.param("10^6/L", CELL_COUNT_UNITS, None, id="convertible but not listed"),
        pytest.param("bogus", CELL_COUNT_UNITS, None, id="unknown"),
    ],
)
def test_is_accepted_returns_the_listed_spelling_or_none(unit, accepted, expected):
    assert is_accepted(unit, accepted) == expected


@pytest.mark.parametrize(
    "unit",
    ["/uL", f"/{MICRO_SIGN}L", f"/{GREEK_MU}L", "cells/uL", f"cells/{MICRO_SIGN}L", "/UL"],
)
def test_every_per_microlitre_spelling_is_accepted_for_cell_counts_and_converts_to_the_same_value(unit):
    spelling = is_accepted(unit, CELL_COUNT_UNITS)
    assert spelling is not None
    assert convert(150_000, spelling, "10^9/L") == 150.0
    assert convert(150_000, unit, "10^9/L") == 150.0


@pytest.mark.parametrize("unit", CD4_UNITS)
def test_every_cd4_unit_of_concepts_md_converts_to_the_canonical_unit(unit):
    per_unit = {"10^6/L": 1.0, "cells/uL": 1.0, "/mm3": 1.0, "10^9/L": 1000.0}[unit]
    assert convert(1, unit, "10^6/L") == per_unit


@pytest.mark.parametrize("unit", CELL_COUNT_UNITS)
def test_every_cell_count_unit_of_concepts_md_converts_to_the_canonical_unit(unit):
    per_unit = {"10^9/L": 1.0, "G/L": 1.0, "10^3/uL": 1.0}.get(unit, 0.001)
    assert convert(1, unit, "10^9/L") == per_unit


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param("cells/µL", "/uL", id="cells and micro sign"),
        pytest.param("×10^9/L", "10^9/L", id="multiplication sign prefix"),
        pytest.param("/mm³", "/mm3", id="superscript"),
        pytest.param(" 10^9 / L ", "10^9/L", id="spaces"),
        pytest.param("ML/MIN", "mL/min", id="case"),
    ],
)
def test_normalise_ignores_typographic_variants(left, right):
    assert normalise(left) == normalise(right)


def test_normalise_keeps_g_per_litre_and_g_per_decilitre_apart():
    assert normalise("g/L") != normalise("g/dL")


@pytest.mark.parametrize("unit", ["10**10**10", "9^9^9", "3^3^3^3", "L**9**9**9"])
def test_it_refuses_exponent_bombs_without_hanging(unit):
    # Run in a child process: if the guard ever regresses, pint would evaluate the power and
    # never return, and the timeout turns that into a failure instead of a hung test run.
    code = (
        "from engine import units\n"
        "try:\n"
        f"    units.factor({unit!r}, '10^9/L')\n"
        "except units.UnitError:\n"
        "    print('refused')\n"
    )
    root = Path(units.__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.strip() == "refused", done.stderr
