"""Unit conversion for laboratory values and durations, delegated to pint.

The registry's own notations ("G/L", "/mm3", "10^9/L", "mL/min/1.73m2") are spelled
differently from pint's; `_pint_expression` only rewrites the notation, pint does the
arithmetic. Conversion factors are cached because every unit here is multiplicative.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pint


class UnitError(ValueError):
    pass


@cache
def registry() -> pint.UnitRegistry:
    return pint.UnitRegistry()


# Notations pint cannot read as written. "G/L" is giga-per-litre of cells, i.e. 10^9/L;
# "cells" are counts, which pint treats as dimensionless.
_NOTATIONS = {
    "g/l": "g/L",
    "g/dl": "g/dL",
    "%": "percent",
    "x uln": "dimensionless",
    "mmhg": "mmHg",
    "kpa": "kPa",
    "ml/min": "mL/min",
    "ml/s": "mL/s",
    "ml/min/1.73m2": "mL/min",
    "days": "day",
    "day": "day",
    "weeks": "week",
    "week": "week",
    "months": "month",
    "month": "month",
    "years": "year",
    "year": "year",
    "hours": "hour",
    "mm[hg]": "mmHg",
}

# UCUM (the unit codes of FHIR and HL7) spelled as the vocabulary's accepted units; anything
# not listed is taken as written, which covers "/mm3", "g/dL", "mL/min", "kPa", "%".
_UCUM = {
    "10*9/l": "10^9/L",
    "10*6/l": "10^6/L",
    "10*3/ul": "10^3/uL",
    "10*3/mm3": "10^3/uL",
    "/ul": "/uL",
    "{cells}/ul": "cells/uL",
    "mm[hg]": "mmHg",
    "ml/min/{1.73_m2}": "mL/min/1.73m2",
    "ml/min/1.73.m2": "mL/min/1.73m2",
    "ml/min/{1.73m2}": "mL/min/1.73m2",
}


def normalise(unit: str) -> str:
    """A comparison key: case, spaces and typographic variants do not matter."""
    key = unit.strip().lower()
    for old, new in (("µ", "u"), ("μ", "u"), ("²", "2"), ("³", "3"), ("×", "x"), (" ", "")):
        key = key.replace(old, new)
    key = key.replace("cells/", "/").replace("x10", "10")
    return key


def from_ucum(code: str) -> str:
    """The vocabulary's spelling of a UCUM unit code ("10*9/L" -> "10^9/L", "mm[Hg]" ->
    "mmHg"), so that `is_accepted` recognises units written by laboratory systems."""
    return _UCUM.get(normalise(code), code.strip())


def _pint_expression(unit: str) -> str:
    key = normalise(unit)
    if key == "g/l" and unit.strip().startswith("G"):
        return "1e9 / L"  # "G/L" (giga-cells per litre), not grams per litre
    if key in _NOTATIONS:
        return _NOTATIONS[key]
    key = re.sub(r"(mm|cm|dm|m)([23])\b", r"\1**\2", key)  # mm3 -> mm**3
    key = re.sub(r"10\^(\d+)", r"1e\1 ", key)  # 10^9/L -> 1e9 /L
    key = re.sub(r"10\*(\d+)", r"1e\1 ", key)  # UCUM 10*9/L -> 1e9 /L (pint would read 90/L)
    key = re.sub(r"\{[^}]*\}", "", key)  # UCUM annotations ({cells}/uL) carry no dimension
    key = key.replace("ul", "uL").replace("ml", "mL").replace("dl", "dL")
    key = re.sub(r"(?<![a-zA-Z])l\b", "L", key)
    if key.startswith("/"):
        key = "1" + key
    return key


@lru_cache(maxsize=512)
def _parse(unit: str) -> pint.Quantity:
    try:
        return registry().Quantity(1, registry().parse_units(_pint_expression(unit)))
    except Exception:  # pint raises several unrelated types for bad input
        try:
            return registry().Quantity(_pint_expression(unit))
        except Exception:
            raise UnitError(f"unknown unit {unit!r}") from None


@lru_cache(maxsize=1024)
def factor(unit: str, canonical: str) -> float:
    """How many `canonical` units one `unit` is. Raises UnitError on unknown units or
    incompatible dimensions."""
    source, target = _parse(unit), _parse(canonical)
    try:
        return float((source / target).to("dimensionless").magnitude)
    except pint.DimensionalityError:
        raise UnitError(f"{unit} cannot be converted to {canonical}") from None


def tidy(value: float) -> float:
    """Rounds away binary noise (150000 /mm3 is 150.00000000000003 x 10^9/L otherwise),
    so that thresholds and answers written in different units compare exactly."""
    return float(f"{value:.12g}")


def convert(value: float, unit: str, canonical: str) -> float:
    if not unit or normalise(unit) == normalise(canonical):
        return float(value)
    return tidy(value * factor(unit, canonical))


def is_accepted(unit: str, accepted: tuple[str, ...]) -> str | None:
    """Returns the accepted spelling matching `unit`, or None."""
    key = normalise(unit)
    for candidate in accepted:
        if normalise(candidate) == key and (key != "g/l" or candidate[:1] == unit.strip()[:1]):
            return candidate
    return None
