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
    rf"{_AGE_WORD}\D{{0,25}}?\b(\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:to|-|and|à|et|through)\s*(\d{{1,3}})"
    rf"\s*{_YEARS}"
    rf"|\b(\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:to|-|and|through)\s*(\d{{1,3}})\s*{_YEARS}\s*(?:old|of age|"
    rf"d'âge|inclusive|\(inclusive\))"
    rf"|\bbetween (?:the ages of )?(\d{{1,3}})\s*(?:{_YEARS}\s*)?and (\d{{1,3}})\s*{_YEARS}"
    rf"|\b(?:aged?|âg[ée]e?s?)\s+(?:between\s+|from\s+|de\s+)?(\d{{1,3}})\s*(?:to|-|and|à|et)\s*(\d{{1,3}})\b"
    rf"(?!\s*(?:months?|weeks?|days?|kg|%|cm|mg))"
)
_SYMBOL_AFTER = re.compile(rf"(≥|>|≤|<)\s*(\d{{1,3}})\s*{_YEARS}\s*(?:of age|old|d'âge)?")
_SYMBOL_BEFORE = re.compile(
    rf"{_AGE_WORD}\s*(?:of\s*)?:?\s*(≥|>|≤|<|=)\s*(\d{{1,3}})\b(?!\s*(?:months?|weeks?|days?|mo\b)|[.,]\d)"
)
_OR_OLDER = re.compile(
    rf"\b(\d{{1,3}})\s*{_YEARS}\s*(of age\s*|old\s*)?(?:or|and)\s*(older|over|above|more|greater|"
    rf"younger|under|below|less)\b"
)
# "Age 18 or older", "age 18 and above": the age word makes the unit unnecessary.
_AGE_OR_OLDER = re.compile(
    rf"{_AGE_WORD}\s*(?:of\s*)?:?\s*(\d{{1,3}})\s+(?:or|and)\s*(older|over|above|more|greater|younger|under|"
    rf"below|less)\b"
)
_ADULT = re.compile(
    r"\b(?:healthy |male |female |adult )?adults?\b(?![- ](?:carer|caregiver|onset|dose|formulation|"
    r"weight|population|patients? with))"
)


def age(ctx: ItemContext) -> None:
    t = ctx.t
    if not re.search(rf"{_AGE_WORD}|{_YEARS}|\bminors?\b|\bmineurs?\b|\badults?\b", t):
        return
    if months := re.search(
        rf"{_AGE_WORD}[^;]{{0,15}}?\b\d{{1,2}}\s*months?\s*(?:to|-)\s*(\d{{1,3}})\s*{_YEARS}", t
    ):
        ctx.add("age", "lte", int(months.group(1)), rule="demographics.age_range", span=months.span())
        ctx.warn(
            "The lower age limit is in months: ages are whole years, so only the upper limit is drafted."
        )
        return
    if words := re.search(r"\b(under|below|over|above)\s+(?:the\s+)?age\s+(?:of\s+)?(\d{1,3})\b", t):
        ctx.add(
            "age",
            "lt" if words.group(1) in ("under", "below") else "gt",
            int(words.group(2)),
            rule="demographics.age_limit",
            span=words.span(),
        )
    match = _RANGE.search(t)
    if match:
        lo, hi = (int(g) for g in match.groups() if g is not None)
        if lo < hi and re.match(
            r"\W*(?:(?:years?\s+)?old\s+)?(?:and|or|&|as well as)\s+(?:the\s+)?(?:adults?|older)\b",
            t[match.end() :],
        ):
            # "Children aged 14-17 years old and adults": everyone from the lower limit.
            ctx.add("age", "gte", lo, rule="demographics.age_range", span=match.span())
            return
        if lo < hi:
            ctx.add("age", "between", lo, hi, rule="demographics.age_range", span=match.span())
            return
    found = False
    for m in _OR_OLDER.finditer(t):
        before = t[max(0, m.start() - 30) : m.start()]
        if not m.group(2) and not re.search(rf"{_AGE_WORD}|{_WHO}[^;]{{0,20}}$", before):
            continue  # "for 10 years or more" is a duration
        older = m.group(3) in ("older", "over", "above", "more", "greater")
        ctx.add(
            "age", "gte" if older else "lte", int(m.group(1)), rule="demographics.age_limit", span=m.span()
        )
        found = True
    for m in _AGE_OR_OLDER.finditer(t):
        if any(s <= m.start(1) < e for s, e in _spans_of(ctx, "age")):
            continue
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
    adult_limit = re.search(r"\badults?\b\s*\((?:aged?\s*)?(≥|>)\s*(\d{2})\s*\)", t)
    if not found and ctx.inclusion and adult_limit:
        ctx.add(
            "age",
            OPS[adult_limit.group(1)],
            int(adult_limit.group(2)),
            rule="demographics.age_limit",
            span=adult_limit.span(),
        )
    ages = [p for p in ctx.proposals if p.concepts == ("age",)]
    lower = any(p.criterion.operator in ("gte", "gt", "between") for p in ages)
    if ctx.inclusion and not lower and (m := _ADULT.search(t)):
        ctx.add("age", "gte", 18, rule="demographics.adult", span=m.span())
        ctx.warn("“Adult” read as 18 years or over.")
    ages = [p for p in ctx.proposals if p.concepts == ("age",)]
    if ctx.inclusion and _contradictory(ages):
        ctx.drop("age")
        ctx.warn("Several age groups in one item (conditions per age group): left to the curator.")


