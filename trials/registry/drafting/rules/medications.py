"""Treatments: washouts ("rituximab in the last 6 months"), treatments ever taken, and how
long a current treatment has lasted ("on teriflunomide for at least 6 months")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.model import NOT, DraftCriterion, DraftGroup, DraftVocabulary
from trials.registry.drafting.text import Duration

_DRUGS = [
    # Interferon beta only when named so: interferon alfa treats hepatitis B and C.
    (
        "interferon_beta",
        r"beta[- ]?interf[ée]ron|interf[ée]ron[- ]?(?:beta|bêta|β|b\b)(?:[- ]?1[ab])?|"
        r"\b(?:avonex|rebif|betaseron|betaferon|extavia|plegridy)\b|\bifn\s*[- ]?(?:β|beta|"
        r"b\b)\w*",
    ),
    # Brand names too: MS and lupus registries often name the product ("prior Tysabri").
    ("glatiramer_acetate", r"glatiram\w*(?: acetate)?|\b(?:copaxone|glatopa)\b"),
    ("teriflunomide", r"t[ée]riflunomide|\baubagio\b"),
    ("dimethyl_fumarate", r"dimethyl[- ]?fumarate|fumarate de dim[ée]thyle|\bdmf\b|\btecfidera\b"),
    ("natalizumab", r"natalizumab|\btysabri\b"),
    ("fingolimod", r"fingolimod|\bgilenya\b"),
    ("alemtuzumab", r"alemtuzumab|\b(?:lemtrada|campath)\b"),
    ("cladribine", r"cladribine|\bmavenclad\b"),
    ("daclizumab", r"daclizumab|\bzinbryta\b"),
    ("ocrelizumab", r"ocr[ée]lizumab|\bocrevus\b"),
    ("rituximab", r"rituximab|\b(?:rituxan|mabthera)\b"),
    ("mitoxantrone", r"mitoxantrone|\bnovantrone\b"),
    ("cyclophosphamide", r"cyclophosphamide|\b(?:cytoxan|endoxan)\b"),
    ("mycophenolate", r"mycoph[ée]nol\w*(?: mofetil| sodium| acid)?|\bmmf\b|\b(?:cellcept|myfortic)\b"),
    ("belimumab", r"b[ée]limumab|\bbenlysta\b"),
    (
        "corticosteroids_high_dose",
        r"(?:(?:high[- ]dose|bolus(?:es)? of|pulsed?|intravenous|iv|systemic|oral)\s+)?(?:"
        r"corticost[ée]ro[iï]d\w*|cortico[iï]d\w*|corticoth[ée]rapie|methylprednisolone|\bsteroids?\b|"
        r"glucocorticoid\w*)",
    ),
    ("interleukin_2", r"interleukin[- ]?2|\bil[- ]?2\b"),
    ("anticoagulant", r"anticoagula\w*|anti-coagula\w*"),
    ("fibrinolytic", r"fibrinoly\w*|thrombolytic\w*"),
]
_CLASSES = [
    (
        "ms_disease_modifying",
        r"(?:ms )?disease[- ]modifying (?:therap\w*|treatments?|drugs?|agents?)|disease[- ]modifying|"
        r"\bdm[dt]s?\b|traitements? de fond",
    ),
    ("ms_first_line", r"first[- ]line|premi[èe]re ligne"),
    (
        "immunosuppressive",
        r"immun[eo][- ]?suppress(?:ive|ants?)\b(?!\s+(?:diseases?|states?|conditions?|doses?|effects?))(?:"
        r" (?:therap\w*|treatments?|drugs?|agents?|medications?|regimens?))?|immunosuppresseur\w*",
    ),
    (
        "b_cell_depleting",
        r"b[- ]cell[- ]depleting(?: (?:therap\w*|agents?|treatments?|biologics?|biological (?:agents?|"
        r"therap\w*)|drugs?))?|anti-?cd20|d[ée]pl[ée]tant les lymphocytes b",
    ),
]
# A drug named as an allergy, a need or a purpose, not as a treatment taken.
_NOT_TAKEN = re.compile(
    r"(?:hypersensitiv\w*|allerg\w*|intoleran\w*|contra-?\s?indicat\w*|reactions?|sensitivity)\b[^.;]*$|"
    r"(?:requir\w*|need\w*|need for|necessitat\w*)\s+(?:\w+\s+){0,5}$|"
    r"(?:stud(?:y|ies)|trials?|protocols?) (?:using|with|of|testing)\s+(?:[\w-]+,?\s+){0,3}$|"
    # "vaccines within 6 weeks before the first infusion of ocrelizumab": the study drug as a date.
    r"(?:before|prior to|after|until|of|at)\s+(?:the\s+)?(?:first|initial|start of|next|baseline|planned)\s+"
    r"(?:(?:infusions?|doses?|administrations?|treatments?|injections?)\s+(?:of|with)\s+)?$|"
    r"\b(?:first|initial)\s+$|"
    r"(?:after|following)\s+(?:the\s+)?last\s+(?:doses?|infusions?|administrations?|injections?|treatments?)\s+"
    r"(?:of|with)\s+$"
)
# A period after enrolment is not a washout ("planned use within the two years following enrolment").
_FUTURE = re.compile(
    r"^\s*(?:following|after|from)\b(?!\s+(?:the\s+)?(?:use|last|stop\w*|discontinu\w*|end|treatment|"
    r"administration|cessation))|^\s*(?:of|in|during) the (?:study|trial)"
)
# Words that are not the drug ("steroid-induced", "interferon-gamma release assay").
_NOT_DRUG = re.compile(
    r"^(?:[- ](?:induced|related|responsive|naive|refractory|dependent|release|gamma)|\s+(?:release|"
    r"gamma|test))"
)
_LOCAL = re.compile(
    r"\b(?:inhaled|topical|intranasal|nasal|ophthalmic|intra-?articular|cutaneous|eye drops?|creams?)\b"
)
_LENGTH = re.compile(
    r"(?:for|during|lasting)\s+(?:≥\s*|>\s*|more than\s*)?(\d+(?:\.\d+)?)\s*(?:-\s*)?(days?|weeks?|"
    r"months?|years?)"
    r"|(≥|>)\s*(\d+(?:\.\d+)?)\s*(days?|weeks?|months?|years?)\s+(?:of\s+(?:attempted\s+)?(?:therapy|"
    r"treatment)|on\b)"
    r"|(\d+(?:\.\d+)?)\s*(days?|weeks?|months?|years?)\s+of\s+(?:attempted\s+|continuous\s+|stable\s+)"
    r"?(?:therapy|treatment)"
)
_WINDOW = re.compile(
    r"\b(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding|prior)?\s*$|\b(?:≤|<)\s*$|"
    r"\b(?:last|past|previous|preceding|prior)\s+$"
)


@dataclass
class _Mention:
    start: int
    end: int
    code: str


def medications(ctx: ItemContext, vocabulary: DraftVocabulary) -> None:
    """The treatments of an item, grouped by the period that follows them: a washout
    ("within 6 months"), a length of treatment ("for at least 6 months"), or no period
    (a current treatment when the item says so, a treatment ever taken)."""
    if "medications" in ctx.skip:
        return
    t = ctx.t
    if re.match(r"\W*(?:(?:anticipated|expected|likely) )?(?:requirement|need|requiring|needing)\b", t):
        ctx.warn("A treatment the patient will need, not one taken: left to the curator.")
        return
    mentions = _mentions(t)
    if ctx.inclusion:
        mentions = _inclusion_mentions(ctx, t, mentions)
    if mentions and any(m.code == "corticosteroids_high_dose" for m in mentions):
        t, mentions = _corticosteroids(ctx, t, mentions)
    mentions = _named_members(t, mentions)
    mentions = _classes_of_their_examples(ctx, t, mentions, vocabulary)
    if not mentions:
        return
    if ctx.inclusion and len({ctx.negated_before(m.start, 40) for m in mentions}) > 1:
        # "Currently receiving interferon, OR not receiving any DMT for 3 months": treatments
        # both required and refused are alternatives the curator words.
        ctx.warn("Treatments both named and negated in one inclusion: left to the curator.")
        return
    periods = _periods(ctx, t, mentions)
    if periods is None:
        return
    lengths, durations = periods
    for key, group in _by_period(mentions, durations).items():
        drugs = _dedupe(group, vocabulary)
        spans = [(m.start, m.end) for m in group]
        if key is None:
            _without_period(ctx, t, group, drugs, spans)
        else:
            _with_period(ctx, t, Duration(*key), group, drugs, spans, lengths)


_QUALIFIED_DRUG = re.compile(
    r"\s*(?:therap\w*|treatments?|medications?|drugs?)?\s*(?:that|which)\s+(?:cannot|can ?not|can't|"
    r"could not|must not|may not|should not)\b"
)


def _classes_of_their_examples(
    ctx: ItemContext, t: str, mentions: list[_Mention], vocabulary: DraftVocabulary
) -> list[_Mention]:
    """ "Disease modifying drugs such as azathioprine, mycophenolate, cyclophosphamide": examples
    none of which is in the vocabulary's class say the registry means another class (here the
    rheumatologist's DMARDs, not the MS disease-modifying drugs)."""
    kept = []
    for mention in mentions:
        members = vocabulary.classes.get(mention.code)
        lead = re.match(
            r"\s*(?:\w+\s+){0,2}?(?:\(|such as\b|including\b|e\.?\s?g\.?|like\b)", t[mention.end :]
        )
        if members is not None and lead:
            start = mention.end + lead.end()
            examples = [
                m for m in mentions if m.code not in vocabulary.classes and start <= m.start < start + 120
            ]
            if examples and not any(m.code in members for m in examples):
                ctx.warn(
                    f"“{t[mention.start : mention.end]}” named with examples outside that class: the class "
                    "is left out."
                )
                continue
        kept.append(mention)
    return kept


