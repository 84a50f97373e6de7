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


class DimensionError(UnitError):
    """Both units are known, but they measure different things (grams vs cells, mL/min vs days)."""


@cache
def registry() -> pint.UnitRegistry:
    return pint.UnitRegistry()


# Notations pint cannot read as written. "G/L" is giga-per-litre of cells, i.e. 10^9/L;
# "cells" are counts, which pint treats as dimensionless.
_NOTATIONS = {
    "g/l": "g/L",
    "g/dl": "g/dL",
    "%": "percent",
    "xuln": "dimensionless",  # normalise() has already dropped the space of "x ULN"
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


# Longer than any real unit notation; bounds the work pint does on untrusted input.
MAX_UNIT_LENGTH = 40
# A power of a unit symbol ("mm**3", "m^2"); every other power is refused before pint sees it,
# because pint evaluates numeric powers eagerly and "10**10**10" would never return.
_UNIT_POWER = re.compile(r"(?<=[a-zA-Z])\s*(\*\*|\^)\s*-?[1-3](?![0-9.^*])")


@lru_cache(maxsize=512)
def _parse(unit: str) -> pint.Quantity:
    expression = _pint_expression(unit)
    remaining = _UNIT_POWER.sub("", expression)
    if len(unit) > MAX_UNIT_LENGTH or "**" in remaining or "^" in remaining:
        raise UnitError(f"unknown unit {unit!r}")
    try:
        return registry().Quantity(1, registry().parse_units(expression))
    except Exception:  # pint raises several unrelated types for bad input
        try:
            return registry().Quantity(expression)
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
        raise DimensionError(f"{unit} cannot be converted to {canonical}") from None
    except Exception:  # offset and logarithmic units (degC, octave, dB) cannot be scaled
        raise UnitError(f"{unit} cannot be converted to {canonical}") from None


def tidy(value: float) -> float:
    """Rounds away binary noise (150000 /mm3 is 150.00000000000003 x 10^9/L otherwise),
    so that thresholds and answers written in different units compare exactly."""
    return float(f"{value:.12g}")


def same_unit(a: str, b: str) -> bool:
    """Two spellings of one unit. "G/L" (giga-cells) and "g/L" (grams) normalise alike but
    are different units, so for them the case of the first letter decides."""
    key = normalise(a)
    return key == normalise(b) and (key != "g/l" or a.strip()[:1] == b.strip()[:1])


def convert(value: float, unit: str, canonical: str) -> float:
    if not unit or same_unit(unit, canonical):
        return float(value)
    return tidy(value * factor(unit, canonical))


def is_accepted(unit: str, accepted: tuple[str, ...]) -> str | None:
    """Returns the accepted spelling matching `unit`, or None."""
    for candidate in accepted:
        if same_unit(candidate, unit):
            return candidate
    return None
