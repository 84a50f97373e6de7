"""Other conditions: infections, cancer, heart, organs, psychiatric and procedural limits."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.model import ALL, DraftCriterion, DraftGroup
from trials.registry.drafting.text import NUM, number


def boolean(ctx: ItemContext, concept: str, pattern: str, rule: str, *, negatable: bool = True) -> bool:
    """A condition named in an exclusion excludes when true; named in an inclusion it is
    required, or required absent when the item says "no"/"without"/"negative". A condition
    negated inside an exclusion ("patients without …" excluded) is left to the curator."""
    if concept in ctx.skip:
        return False
    spans, negated, plain = [], 0, 0
    for m in ctx.finditer(pattern):
        spans.append(m.span())
        if ctx.negated_before(m.start(), 200) or ctx.negated_after(m.end()):
            negated += 1
        else:
            plain += 1
    if not spans:
        return False
    if ctx.inclusion:
        if negated and plain:
            ctx.warn(f"{concept}: named both with and without a negation; left to the curator.")
            return False
        ctx.add(concept, "is_false" if (negated and negatable) else "is_true", rule=rule, span=spans)
        return True
    if negated and not plain:
        ctx.warn(f"{concept}: a negated condition in an exclusion; left to the curator.")
        return False
    ctx.add(concept, "is_true", rule=rule, span=spans)
    return True


_INFECTIONS = [
    ("hiv", r"\bhiv(?:[- ]?[12](?:\s*[-/]\s*2)?)?\b(?:[- ]?(?:infection|infected|positive|antibod(?:y|ies)|seropositiv\w*))?|\bvih\b|human immunodeficiency virus(?: \d)?"),
    ("htlv", r"\bhtlv\b(?:[- ]?(?:i{1,2}|[12])(?:\s*[-/]\s*(?:ii|2))?)?|human t-?(?:cell )?lymphotropic virus(?:[- ]?(?:type )?(?:i{1,2}|[12])(?:\s*[-/]\s*(?:ii|2))?)?"),
    ("syphilis", r"\bsyphilis\b"),
    ("hepatitis_b", r"\bhepatitis[- ]b\b(?: virus| surface antigen)?|h[ée]patite b\b|\bhbv\b|\bhbs ?ag\b(?: surface antigen)?"),
    ("hepatitis_c", r"\bhepatitis[- ]c\b(?: virus)?|h[ée]patite c\b|\bhcv\b"),
]  # fmt: skip
_ACTIVE_INFECTION = (
    r"\b(active|acute|chronic|uncontrolled|ongoing|severe|evolutive|serious|systemic)\s+(?:or\s+\w+\s+)?"
    r"(?:\w+\s+)?infections?\b|\binfection (active|évolutive|en cours)\b"
)


def infections(ctx: ItemContext) -> None:
    t = ctx.t
    for concept, pattern in _INFECTIONS:
        boolean(ctx, concept, pattern, "conditions.infection")
    named = [p for p in ctx.proposals if p.criterion.rule == "conditions.infection"]
    if named:
        # "HIV or hepatitis B infection", "… virus": the word names the infections drafted.
        words = [
            m.span()
            for m in re.finditer(
                r"\b(?:co-?)?infect(?:ions?|ed)\b|\bviral\b|\bvirus(?:es)?\b|\bseropositiv\w*|\bpositive\b|\bserolog\w*|\bantibod(?:y|ies)\b|\bantigen\b|\btest(?:ing)?\b|\bpcr\b|\b(?:rna|dna)\b|viral load|surface antigen",
                t,
            )
        ]
        for proposal in named:
            proposal.spans += tuple(words)
    # "Active hepatitis B or C": the letter after "or" names hepatitis C too.
    if m := re.search(r"\bhepatitis[- ]?b\s*(?:,|or|and|and/or|/)\s*c\b(?! virus)", t):
        if not ctx.has("hepatitis_c"):
            negated = ctx.negated_before(m.start(), 200)
            if ctx.inclusion or not negated:
                op = "is_false" if (ctx.inclusion and negated) else "is_true"
                ctx.add("hepatitis_c", op, rule="conditions.infection", span=m.span())
        for proposal in ctx.proposals:
            if "hepatitis_b" in proposal.concepts:
                proposal.spans += (m.span(),)
    if re.search(
        r"\b(tuberculosis|\btb\b|covid|sars-cov|cmv|ebv|herpes|zoster|fungal|bacterial|viral)\b", t
    ) and not re.search(_ACTIVE_INFECTION, t):
        return
    if re.search(r"\binfections?\b.*\brequiring\b|\binfections? requiring", t) and not re.search(
        _ACTIVE_INFECTION, t
    ):
        return
    boolean(ctx, "active_infection", _ACTIVE_INFECTION, "conditions.active_infection")


_CANCER = r"(?:malignan(?:cy|cies|t (?:disease|tumou?r|neoplasm)s?)|cancers?|neoplas(?:m|ms|ia|ie)|n[ée]oplas\w*|carcinomas?)"
_HISTORY = (
    r"(?:history of|prior|previous|past|other|another|second(?: primary)?|concurrent|concomitant|active|known|"
    r"current|any|diagnos\w* (?:of|with)|presence of|ant[ée]c[ée]dents? de|evolutive|évolutif)"
)
# Cancers a registry usually lets through; the vocabulary's `excepted_only` choice.
_EXCEPTED = re.compile(
    r"basal[- ]cell|basocellular|basal cell|squamous[- ]cell|non[- ]?melanoma(?:tous)? skin|in[- ]situ|cin\b|"
    r"carcinoma of the cervix|cervical carcinoma|cervix carcinoma|skin cancer|skin carcinoma|cutaneous"
)
_OTHER_CANCER = re.compile(
    r"prostat|breast|thyroid|melanoma(?! skin)|bladder|lymphoma|leukemia|colon|low[- ]grade|localized|"
    r"stage|cured|treated with curative|curatively|disease[- ]free|any (?:cancer|malignan)"
)


def malignancy(ctx: ItemContext) -> None:
    """Cancer history in an exclusion: "malignancy" in `other` (the usual exceptions excepted);
    with "active" or "within N years", also its time in remission."""
    if "malignancy" in ctx.skip or ctx.inclusion:
        return
    t = ctx.t
    mentions = [
        m
        for m in re.finditer(
            rf"\b{_HISTORY}\s+(?:\w+[- ]?){{0,3}}?{_CANCER}\b|^\W*{_CANCER}\b|\b{_CANCER} (?:or|and|within|in the)",
            t,
        )
        if not re.search(
            r"(?:chemotherapy|tumou?r necrosis|anti-?tumou?r|tumou?r lysis|tumou?r marker)",
            t[m.start() : m.end() + 20],
        )
    ]
    if not mentions:
        return
    if ctx.search(
        r"\b(?:brain|cns|leptomeningeal) metastas|metastatic|under study|this cancer|the cancer under"
    ):
        ctx.warn("Cancer named with the disease under study: left to the curator.")
        return
    spans = [m.span() for m in mentions]
    for span, words in ctx.exception_text():
        if not _EXCEPTED.search(words):
            ctx.warn(
                f"Cancer exclusion with exceptions (“{words}”) the vocabulary cannot express: left to the curator."
            )
            return
        if _OTHER_CANCER.search(words):
            ctx.warn(
                f"Cancer exclusion with exceptions (“{words}”) beyond skin and in situ carcinomas: left to the curator."
            )
            return
        spans.append(span)
    recent = re.search(
        rf"(?:within|in) (?:the )?(?:last |past |previous |preceding )?{NUM}\s*(years?|months?)"
        rf"|(?:cured|in remission|disease[- ]free|treated)(?: for)?\s*(?:<|≤|less than)\s*{NUM}\s*(years?|months?)"
        rf"|(?:<|≤)\s*{NUM}\s*(years?|months?) (?:ago|before|prior)",
        t,
    )
    active = re.search(
        r"\b(?:active|evolutive|évolutive?|ongoing|current(?:ly active)?|under treatment)\b", t
    )
    if recent:
        value = number(next(g for g in recent.groups() if g and g[0].isdigit()))
        unit = next(g for g in recent.groups() if g and g[0].isalpha())
        years = value / 12 if unit.startswith("month") else value
        if recent.group(0).startswith(("within", "in")):
            operator = "lt"
        else:
            operator = "lt" if "<" in recent.group(0) or "less" in recent.group(0) else "lte"
        group = DraftGroup(ALL, (
            DraftCriterion(("malignancy",), "in", ("other",), rule="conditions.malignancy"),
            DraftCriterion(("years_since_malignancy_remission",), operator, (years,), rule="conditions.malignancy"),
        ))  # fmt: skip
        ctx.add_group(group, rule="conditions.malignancy", span=spans + [recent.span()])
        return
    if active:
        group = DraftGroup(ALL, (
            DraftCriterion(("malignancy",), "in", ("other",), rule="conditions.malignancy"),
            DraftCriterion(("years_since_malignancy_remission",), "eq", (0,), rule="conditions.malignancy"),
        ))  # fmt: skip
        ctx.add_group(group, rule="conditions.malignancy", span=spans + [active.span()])
        return
    if re.search(r"\b(remission|cured|gu[ée]ri|disease[- ]free)\b", t) and re.search(
        r"\d+\s*(years?|months?)", t
    ):
        ctx.warn(
            "The time since remission is not drafted: the curator adds it (years_since_malignancy_remission)."
        )
        return
    ctx.add("malignancy", "in", "other", rule="conditions.malignancy", span=spans)


_NYHA_NAME = r"(?:nyha|new york heart association)(?:\s*\(nyha\))?"
_NYHA = rf"{_NYHA_NAME}(?:\s*(?:functional\s*)?(?:class(?:es|ification)?|grade|classe|stage)\s*)?"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_CLASS = r"(iv|i{1,3}|[1-4])\b"


def heart_failure(ctx: ItemContext) -> None:
    t = ctx.t
    m = (
        re.search(
            rf"{_NYHA_NAME}\s*(?:functional\s*)?(?:class(?:es|ification)?|grade|classe|stage)?\s*(≥|>|≤|<)?\s*(?:class|grade|classe)?\s*{_CLASS}(?:\s*(?:or|-|to|and|/|,)\s*(?:class\s*)?{_CLASS})?",
            t,
        )
        or re.search(
            rf"(≥|>|≤|<)?\s*(?:grade|class|classe)\s*{_CLASS}(?:\s*(?:or|-|to|/)\s*{_CLASS})?\s*\(?\s*{_NYHA}",
            t,
        )
        or re.search(
            rf"(≥|>|≤|<)\s*(?:class\s*)?{_CLASS}\s*(?:\w+\s*){{0,3}}?(?:congestive )?heart failure\b[^;]{{0,40}}{_NYHA}",
            t,
        )
    )
    if m:
        op, first, second = m.group(1), m.group(2), m.group(3) if m.lastindex and m.lastindex >= 3 else None
        level = _ROMAN.get(first) or int(first)
        other = (_ROMAN.get(second) or int(second)) if second else None
        if op in (None, "≥", ">"):
            low = level + (1 if op == ">" else 0)
            if other is not None and op is None:
                low = min(level, other)
                if ctx.inclusion:
                    ctx.add(
                        "heart_failure_nyha",
                        "between",
                        low,
                        max(level, other),
                        rule="conditions.nyha",
                        span=_with_hf(t, m),
                    )
                    return
            if ctx.inclusion and op is None and other is None:
                ctx.warn("A single NYHA class in an inclusion: left to the curator.")
                return
            if low > 4:
                return
            ctx.add("heart_failure_nyha", "gte", low, rule="conditions.nyha", span=_with_hf(t, m))
        else:
            high = level - (1 if op == "<" else 0)
            ctx.add("heart_failure_nyha", "lte", high, rule="conditions.nyha", span=_with_hf(t, m))
        return
    hf = re.search(
        r"(?:congestive |chronic |systolic |diastolic )?(?:heart|cardiac) failure|insuffisance cardiaque|\bchf\b",
        t,
    )
    hf_spans = [
        x.span()
        for x in re.finditer(
            r"(?:clinical )?(?:signs|symptoms) of|(?:congestive |chronic )?(?:heart|cardiac) failure|insuffisance cardiaque|\bchf\b",
            t,
        )
    ]
    if hf and not ctx.inclusion:
        if ctx.negated_before(hf.start(), 60):
            return
        if re.search(r"symptomatic|clinical signs|signes cliniques|decompensated", t):
            ctx.add("heart_failure_nyha", "gte", 2, rule="conditions.heart_failure", span=hf_spans)
            ctx.warn("Symptomatic heart failure read as NYHA class II or above.")
        elif re.search(
            r"uncontrolled|unstable|severe|significant|serious", t[max(0, hf.start() - 40) : hf.end() + 20]
        ):
            ctx.warn(
                "Heart failure qualified as severe or uncontrolled: the NYHA class is left to the curator."
            )
        else:
            ctx.add("heart_failure_nyha", "gte", 1, rule="conditions.heart_failure", span=hf_spans)
            ctx.warn("Heart failure without a class read as any NYHA class (I or above).")


def _with_hf(t: str, match: re.Match) -> list[tuple[int, int]]:
    """The class and the heart failure it grades, wherever the item names it."""
    spans = [match.span()]
    spans += [
        m.span()
        for m in re.finditer(
            r"(?:congestive |chronic )?(?:heart|cardiac) failure|insuffisance cardiaque|\bchf\b", t
        )
    ]
    return spans


def _definitional(t: str, organ: str) -> bool:
    """ "Renal failure: creatinine clearance < 30" defines the failure by the threshold."""
    return bool(re.search(rf"{organ}\s+(failure|insufficiency)\s*(:|defined|\(?d[ée]fini)", t))


def organ_failures(ctx: ItemContext) -> None:
    t = ctx.t
    renal = re.search(
        r"(?:renal|kidney) (?:failure|insufficiency)|insuffisance r[ée]nale|end[- ]stage renal", t
    )
    if renal and not (_definitional(t, "renal") and (ctx.has("egfr") or ctx.has("creatinine_clearance"))):
        _organ(ctx, "renal_failure", renal)
    elif renal:
        ctx.use(renal)
    lung = re.search(r"(?:respiratory|lung|pulmonary) (?:failure|insufficiency)|insuffisance respiratoire", t)
    if lung and not (_definitional(t, "respiratory") and (ctx.has("pao2") or ctx.has("paco2"))):
        _organ(ctx, "respiratory_failure", lung)
    elif lung:
        ctx.use(lung)
    liver = re.search(r"(?:hepatic|liver) (?:failure|insufficiency)|insuffisance h[ée]patique", t)
    if liver:
        _organ(ctx, "hepatic_insufficiency", liver)


def _organ(ctx: ItemContext, concept: str, match: re.Match) -> None:
    negated = ctx.negated_before(match.start(), 60)
    if ctx.inclusion:
        if negated:
            ctx.add(concept, "is_false", rule="conditions.organ_failure", span=match.span())
        else:
            ctx.warn(f"{concept}: named in an inclusion without a negation; left to the curator.")
    elif not negated:
        ctx.add(concept, "is_true", rule="conditions.organ_failure", span=match.span())


def comorbidities(ctx: ItemContext) -> None:
    t = ctx.t
    if m := re.search(
        r"immunosuppress\w*[^.;]{0,60}\b(other|another)\s+(autoimmune|cancer|disease|patholog)\w*[^.;]*", t
    ):
        ctx.add(
            "immunosuppressed_for_other_disease", "is_true", rule="conditions.immunosuppressed", span=m.span()
        )
        ctx.skip |= {"medications", "malignancy"}
    if m := re.search(r"(intolerance|allerg\w*|hypersensitivity) to (il-?2|interleukin[- ]?2)", t):
        ctx.add("il2_intolerance", "is_true", rule="conditions.il2_intolerance", span=m.span())
        ctx.skip.add("medications")
    if m := re.search(
        r"comorbidit\w*[^.;]{0,30}(requiring|needing|requir)\w*\s+corticost\w*(?: therapy| treatment)?", t
    ):
        ctx.add("corticosteroid_dependent_comorbidity", "is_true", rule="conditions.corticosteroid_comorbidity",
                span=m.span())  # fmt: skip
        ctx.skip.add("medications")
    boolean(ctx, "stem_cell_transplant",
            r"(?:ha?ematopoietic |autologous |allogeneic )?stem[- ]cells? transplant\w*|bone marrow transplant\w*|\bhsct\b|greffe de cellules souches",
            "conditions.transplant")  # fmt: skip
    boolean(ctx, "myelodysplasia", r"myelodysplas\w*|my[ée]lodysplas\w*", "conditions.myelodysplasia")
    boolean(
        ctx,
        "hematologic_disease",
        r"ha?ematolog\w*\s+(?:disease|disorder)s?|h[ée]mopathie",
        "conditions.hematologic",
    )
    if m := re.search(
        r"(?:severely |very )?(?:limited|short|reduced|poor) life expectancy(?: (?:by|due to|because of) (?:an?|another|other|any) (?:co-?morbid |concomitant |serious )?(?:illness|disease|condition)\w*)?|life expectancy[^.;]{0,30}(?:limited|short)|esp[ée]rance de vie (?:limit|r[ée]duit)\w*",
        t,
    ):
        if re.search(r"\d+\s*(?:months?|years?|weeks?)", t):
            ctx.warn("Life expectancy with a duration: the vocabulary only records a severely limited one.")
        elif not ctx.inclusion:
            ctx.add("limited_life_expectancy", "is_true", rule="conditions.life_expectancy", span=m.span())
    elif m := re.search(r"life expectancy|esp[ée]rance de vie", t):
        ctx.warn("Life expectancy with a threshold: the vocabulary only records a severely limited one.")
    if not ctx.inclusion or ctx.search(r"\b(no|without|absence of)\b[^;]{0,30}psychiatr"):
        boolean(ctx, "severe_psychiatric_disorder",
                r"(?:severe |serious |major |uncontrolled |significant )?psychiatr\w*(?: (?:disease|disorder|illness|condition)s?)?|psychos[ie]s|psychotic(?: disorders?)?",
                "conditions.psychiatric")  # fmt: skip
    boolean(
        ctx,
        "poor_venous_access",
        r"(?:poor |inadequate |difficult )?venous access|capital veineux",
        "conditions.venous_access",
    )
    boolean(ctx, "mri_contraindication",
            r"(?:inability|unable|contra-?\s?indicat\w*|contre-indication)[^.;]{0,30}\b(?:mri|irm|magnetic resonance)\b(?: scans?| examinations?)?|"
            r"\b(?:mri|irm)\b[^.;]{0,20}contra-?\s?indicat\w*|claustrophob\w*",
            "conditions.mri_contraindication")  # fmt: skip
    boolean(ctx, "lumbar_puncture_contraindication",
            r"contra[- ]?\s?indicat\w*\s+(?:to|for)\s+(?:a\s+)?(?:lumbar puncture|intrathecal)(?:\s*/\s*intrathecal infusion)?|"
            r"lumbar puncture[^.;]{0,20}contra\w*|contre-indication [àa] la ponction lombaire",
            "conditions.lumbar_puncture")  # fmt: skip
    boolean(ctx, "uncontrolled_ventricular_arrhythmia",
            r"(?:uncontrolled |significant |clinically significant |severe )?ventricular (?:arr?hythmias?|tachycardia|fibrillation)|arythmie ventriculaire",
            "conditions.ventricular_arrhythmia")  # fmt: skip


RULES = (comorbidities, infections, malignancy, heart_failure, organ_failures)