def _named_members(t: str, mentions: list[_Mention]) -> list[_Mention]:
    """ "A disease modifying agent (glatiramer acetate, interferon beta-1b or beta-1a)": the
    parenthesis says which members of the class are meant, so the drugs stand for it; "(e.g. …)"
    or "(including …)" only gives examples of the whole class."""
    kept = []
    for mention in mentions:
        opening = re.match(
            r"\s*(?:use|therap\w*|treatments?|agents?|drugs?|medications?)?\s*\(", t[mention.end :]
        )
        if mention.code in dict(_CLASSES) and opening:
            start = mention.end + opening.end()
            close = t.find(")", start)
            inside = t[start : close if close >= 0 else len(t)]
            named = [m for m in mentions if start <= m.start < start + len(inside)]
            if named and not re.match(
                r"\s*(?:e\.?\s?g\.?|including|such as|for example|like|ex\b|i\.e\.)", inside
            ):
                continue
        kept.append(mention)
    return kept


def _mentions(t: str) -> list[_Mention]:
    """Every drug and class named as a treatment, in text order."""
    mentions: list[_Mention] = []
    for code, pattern in _CLASSES + _DRUGS:
        for m in re.finditer(pattern, t):
            if _NOT_DRUG.match(t[m.end() : m.end() + 12]):
                continue
            before = t[max(0, m.start() - 45) : m.start()]
            sentence = t[t.rfind(". ", 0, m.start()) + 1 : (t.find(". ", m.end()) + 1 or len(t) + 1) - 1]
            if _NOT_TAKEN.search(before) or re.search(r"hypersensitiv|allergic reaction", sentence):
                continue  # "hypersensitivity to cyclophosphamide", "pneumonitis requiring steroids"
            local = _LOCAL.search(sentence) and not re.search(
                r"high[- ]dose|bolus|intravenous|\biv\b|systemic|oral|immunosuppressive dose", sentence
            )
            if code == "corticosteroids_high_dose" and local:
                continue  # a sentence about inhaled or topical steroids
            if code == "immunosuppressive" and re.search(
                r"not (?:be )?considered (?:as )?(?:an? )?$|small[- ]molecule\s+$|\boral\s+$", before
            ):
                continue  # "other small molecule immunosuppressants" are not the whole class
            if any(o.start <= m.start() < o.end for o in mentions):
                continue
            if _QUALIFIED_DRUG.match(t[m.end() :]):
                continue  # "anticoagulant therapy that cannot be held": only some patients on it
            mentions.append(_Mention(m.start(), m.end(), code))
    return sorted(mentions, key=lambda mention: mention.start)


