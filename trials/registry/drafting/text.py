"""One item's words in a form rules can read, still tied to the registry's own words.

`normalise` lower-cases the item, writes comparatives as symbols ("at least" → "≥", "more or
egal" → "≥"), numbers as digits with a point for decimals and no thousands separator
("100,000" → "100000", "5,5" → "5.5"), and powers of ten in one spelling ("×10⁹/L" →
"x10^9/l"). Every character of the result remembers where it came from in the source, so a
warning can quote the registry's words for the parts no rule used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fourteen": "14",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "un": "1",
    "deux": "2",
    "trois": "3",
    "douze": "12",
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?!-)")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_CHARS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")

Replacement = str | Callable[[re.Match], str]

_REWRITES: list[tuple[re.Pattern, Replacement, str]] = [
    (re.compile(r"[‘’´`]"), "'", ""),
    (re.compile(r"[–—−‐‑]"), "-", ""),
    (re.compile(r"[≧⩾]"), "≥", ""),
    (re.compile(r"[≦⩽]"), "≤", ""),
    (re.compile(r"\bof(more|less|inferior|superior)\b"), r"of \1", ""),
    (
        re.compile(r"\b(?:more|greater|superior|higher)\s+(?:than\s+)?or\s+egal(?:\s+to)?\b"),
        "≥",
        "“more or egal” read as ≥ (a typo for “equal”).",
    ),
    (
        re.compile(r"\b(?:less|lower|inferior)\s+(?:than\s+)?or\s+egal(?:\s+to)?\b"),
        "≤",
        "“inferior or egal” read as ≤ (a typo for “equal”).",
    ),
    (
        re.compile(r"\b(?:more|greater|superior|higher|larger)\s+(?:than\s+)?or\s+equals?(?:\s+to)?\b"),
        "≥",
        "",
    ),
    (re.compile(r"\b(?:less|lower|inferior|smaller)\s+(?:than\s+)?or\s+equals?(?:\s+to)?\b"), "≤", ""),
    (re.compile(r"\bequal\s+to\s+or\s+(?:more|greater|higher)\s+than\b"), "≥", ""),
    (re.compile(r"\bequal\s+to\s+or\s+(?:less|lower)\s+than\b"), "≤", ""),
    (re.compile(r"\b(?:no|not)\s+(?:more|greater|higher)\s+than\b"), "≤", ""),
    (re.compile(r"\b(?:no|not)\s+(?:less|lower|fewer)\s+than\b"), "≥", ""),
    (re.compile(r"\bsup[ée]rieure?s?\s+ou\s+[ée]gale?s?\s+[àa]\b"), "≥", ""),
    (re.compile(r"\binf[ée]rieure?s?\s+ou\s+[ée]gale?s?\s+[àa]\b"), "≤", ""),
    (
        re.compile(
            r"\binf[ée]rieure?s?\s+[àa]\b|\b(?:inferior|lower)\s+(?:than|to)\b|\b(?:less|fewer)\s+than\b"
        ),
        "<",
        "",
    ),
    (
        re.compile(
            r"\bsup[ée]rieure?s?\s+[àa]\b|\b(?:superior|higher|greater)\s+(?:than|to)\b|\bmore\s+than\b"
        ),
        ">",
        "",
    ),
    (re.compile(r"\blonger\s+than\b"), ">", ""),
    (re.compile(r"\bshorter\s+than\b"), "<", ""),
    (re.compile(r"\b(?:over|above|exceeding|exceeds)\s+(?=\d)"), "> ", ""),
    (re.compile(r"\b(?:under|below)\s+(?=\d)"), "< ", ""),
    (re.compile(r"\bat\s+least\b|\bau\s+moins\b|\ba\s+minimum\s+of\b|\bminimum(?=\s+\d)"), "≥", ""),
    (re.compile(r"\bmaximum(?=\s+\d)|\bat\s+most\b|\bup\s+to(?=\s+\d)"), "≤", ""),
    (re.compile(r">\s?/\s?=|>=|=>|≥=|> ="), "≥", ""),
    (re.compile(r"(≥|>)\s*une?\b"), r"\1 1", ""),
    (re.compile(r"<\s?/\s?=|<=|=<|≤=|< ="), "≤", ""),
    (
        re.compile(
            r"\b(?:the\s+)?(?:past|last|previous|preceding|prior)\s+year\b|\bl'ann[ée]e\s+pr[ée]c[ée]dente\b|"
            r"\bthe\s+year(?=\s+(?:prior|before|preceding)\b)"
        ),
        "the last 12 months",
        "",
    ),
    (re.compile(r"\b(?:a|an)\s+(year|month|week|day)\b"), r"1 \1", ""),
    (re.compile(r"\b(?:le|du|la|de la)\s+(mois|semaine)\s+pr[ée]c[ée]dente?\b"), r"the last 1 \1", ""),
    (re.compile(r"\b(past|last|previous|preceding|prior)\s+(month|week|day)\b"), r"\1 1 \2", ""),
    (re.compile(r"\b(\d+)\s+derni[eè]re?s\s+(jours|semaines|mois|ann[ée]es|ans)\b"), r"the last \1 \2", ""),
    # Powers of ten, however typed: "×10^9/L", "x 10(9)/L", "10*9/l", "10e9/L", "10⁹/L".
    (
        re.compile(r"\s*[x×*]?\s*10\s*(?:\^|\*\*|\*|e|\(\s*(?=\d\s*\)))\s*([369])\s*\)?\s*(?=/)"),
        r" x10^\1",
        "",
    ),
    (re.compile(r"\bgiga\s*/\s*l\b"), "g/l", ""),
]

# "100,000", "1,500" and "150 000" are one number; "5,5" is five and a half.
_THOUSANDS_COMMA = re.compile(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d,]|\.\d)")
_THOUSANDS_SPACE = re.compile(
    r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?!\d)(?=\s*(?:/|cells|x|×|per\b|mm|µ|u/|g/|ml))"
)
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d{1,3}),(\d{1,2})(?![\d,])(?!\s*\d)")
# A decimal comma is read only next to a comparator, a range word or a unit: "grades 3,4" and
# "days 1,8" are lists.
_DECIMAL_BEFORE = re.compile(r"(?:[≥≤<>=]|\b(?:edss|score|between|entre|de|to|and|à|et|from|of)\b)\s*$")
_DECIMAL_AFTER = re.compile(r"^\s*(?:-|to|à|et|and|x|×|%|g\b|mg|µ|u|mmol|ml|mm|points?|n\b|uln|lsn|fold)")


def _decimal_comma(match: re.Match) -> str:
    before = match.string[max(0, match.start() - 12) : match.start()]
    after = match.string[match.end() : match.end() + 8]
    if _DECIMAL_BEFORE.search(before) or _DECIMAL_AFTER.match(after):
        return f"{match.group(1)}.{match.group(2)}"
    return match.group(0)


@dataclass
class Normalised:
    """The normalised text and, for each of its characters, its position in `source`."""

    source: str
    text: str
    origin: list[int]
    warnings: list[str] = field(default_factory=list)

    def source_span(self, start: int, end: int) -> str:
        """The registry's words behind text[start:end]."""
        if end <= start or not self.origin:
            return ""
        # A rewrite maps its last character to the end of the words it replaced ("at least" →
        # "≥"), so the span starts right after the words behind the character before it.
        first = self.origin[start - 1] + 1 if 0 < start < len(self.origin) else 0
        last = self.origin[min(end, len(self.origin)) - 1]
        return self.source[first : last + 1].strip(" \t\n,;:")