_WHO = r"\b(?:patients?|subjects?|participants?|men|women|males?|females?|adults?|children|volunteers?)\b"


def _contradictory(ages) -> bool:
    """Two age conditions no one meets together ("under 18 … over 18"): the item speaks of
    several groups."""
    low, high, ranges = -1.0, 999.0, 0
    for proposal in ages:
        c = proposal.criterion
        if c.operator == "between":
            ranges += 1
            low, high = max(low, c.values[0]), min(high, c.values[1])
        elif c.operator in ("gte", "gt"):
            low = max(low, c.values[0] + (0.5 if c.operator == "gt" else 0))
        elif c.operator in ("lte", "lt"):
            high = min(high, c.values[0] - (0.5 if c.operator == "lt" else 0))
    return ranges > 1 or low > high


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
            rf"{_AGE_WORD}|\b(?:patients?|subjects?|participants?|men|women|males?|females?|adults?|"
            rf"children|volunteers?)\b[^;]{{0,20}}$",
            before,
        )
    )


_FEMALE = r"\b(?:women|woman|females?|femmes?)\b"
_MALE = r"\b(?:men|man|males?|hommes?)\b"
_POPULATION = r"(?:\s+(?:participants?|patients?|subjects?|volunteers?|only))?"


def sex(ctx: ItemContext) -> None:
    """Only when the item says who may take part ("Women only", "Females aged 18 to 70",
    "Healthy subject (male)"), never from "women of childbearing potential must …"."""
    if not ctx.inclusion:
        return
    t = ctx.t
    if m := ctx.search(r"\b(women|females?|femmes?)\s+only\b|\bonly\s+(women|females?|femmes?)\b"):
        ctx.add("sex", "in", "female", rule="demographics.sex", span=m.span())
        return
    if m := ctx.search(r"\b(men|males?|hommes?)\s+only\b|\bonly\s+(men|males?|hommes?)\b"):
        ctx.add("sex", "in", "male", rule="demographics.sex", span=m.span())
        return
    if re.search(
        r"childbearing|child-bearing|pregnan|contracep|lactat|breast|partner|steril|menopaus|either", t
    ):
        return
    female, male = re.search(_FEMALE, t), re.search(_MALE, t)
    if bool(female) == bool(male):
        return
    m = female or male
    word = re.escape(m.group(0))
    alone = re.fullmatch(rf"\W*(?:[\w ]{{0,10}}:\s*)?(?:healthy\s+)?{word}{_POPULATION}\W*", t)
    paren = re.search(rf"\(\s*{word}\s*\)", t)
    leading = re.match(rf"\W*(?:[\w ]{{0,10}}:\s*)?(?:healthy\s+)?(?:\w+\s+)?{word}", t)
    if alone or paren or (ctx.has("age") and leading):
        ctx.add("sex", "in", "female" if female else "male", rule="demographics.sex", span=m.span())


RULES = (eu_age, age, sex)
