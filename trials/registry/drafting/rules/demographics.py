"""Age and sex."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.text import OPS

_YEARS = r"(?:years?|yrs?|ans|y\b|y/o\b)"


def eu_age(ctx: ItemContext) -> None:
    """The EU CTR form ("Are the trial subjects under 18? no / Adults (18-64 years) yes …")."""
    under = ctx.search(r"trial subjects (?:under|<) 18\? (yes|no)")
    if not under:
        return
    adults = ctx.search(r"adults \(18-64 years\) (yes|no)")
    elderly = ctx.search(r"elderly \(≥65 years\) (yes|no)")
    span = (0, len(ctx.t))
    if under.group(1) == "no":
        if elderly and elderly.group(1) == "no":
            ctx.add("age", "between", 18, 64, rule="demographics.eu_age_form", span=span)
        elif adults and adults.group(1) == "no":
            ctx.add("age", "gte", 65, rule="demographics.eu_age_form", span=span)
        else:
            ctx.add("age", "gte", 18, rule="demographics.eu_age_form", span=span)
    elif elderly and elderly.group(1) == "no":
        ctx.add("age", "lte", 64, rule="demographics.eu_age_form", span=span)


_AGE_WORD = r"\b(?:age[ds]?|âg[ée]e?s?|aging)\b"
_RANGE = re.compile(
    rf"{_AGE_WORD}\D{{0,25}}?\b(\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:to|-|and|à|et|through)\s*(\d{{1,3}})\s*{_YEARS}"
    rf"|\b(\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:to|-|and|through)\s*(\d{{1,3}})\s*{_YEARS}\s*(?:old|of age|d'âge|inclusive|\(inclusive\))"
    rf"|\bbetween (?:the ages of )?(\d{{1,3}})\s*(?:{_YEARS}\s*)?and (\d{{1,3}})\s*{_YEARS}"
)
_SYMBOL_AFTER = re.compile(rf"(≥|>|≤|<)\s*(\d{{1,3}})\s*{_YEARS}\s*(?:of age|old|d'âge)?")
_SYMBOL_BEFORE = re.compile(rf"{_AGE_WORD}\s*(?:of\s*)?:?\s*(≥|>|≤|<|=)\s*(\d{{1,3}})\b")
_OR_OLDER = re.compile(
    rf"\b(\d{{1,3}})\s*{_YEARS}\s*(?:of age\s*|old\s*)?(?:or|and)\s*(older|over|above|more|greater|younger|under|below|less)\b"
)


def age(ctx: ItemContext) -> None:
    t = ctx.t
    if not re.search(rf"{_AGE_WORD}|{_YEARS}|\bminors?\b|\bmineurs?\b|\badults?\b", t):
        return
    match = _RANGE.search(t)
    if match:
        lo, hi = (int(g) for g in match.groups() if g is not None)
        if lo < hi:
            ctx.add("age", "between", lo, hi, rule="demographics.age_range", span=match.span())
            return
    found = False
    for m in _OR_OLDER.finditer(t):
        older = m.group(2) in ("older", "over", "above", "more", "greater")
        ctx.add(
            "age", "gte" if older else "lte", int(m.group(1)), rule="demographics.age_limit", span=m.span()
        )
        found = True
    for pattern in (_SYMBOL_AFTER, _SYMBOL_BEFORE):
        for m in pattern.finditer(t):
            if any(s <= m.start() < e for s, e in _spans_of(ctx, "age")):
                continue
            if pattern is _SYMBOL_AFTER and not _about_age(t, m):
                continue
            ctx.add("age", OPS[m.group(1)], int(m.group(2)), rule="demographics.age_limit", span=m.span())
            found = True
    if not found and not ctx.inclusion and (m := re.search(r"\b(minors?|mineurs?)\b", t)):
        ctx.add("age", "lt", 18, rule="demographics.minors", span=m.span())
    if (
        not found
        and ctx.inclusion
        and (m := re.search(r"\badults?\b\s*\((?:aged?\s*)?(≥|>)\s*(\d{2})\s*\)", t))
    ):
        ctx.add("age", OPS[m.group(1)], int(m.group(2)), rule="demographics.age_limit", span=m.span())


def _spans_of(ctx: ItemContext, concept: str):
    for proposal in ctx.proposals:
        if concept in proposal.criterion.concepts:
            yield from proposal.spans


def _about_age(t: str, match: re.Match) -> bool:
    """ "≥ 18 years of age" is an age; "≥ 5 years since diagnosis" or "< 3 years ago" is not."""
    after = t[match.end() : match.end() + 25]
    before = t[max(0, match.start() - 30) : match.start()]
    if re.search(r"of age|old|d'âge", match.group(0)):
        return True
    if re.match(
        r"\s*(?:since|after|ago|before|prior|of (?:treatment|therapy|disease|diagnosis)|duration|from)", after
    ):
        return False
    return bool(
        re.search(
            rf"{_AGE_WORD}|\b(?:patients?|subjects?|participants?|men|women|males?|females?|adults?|children|volunteers?)\b[^;]{{0,20}}$",
            before,
        )
    )


def sex(ctx: ItemContext) -> None:
    if not ctx.inclusion:
        return
    if m := ctx.search(r"\b(women|females?|femmes?)\s+only\b|\bonly\s+(women|females?|femmes?)\b"):
        ctx.add("sex", "in", "female", rule="demographics.sex", span=m.span())
    elif m := ctx.search(r"\b(men|males?|hommes?)\s+only\b|\bonly\s+(men|males?|hommes?)\b"):
        ctx.add("sex", "in", "male", rule="demographics.sex", span=m.span())


RULES = (eu_age, age, sex)
