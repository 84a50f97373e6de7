"""Pregnancy, breastfeeding and contraception."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext

_PREGNANT = r"\bpregnan(?:t|cy|cies)\b|\benceinte\b|\bgrossesse\b"
_TEST = r"pregnancy (?:test|tests|testing)|test de grossesse|(?:serum|urine|urinary) (?:beta-?)?(?:hcg|β-?hcg)|\bhcg\b"


def pregnancy(ctx: ItemContext) -> None:
    t = ctx.t
    test = re.search(_TEST, t)
    mentions = [
        m
        for m in re.finditer(_PREGNANT, t)
        if not (test and m.start() >= test.start() - 1 and m.start() < test.end())
    ]
    if test:
        ctx.visit = ctx.visit or not mentions
        ctx.use(test)
    if mentions:
        if re.search(
            r"\b(plan(?:ning|s)?|intend\w*|wish\w*|desir\w*|during the (?:study|trial)|while on study|become)\b[^;.]{0,40}pregnan|pregnan\w* during",
            t,
        ) and not re.search(r"\b(?:are|is|currently) pregnant|pregnant (?:or|and|women|female)", t):
            ctx.warn(
                "A pregnancy planned during the study: left to the curator (the vocabulary records a current pregnancy)."
            )
        elif ctx.inclusion:
            if re.search(r"\b(not|non)\b[^;]{0,15}(pregnan|enceinte)", t):
                ctx.add(
                    "pregnant", "is_false", rule="reproduction.pregnancy", span=[m.span() for m in mentions]
                )
        else:
            risk = [
                x.span() for x in re.finditer(r"\brisk (?:of|or|for) pregnan\w*|\bpotentially pregnant", t)
            ]
            ctx.add(
                "pregnant", "is_true", rule="reproduction.pregnancy", span=[m.span() for m in mentions] + risk
            )
    if m := re.search(r"breast-?\s?feeding|lactat\w*|nursing(?! home)|allait\w*", t):
        negated = ctx.negated_before(m.start(), 30)
        if ctx.inclusion:
            if negated or re.search(r"\b(not|non)\b[^;]{0,25}(breast|lactat|nursing|allait)", t):
                ctx.add("breastfeeding", "is_false", rule="reproduction.breastfeeding", span=m.span())
        elif not negated:
            ctx.add("breastfeeding", "is_true", rule="reproduction.breastfeeding", span=m.span())


def contraception(ctx: ItemContext) -> None:
    t = ctx.t
    m = re.search(
        r"contracep\w*|birth control|(?:barrier|effective|acceptable|adequate|reliable) (?:method|form)s?", t
    )
    if not m:
        return
    men_only = re.search(r"\b(?:male|men)\b", t) and not re.search(
        r"\b(?:female|women|woman|wocbp|childbearing|both)\b", t
    )
    if men_only:
        ctx.warn(
            "Contraception asked of men: the vocabulary records it for people who could conceive; left to the curator."
        )
        return
    negative = re.search(
        r"\b(without|lack of|unwilling|not using|not use|no|absence of|refus\w*|sans|pas de|absence de|"
        r"not (?:willing|agree\w*|able)|unable)\b[^;]{0,40}(?:contracep|birth control|method)",
        t,
    )
    span = [m.span()] + ([negative.span()] if negative else [])
    span += [x.span() for x in re.finditer(
        r"(?:women|females?|woman|participants?|subjects?|patients?)?\s*(?:of|with)\s+(?:child-?\s?bearing|reproductive) (?:potential|age)|"
        r"\bwocbp\b|sexually active|(?:highly |medically )?(?:effective|adequate|acceptable|reliable|appropriate|approved)\s+(?:methods? of |forms? of )?"
        r"(?:contracep\w*|birth control)|(?:methods?|forms?) of (?:contracep\w*|birth control)", t)]  # fmt: skip
    if ctx.inclusion:
        ctx.add(
            "effective_contraception",
            "is_false" if negative else "is_true",
            rule="reproduction.contraception",
            span=span,
        )
        ctx.warn(
            "Contraception applies to women of childbearing potential: the saved draft asks it only of them."
        )
    else:
        if not negative:
            ctx.warn("Contraception named in an exclusion without saying it is lacking: left to the curator.")
            return
        ctx.add("effective_contraception", "is_false", rule="reproduction.contraception", span=span)
        if not re.search(r"childbearing|procr[ée]er|wocbp|reproductive", t):
            ctx.warn("Read as applying to people who could conceive a child.")


RULES = (pregnancy, contraception)
