"""Drafts structured criteria from a registry's free eligibility text, for a curator to review.

Plain Python (no Django): the text is split into sections and items, each item is normalised
(typos such as "more or egal", comparatives in words, number words) and pattern rules over the
concept vocabulary propose criteria. Every proposal is checked with the rules engine's
`check_leaf` against the vocabulary, so a draft can always be compiled; what no rule
understands stays as text, and the curator decides. Nothing here publishes anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from engine.operators import check_leaf
from engine.types import ConceptSpec, ConceptType, Leaf
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS

INCLUSION, EXCLUSION = "inclusion", "exclusion"


@dataclass(frozen=True)
class DraftCriterion:
    """One proposed test. Several concepts share the operator and values ("AST, ALT > 2 x
    normal"); within an item, criteria are all required for an inclusion and any one excludes
    for an exclusion."""

    concepts: tuple[str, ...]
    operator: str
    values: tuple = ()
    unit: str = ""
    drugs: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        data = {
            "concepts": list(self.concepts),
            "operator": self.operator,
            "values": list(self.values),
            "unit": self.unit,
        }
        if self.drugs:  # a washout or treatment criterion means nothing without its drugs
            data["drugs"] = list(self.drugs)
        return data


@dataclass
class DraftItem:
    kind: str
    source_text: str
    criteria: list[DraftCriterion] = field(default_factory=list)
    confirmed_at_visit: bool = False
    warnings: list[str] = field(default_factory=list)
    # Set when the item belongs to a section that is not what its heading says; such items are
    # kept for the curator to read but never saved as criteria.
    misfiled: bool = False

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "source_text": self.source_text,
            "criteria": [c.as_dict() for c in self.criteria],
            "confirmed_at_visit": self.confirmed_at_visit,
            "warnings": list(self.warnings),
        }

    @property
    def structured(self) -> bool:
        return bool(self.criteria)


@dataclass
class Draft:
    items: list[DraftItem]
    warnings: list[str] = field(default_factory=list)

    def as_list(self) -> list[dict]:
        return [item.as_dict() for item in self.items]


# ----------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class DraftVocabulary:
    concepts: Mapping[str, ConceptSpec]
    drugs: frozenset[str]
    classes: Mapping[str, frozenset[str]]

    def check(self, concept: str, criterion: DraftCriterion) -> dict[str, str]:
        leaf = Leaf(
            concept=concept,
            operator=criterion.operator,
            values=criterion.values,
            unit=criterion.unit,
            drugs=criterion.drugs,
        )
        return check_leaf(leaf, self.concepts.get(concept), self.drugs, frozenset(self.classes))


@cache
def seed_vocabulary() -> DraftVocabulary:
    """The curated vocabulary of shared/spec/concepts.md, without a database."""
    return DraftVocabulary(
        concepts={
            c["code"]: ConceptSpec(
                code=c["code"],
                type=ConceptType(c["type"]),
                canonical_unit=c["canonical_unit"],
                accepted_units=tuple(c["accepted_units"]),
                choices=tuple(choice["code"] for choice in c["choices"]),
                minimum=c["minimum"],
                maximum=c["maximum"],
                step=c["step"],
            )
            for c in CONCEPTS
        },
        drugs=frozenset(d["code"] for d in DRUGS),
        classes={c["code"]: frozenset(c["drugs"]) for c in DRUG_CLASSES},
    )


# ----------------------------------------------------------------------------- splitting

_HEADING = re.compile(
    r"^[\s•*\-–]*(?:key\s+|principaux\s+)?(?P<h>inclusion\s+criteria|exclusion\s+criteria"
    r"|crit[eè]res?\s+d['’]\s*inclusion|crit[eè]res?\s+de\s+non[-\s]inclusion"
    r"|crit[eè]res?\s+d['’]\s*exclusion|inclusion(?=\s*:)|exclusion(?=\s*:))\s*:*\s*",
    re.I,
)
_BOTH_HEADING = re.compile(r"^\W*(key\s+)?inclusion\s*(&|and|et)\s*(exclusion|non)", re.I)
_MARKER = re.compile(
    r"^\s*(?:(?P<bullet>[•·▪◦‣*\-–—])|(?P<number>\d{1,2})\s*[.)\-–]|\(?(?P<letter>[a-h])\))\s+", re.I
)
_EU_AGE_LINE = re.compile(
    r"^(are the trial subjects under 18\?|number of subjects for this age range|f\.1\.)", re.I
)
_CONJUNCTION = re.compile(r"^(or|and|ou|et)\b", re.I)
_OPEN_END = re.compile(r"(,|\bor|\band|\bwith|\bof|\bthe|\bto|\bin|\bfor|\bby)$", re.I)


@dataclass
class _RawItem:
    style: str
    text: str
    warnings: list[str] = field(default_factory=list)


def split_sections(text: str, default_kind: str = INCLUSION) -> tuple[list[tuple[str, list[str]]], bool]:
    """The text's sections as (kind, lines), in order, and whether any heading was found."""
    sections: list[tuple[str, list[str]]] = [(default_kind, [])]
    found = False
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if _BOTH_HEADING.match(line):
            continue
        match = _HEADING.match(line)
        if match:
            heading = match.group("h").lower()
            kind = EXCLUSION if ("exclusion" in heading or "non" in heading) else INCLUSION
            if not found and not any(existing.strip() for existing in sections[0][1]):
                sections.pop()  # nothing before the first heading
            found = True
            sections.append((kind, []))
            rest = line[match.end() :]
            if rest.strip():
                sections[-1][1].append(rest)
            continue
        sections[-1][1].append(line)
    return sections, found


def split_items(lines: list[str]) -> list[_RawItem]:
    """Bullets, numbers, "a)" letters and dashes start items; wrapped lines are joined; short
    headings ("Subjects:") are dropped; "Presence of:" intros are folded into their a) b) items."""
    items: list[_RawItem] = []
    eu_age: list[str] = []
    blank_before = False
    for raw in lines:
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        if _EU_AGE_LINE.match(line):
            if not line.lower().startswith(("number of subjects", "f.1.2.1", "f.1.3.1")):
                eu_age.append(line)
            blank_before = False
            continue
        marker = _MARKER.match(raw)
        if marker:
            style = "bullet" if marker.group("bullet") else "number" if marker.group("number") else "letter"
            text = raw[marker.end() :].strip()
            if text:
                items.append(_RawItem(style, text))
        elif items and _continues(items[-1].text, line, blank_before):
            items[-1].text += " " + line
        else:
            items.append(_RawItem("plain", line))
        blank_before = False

    folded: list[_RawItem] = []
    intro: _RawItem | None = None
    list_intro: str | None = None
    for index, item in enumerate(items):
        nxt = items[index + 1] if index + 1 < len(items) else None
        if item.text.endswith(":") and nxt is not None and nxt.style == "letter" and item.style != "letter":
            intro = item
            continue
        if item.style != "letter":
            intro = None
        if intro is not None:
            item = _RawItem(item.style, f"{intro.text} {item.text}")
        if item.text.endswith(":") and len(item.text.split()) <= 3:
            continue  # a sub-heading such as "Subjects:" or "Regulatory Criteria :"
        if item.style == "plain":
            list_intro = item.text if item.text.rstrip().endswith(":") else None
        elif list_intro is not None:
            item.warnings.append(
                f"May belong to the list introduced by “{_short(list_intro)}”: group it with that item if so."
            )
        folded.append(item)
    if eu_age:
        folded.append(_RawItem("eu_age", " / ".join(eu_age)))
    return folded


def _continues(previous: str, line: str, blank_before: bool) -> bool:
    if _CONJUNCTION.match(line):
        return True
    if blank_before:
        return False
    if line[0].islower() or line[0].isdigit():
        return True
    if previous.count("(") > previous.count(")"):
        return True
    return bool(_OPEN_END.search(previous))


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# ----------------------------------------------------------------------------- normalising

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "un": "1", "deux": "2",
    "trois": "3", "six mois": "6 mois", "douze": "12",
}  # fmt: skip

