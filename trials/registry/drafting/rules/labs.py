"""Laboratory and physiological thresholds and ranges: "platelets ≥ 100,000/mm3",
"ANC ≥ 1.5 × 10⁹/L", "haemoglobin between 9 and 15 g/dL", "AST and ALT ≤ 2.5 × ULN"."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.text import NUM, OPS, number

_CELL_COUNTS = {"wbc", "lymphocytes", "neutrophils", "platelets"}
_LABS = [
    (
        "wbc",
        r"white blood cells?(?: \(wbc\))?(?: counts?)?|leu[ck]ocytes?(?: counts?)?|\bwbc\b(?: counts?)?|"
        r"globules blancs",
    ),
    ("lymphocytes", r"(?:absolute )?lymphocytes?(?: counts?)?(?: \(alc\))?|lymphop[ée]nia|\balc\b"),
    (
        "neutrophils",
        r"(?:absolute )?neutrophils?(?: counts?)?(?: \(anc\))?|neutrop[ée]nia|\banc\b|polynucl[ée]aires "
        r"neutrophiles|(?:absolute )?granulocyte count|\bagc\b",
    ),
    (
        "platelets",
        r"platelets?(?: counts?)?(?: \(plt\))?|thrombocytes?|thrombocytop[ée]nia|plaquettes|"
        r"thrombop[ée]nie|\bplt\b",
    ),
    ("cd4_count", r"\bcd4\b\s*\+?(?:\s*(?:t[- ]?cells?|lymphocytes?|cells?))?(?: counts?)?"),
    (
        "hemoglobin",
        r"ha?emoglobin(?: \(hg?b\))?(?: levels?)?|h[ée]moglobine|\ban(?:a)?emia\b|an[ée]mie|\bhg?b\b",
    ),
    (
        "egfr",
        r"\begfr\b|(?:estimated )?glomerular filtration rate(?: \(e?gfr\))?|\bestimated gfr\b|\bdfge?\b",
    ),
    (
        "creatinine_clearance",
        r"(?:calculated |measured |estimated )?creatinine clearance(?: \(crcl\))?|clearance of creatinine|"
        r"\bcrcl\b|clairance(?: de la cr[ée]atinine)?",
    ),
    ("lvef", r"(?:left ventricular )?ejection fraction(?: \(lvef\))?|\blvef\b|\bfevg\b"),
    ("pap_mean", r"(?:mean )?(?:\bpap\b|pulmonary arter\w* pressure)(?: \(m?pap\))?"),
    (
        "pao2",
        r"(?:(?:resting )?(?:arterial )?(?:blood )?(?:partial )?pressure of oxygen (?:at )?)?\bpao\s?2\b",
    ),
    ("paco2", r"\bpaco\s?2\b"),
]
# Other analytes end a lab's window: "ANC ≥ 1500, bilirubin ≤ 1.5 × ULN" is two thresholds.
_OTHER_ANALYTES = (
    r"bilirubin|creatinine(?! clearance)|albumin|inr\b|aptt|ptt\b|\bpt\b|glucose|hba1c|potassium|"
    r"sodium|calcium|"
    r"magnesium|lipase|amylase|alkaline phosphatase|\balp\b|\bast\b|\balt\b|sgot|sgpt|transaminase|troponin|"
    r"tsh|urine|protein"
)
_SCI = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[.x×*]\s*)?(?:x\s*)?10\s*\^?\s*([369])\s*/\s*(l|µl|μl|ul|mm3)\b")
_PLAIN_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)")
_UNITS = [
    (re.compile(r"^\s*(?:cells\s*)?/\s*(?:cu\.?\s*)?mm\s*\^?\s*3"), "/mm3"),
    (re.compile(r"^\s*(?:cells\s*)?/\s*(?:[µμu]|mc)l\b"), "/uL"),
    (re.compile(r"^\s*(?:cells\s*)?/\s*(?:micro ?liter|microlitre)\b"), "/uL"),
    (re.compile(r"^\s*k\s*/\s*[µμu]l\b"), "10^3/uL"),
    (re.compile(r"^\s*(?:g|gm|grams?)\s*/\s*dl\b"), "g/dL"),
    (re.compile(r"^\s*g\s*/\s*l\b"), "g/L"),
    (
        re.compile(r"^\s*ml\s*/\s*min(?:ute)?\s*(?:/|per)\s*1[.,]73\s*(?:m\s*\^?\s*2|m²|sq\.? ?m)"),
        "mL/min/1.73m2",
    ),
    # "ml/min/m2" (MDRD) is per 1.73 m² by the formula's definition.
    (re.compile(r"^\s*ml\s*/\s*min(?:ute)?\s*/\s*m\s*\^?\s*2"), "mL/min/1.73m2"),
    (re.compile(r"^\s*ml\s*/\s*min(?:ute)?\b(?!\s*/)"), "mL/min"),
    (re.compile(r"^\s*ml\s*/\s*s\b"), "mL/s"),
    (re.compile(r"^\s*%"), "%"),
    (re.compile(r"^\s*mm\s*hg\b"), "mmHg"),
    (re.compile(r"^\s*kpa\b"), "kPa"),
]


def read_quantity(segment: str, concept: str) -> tuple[int | float, str, int] | str | None:
    """Parses "150000 /mm3", "1.5 x10^9/l", "0.5.109/l", "< 8 g / dl"... at the start of
    `segment`. Returns (value, unit, length read), an error for an unreadable unit, or None."""
    sci = _SCI.match(segment)
    if sci:
        exponent, per = sci.group(2), sci.group(3)
        unit = f"10^{exponent}/L" if per == "l" else f"10^{exponent}/uL"
        if exponent == "3" and per == "l":
            return f"unreadable unit “10^3/L” after {sci.group(1)}"
        return number(sci.group(1)), unit, sci.end()
    found = _PLAIN_NUMBER.match(segment)
    if not found:
        return None
    value = number(found.group(1))
    rest = segment[found.end() :]
    for pattern, unit in _UNITS:
        if unit_match := pattern.match(rest):
            if unit == "g/L" and concept in _CELL_COUNTS:
                unit = "G/L"  # giga-cells per litre: a cell count is never in grams
            return value, unit, found.end() + unit_match.end()
    if concept in ("alt_x_uln", "ast_x_uln"):
        return None
    if (
        concept in _CELL_COUNTS | {"cd4_count"}
        and value >= 1000
        and re.match(r"^\s*(?:[;,.)]|$|and\b|or\b)", rest)
    ):
        return value, "/mm3", found.end()
    if concept == "lvef" and re.match(r"^\s*(?:[;,.)]|$)", rest):
        return None
    words = rest.strip().split(" ")
    return f"unreadable unit “{words[0] if words else ''}” after {found.group(1)}"


def thresholds(ctx: ItemContext) -> None:
    t = ctx.t
    hits: list[tuple[int, int, str]] = []
    for concept, pattern in _LABS:
        for m in re.finditer(pattern, t):
            hits.append((m.start(), m.end(), concept))
    hits.sort()
    hits = [h for i, h in enumerate(hits) if not any(o[0] <= h[0] < o[1] and o != h for o in hits[:i])]
    stops = sorted([h[0] for h in hits] + [m.start() for m in re.finditer(_OTHER_ANALYTES, t)])
    for start, end, concept in hits:
        stop = next((s for s in stops if s > start), len(t))
        window = t[end : min(stop, end + 70)]
        window = re.split(r";|(?<!\d)\.\s", window)[0]
        comparator = re.search(r"(≥|≤|<|>|=)", window)
        if not comparator:
            _range(ctx, concept, window, start, end)
            continue
        gap = window[: comparator.start()]
        if len(gap) > 30 or re.search(r"\d|\bnot?\b|\bwithin\b|\bnormal\b", gap):
            continue  # the comparator belongs to something else ("… within 2 weeks, or < 50")
        read = read_quantity(window[comparator.end() :], concept)
        if read is None:
            continue
        if isinstance(read, str):
            ctx.warn(f"{concept}: {read}; not drafted.")
            continue
        value, unit, length = read
        if concept == "egfr" and unit == "mL/min" and re.search(r"ckd[- ]?epi|\bmdrd\b|1\.73", t):
            # "eGFR ≥ 60 mL/min (CKD-EPI)": the estimating equation is per 1.73 m² by definition.
            unit = "mL/min/1.73m2"
            ctx.warn("An eGFR by CKD-EPI or MDRD written in mL/min: read per 1.73 m², as the equations give.")
        elif concept == "egfr" and unit == "mL/min":
            # An "eGFR" in plain mL/min (Cockcroft-Gault) is an estimated creatinine clearance.
            concept = "creatinine_clearance"
            ctx.warn(
                "A glomerular filtration rate in mL/min (not per 1.73 m²) read as a creatinine clearance."
            )
        span = (start, end + comparator.end() + length)
        # "≥ 9.0 g/dL or 5.6 mmol/L": the same limit in another unit.
        restated = re.match(
            r"\s*(?:or|/|\()\s*\d+(?:\.\d+)?\s*(?:mmol|µmol|umol|g|mg|cells|x\s*10\^\d|/)[^\s,;)]*\)?",
            t[span[1] :],
        )
        if restated:
            span = (span[0], span[1] + restated.end())
        ctx.add(concept, OPS[comparator.group(1)], value, unit=unit, rule="labs.threshold", span=span)
    for proposal in ctx.proposals:
        if proposal.criterion.rule == "labs.threshold":
            # "eGFR (estimated glomerular filtration rate) < 60": both names are the one lab.
            proposal.spans += tuple((s, e) for s, e, c in hits if c == proposal.concepts[0])


_RANGE = re.compile(rf"^[\s:,(]*(?:(?:between|from|entre|de)\s+)?{NUM}(?=\s*(?:[a-zµμ/%]|and|to|et|à|-|–))")
_RANGE_JOIN = re.compile(r"^\s*(?:and|to|et|à|-|–)\s*")


def _range(ctx: ItemContext, concept: str, window: str, start: int, end: int) -> None:
    """ "Haemoglobin between 9 and 15 g/dL", "neutrophils 1.5–8 × 10⁹/L": both ends in one unit,
    written once after the upper end or after each. Anything else is left to the curator."""
    low = _RANGE.match(window)
    if not low:
        return
    rest = window[low.end(1) :]
    own = read_quantity(window[low.start(1) :], concept)
    if isinstance(own, tuple):
        rest = window[low.start(1) + own[2] :]
    joined = _RANGE_JOIN.match(rest)
    if not joined:
        return
    offset = len(window) - len(rest) + joined.end()
    high = read_quantity(window[offset:], concept)
    if not isinstance(high, tuple) or (isinstance(own, tuple) and own[1] != high[1]):
        return
    low_value, (high_value, unit, length) = number(low.group(1)), high
    if concept in _CELL_COUNTS and unit == "/mm3" and low_value < 1000 <= high_value:
        return  # "1.5-8000/mm3": the two ends are not in the same scale
    if low_value >= high_value:
        return
    span = (start, end + offset + length)
    ctx.add(concept, "between", low_value, high_value, unit=unit, rule="labs.range", span=span)


_ULN = (
    r"(?:x|×|times|fold)?\s*(?:the\s+)?(?:institutional\s+)?(?:n\b|uln\b|normal\b|"
    r"upper limit(?:s)? of (?:the )?normal(?: range)?(?:\s*\(uln\))?|lsn\b|limite sup\w* de la normale)"
)


def transaminases(ctx: ItemContext) -> None:
    """AST and ALT as multiples of the upper limit of normal, each read from its own threshold."""
    t = ctx.t
    names = (
        [
            (m, "alt_x_uln")
            for m in re.finditer(
                r"\balt\b|\balat\b|\bsgpt\b|alanine (?:amino)?transaminase|alanine aminotransferase", t
            )
        ]
        + [
            (m, "ast_x_uln")
            for m in re.finditer(
                r"\bast\b|\basat\b|\bsgot\b|aspartate (?:amino)?transaminase|aspartate aminotransferase", t
            )
        ]
        + [
            (m, "both")
            for m in re.finditer(
                r"(?<!alanine )(?<!aspartate )(?:transaminases?|aminotransferases?)|liver enzymes", t
            )
        ]
    )
    names.sort(key=lambda pair: pair[0].start())
    if not ctx.inclusion and (names and _fold_increase(ctx, names)):
        return
    pending: list[tuple[re.Match, str]] = []
    for index, (name, concept) in enumerate(names):
        pending.append((name, concept))
        window_end = names[index + 1][0].start() if index + 1 < len(names) else len(t)
        window = t[name.end() : window_end]
        cut = re.search(r";|\.\s|" + r"bilirubin|creatinine|albumin|\binr\b|alkaline", window)
        window = window[: cut.start()] if cut else window
        m = re.search(rf"(≥|>|≤|<)\s*{NUM}\s*{_ULN}", window)
        if not m:
            if re.match(r"^[\s,/()a-z]*$", window) and len(window) < 40:
                continue  # "AST, ALT ≤ 2.5 x ULN": this name shares the next threshold
            pending = []
            continue
        concepts = sorted(
            {c for _, c in pending for c in (("alt_x_uln", "ast_x_uln") if c == "both" else (c,))}
        )
        spans = [n.span() for n, _ in pending] + [(name.end() + m.start(), name.end() + m.end())]
        ctx.add(tuple(concepts), OPS[m.group(1)], number(m.group(2)), rule="labs.transaminases", span=spans)
        pending = []


# "a 3-fold increase in alanine aminotransferase level relative to normal": ALT ≥ 3 × ULN.
_FOLD = re.compile(rf"{NUM}\s*-?\s*(?:fold|times)\s+(?:increase|elevation|rise)\s+(?:in|of)\s+(?:the\s+)?$")
_OF_NORMAL = re.compile(
    r"^\s*(?:levels?\s+)?(?:relative to|above|over|compared (?:to|with)|of)\s+(?:the\s+)?"
    r"(?:normal|uln\b|upper limit)"
)


def _fold_increase(ctx: ItemContext, names: list[tuple[re.Match, str]]) -> bool:
    t = ctx.t
    name, concept = names[0]
    fold = _FOLD.search(t[max(0, name.start() - 40) : name.start()])
    if not fold or not _OF_NORMAL.match(t[name.end() :]) or len(names) > 1:
        return False
    concepts = ("alt_x_uln", "ast_x_uln") if concept == "both" else (concept,)
    start = max(0, name.start() - 40) + fold.start()
    ctx.add(concepts, "gte", number(fold.group(1)), rule="labs.transaminases", span=[(start, name.end())])
    return True


RULES = (thresholds, transaminases)
