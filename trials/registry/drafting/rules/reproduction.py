"""Pregnancy, breastfeeding and contraception."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext

_PREGNANT = r"\bpregnan(?:t|cy|cies)\b|\benceinte\b|\bgrossesse\b"
_TEST = (
    r"pregnancy (?:test|tests|testing)|test de grossesse|(?:serum|urine|urinary) (?:beta-?)?(?:hcg|β-?hcg)|"
    r"\bhcg\b"
)


def pregnancy(ctx: ItemContext) -> None:
    """Pregnancy and breastfeeding now. A pregnancy test reads as the pregnancy it tests: a
    negative test required is "not pregnant", a positive one excludes the pregnant."""
    t = ctx.t
    tests = list(re.finditer(_TEST, t))
    mentions = [
        m for m in re.finditer(_PREGNANT, t) if not any(x.start() - 1 <= m.start() < x.end() for x in tests)
    ]
    planned = re.search(
        r"\b(?:plan(?:ning|s)?|intend\w*|wish\w*|desir\w*|anticipat\w*|become|expect\w*)\b[^;.]{0,40}pregnan|"
        r"pregnan\w* during",
        t,
    )
    current = re.search(
        r"\b(?:are|is|currently|be|being)\s+(?:\w+\s+)?pregnant|pregnant (?:or|and|women|woman|"
        r"females?|patients?|subjects?|"
        r"participants?|persons?|,)|^\W*(?:\w+:\s*)?pregnan(?:t|cy)\b|\bpregnancy(?:,| or| and|;|$)",
        t,
    )
    spans = [m.span() for m in mentions] + [x.span() for x in tests]
    if planned and not current and not tests:
        ctx.warn(
            "A pregnancy planned during the study: left to the curator (the vocabulary records a "
            "current pregnancy)."
        )
        ctx.use(planned)
    elif ctx.inclusion:
        negative_test = any(
            re.search(r"negative|n[ée]gati", t[max(0, x.start() - 40) : x.end() + 80]) for x in tests
        )
        both = re.search(
            r"\bnot (?:be )?pregnant\b[^;]*?\bor (?:be )?(breast[- ]?feeding|lactating|nursing)", t
        )
        if both:
            # "not pregnant … or breast feeding": the negation holds for both.
            ctx.add("breastfeeding", "is_false", rule="reproduction.breastfeeding", span=both.span(1))
        not_pregnant = re.search(
            r"\b(not|non|neither)\b[^;]{0,15}(pregnan|enceinte)|pregnan\w* (?:must be |is )?negative", t
        )
        if not_pregnant or negative_test:
            ctx.add("pregnant", "is_false", rule="reproduction.pregnancy", span=spans)
    elif mentions or any(re.search(r"positive", t[max(0, x.start() - 20) : x.end() + 20]) for x in tests):
        risk = [x.span() for x in re.finditer(r"\brisk (?:of|or|for) pregnan\w*|\bpotentially pregnant", t)]
        ctx.add("pregnant", "is_true", rule="reproduction.pregnancy", span=spans + risk)
    if tests and not ctx.has("pregnant"):
        ctx.visit = True
    if m := re.search(r"breast-?\s?feeding|lactat\w*|nursing(?! home)|allait\w*", t):
        negated = ctx.negated_before(m.start(), 30, modal=ctx.inclusion)
        if ctx.inclusion:
            if negated or re.search(r"\b(not|non)[- ]?\b[^;]{0,25}(breast|lactat|nursing|allait)", t):
                ctx.add("breastfeeding", "is_false", rule="reproduction.breastfeeding", span=m.span())
        elif not negated:
            ctx.add("breastfeeding", "is_true", rule="reproduction.breastfeeding", span=m.span())


_CONTRACEPTION = (
    r"contracep\w*|birth control|(?:barrier|effective|acceptable|adequate|reliable) (?:method|form)s?"
)


def contraception(ctx: ItemContext) -> None:
    """Effective contraception required (inclusion) or lacking (exclusion), for people who
    could conceive. Not when it is only advised, asked of men, or when the item defines the
    methods."""
    t = ctx.t
    m = re.search(_CONTRACEPTION, t)
    if not m:
        return
    sentence = _sentence_of(t, m.start())
    full = ctx.norm.text  # exceptions too: "… except if the male participant is sterile"
    without_partners = re.sub(r"female (?:sexual )?partners?(?: of [\w-]+ potential)?", " ", full)
    men_only = re.search(r"\b(?:male|men)\b", full) and not re.search(
        r"\b(?:female|women|woman|wocbp|wcbp|childbearing|both)\b", without_partners
    )
    if re.search(r"\b(?:advised|recommended|encouraged|counsel+ed)\b", sentence) and not re.search(
        r"\bmust\b|\brequired\b|\bagree", sentence
    ):
        ctx.warn("Contraception is advised, not required: left to the curator.")
        return
    if re.search(r"reproductive intent|intend\w* to (?:become pregnant|conceive)|wish\w* to conceive", t):
        ctx.warn("An intention to conceive: left to the curator.")
        return
    if re.match(
        r"\W*(?:highly |medically )?(?:effective |acceptable |adequate |approved |reliable )?(?:"
        r"methods?|forms?) of "
        r"(?:contracep|birth)\w*(?: control)?\s+(?:include|are|is|consist|comprise|defined)",
        t,
    ):
        ctx.warn("Defines the methods of contraception: nothing to draft.")
        return
    if men_only:
        ctx.warn(
            "Contraception asked of men: the vocabulary records it for people who could conceive; "
            "left to the curator."
        )
        return
    negative = re.search(
        r"\b(without|lack of|unwilling|not using|not use|no|absence of|refus\w*|sans|pas de|absence de|"
        r"not (?:willing|agree\w*|able)|unable)\b[^;]{0,40}(?:contracep|birth control|method)",
        t,
    )
    span = [m.span()] + ([negative.span()] if negative else [])
    span += [
        x.span()
        for x in re.finditer(
            r"(?:women|females?|woman|participants?|subjects?|patients?)?\s*(?:of|with)\s+(?:"
            r"child-?\s?bearing|reproductive) "
            r"(?:potential|age)|\bw?ocbp\b|\bwcbp\b|sexually active|(?:highly |medically )?(?:"
            r"effective|adequate|acceptable|"
            r"reliable|appropriate|approved)\s+(?:methods? of |forms? of |means of )?(?:contracep\w*|"
            r"birth control)|"
            r"(?:methods?|forms?|means) of (?:contracep\w*|birth control)|"
            # The alternatives to contraception that the saved draft asks about instead
            # (people who cannot conceive): read as part of this criterion.
            r"(?:surgically |permanently )?steril\w*|post-?menopaus\w*|menopaus\w*|hysterectom\w*|"
            r"tubal ligation|"
            r"oophorectom\w*|abstinen\w*|abstain\w*|vasectom\w*|non-?child-?\s?bearing|amenorrh\w*|"
            r"monogamous|"
            r"without a uterus|ovaries|condoms?|barrier methods?|intrauterine|\biud\b|hormonal|"
            r"implants?|spermicid\w*|"
            r"(?:femmes? )?en [âa]ge de procr[ée]er|contraception (?:efficace|fiable|adapt[ée]e)|"
            r"(?:moyens?|m[ée]thodes?) (?:de |d')contraception",
            t,
        )
    ]
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


def _sentence_of(t: str, position: int) -> str:
    start = max(t.rfind(". ", 0, position), t.rfind(";", 0, position)) + 1
    ends = [i for i in (t.find(". ", position), t.find(";", position)) if i >= 0]
    return t[start : min(ends) if ends else len(t)]


RULES = (pregnancy, contraception)