_REWRITES: list[tuple[re.Pattern, str, str]] = [
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
    (re.compile(r"\b(?:more|greater|superior|higher)\s+(?:than\s+)?or\s+equal(?:\s+to)?\b"), "≥", ""),
    (re.compile(r"\b(?:less|lower|inferior)\s+(?:than\s+)?or\s+equal(?:\s+to)?\b"), "≤", ""),
    (re.compile(r"\bsup[ée]rieure?s?\s+ou\s+[ée]gale?s?\s+[àa]\b"), "≥", ""),
    (re.compile(r"\binf[ée]rieure?s?\s+ou\s+[ée]gale?s?\s+[àa]\b"), "≤", ""),
    (re.compile(r"\binf[ée]rieure?s?\s+[àa]\b|\b(?:inferior|lower)\s+(?:than|to)\b|\bless\s+than\b"), "<", ""),
    (re.compile(r"\bsup[ée]rieure?s?\s+[àa]\b|\b(?:superior|higher|greater)\s+(?:than|to)\b|\bmore\s+than\b"), ">", ""),
    (re.compile(r"\b(?:over|above|exceeding)\s+(?=\d)"), "> ", ""),
    (re.compile(r"\b(?:under|below)\s+(?=\d)"), "< ", ""),
    (re.compile(r"\bat\s+least\b|\bau\s+moins\b|\ba\s+minimum\s+of\b"), "≥", ""),
    (re.compile(r">=|=>"), "≥", ""),
    (re.compile(r"<=|=<"), "≤", ""),
    (re.compile(r"\b(?:the\s+)?(?:past|last|previous|preceding)\s+year\b|\bl['’]ann[ée]e\s+pr[ée]c[ée]dente\b"),
     "the last 12 months", ""),
    (re.compile(r"\b(?:a|an)\s+(year|month|week|day)\b"), r"1 \1", ""),
    (re.compile(r"\b(\d+)\s+derni[eè]re?s\s+(jours|semaines|mois|ann[ée]es|ans)\b"), r"the last \1 \2", ""),
]  # fmt: skip


def normalise(text: str) -> tuple[str, list[str]]:
    """Lower case with comparatives as symbols and numbers as digits; returns the warnings
    about what was read into the text (typos)."""
    t = " " + text.lower().replace("’", "'").replace("\u00a0", " ") + " "
    warnings: list[str] = []
    for word, digit in _NUMBER_WORDS.items():
        t = re.sub(rf"\b{word}\b", digit, t)
    for pattern, replacement, warning in _REWRITES:
        t, count = pattern.subn(replacement, t)
        if count and warning and warning not in warnings:
            warnings.append(warning)
    t = re.sub(r"\s+", " ", t)
    return t.strip(), warnings


# ----------------------------------------------------------------------------- rules

_OPS = {"≥": "gte", ">": "gt", "≤": "lte", "<": "lt", "=": "eq"}
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(days?|jours?|weeks?|semaines?|months?|mois|years?|ans?|ann[ée]es?)\b"
)
_DURATION_UNITS = {
    "day": "days", "days": "days", "jour": "days", "jours": "days", "week": "weeks", "weeks": "weeks",
    "semaine": "weeks", "semaines": "weeks", "month": "months", "months": "months", "mois": "months",
    "year": "years", "years": "years", "an": "years", "ans": "years", "année": "years", "années": "years",
    "annee": "years", "annees": "years",
}  # fmt: skip