_WASHOUT_AFTER = re.compile(
    r"\s*(?:treatments?|therap\w*|use|courses?)?\s*(?:within|in|during) (?:the )?(?:last |past )?\d"
)


def _inclusion_mentions(ctx: ItemContext, t: str, mentions: list[_Mention]) -> list[_Mention]:
    """Only a washout or an explicit high-dose course is the vocabulary's corticosteroid; drugs
    given as examples of a kind of treatment cannot be required alone."""
    mentions = [
        m
        for m in mentions
        if m.code != "corticosteroids_high_dose"
        or re.search(r"high[- ]dose|bolus|pulse|intravenous|\biv\b", t)
        # "No relapse or corticosteroid treatment within 30 days": a corticosteroid washout.
        or (ctx.negated_before(m.start, 60) and _WASHOUT_AFTER.match(t[m.end :]))
    ]
    example = re.search(r"\b(?:e\.?g\.?|such as|including|like|for example)\b", t)
    if mentions and example and example.start() < mentions[0].start:
        ctx.warn(
            "Treatments given as examples of a kind of treatment: requiring only these would exclude "
            "the others."
        )
        return []
    return mentions


def _corticosteroids(ctx: ItemContext, t: str, mentions: list[_Mention]) -> tuple[str, list[_Mention]]:
    """The vocabulary records high-dose corticosteroid courses only: say so, and leave out
    local forms."""
    if re.search(r"immunosuppressive doses? of", t):
        t = t.replace("immunosuppressive dose", "high dose".ljust(len("immunosuppressive dose")))
    if _LOCAL.search(t) and not re.search(
        r"high[- ]dose|bolus|intravenous|\biv\b|forte dose|systemic|oral", t
    ):
        ctx.warn("Corticosteroids named with local forms (inhaled, topical): left to the curator.")
        mentions = [m for m in mentions if m.code != "corticosteroids_high_dose"]
    elif not re.search(r"high[- ]dose|bolus|intravenous|\biv\b|forte dose|pulse", t):
        ctx.warn("Corticosteroids read as high-dose courses (the only corticosteroid treatment recorded).")
    return t, mentions