def _substitute(pattern: re.Pattern, replacement: Replacement, text: str, origin: list[int]):
    if not pattern.search(text):
        return text, origin, 0  # most rewrites do not apply: no copy
    pieces, mapped, position, count = [], [], 0, 0
    for match in pattern.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start])
        mapped.extend(origin[position:start])
        new = match.expand(replacement) if isinstance(replacement, str) else replacement(match)
        if new:
            span = origin[start:end] or [origin[start - 1] if start else 0]
            last = len(new) - 1
            mapped.extend(span[-1] if i == last else span[i * len(span) // len(new)] for i in range(len(new)))
        pieces.append(new)
        position = end
        count += 1
    pieces.append(text[position:])
    mapped.extend(origin[position:])
    return "".join(pieces), mapped, count


def normalise(text: str) -> tuple[str, list[str]]:
    """Lower case with comparatives as symbols and numbers as digits; returns the warnings
    about what was read into the text (typos)."""
    result = normalise_tracked(text)
    return result.text, result.warnings


def normalise_tracked(text: str) -> Normalised:
    t = text.lower()
    if len(t) == len(text) and not any(c in _SUPERSCRIPT_CHARS for c in t):
        origin = list(range(len(t)))  # the usual case: one character for one
    else:
        lowered, origin = [], []
        for index, char in enumerate(text):
            low = char.lower().translate(_SUPERSCRIPTS)
            if low != char.lower() and text[max(0, index - 2) : index] == "10":
                low = "^" + low  # 10⁹ is a power of ten; mm³ and m² stay units
            lowered.append(low)
            origin.extend([index] * len(low))
        t = "".join(lowered)
    t = t.replace("\u00a0", " ")
    warnings: list[str] = []

    def apply(pattern: re.Pattern, replacement: Replacement, warning: str = "") -> None:
        nonlocal t, origin
        t, origin, count = _substitute(pattern, replacement, t, origin)
        if count and warning and warning not in warnings:
            warnings.append(warning)

    apply(_NUMBER_WORD, lambda m: _NUMBER_WORDS[m.group(1)])
    apply(_THOUSANDS_COMMA, lambda m: m.group(1) + m.group(2).replace(",", ""))
    apply(_THOUSANDS_SPACE, lambda m: m.group(1) + m.group(2).replace(" ", ""))
    apply(_DECIMAL_COMMA, _decimal_comma)
    for pattern, replacement, warning in _REWRITES:
        apply(pattern, replacement, warning)
    apply(re.compile(r"\s+"), " ")
    # Trim, keeping the map aligned.
    start = len(t) - len(t.lstrip())
    end = len(t.rstrip())
    return Normalised(text, t[start:end], origin[start:end], warnings)


# ----------------------------------------------------------------------------- numbers

NUM = r"(\d+(?:\.\d+)?)"
OPS = {"≥": "gte", ">": "gt", "≤": "lte", "<": "lt", "=": "eq"}
REVERSED = {"gte": "lte", "gt": "lt", "lte": "gte", "lt": "gt", "eq": "eq"}

DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:-\s*)?(days?|d\b|jours?|weeks?|wks?|semaines?|months?|mois|years?|yrs?|"
    r"ans?\b|ann[ée]es?)\b"
)
DURATION_UNITS = {
    "day": "days",
    "days": "days",
    "d": "days",
    "jour": "days",
    "jours": "days",
    "week": "weeks",
    "weeks": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "semaine": "weeks",
    "semaines": "weeks",
    "month": "months",
    "months": "months",
    "mois": "months",
    "year": "years",
    "years": "years",
    "yr": "years",
    "yrs": "years",
    "an": "years",
    "ans": "years",
    "année": "years",
    "années": "years",
    "annee": "years",
    "annees": "years",
}


def number(text: str) -> int | float:
    value = float(text.replace(",", ".").replace(" ", ""))
    return int(value) if value.is_integer() and "." not in text and "," not in text else value


@dataclass(frozen=True)
class Duration:
    start: int
    end: int
    value: int | float
    unit: str  # days, weeks or months (years are counted in months)


def durations(t: str) -> list[Duration]:
    """Every duration of the text; years become months (registries and our concepts count
    washouts in months)."""
    found = []
    for match in DURATION.finditer(t):
        value, unit = number(match.group(1)), DURATION_UNITS[match.group(2)]
        if unit == "years":
            value, unit = value * 12, "months"
        found.append(Duration(match.start(), match.end(), value, unit))
    return found