def _number(text: str) -> int | float:
    value = float(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    return int(value) if value.is_integer() and "." not in text and "," not in text else value


def _durations(t: str) -> list[tuple[int, int | float, str]]:
    """(position, value, unit) of every duration; years become months (registries and our
    concepts count washouts in months)."""
    found = []
    for match in _DURATION.finditer(t):
        value, unit = _number(match.group(1)), _DURATION_UNITS[match.group(2)]
        if unit == "years":
            value, unit = value * 12, "months"
        found.append((match.start(), value, unit))
    return found


class _Context:
    def __init__(self, kind: str, text: str):
        self.kind = kind
        self.t, self.warnings = normalise(text)
        self.criteria: list[DraftCriterion] = []
        self.skip: set[str] = set()
        self.visit = False

    @property
    def inclusion(self) -> bool:
        return self.kind == INCLUSION

    def add(self, concepts: str | tuple[str, ...], operator: str, *values, unit: str = "", drugs=()) -> None:
        concepts = (concepts,) if isinstance(concepts, str) else tuple(concepts)
        criterion = DraftCriterion(concepts, operator, tuple(values), unit, tuple(drugs))
        if criterion not in self.criteria:
            self.criteria.append(criterion)

    def has(self, concept: str) -> bool:
        return any(concept in c.concepts for c in self.criteria)

    def search(self, pattern: str) -> re.Match | None:
        return re.search(pattern, self.t)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _boolean(ctx: _Context, concept: str, pattern: str, *, negated_in_inclusion: bool = True) -> None:
    """A condition named in an exclusion excludes when true; named in an inclusion it is
    required (or, for adverse conditions, required absent when the item says "no"/"without")."""
    if concept in ctx.skip or not ctx.search(pattern):
        return
    if ctx.inclusion:
        negative = ctx.search(r"\b(no|not|without|absence of|free of|negative|n[ée]gati\w*|pas de|sans)\b")
        ctx.add(concept, "is_false" if (negative and negated_in_inclusion) else "is_true")
    else:
        ctx.add(concept, "is_true")


def _rule_eu_age(ctx: _Context) -> None:
    under = ctx.search(r"trial subjects (?:under|<) 18\? (yes|no)")
    if not under:
        return
    adults = ctx.search(r"adults \(18-64 years\) (yes|no)")
    elderly = ctx.search(r"elderly \(≥65 years\) (yes|no)")
    if under.group(1) == "no":
        if elderly and elderly.group(1) == "no":
            ctx.add("age", "between", 18, 64)
        elif adults and adults.group(1) == "no":
            ctx.add("age", "gte", 65)
        else:
            ctx.add("age", "gte", 18)
    elif elderly and elderly.group(1) == "no":
        ctx.add("age", "lte", 64)


def _rule_age(ctx: _Context) -> None:
    t = ctx.t
    match = re.search(
        r"\b(?:age[ds]?|âg[ée]e?s?)\b\D{0,20}?(\d{1,3})\s*(?:to|-|–|and|à|et)\s*(\d{1,3})\s*(?:years|ans|y\b)",
        t,
    ) or re.search(r"\b(\d{1,3})\s*(?:to|-|–)\s*(\d{1,3})\s*years?\s*(?:old|of age)", t)
    if match:
        ctx.add("age", "between", int(match.group(1)), int(match.group(2)))
        return
    found = False
    for m in re.finditer(r"(≥|>|≤|<)\s*(\d{1,3})\s*(?:years?|ans)\s*(?:of age|old|d['’]âge)", t):
        ctx.add("age", _OPS[m.group(1)], int(m.group(2)))
        found = True
    for m in re.finditer(r"\b(?:age[ds]?|âge)\b\s*:?\s*(≥|>|≤|<)\s*(\d{1,3})\b", t):
        ctx.add("age", _OPS[m.group(1)], int(m.group(2)))
        found = True
    if not found and not ctx.inclusion and re.search(r"\b(minors?|mineurs?)\b", t):
        ctx.add("age", "lt", 18)


def _rule_sex(ctx: _Context) -> None:
    if not ctx.inclusion:
        return
    if ctx.search(r"\b(women|females?|femmes?)\s+only\b|\bonly\s+(women|females?|femmes?)\b"):
        ctx.add("sex", "in", "female")
    elif ctx.search(r"\b(men|males?|hommes?)\s+only\b|\bonly\s+(men|males?|hommes?)\b"):
        ctx.add("sex", "in", "male")


_PHENOTYPES = [
    ("RRMS", r"relapsing[- ]remitting|\brr[- ]?ms\b|\bsep[- ]rr\b|r[ée]mittente"),
    ("SPMS", r"secondary[- ]progressive|\bsp[- ]?ms\b|secondairement progressive|progressive secondaire"),
    ("PPMS", r"primary[- ]progressive|\bpp[- ]?ms\b|primaire[- ]progressive|progressive primaire"),
    ("CIS", r"clinically isolated|\bcis\b|syndrome cliniquement isol"),
]


def _rule_diagnosis(ctx: _Context) -> None:
    if not ctx.inclusion or ctx.search(r"not fulfill?ing"):
        return
    phenotypes = [code for code, pattern in _PHENOTYPES if ctx.search(pattern)]
    if ctx.search(
        r"(?<!primary )(?<!secondary )(?<!primary-)(?<!secondary-)progressive (ms|multiple sclerosis|forms?)"
    ):
        phenotypes += [p for p in ("SPMS", "PPMS") if p not in phenotypes]
    order = ["CIS", "RRMS", "SPMS", "PPMS"]
    phenotypes = sorted(set(phenotypes), key=order.index)
    if phenotypes or ctx.search(r"multiple sclerosis|\bms\b|scl[ée]rose en plaques|\bsep\b"):
        ctx.add("diagnosis", "in", "multiple_sclerosis")
    if phenotypes:
        ctx.add("ms_phenotype", "in", *phenotypes)
    if ctx.search(r"\blupus\b|\bsle\b"):
        ctx.add("diagnosis", "in", "systemic_lupus_erythematosus")
        if ctx.search(r"refractory|r[ée]fractaire"):
            ctx.add("sle_refractory", "is_true")


def _rule_disease_duration(ctx: _Context) -> None:
    if not ctx.search(r"disease duration|duration of (the )?(disease|ms)|dur[ée]e d['’]?[ée]volution"):
        return
    m = re.search(rf"{_NUM}\s*(?:to|-|–|and|à|et)\s*{_NUM}\s*(?:years|ans)", ctx.t)
    if m:
        ctx.add("disease_duration_years", "between", _number(m.group(1)), _number(m.group(2)))
        return
    m = re.search(rf"(≥|>|≤|<)\s*{_NUM}\s*(?:years|ans)", ctx.t)
    if m:
        ctx.add("disease_duration_years", _OPS[m.group(1)], _number(m.group(2)))


def _rule_edss(ctx: _Context) -> None:
    t = ctx.t
    increase = re.search(rf"increase (?:of|in|by)\s*(≥|>)?\s*{_NUM}\s*(?:edss|point)", t)
    if increase and "edss" in t:
        if re.search(r"12 months|1 year", t):
            ctx.add("edss_increase_12m", "gte", float(_number(increase.group(2))))
        else:
            ctx.warn("EDSS increase without a 12-month period: left to the curator.")
        if "(if" in t:
            ctx.warn("Thresholds depend on conditions (“if …”): check how the curator should combine them.")
        return
    if "edss" not in t:
        return
    m = re.search(rf"edss[^;]*?{_NUM}\s*(?:to|-|–|and|à|et)\s*{_NUM}", t)
    if m:
        ctx.add("edss", "between", float(_number(m.group(1))), float(_number(m.group(2))))
        return
    m = re.search(rf"edss[^;]*?(≥|>|≤|<|=)\s*{_NUM}", t)
    if m:
        ctx.add("edss", _OPS[m.group(1)], float(_number(m.group(2))))


def _rule_relapses(ctx: _Context) -> None:
    t = ctx.t
    if not re.search(r"relapse|pouss[ée]e", t):
        return
    ongoing = re.search(r"(on-?going|current|active) relapses?|relapses? in progress|pouss[ée]e en cours", t)
    if ongoing:
        negative = re.search(r"\b(without|no|not)\b[^,;]{0,20}(on-?going|current|active) relapse", t)
        ctx.add("ongoing_relapse", "is_false" if negative else "is_true")
    count = re.search(
        r"(≥|>|≤|<|=)?\s*(\d+)\s+(?:clinically\s+)?(?:documented\s+)?(?:clinical\s+)?relapses?\b[^;]*?"
        r"(?:past|last|previous|preceding)\s+(\d+)\s+months",
        t,
    )
    if count:
        months = int(count.group(3))
        concept = {12: "relapses_12m", 24: "relapses_24m"}.get(months)
        if concept:
            ctx.add(concept, _OPS.get(count.group(1) or "≥"), int(count.group(2)))
        else:
            ctx.warn(f"Relapse count over {months} months: the vocabulary counts over 12 or 24 months.")
        return
    if ongoing and not re.search(r"relapse\w*\s*(≤|<|within)", t):
        return
    durations = _durations(t)
    if not durations:
        return
    _, value, unit = durations[0]
    if ctx.inclusion:
        if re.search(r"\b(no|without|free of|pas de|sans)\b[^;]{0,20}relapse", t):
            ctx.add("days_since_last_relapse", "not_within", value, unit=unit)
    elif value == 12 and unit == "months" and not re.search(r"relapse\w*\s*(≤|<)", t):
        ctx.add("relapses_12m", "gte", 1)
    else:
        ctx.add("days_since_last_relapse", "within", value, unit=unit)


_GD = r"(?:\bgels?\b|gadolinium|\bgd\b\+?|gd[- ]enhancing|contrast[- ]enhancing|enhancing lesions?)"


def _rule_gd_lesions(ctx: _Context) -> None:
    t = ctx.t
    if not re.search(_GD, t):
        return
    before = re.search(rf"(≥|>|≤|<|=)?\s*(\d+)(?:\s*(?:-|–|to|or)\s*(\d+))?\s*(?:new\s+)?{_GD}", t)
    after = re.search(rf"{_GD}[^;]*?(≥|>|≤|<|=)\s*(\d+)", t)
    if before and before.group(3):
        ctx.add("gd_lesions_last_mri", "between", int(before.group(2)), int(before.group(3)))
    elif before:
        ctx.add("gd_lesions_last_mri", _OPS.get(before.group(1) or "≥"), int(before.group(2)))
    elif after:
        ctx.add("gd_lesions_last_mri", _OPS[after.group(1)], int(after.group(2)))
    else:
        return
    recent = re.search(
        r"mri[^;]*?(?:within|in|during)\s+(?:the\s+)?(?:last|past|previous)\s+(\d+)\s+months", t
    )
    if recent:
        ctx.add("months_since_last_mri", "lte", int(recent.group(1)))


def _rule_new_t2(ctx: _Context) -> None:
    if ctx.search(r"new t2|new (?:\w+ )?lesions? (?:on|in) t2|nouvelles? l[ée]sions? t2"):
        if not ctx.search(r"12 months|1 year|last year"):
            ctx.warn("New T2 lesions: the vocabulary records them over the last 12 months.")
        negative = ctx.inclusion and ctx.search(r"\b(no|without)\b[^;]{0,15}new t2")
        ctx.add("new_t2_lesions_12m", "is_false" if negative else "is_true")


def _rule_csf(ctx: _Context) -> None:
    if ctx.search(r"oligoclonal|bandes oligoclonales"):
        value = "negative" if ctx.search(r"negative|absence|n[ée]gati") else "positive"
        ctx.add("csf_oligoclonal_bands", "in", value)


def _rule_progression(ctx: _Context) -> None:
    if ctx.search(r"progression independent of relapse|\bpira\b"):
        if not ctx.search(r"\b2 years|24 months"):
            ctx.warn("Progression independent of relapses: the vocabulary records it over the last 2 years.")
        ctx.add("progression_independent_of_relapse_24m", "is_true")


# --- drugs

_DRUGS = [
    ("interferon_beta", r"interferon|interf[ée]ron|\bifn\w*"),
    ("glatiramer_acetate", r"glatiram"),
    ("teriflunomide", r"t[ée]riflunomide"),
    ("dimethyl_fumarate", r"dimethyl[- ]?fumarate|fumarate de dim[ée]thyle|\bdmf\b"),
    ("natalizumab", r"natalizumab"),
    ("fingolimod", r"fingolimod"),
    ("alemtuzumab", r"alemtuzumab"),
    ("cladribine", r"cladribine"),
    ("daclizumab", r"daclizumab"),
    ("ocrelizumab", r"ocr[ée]lizumab"),
    ("rituximab", r"rituximab"),
    ("mitoxantrone", r"mitoxantrone"),
    ("cyclophosphamide", r"cyclophosphamide"),
    ("mycophenolate", r"mycoph[ée]nolate|\bmmf\b"),
    ("belimumab", r"b[ée]limumab"),
    ("corticosteroids_high_dose", r"corticost[ée]ro[iï]d\w*|cortico[iï]d\w*|corticoth[ée]rapie|methylprednisolone|\bsteroids?\b"),
    ("interleukin_2", r"interleukin[- ]?2|\bil[- ]?2\b"),
    ("anticoagulant", r"anticoagula\w*"),
    ("fibrinolytic", r"fibrinoly\w*"),
]  # fmt: skip
_CLASSES = [
    ("ms_disease_modifying", r"disease[- ]modifying|\bdm[dt]s?\b|traitements? de fond"),
    ("ms_first_line", r"first[- ]line|premi[èe]re ligne"),
    ("immunosuppressive", r"immunosuppress\w*|immunosuppresseur\w*"),
    ("b_cell_depleting", r"b[- ]cell[- ]depleting|d[ée]pl[ée]tant les lymphocytes b"),
]


def _rule_medications(ctx: _Context, vocabulary: DraftVocabulary) -> None:
    if "medications" in ctx.skip:
        return
    t = ctx.t
    mentions: list[tuple[int, str]] = []
    for code, pattern in _CLASSES + _DRUGS:
        for m in re.finditer(pattern, t):
            mentions.append((m.start(), code))
    if not mentions:
        return
    mentions.sort()
    if any(code == "corticosteroids_high_dose" for _, code in mentions) and not re.search(
        r"high[- ]dose|bolus|intravenous|\biv\b|forte dose", t
    ):
        ctx.warn("Corticosteroids read as high-dose courses (the only corticosteroid treatment recorded).")
    durations = _durations(t)
    length_spans = [
        m.start()
        for m in re.finditer(
            r"(?:≥|for\s+≥?)\s*\d+(?:[.,]\d+)?\s*(?:days?|weeks?|months?|years?)(?:\s+of\s+(?:attempted\s+)?(?:therapy|treatment))?",
            t,
        )
        if re.search(r"≥|of\s+(?:attempted\s+)?(?:therapy|treatment)", m.group(0))
    ]
    groups: dict[tuple, list[str]] = {}
    for position, code in mentions:
        after = [d for d in durations if d[0] > position]
        before = [d for d in durations if d[0] < position]
        chosen = after[0] if after else (before[-1] if before else None)
        groups.setdefault(chosen, []).append(code)
    current = re.search(r"\b(on|receiving|taking|currently|sous)\b", t)
    for duration, codes in groups.items():
        drugs = _dedupe_drugs(codes, vocabulary)
        if duration is None:
            if ctx.inclusion:
                ctx.warn("A treatment is named without a period: left to the curator.")
            elif re.search(r"\b(received|history|previous(?:ly)?|prior|ever|already|d[ée]j[àa])\b", t):
                ctx.add("medications", "ever_taken", drugs=drugs)
            else:
                ctx.add("medications", "taken_within", 31, unit="days", drugs=drugs)
                ctx.warn(
                    "No period stated for the treatment: read as a current treatment (a dose in the last 31 days)."
                )
            continue
        position, value, unit = duration
        is_length = any(abs(start - position) <= 8 for start in length_spans)
        if is_length:
            if unit != "months":
                value, unit = (round(value / 30.44, 1), "months") if unit == "days" else (value, unit)
            operator = "on_treatment_for_at_least" if (ctx.inclusion and current) else "treated_for_at_least"
            ctx.add("medications", operator, value, unit=unit, drugs=drugs)
        else:
            ctx.add("medications", "taken_within", value, unit=unit, drugs=drugs)


def _dedupe_drugs(codes: list[str], vocabulary: DraftVocabulary) -> tuple[str, ...]:
    """Drugs named as examples of a class named in the same breath ("any immunosuppressive
    therapy including natalizumab") are already in the class."""
    classes = [c for c in codes if c in vocabulary.classes]
    covered = set().union(*(vocabulary.classes[c] for c in classes)) if classes else set()
    result: list[str] = []
    for code in codes:
        if code not in result and (code in classes or code not in covered):
            result.append(code)
    return tuple(result)


# --- reproduction, consent, administrative


def _rule_reproduction(ctx: _Context) -> None:
    t = ctx.t
    if re.search(r"pregnan|enceinte|grossesse", t) and not re.search(r"pregnancy test|test de grossesse", t):
        if ctx.inclusion:
            if re.search(r"\b(not|non)\b[^;]{0,15}(pregnan|enceinte)", t):
                ctx.add("pregnant", "is_false")
        else:
            ctx.add("pregnant", "is_true")
    if re.search(r"breast-?feeding|lactat|nursing|allait", t):
        ctx.add("breastfeeding", "is_false" if ctx.inclusion else "is_true")
    if re.search(r"contracep", t):
        negative = re.search(
            r"\b(without|lack of|unwilling|not using|no|absence of|refus\w*|sans|pas de|absence de)\b[^;]{0,40}contracep",
            t,
        )
        if ctx.inclusion:
            ctx.add("effective_contraception", "is_false" if negative else "is_true")
            ctx.warn(
                "Contraception applies to women of childbearing potential: the saved draft asks it only of them."
            )
        else:
            ctx.add("effective_contraception", "is_false")
            if not re.search(r"childbearing|procr[ée]er", t):
                ctx.warn("Read as applying to people who could conceive a child.")


def _rule_consent(ctx: _Context) -> None:
    t = ctx.t
    if not re.search(r"consent", t):
        return
    if re.search(
        r"\b(unable|inability|incapacity|incapable|not able|cannot|unwilling|incapacit[ée])\b[^.;]{0,60}consent",
        t,
    ):
        if not ctx.inclusion:
            ctx.add("able_to_consent", "is_false")
    elif ctx.inclusion and re.search(r"\b(able|capable) to\b[^.;]{0,40}consent", t):
        ctx.add("able_to_consent", "is_true")
    elif ctx.inclusion and re.search(r"sign|written|informed|écrit|éclairé", t):
        ctx.visit = True


def _rule_administrative(ctx: _Context) -> None:
    t = ctx.t
    if re.search(
        r"legal protection|guardianship|curatorship|tutorship|deprived of (their )?liberty|"
        r"priv[ée]e?s? de (leur )?libert|tutelle|curatelle|sauvegarde de justice|protection juridique",
        t,
    ):
        ctx.add("legal_protection", "is_false" if ctx.inclusion else "is_true")
    if re.search(r"social security|s[ée]curit[ée] sociale|health insurance|assurance maladie", t):
        negative = re.search(r"\b(not|no|non|without|sans)\b[^;]{0,20}(affiliat|covered|social)", t)
        if ctx.inclusion:
            ctx.add("social_security", "is_false" if negative else "is_true")
        else:
            ctx.add("social_security", "is_false" if (negative or "not" in t) else "is_true")
    if re.search(r"particip\w*[^;]{0,40}phase\s*(?:2|ii)\b|phase\s*(?:2|ii)\s*,?\s*(?:3|iii)", t):
        ctx.add("in_ms_interventional_trial", "is_true")
        return
    if re.search(
        r"(particip\w*|included|enrol+ed|inclusion)\s+(?:already\s+)?in\s+(?:an?\s+)?(?:this\s+or\s+)?"
        r"(?:an)?other\s+(?:\w+\s+){0,2}(?:study|studies|trial|research|protocol)|"
        r"(?:other|another)\s+(?:interventional|clinical|therapeutic)\s+(?:study|trial)",
        t,
    ):
        if re.search(r"same time|currently|concomitant|simultan|ongoing|en cours", t):
            ctx.add("months_since_other_trial", "within", 0)
            return
        durations = [d for d in _durations(t) if d[2] in ("months", "weeks", "days")]
        if durations:
            _, value, unit = durations[0]
            ctx.add("months_since_other_trial", "within", value, unit="" if unit == "months" else unit)
        else:
            ctx.warn("Participation in another study without a period: left to the curator.")


def _rule_conditions(ctx: _Context) -> None:
    t = ctx.t
    if re.search(r"immunosuppress\w*[^.;]{0,60}\b(other|another)\s+(autoimmune|cancer|disease|patholog)", t):
        ctx.add("immunosuppressed_for_other_disease", "is_true")
        ctx.skip |= {"medications", "malignancy"}
    if re.search(r"(intolerance|allerg\w*|hypersensitivity) to (il-?2|interleukin)", t):
        ctx.add("il2_intolerance", "is_true")
        ctx.skip.add("medications")
    if re.search(r"comorbidit\w*[^.;]{0,30}(requiring|needing|requir)\s+corticost", t):
        ctx.add("corticosteroid_dependent_comorbidity", "is_true")
        ctx.skip.add("medications")
    if re.search(r"stem[- ]cells? transplant|bone marrow transplant|\bhsct\b|greffe de cellules souches", t):
        ctx.add("stem_cell_transplant", "is_false" if ctx.inclusion else "is_true")
    infections = [
        ("hiv", r"\bhiv|\bvih\b"),
        ("htlv", r"\bhtlv"),
        ("syphilis", r"syphilis"),
        ("hepatitis_b", r"hepatitis b\b|h[ée]patite b\b|\bhbv\b|hbsag"),
        ("hepatitis_c", r"hepatitis c\b|h[ée]patite c\b|\bhcv\b"),
        ("active_infection", r"\b(active|acute|chronic|uncontrolled|ongoing|severe|evolutive)\s+(?:or\s+\w+\s+)?(?:\w+\s+)?infections?\b|infection (active|évolutive|en cours)"),
    ]  # fmt: skip
    for concept, pattern in infections:
        _boolean(ctx, concept, pattern)
    cancer = re.search(r"malignan|cancer|neoplas|n[ée]oplas|carcinom|tumou?r", t)
    if "malignancy" not in ctx.skip and cancer and not ctx.inclusion:
        ctx.add("malignancy", "in", "other")
        if re.search(r"remission|cured|gu[ée]ri", t) and re.search(r"\d+\s*(years?|months?)", t):
            ctx.warn(
                "The time since remission is not drafted: the curator adds it (years_since_malignancy_remission)."
            )
        elif re.search(r"\bactive\b", t):
            ctx.warn("“Active” cancer: the curator may restrict it to no remission yet.")
    _boolean(ctx, "myelodysplasia", r"myelodysplas|my[ée]lodysplas")
    _boolean(ctx, "hematologic_disease", r"ha?ematolog\w*\s+(disease|disorder|malignanc)|h[ée]mopathie")
    _boolean(ctx, "limited_life_expectancy", r"life expectancy|esp[ée]rance de vie")
    _boolean(ctx, "severe_psychiatric_disorder", r"psychiatr|psychos[ie]s|psychotic")
    _boolean(ctx, "poor_venous_access", r"venous access|capital veineux")
    _boolean(
        ctx,
        "mri_contraindication",
        r"(inability|unable|contra-?\s?indicat\w*|contre-indication)[^.;]{0,30}\b(mri|irm)\b|\b(mri|irm)\b[^.;]{0,20}contra-?\s?indicat|claustrophob",
    )
    _boolean(
        ctx,
        "lumbar_puncture_contraindication",
        r"contra[- ]?\s?indicat\w*\s+(to|for)\s+(a\s+)?(lumbar puncture|intrathecal)|lumbar puncture[^.;]{0,20}contra|contre-indication [àa] la ponction lombaire",
    )
    _boolean(ctx, "uncontrolled_ventricular_arrhythmia", r"ventricular arr?hythmia|arythmie ventriculaire")
    _boolean(
        ctx, "hepatic_insufficiency", r"(hepatic|liver) (failure|insufficiency)|insuffisance h[ée]patique"
    )
    nyha = re.search(r"nyha\s*(?:class|grade|classe)?\s*(≥|>)?\s*(iv|i{1,3}|[1-4])\b", t) or re.search(
        r"(≥|>)?\s*(?:grade|class|classe)\s*(iv|i{1,3}|[1-4])\b\s*\(?\s*nyha", t
    )
    if nyha:
        level = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(nyha.group(2)) or int(nyha.group(2))
        ctx.add("heart_failure_nyha", "gte", min(4, level + (1 if nyha.group(1) == ">" else 0)))
    elif re.search(r"(heart|cardiac) failure|insuffisance cardiaque", t) and not ctx.inclusion:
        ctx.add("heart_failure_nyha", "gte", 2)
        ctx.warn("Heart failure read as NYHA class II or above (with symptoms).")
    if re.search(r"live (attenuated )?(virus )?vaccin|vaccin\w* (with|by) (a )?live|vaccin\w* vivant", t):
        durations = [d for d in _durations(t) if d[2] in ("days", "weeks", "months")]
        if durations:
            _, value, unit = durations[0]
            ctx.add("months_since_live_vaccine", "within", value, unit="" if unit == "months" else unit)
        else:
            ctx.warn("Live vaccination without a number of months: left to the curator.")
    if re.search(r"surgery|surgical|an(a)?esthesia|chirurgi", t):
        durations = [d for d in _durations(t) if d[2] in ("days", "weeks", "months")]
        if durations and re.search(r"general an(a)?esthesia|anesth[ée]sie g[ée]n[ée]rale", t):
            _, value, unit = durations[0]
            ctx.add(
                "months_since_surgery_general_anaesthesia",
                "within",
                value,
                unit="" if unit == "months" else unit,
            )
        if re.search(r"surgery\s+(is\s+)?planned|planned\s+surgery|chirurgie\s+pr[ée]vue", t):
            ctx.add("surgery_planned", "is_true")
    if re.search(r"(substance|drug|alcohol)[- ](abuse|misuse|dependence)|toxicomanie", t):
        durations = [d for d in _durations(t) if d[2] in ("days", "weeks", "months")]
        if durations:
            _, value, unit = durations[0]
            ctx.add("days_since_substance_abuse", "within", value, unit="" if unit == "days" else unit)
        else:
            ctx.warn("Substance abuse without a period: left to the curator.")


def _definitional(t: str, organ: str) -> bool:
    """ "Renal failure: creatinine clearance < 30" defines the failure by the threshold."""
    return bool(re.search(rf"{organ}\s+(failure|insufficiency)\s*(:|defined|\(?d[ée]fini)", t))


def _rule_organ_failures(ctx: _Context) -> None:
    t = ctx.t
    renal = re.search(r"(renal|kidney) (failure|insufficiency|impairment)|insuffisance r[ée]nale", t)
    if renal and not (_definitional(t, "renal") and (ctx.has("egfr") or ctx.has("creatinine_clearance"))):
        ctx.add("renal_failure", "is_false" if ctx.inclusion else "is_true")
    lung = re.search(r"(respiratory|lung|pulmonary) (failure|insufficiency)|insuffisance respiratoire", t)
    if lung and not (_definitional(t, "respiratory") and (ctx.has("pao2") or ctx.has("paco2"))):
        ctx.add("respiratory_failure", "is_false" if ctx.inclusion else "is_true")


# --- laboratory values

_CELL_COUNTS = {"wbc", "lymphocytes", "neutrophils", "platelets"}
_LABS = [
    ("wbc", r"white blood cells?(?: counts?)?|leu[ck]ocyt\w*|\bwbc\b|globules blancs"),
    ("lymphocytes", r"lymphocyt\w*|lymphop[ée]ni\w*"),
    ("neutrophils", r"neutrophil\w*|neutrop[ée]ni\w*|\banc\b|polynucl[ée]aires neutrophiles"),
    ("platelets", r"platelets?|thrombocytop[ée]ni\w*|plaquettes|thrombop[ée]ni\w*"),
    ("cd4_count", r"\bcd4\b\s*\+?"),
    ("hemoglobin", r"ha?emoglobin|h[ée]moglobine|\ban(?:a)?emia\b|an[ée]mie|\bhb\b"),
    ("egfr", r"\begfr\b|glomerular filtration|\bdfge?\b"),
    ("creatinine_clearance", r"creatinine clearance|clearance of creatinine|clairance"),
    ("lvef", r"ejection fraction|\blvef\b|\bfevg\b"),
    ("pap_mean", r"\bpap\b|pulmonary arter\w* pressure"),
    ("pao2", r"\bpao\s?2\b"),
    ("paco2", r"\bpaco\s?2\b"),
]
_SCI = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[.x×*]?\s*10\s*\^?\s*([369])\s*/\s*(l|µl|ul|mm3)\b")
_PLAIN_NUMBER = re.compile(r"^\s*(\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)")
_UNITS = [
    (re.compile(r"^\s*/\s*mm\s*(?:3|³)"), "/mm3"),
    (re.compile(r"^\s*(?:cells\s*)?/\s*[µμu]l\b"), "/uL"),
    (re.compile(r"^\s*g\s*/\s*dl\b"), "g/dL"),
    (re.compile(r"^\s*g\s*/\s*l\b"), "g/L"),
    (re.compile(r"^\s*ml\s*/\s*min\s*/\s*1[.,]73\s*m\s*(?:2|²)"), "mL/min/1.73m2"),
    (re.compile(r"^\s*ml\s*/\s*min\b"), "mL/min"),
    (re.compile(r"^\s*ml\s*/\s*s\b"), "mL/s"),
    (re.compile(r"^\s*%"), "%"),
    (re.compile(r"^\s*mm\s*hg\b"), "mmHg"),
    (re.compile(r"^\s*kpa\b"), "kPa"),
]


def _read_quantity(segment: str, concept: str) -> tuple[int | float, str] | str | None:
    """Parses "150 000 /mm3", "0.5.109/l", "30. 109 / l", "< 8 g / dl"... at the start of
    `segment`. Returns (value, unit), an error message for an unreadable unit, or None."""
    sci = _SCI.match(segment)
    if sci:
        exponent, per = sci.group(2), sci.group(3)
        unit = f"10^{exponent}/L" if per == "l" else f"10^{exponent}/uL"
        return _number(sci.group(1)), unit
    number = _PLAIN_NUMBER.match(segment)
    if not number:
        return None
    value = _number(number.group(1).replace(" ", "").replace("\u00a0", ""))
    rest = segment[number.end() :]
    for pattern, unit in _UNITS:
        if pattern.match(rest):
            if unit == "g/L" and concept in _CELL_COUNTS:
                unit = "G/L"  # giga-cells per litre: a cell count is never in grams
            return value, unit
    words = rest.strip().split(" ")
    return f"unreadable unit “{words[0] if words else ''}” after {number.group(1)}"


def _rule_labs(ctx: _Context) -> None:
    t = ctx.t
    hits: list[tuple[int, int, str]] = []
    for concept, pattern in _LABS:
        for m in re.finditer(pattern, t):
            hits.append((m.start(), m.end(), concept))
    hits.sort()
    for index, (_start, end, concept) in enumerate(hits):
        stop = hits[index + 1][0] if index + 1 < len(hits) else len(t)
        window = t[end : min(stop, end + 60)]
        window = window.split(";")[0]
        comparator = re.search(r"(≥|≤|<|>|=)", window)
        if not comparator:
            continue
        read = _read_quantity(window[comparator.end() :], concept)
        if read is None:
            continue
        if isinstance(read, str):
            ctx.warn(f"{concept}: {read}; not drafted.")
            continue
        value, unit = read
        ctx.add(concept, _OPS[comparator.group(1)], value, unit=unit)
    _rule_transaminases(ctx)


def _rule_transaminases(ctx: _Context) -> None:
    t = ctx.t
    named = []
    if re.search(r"\balt\b|\balat\b|\bsgpt\b", t):
        named.append("alt_x_uln")
    if re.search(r"\bast\b|\basat\b|\bsgot\b", t):
        named.append("ast_x_uln")
    if re.search(r"transaminase", t):
        named = ["alt_x_uln", "ast_x_uln"]
    if not named:
        return
    m = re.search(rf"(≥|>|≤|<)\s*{_NUM}\s*(?:x|×|fold)?\s*(?:n\b|uln\b|normal|upper limit|lsn\b)", t)
    if m:
        ctx.add(tuple(sorted(named)), _OPS[m.group(1)], _number(m.group(2)))


# --- not screenable

_VISIT = re.compile(
    r"complian|observance|national (roster|register|file)|fichier national|periods? of exclusion|"
    r"investigator['’]?s? (judg|opinion|discretion)|according to the investigator|non[- ]authori[sz]ed"
)


_RULES = (
    _rule_eu_age,
    _rule_age,
    _rule_sex,
    _rule_diagnosis,
    _rule_disease_duration,
    _rule_edss,
    _rule_relapses,
    _rule_gd_lesions,
    _rule_new_t2,
    _rule_csf,
    _rule_progression,
    _rule_conditions,
    _rule_reproduction,
    _rule_consent,
    _rule_administrative,
    _rule_labs,
    _rule_organ_failures,
)


def draft_item(kind: str, text: str, vocabulary: DraftVocabulary | None = None) -> DraftItem:
    """Proposes criteria for one item of the eligibility text."""
    vocabulary = vocabulary or seed_vocabulary()
    ctx = _Context(kind, text)
    if re.search(r"not fulfill?ing (the )?inclusion", ctx.t):
        ctx.warn("Restates the inclusion criteria: nothing to draft, the curator decides.")
        return DraftItem(kind, text, [], False, ctx.warnings)
    for rule in _RULES:
        rule(ctx)
    _rule_medications(ctx, vocabulary)
    criteria = []
    for criterion in ctx.criteria:
        errors = {}
        for concept in criterion.concepts:
            errors.update(vocabulary.check(concept, criterion))
        if errors:
            ctx.warn(f"Dropped a draft on {', '.join(criterion.concepts)}: {'; '.join(errors.values())}.")
        else:
            criteria.append(criterion)
    visit = False
    if not criteria:
        visit = ctx.visit or bool(_VISIT.search(ctx.t))
        if not visit and not ctx.warnings:
            ctx.warn("Not understood: kept as text for the curator.")
    elif _VISIT.search(ctx.t):
        ctx.warn("Part of this item can only be checked by the study team at the visit.")
    return DraftItem(kind, text, criteria, visit, ctx.warnings)


# ----------------------------------------------------------------------------- whole texts

_ADVERSE = re.compile(
    r"pregnan|breast-?feeding|lactat|failure|infection|neoplas|cancer|malignan|abuse|psychiatr|incapacity|"
    r"inability|unable|complian|legal protection|deprived|contra-?indicat|intolerance|allerg|already included|"
    r"another study|roster|\bhiv\b|hepatitis|bone marrow",
    re.I,
)


def draft_eligibility(
    text: str = "",
    *,
    inclusion: str | None = None,
    exclusion: str | None = None,
    default_kind: str = INCLUSION,
    vocabulary: DraftVocabulary | None = None,
) -> Draft:
    """Drafts every item of an eligibility text: either one text with its own headings
    (ClinicalTrials.gov, a pasted section) or separate inclusion and exclusion texts (ICTRP)."""
    vocabulary = vocabulary or seed_vocabulary()
    warnings: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    if inclusion is not None or exclusion is not None:
        for kind, part in ((INCLUSION, inclusion or ""), (EXCLUSION, exclusion or "")):
            found_sections, _ = split_sections(part, kind)
            sections += found_sections or [(kind, [])]
    else:
        sections, found = split_sections(text, default_kind)
        if not found and text.strip():
            warnings.append(
                f"No “Inclusion/Exclusion criteria” headings: every item is read as {default_kind}."
            )
    items: list[DraftItem] = []
    by_kind: dict[str, list[DraftItem]] = {INCLUSION: [], EXCLUSION: []}
    seen_kinds = set()
    for kind, lines in sections:
        seen_kinds.add(kind)
        for raw in split_items(lines):
            item = draft_item(kind, raw.text, vocabulary)
            item.warnings = raw.warnings + item.warnings
            items.append(item)
            by_kind[kind].append(item)
    separate = inclusion is not None or exclusion is not None
    for kind in (INCLUSION, EXCLUSION):
        if not by_kind[kind] and (separate or kind in seen_kinds):
            warnings.append(f"The {kind} criteria section is empty or missing in the record.")
    _flag_misfiled_inclusions(by_kind, warnings)
    return Draft(items, warnings)


def _flag_misfiled_inclusions(by_kind: dict[str, list[DraftItem]], warnings: list[str]) -> None:
    inclusions = [i for i in by_kind[INCLUSION] if not _EU_AGE_LINE.match(i.source_text)]
    if len(inclusions) < 3:
        return
    adverse = [i for i in inclusions if _ADVERSE.search(i.source_text)]
    exclusion_texts = {_key(i.source_text) for i in by_kind[EXCLUSION]}
    copied = [i for i in inclusions if _key(i.source_text) in exclusion_texts]
    if len(adverse) * 2 < len(inclusions) and len(copied) * 2 < len(inclusions):
        return
    reasons = []
    if len(adverse) * 2 >= len(inclusions):
        reasons.append("reads like exclusions (pregnancy, organ failure, infection…)")
    if len(copied) * 2 >= len(inclusions):
        reasons.append("repeats the exclusion section")
    reason = " and ".join(reasons)
    warnings.append(
        f"The inclusion section {reason}: its items are not drafted as inclusion criteria; "
        "the curator writes the real inclusion criteria."
    )
    for item in inclusions:
        item.misfiled = True
        item.criteria = []
        item.confirmed_at_visit = False
        item.warnings = [f"Inclusion section {reason}: not drafted."]


def _key(text: str) -> str:
    return re.sub(r"^\W*\d*\W*", "", re.sub(r"\s+", " ", text.lower())).strip()


def age_items(minimum: float | None, maximum: float | None, sex: str) -> list[DraftItem]:
    """Structured items from the registry's own age and sex fields."""
    items = []
    if minimum is not None or maximum is not None:
        lo = int(minimum) if minimum is not None else None
        hi = int(maximum) if maximum is not None else None
        if lo is not None and hi is not None:
            criterion = DraftCriterion(("age",), "between", (lo, hi))
            text = f"Ages {lo} to {hi} years (registry age limits)"
        elif lo is not None:
            criterion = DraftCriterion(("age",), "gte", (lo,))
            text = f"Ages {lo} years and over (registry age limits)"
        else:
            criterion = DraftCriterion(("age",), "lte", (hi,))
            text = f"Ages up to {hi} years (registry age limits)"
        items.append(DraftItem(INCLUSION, text, [criterion]))
    if sex in ("female", "male"):
        items.append(
            DraftItem(
                INCLUSION, f"Sex: {sex} only (registry field)", [DraftCriterion(("sex",), "in", (sex,))]
            )
        )
    return items


def draft_record(
    *,
    eligibility_text: str = "",
    inclusion: str | None = None,
    exclusion: str | None = None,
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    sex: str = "",
    vocabulary: DraftVocabulary | None = None,
) -> Draft:
    """The draft of a whole registry record: its text, plus its age and sex fields when the
    text states no age limit."""
    draft = draft_eligibility(
        eligibility_text, inclusion=inclusion, exclusion=exclusion, vocabulary=vocabulary
    )
    has_age = any(c.concepts == ("age",) for item in draft.items for c in item.criteria)
    has_sex = any(c.concepts == ("sex",) for item in draft.items for c in item.criteria)
    extra = age_items(
        None if has_age else minimum_age, None if has_age else maximum_age, "" if has_sex else sex
    )
    if not has_age and (minimum_age is None and maximum_age is None):
        draft.warnings.append("No age limits in the record: the curator checks the population's ages.")
    draft.items = extra + draft.items
    return draft


def draft_registry_record(record, vocabulary: DraftVocabulary | None = None) -> Draft:
    """The draft of a parsed registry record (trials.registry.records.RegistryRecord)."""
    separate = record.inclusion_text is not None or record.exclusion_text is not None
    return draft_record(
        eligibility_text="" if separate else record.eligibility_text,
        inclusion=record.inclusion_text if separate else None,
        exclusion=record.exclusion_text if separate else None,
        minimum_age=record.minimum_age,
        maximum_age=record.maximum_age,
        sex=record.sex,
        vocabulary=vocabulary,
    )