def _periods(ctx: ItemContext, t: str, mentions: list[_Mention]):
    """The lengths of treatment of the first treatment's sentence, and the periods that can be
    windows; None when a length sits inside a period ("for 28 days during 6 months")."""
    first_sentence = _sentence(t, mentions[0].start)
    # A length in another sentence defines a dose ("… 20 mg/day for longer than one week").
    lengths = [m for m in _LENGTH.finditer(t) if _sentence(t, m.start()) == first_sentence]
    kept = {m.span() for m in lengths}
    other_lengths = [m for m in _LENGTH.finditer(t) if m.span() not in kept]
    durations = [
        d
        for d in ctx.durations()
        if not _FUTURE.match(t[d.end : d.end + 20])
        and not any(m.start() <= d.start < m.end() for m in other_lengths)
    ]
    windows = [d for d in durations if not any(m.start() <= d.start < m.end() for m in lengths)]
    first = mentions[0].start
    if lengths and [d for d in windows if d.start > first] and any(m.start() > first for m in lengths):
        ctx.warn(
            "A treatment length within a period (“for … during …”): the vocabulary records one or the other; "
            "left to the curator."
        )
        return None
    return lengths, durations


def _by_period(mentions: list[_Mention], durations: list[Duration]) -> dict[tuple | None, list[_Mention]]:
    """Each treatment with the period after it (or the last one before it)."""
    groups: dict[tuple | None, list[_Mention]] = {}
    for mention in mentions:
        after = [d for d in durations if d.start > mention.start]
        before = [d for d in durations if d.start < mention.start]
        chosen = after[0] if after else (before[-1] if before else None)
        key = (chosen.start, chosen.end, chosen.value, chosen.unit) if chosen else None
        groups.setdefault(key, []).append(mention)
    return groups


_CURRENT = (
    r"\b(?:currently|current(?:ly)? (?:use|treatment)|ongoing|concomitant|chronic (?:use|treatment)|"
    r"receiving|"
    r"taking|chronic)\b"
)


