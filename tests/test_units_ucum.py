"""UCUM unit codes, as FHIR laboratory results carry them, read by the shared units layer."""

import pytest

from engine import units


@pytest.mark.parametrize(
    ("ucum", "vocabulary"),
    [
        ("10*9/L", "10^9/L"),
        ("10*6/L", "10^6/L"),
        ("10*3/uL", "10^3/uL"),
        ("{cells}/uL", "cells/uL"),
        ("mm[Hg]", "mmHg"),
        ("mL/min/{1.73_m2}", "mL/min/1.73m2"),
        ("/mm3", "/mm3"),
        ("g/dL", "g/dL"),
        ("kPa", "kPa"),
    ],
)
def test_it_spells_ucum_codes_as_the_vocabulary_does(ucum, vocabulary):
    assert units.from_ucum(ucum) == vocabulary


@pytest.mark.parametrize(
    ("unit", "canonical", "expected"),
    [
        ("10*9/L", "10^9/L", 1.0),  # pint alone would read 10*9 as 90
        ("10*3/uL", "10^9/L", 1.0),
        ("10*3/mm3", "10^9/L", 1.0),
        ("{cells}/uL", "10^6/L", 1.0),
        ("mm[Hg]", "mmHg", 1.0),
        ("/L", "10^9/L", 1e-9),
        ("/mm3", "10^9/L", 1e-3),
    ],
)
def test_it_converts_ucum_units(unit, canonical, expected):
    assert units.factor(unit, canonical) == pytest.approx(expected)


def test_it_refuses_a_molar_concentration_for_a_mass_concentration():
    with pytest.raises(units.UnitError):
        units.factor("mmol/L", "g/dL")