def _without_period(ctx: ItemContext, t: str, group: list[_Mention], drugs: tuple, spans: list) -> None:
    first = min(m.start for m in group)
    if ctx.inclusion:
        naive = re.search(
            r"\bna[iï]ve (?:to|of|for)\s+(?:(?:treatment|therapy) with\s+)?(?:\w+\s+){0,2}$", t[:first]
        )
        if naive:
            # "Naïve to treatment with fingolimod": met when it was never taken.
            ever = DraftCriterion(("medications",), "ever_taken", (), "", drugs, "medications.never_taken")
            ctx.add_group(
                DraftGroup(NOT, (ever,)), rule="medications.never_taken", span=spans + [naive.span()]
            )
            return
        if ctx.negated_before(first, 60) and re.search(
            r"\b(?:prior|previous(?:ly)?|ever|history|naive|naïve|before|at any time|any time)\b", t
        ):
            # "No prior treatment with natalizumab": met when it was never taken.
            ever = DraftCriterion(("medications",), "ever_taken", (), "", drugs, "medications.never_taken")
            ctx.add_group(DraftGroup(NOT, (ever,)), rule="medications.never_taken", span=spans)
        else:
            ctx.warn("A treatment is named without a period: left to the curator.")
        return
    if ever := re.search(
        r"\b(received|history|previous(?:ly)?|prior|ever|already|d[ée]j[àa]|(?:at )?any time|lifetime|"
        r"at some point)\b",
        t,
    ):
        ctx.add(
            "medications",
            "ever_taken",
            drugs=drugs,
            rule="medications.ever_taken",
            span=spans + [ever.span()],
        )
        return
    cue = re.search(_CURRENT, t)
    current = (
        cue
        or re.match(r"\s*(?:or \w+ )?(?:treatments?|therap\w*|use)\b", t[group[-1].end :])
        or re.search(r"\b(?:treatment|therapy|use) (?:with|of|by)\s+(?:\w+\s+){0,2}$", t[: group[0].start])
    )
    if not current:
        ctx.warn("A treatment is named without a period: left to the curator.")
        return
    ctx.add(
        "medications",
        "taken_within",
        31,
        unit="days",
        drugs=drugs,
        rule="medications.current",
        span=spans + ([cue.span()] if cue else []),
    )
    ctx.warn("No period stated for the treatment: read as a current treatment (a dose in the last 31 days).")


def _with_period(
    ctx: ItemContext, t: str, duration: Duration, group, drugs: tuple, spans: list, lengths
) -> None:
    value, unit = duration.value, duration.unit
    length = next((m for m in lengths if m.start() <= duration.start < m.end()), None)
    if length:
        if unit == "days":
            value, unit = round(value / 30.44, 1), "months"
        elif unit == "weeks":
            value, unit = round(value * 7 / 30.44, 1), "months"
        if ctx.inclusion and re.search(r"\bstable (?:dose|dosage|regimen)|\bdoses? (?:\w+ ){0,3}stable\b", t):
            # "An immunosuppressant at a stable dose for ≥ 8 weeks": how long those who take it
            # must have been stable, not a treatment everyone must take.
            ctx.warn(
                "A stable dose for a length of time: a condition for those on the treatment; left to the "
                "curator."
            )
            return
        on = re.search(
            r"\b(on|receiving|taking|currently|current|sous|treated with|continuous(?:ly)?|ongoing|"
            r"must continue)\b|^\W*(?:therapy|treatment) with\b",
            t,
        )
        operator = "on_treatment_for_at_least" if (ctx.inclusion and on) else "treated_for_at_least"
        if not ctx.inclusion and re.search(
            r"<\s*$|less\s+than\s*$", t[max(0, length.start() - 12) : length.start()]
        ):
            ctx.warn("A treatment shorter than a length: left to the curator.")
            return
        ctx.add(
            "medications",
            operator,
            value,
            unit=unit,
            drugs=drugs,
            rule="medications.treatment_length",
            span=spans + [length.span()],
        )
        return
    if ctx.inclusion and not ctx.negated_before(min(m.start for m in group), 80):
        ctx.warn("A treatment with a period in an inclusion (required, not excluded): left to the curator.")
        return
    spans = spans + [(duration.start, duration.end)]
    if ctx.inclusion:
        # "No rituximab within 6 months" as an inclusion: met when it was not taken.
        criterion = DraftCriterion(
            ("medications",), "taken_within", (value,), unit, drugs, "medications.washout"
        )
        ctx.add_group(DraftGroup(NOT, (criterion,)), rule="medications.washout", span=spans)
    else:
        ctx.add(
            "medications",
            "taken_within",
            value,
            unit=unit,
            drugs=drugs,
            rule="medications.washout",
            span=spans,
        )


def _sentence(t: str, position: int) -> int:
    return len(re.findall(r"(?<!\d)\.\s", t[:position]))


def _dedupe(group: list[_Mention], vocabulary: DraftVocabulary) -> tuple[str, ...]:
    """Drugs named as examples of a class named in the same breath ("any immunosuppressive
    therapy including natalizumab") are already in the class."""
    codes = [m.code for m in group]
    classes = [c for c in codes if c in vocabulary.classes]
    covered = set().union(*(vocabulary.classes[c] for c in classes)) if classes else set()
    result: list[str] = []
    for code in codes:
        if code not in result and (code in classes or code not in covered):
            result.append(code)
    return tuple(result)
