"""Other conditions: infections, cancer, heart, organs, psychiatric and procedural limits."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.model import ALL, NOT, DraftCriterion, DraftGroup
from trials.registry.drafting.text import NUM, number


def boolean(
    ctx: ItemContext, concept: str, pattern: str, rule: str, *, negatable: bool = True, skip_after: str = ""
) -> bool:
    """A condition named in an exclusion excludes when true; named in an inclusion it is
    required, or required absent when the item says "no"/"without"/"negative". A condition
    negated inside an exclusion ("patients without …" excluded) is left to the curator; "must
    not be" under an exclusion heading is the registry's way of excluding, not a negation.
    A mention followed by `skip_after` ("HBV DNA", "HIV status") is not the condition."""
    if concept in ctx.skip:
        return False
    spans, negated, plain = [], 0, 0
    for m in ctx.finditer(pattern):
        if skip_after and re.match(skip_after, ctx.t[m.end() : m.end() + 30]):
            continue
        spans.append(m.span())
        if ctx.negated_before(m.start(), 200, modal=ctx.inclusion) or ctx.negated_after(m.end()):
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
    (
        "hiv",
        r"\bhiv(?:[- ]?[12](?:\s*[-/]\s*2)?)?\b(?:[- ]?(?:infection|infected|positive|antibod(?:y|ies)|"
        r"seropositiv\w*))?|\bvih\b|human immunodeficiency virus(?: \d)?",
    ),
    (
        "htlv",
        r"\bhtlv\b(?:[- ]?(?:i{1,2}|[12])(?:\s*[-/]\s*(?:ii|2))?)?|human t-?(?:cell )?lymphotropic "
        r"virus(?:[- ]?(?:type )?(?:i{1,2}|[12])(?:\s*[-/]\s*(?:ii|2))?)?",
    ),
    ("syphilis", r"\bsyphilis\b|treponema pallidum(?: antibod(?:y|ies))?|\btpha\b|\bvdrl\b"),
    (
        "hepatitis_b",
        r"\bhepatitis[- ]b\b(?: virus| surface antigen)?|h[ée]patite b\b|\bhbv\b|\bhbs ?ag\b(?: surface "
        r"antigen)?",
    ),
    ("hepatitis_c", r"\bhepatitis[- ]c\b(?: virus)?|h[ée]patite c\b|\bhcv\b"),
]
# "HBV DNA undetectable", "HIV status", "HBV therapeutic trials": a measure, a status or a kind
# of study, not the infection itself.
_NOT_THE_INFECTION = (
    r"^\s*(?:[- ]?\d\s*)?(?:dna|rna|viral load|genotype|e[- ]?antigen|eag|core|status|test(?:ing)"
    r"?\b(?! (?:is )?positive)|"
    r"screening|therap\w*|trials?|stud\w*|treatment|drugs?|vaccin\w*|sirna|antivirals?|transmission|"
    r"prevention|"
    r"prophylaxis|exposure|care|programme|program)"
)
_SPECIFIC_INFECTION = (
    r"(?:with|by|due to|of)\s+(?:the\s+)?(?:hiv|human immunodeficiency|hbv|hcv|hepatitis|tuberculosis|"
    r"\btb\b|sars-?cov|covid|"
    r"cmv|cytomegalovirus|ebv|herpes|hsv|influenza|malaria|clostridi|c\.? ?difficile|helminth|fung|bacteri)"
)
_ACTIVE_INFECTION = (
    # "active systemic bacterial, viral or fungal infections": up to four kinds between.
    r"\b(active|acute|chronic|uncontroll(?:ed|able)|ongoing|severe|evolutive|serious|systemic)\s+"
    r"(?:or\s+\w+\s+)?"
    r"(?:(?:bacterial|viral|fungal|parasitic|mycobacterial|opportunistic|systemic|serious|severe),?\s+"
    r"(?:(?:and/or|or|and)\s+)?){0,4}"
    r"(?:\w+\s+)?infections?\b(?!\s+(?:test\w*|screen\w*|assays?)\b)|"
    r"\binfection (active|évolutive|en cours)\b"
)


def infections(ctx: ItemContext) -> None:
    t = ctx.t
    for concept, pattern in _INFECTIONS:
        boolean(ctx, concept, pattern, "conditions.infection", skip_after=_NOT_THE_INFECTION)
    named = [p for p in ctx.proposals if p.criterion.rule == "conditions.infection"]
    if named:
        # "HIV or hepatitis B infection", "… virus": the word names the infections drafted.
        words = [
            m.span()
            for m in re.finditer(
                r"\b(?:co-?)?infect(?:ions?|ed)\b|\bviral\b|\bvirus(?:es)?\b|\bseropositiv\w*|"
                r"\bpositive\b|\bserolog\w*|\bantibod(?:y|ies)\b|\bantigen\b|\btest(?:ing)?\b|\bpcr\b|"
                r"\b(?:rna|dna)\b|viral load|surface antigen",
                t,
            )
        ]
        for proposal in named:
            proposal.spans += tuple(words)
    # "HIV or hepatitis infection", "viral hepatitis": without a letter, the chronic viral
    # hepatitides the vocabulary records, B and C.
    unlettered = r"\bviral hepatitis\b|\bhepatitis(?! [a-e]\b)(?: virus(?:es)?)? infections?\b"
    unread = not (ctx.has("hepatitis_b") or ctx.has("hepatitis_c")) and ctx.search(unlettered)
    if unread and boolean(ctx, "hepatitis_b", unlettered, "conditions.infection"):
        boolean(ctx, "hepatitis_c", unlettered, "conditions.infection")
        ctx.warn("Hepatitis without a letter read as hepatitis B or C (the viral hepatitides recorded).")
    # "Active hepatitis B or C": the letter after "or" names hepatitis C too.
    if m := re.search(
        r"\b(?:hepatitis|h[ée]patites?)[- ]?b\s*(?:,|or|and|and/or|/|ou|et)\s*c\b(?! virus)", t
    ):
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
    general = re.search(_ACTIVE_INFECTION, t)
    if (
        general
        and re.search(r"\bhistory of\b", t[: general.start()])
        and not re.search(
            r"\b(?:current|active|ongoing|present|chronic|acute|uncontroll\w+)\b", t[: general.end()]
        )
    ):
        # "History of severe systemic infections within 6 months": past infections, not a current one.
        ctx.warn("A history of infections, not a current one: left to the curator.")
        ctx.use(general)
        return
    if general and re.match(rf"\s*{_SPECIFIC_INFECTION}", t[general.end() : general.end() + 40]):
        ctx.use(general)
        return  # "active infection with SARS-CoV-2" names one infection, not any infection
    boolean(ctx, "active_infection", _ACTIVE_INFECTION, "conditions.active_infection")


_CANCER = (
    r"(?:malignan(?:cy|cies|t (?:disease|tumou?r|neoplasm)s?)|cancers?|neoplas(?:m|ms|ia|ie)|n[ée]oplas\w*|"
    r"carcinomas?)"
)
_HISTORY = (
    r"(?:history of|prior|previous|past|other|another|second(?: primary)?|concurrent|concomitant|"
    r"active|known|"
    r"current|any|diagnos\w* (?:of|with)|presence of|ant[ée]c[ée]dents? de|evolutive|évolutif)"
)
# Cancers a registry usually lets through; the vocabulary's `excepted_only` choice.
_EXCEPTED = re.compile(
    r"basal[- ]cell|basocellular|basal cell|squamous[- ]cell|non[- ]?melanoma(?:tous)? skin|in[- ]situ|cin\b|"
    r"carcinoma of the cervix|cervical carcinoma|cervix carcinoma|skin cancer|skin carcinoma|cutaneous"
)
_SPECIFIC_CANCER = (
    r"\b(?:thyroid|hepatocellular|breast|prostat\w*|lung|colon|colorectal|renal[- ]cell|renal|kidney|"
    r"bladder|ovarian|"
    r"cervical|skin|basal[- ]cell|squamous[- ]cell|medullary|pancreatic|gastric|oesophageal|"
    r"esophageal|liver|brain|"
    r"endometrial|urothelial|testicular|small[- ]cell|non-small[- ]cell|nsclc|ductal|lobular|merkel|"
    r"melanoma|nasopharyngeal|"
    r"hcc)\b"
)
_OTHER_CANCER = re.compile(
    r"prostat|breast|thyroid|melanoma(?! skin)|bladder|lymphoma|leukemia|colon|low[- ]grade|"
    r"localized(?! (?:basal|squamous|non[- ]?melanoma|skin|cutaneous))|"
    r"stage|any (?:cancer|malignan)|all (?:cancers|malignan)"
)


_GENERIC_BEFORE = re.compile(
    r"^(?:(?:other|another|any|a|an|the|prior|previous|known|active|concurrent|concomitant|second|primary|"
    r"invasive|malignant|significant|current|untreated|treated|diagnosed|documented|history|of|or|and|new|"
    r"additional|evolutive|évolutive|clinically|relevant)\s+)*$"
)


def malignancy(ctx: ItemContext) -> None:
    """Cancer history: "malignancy" in `other` when the usual exceptions (skin, in situ) are
    excepted, in `excepted_only` or `other` when none is; with "active" or "within N years",
    also its time in remission. "No other cancer within a year" as an inclusion is the same
    condition, not met. A named cancer ("medullary thyroid carcinoma") is not any cancer."""
    if "malignancy" in ctx.skip:
        return
    t = ctx.t
    mentions = []
    for m in re.finditer(
        rf"\b{_HISTORY}\s+((?:[\w-]+\s+){{0,3}}?){_CANCER}\b|^\W*(){_CANCER}\b|\b(){_CANCER}\s+(?:or|"
        rf"and|within|in the)",
        t,
    ):
        words = next((g for g in m.groups() if g is not None), "")
        before = t[max(0, m.start() - 30) : m.start()]
        if not _GENERIC_BEFORE.match(words) or re.search(rf"{_SPECIFIC_CANCER}\W*$", before + words):
            continue
        if re.search(
            r"(?:chemotherapy|tumou?r necrosis|anti-?tumou?r|tumou?r lysis|tumou?r marker)",
            t[m.start() : m.end() + 20],
        ):
            continue
        mentions.append(m)
    if not mentions:
        return
    if ctx.search(
        r"\b(?:brain|cns|leptomeningeal) metastas|metastatic|under study|this cancer|the cancer under"
    ):
        ctx.warn("Cancer named with the disease under study: left to the curator.")
        return
    if ctx.study_cancer and not ctx.search(
        r"\b(?:other|another|second|additional|concurrent|concomitant|prior|previous|history of)\b"
    ):
        ctx.warn(
            "A cancer in a cancer trial without “other” or “prior”: it may be the disease under study;"
            " left to the curator."
        )
        return
    negated = ctx.negated_before(mentions[0].start(), 40)
    if ctx.inclusion and not negated:
        return
    spans = [m.span() for m in mentions]
    exceptions = ctx.exception_text()
    values: tuple[str, ...] = ("excepted_only", "other") if not exceptions else ("other",)
    for span, words in exceptions:
        if not _EXCEPTED.search(words):
            ctx.warn(
                f"Cancer exclusion with exceptions (“{words}”) the vocabulary cannot express: left to "
                f"the curator."
            )
            return
        if _OTHER_CANCER.search(words):
            ctx.warn(
                f"Cancer exclusion with exceptions (“{words}”) beyond skin and in situ carcinomas: "
                f"left to the curator."
            )
            return
        spans.append(span)
    recent = re.search(
        rf"(?:within|in|during|dans les|au cours des) (?:the )?(?:last |past |previous |preceding )"
        rf"?{NUM}\s*(years?|months?|ans|mois)"
        rf"|(?:cured|in remission|disease[- ]free|treated)(?: for)?\s*(?:<|≤|less than)"
        rf"\s*{NUM}\s*(years?|months?)"
        rf"|(?:<|≤)\s*{NUM}\s*(years?|months?) (?:ago|before|prior)",
        t,
    )
    active = re.search(
        r"\b(?:active|evolutive|évolutive?|ongoing|current(?:ly active)?|under treatment|presence of|"
        r"present)\b",
        t,
    )
    rule = "conditions.malignancy"
    kind = DraftCriterion(("malignancy",), "in", values, rule=rule)
    if recent:
        value = number(next(g for g in recent.groups() if g and g[0].isdigit()))
        unit = next(g for g in recent.groups() if g and g[0].isalpha())
        years = round(value / 12, 2) if unit.startswith(("month", "mois")) else value
        within = recent.group(0).startswith(("within", "in", "during", "dans", "au cours"))
        operator = "lt" if within or "<" in recent.group(0) or "less" in recent.group(0) else "lte"
        remission = DraftCriterion(("years_since_malignancy_remission",), operator, (years,), rule=rule)
        criterion: DraftCriterion | DraftGroup = DraftGroup(ALL, (kind, remission))
        spans.append(recent.span())
    elif active:
        criterion = DraftGroup(
            ALL, (kind, DraftCriterion(("years_since_malignancy_remission",), "eq", (0,), rule=rule))
        )
        spans.append(active.span())
    elif re.search(r"\b(remission|cured|gu[ée]ri|disease[- ]free)\b", t) and re.search(
        r"\d+\s*(years?|months?)", t
    ):
        ctx.warn(
            "The time since remission is not drafted: the curator adds it (years_since_malignancy_remission)."
        )
        return
    else:
        criterion = kind
    if ctx.inclusion:
        ctx.add_group(DraftGroup(NOT, (criterion,)), rule=rule, span=spans)
    elif isinstance(criterion, DraftGroup):
        ctx.add_group(criterion, rule=rule, span=spans)
    else:
        ctx.add("malignancy", "in", *values, rule=rule, span=spans)


_NYHA_NAME = r"(?:nyha|new york heart association)(?:\s*\(nyha\))?"
_NYHA = rf"{_NYHA_NAME}(?:\s*(?:functional\s*)?(?:class(?:es|ification)?|grade|classe|stage)\s*)?"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_CLASS = r"(?<![a-z0-9])(iv|i{1,3}|[1-4])(?=[ab]?\b)"


def _nyha(t: str):
    """(comparator, class, second class, direction word, span) of an NYHA class in the text."""
    cls = r"(?:(?:functional\s*)?(?:class(?:es|ification)?|grade|classe|stage)\s*)?"
    pair = rf"{_CLASS}[ab]?(?:\s*(?:or|-|to|and|/|,)\s*(?:class\s*)?{_CLASS}[ab]?)?"
    direction = r"(?:\s*(or (?:better|less|lower|below|worse|higher|above|greater|more)))?"
    patterns = (
        rf"(≥|>|≤|<)\s*{_NYHA_NAME}\s*{cls}{pair}{direction}",
        rf"{_NYHA_NAME}\s*{cls}(≥|>|≤|<)?\s*{cls}{pair}{direction}",
        rf"(≥|>|≤|<)?\s*(?:grade|class|classe)\s*{pair}{direction}[\w\s()-]{{0,40}}?{_NYHA_NAME}",
    )
    for pattern in patterns:
        if m := re.search(pattern, t):
            return m.group(1), m.group(2), m.group(3), m.group(4), m.span()
    if re.search(_NYHA_NAME, t) and (m := re.search(rf"(≥|>|≤|<)?\s*\bclass\s*{pair}{direction}", t)):
        return m.group(1), m.group(2), m.group(3), m.group(4), m.span()
    return None


def heart_failure(ctx: ItemContext) -> None:
    t = ctx.t
    found = _nyha(t)
    if found:
        op, first, second, direction, span = found
        level = _ROMAN.get(first) or int(first)
        other = (_ROMAN.get(second) or int(second)) if second else None
        spans = _with_hf(t, span)
        if direction:
            op = "≤" if re.search(r"better|less|lower|below", direction) else "≥"
        if op is None and other is not None:
            low, high = min(level, other), max(level, other)
            if ctx.inclusion:
                if low <= 1:
                    ctx.add("heart_failure_nyha", "lte", high, rule="conditions.nyha", span=spans)
                else:
                    ctx.add("heart_failure_nyha", "between", low, high, rule="conditions.nyha", span=spans)
            elif high == 4:
                ctx.add("heart_failure_nyha", "gte", low, rule="conditions.nyha", span=spans)
            else:
                ctx.warn("A band of NYHA classes in an exclusion: left to the curator.")
            return
        if op is None:
            if ctx.inclusion:
                ctx.warn("A single NYHA class in an inclusion: left to the curator.")
                return
            op = "≥"
        if op in ("≥", ">"):
            low = level + (1 if op == ">" else 0)
            if low <= 4:
                ctx.add("heart_failure_nyha", "gte", low, rule="conditions.nyha", span=spans)
        else:
            ctx.add(
                "heart_failure_nyha",
                "lte",
                level - (1 if op == "<" else 0),
                rule="conditions.nyha",
                span=spans,
            )
        return
    hf = re.search(
        r"(?:congestive |chronic |systolic |diastolic )?(?:heart|cardiac) (?:failure|insufficiency)|"
        r"insuffisance cardiaque|\bchf\b",
        t,
    )
    hf_spans = [
        x.span()
        for x in re.finditer(
            r"(?:clinical )?(?:signs|symptoms) of|(?:congestive |chronic )?(?:heart|cardiac) (?:"
            r"failure|insufficiency)|"
            r"insuffisance cardiaque|\bchf\b",
            t,
        )
    ]
    if hf and not ctx.inclusion:
        if ctx.negated_before(hf.start(), 60, modal=False):
            return
        if re.search(r"symptomatic|clinical signs|signes cliniques", t):
            ctx.add("heart_failure_nyha", "gte", 2, rule="conditions.heart_failure", span=hf_spans)
            ctx.warn("Symptomatic heart failure read as NYHA class II or above.")
        elif _severe_only(t, hf):
            ctx.add("heart_failure_nyha", "gte", 3, rule="conditions.heart_failure", span=hf_spans)
            ctx.warn("Severe heart failure read as NYHA class III or IV.")
        elif re.search(
            r"uncontrolled|unstable|severe|significant|serious|decompensated",
            t[max(0, hf.start() - 40) : hf.end() + 20],
        ):
            ctx.warn(
                "Heart failure qualified as severe or uncontrolled: the NYHA class is left to the curator."
            )
        else:
            ctx.add("heart_failure_nyha", "gte", 1, rule="conditions.heart_failure", span=hf_spans)
            ctx.warn("Heart failure without a class read as any NYHA class (I or above).")


def _severe_only(t: str, hf: re.Match) -> bool:
    """ "Severe heart failure" is NYHA III-IV; "uncontrolled", "significant" or "unstable" say
    nothing of the class."""
    around = t[max(0, hf.start() - 40) : hf.end() + 20]
    return bool(re.search(r"\bsevere\b", around)) and not re.search(
        r"uncontrolled|unstable|significant|serious|decompensated", around
    )


def _with_hf(t: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """The class and the heart failure it grades, wherever the item names it."""
    spans = [span] + [m.span() for m in re.finditer(_NYHA_NAME, t)]
    spans += [
        m.span()
        for m in re.finditer(
            r"(?:congestive |chronic )?(?:heart|cardiac) failure|insuffisance cardiaque|\bchf\b", t
        )
    ]
    return spans


_PSYCHIATRIC = (
    r"(?:severe |serious |major |uncontrolled |significant |clinically significant )?(?:psychiatr\w*|mental)"
    r"(?: (?:disease|disorder|illness|condition)s?)?(?:\s*/\s*social situations?)?|psychos[ie]s|"
    r"psychotic(?: disorders?)?|"
    r"schizophreni\w*|bipolar(?: disorders?| disease)?"
)
# The concept is a psychiatric illness that would prevent consent or compliance.
_PREVENTS = (
    r"(?:that|which|who)?,?\s*(?:[^.;]{0,120}\s)?(?:would|could|may|might|will|likely to)?\s*(?:"
    r"prevent\w*|interfere\w*|limit\w*|"
    r"compromise\w*|affect\w*|impair\w*|hamper\w*|preclude\w*)[^.;]*?(?:consent|complian\w*|comply|"
    r"cooperat\w*|"
    r"understand\w*|procedure|protocol|participat\w*)[^.;]*"
)


def psychiatric(ctx: ItemContext) -> None:
    """A severe psychiatric illness, or one that would prevent consent or compliance; not any
    psychiatric history, nor psychiatric drugs."""
    t = ctx.t
    mention = re.search(_PSYCHIATRIC, t)
    if not mention or re.match(
        r"\s*(?:drugs?|medications?|treatments?|hospitali\w*|evaluation|assessment)", t[mention.end() :]
    ):
        return
    if re.search(
        r"\b(?:lupus|sle|cns|central nervous system|neuropsychiatric)\b[^;.]*\b(?:including|such as|e\.?g\.?|"
        r"like)\b[^;.]*$",
        t[: mention.start()],
    ):
        # "Active CNS lupus, including transverse myelitis, psychosis and seizures": a
        # manifestation of the disease, not any psychiatric illness.
        ctx.warn("A psychiatric sign named as a manifestation of another disease: left to the curator.")
        return
    severe = re.search(r"\b(?:severe|serious|major|psychos[ie]s|psychotic|schizophreni\w*|bipolar)", t)
    prevents = re.search(_PREVENTS, t[mention.start() :])
    if not severe and not prevents:
        ctx.warn(
            "A psychiatric condition of any severity: the vocabulary records a severe one (or one "
            "that prevents consent)."
        )
        return
    if ctx.inclusion and not ctx.negated_before(mention.start(), 40):
        return
    spans = [m.span() for m in re.finditer(_PSYCHIATRIC, t)]
    if prevents:
        spans.append((mention.start() + prevents.start(), mention.start() + prevents.end()))
    ctx.add(
        "severe_psychiatric_disorder",
        "is_false" if ctx.inclusion else "is_true",
        rule="conditions.psychiatric",
        span=spans,
    )


def _definitional(t: str, organ: str) -> bool:
    """ "Renal failure: creatinine clearance < 30" defines the failure by the threshold."""
    return bool(re.search(rf"{organ}\s+(failure|insufficiency)\s*(:|defined|\(?d[ée]fini|\()", t))


_ORGAN = r"(?:cardiac|heart|respiratory|pulmonary|lung|renal|kidney|hepatic|liver)"
_ORGAN_CONCEPT = {
    "renal": "renal_failure",
    "kidney": "renal_failure",
    "respiratory": "respiratory_failure",
    "pulmonary": "respiratory_failure",
    "lung": "respiratory_failure",
    "hepatic": "hepatic_insufficiency",
    "liver": "hepatic_insufficiency",
}


# Renal failure, and what only a failed kidney needs: dialysis, end-stage disease, CKD stage 5.
_RENAL_FAILURE = (
    r"(?:renal|kidney) (?:failure|insufficiency)|insuffisance r[ée]nale|end[- ]stage (?:renal|kidney)"
    r"(?: disease)?|\besk?rd\b|\beskd\b|(?:renal replacement|dialysis) therap\w*|\b(?:on|requiring|"
    r"needing|current) (?:haemo|hemo|peritoneal )?dialysis\b|\bstage 5 (?:ckd|chronic kidney disease)|"
    r"\b(?:ckd|chronic kidney disease),? stage 5\b"
)


def organ_failures(ctx: ItemContext) -> None:
    t = ctx.t
    # "Cardiac, respiratory (including asthma) or renal insufficiency": each organ fails.
    shared = re.search(
        rf"((?:{_ORGAN}(?:\s*\([^)]*\))?\s*(?:,|/|or|and|and/or)\s*)+{_ORGAN})\s+(?:failure|insufficiency)", t
    )
    if shared and not ctx.inclusion and not ctx.negated_before(shared.start(), 60, modal=False):
        for organ in re.findall(_ORGAN, shared.group(1)):
            if organ in ("cardiac", "heart"):
                if ctx.has("heart_failure_nyha"):
                    continue
                qualifier = t[max(0, shared.start() - 40) : shared.start()]
                if _severe_only(t, shared):
                    ctx.add(
                        "heart_failure_nyha", "gte", 3, rule="conditions.organ_failure", span=shared.span()
                    )
                    ctx.warn("Severe heart failure read as NYHA class III or IV.")
                elif re.search(r"uncontrolled|unstable|significant|serious|decompensated", qualifier):
                    ctx.warn(
                        "Heart failure qualified as uncontrolled or significant: the NYHA class is left to "
                        "the curator."
                    )
                else:
                    ctx.add(
                        "heart_failure_nyha", "gte", 1, rule="conditions.organ_failure", span=shared.span()
                    )
                    ctx.warn("Cardiac insufficiency without a class read as any NYHA class (I or above).")
            else:
                ctx.add(_ORGAN_CONCEPT[organ], "is_true", rule="conditions.organ_failure", span=shared.span())
        return
    renal = re.search(_RENAL_FAILURE, t)
    if renal and not (_definitional(t, "renal") and (ctx.has("egfr") or ctx.has("creatinine_clearance"))):
        _organ(ctx, "renal_failure", renal)
        for proposal in ctx.proposals:
            if "renal_failure" in proposal.concepts:
                # "Stage 5 CKD or ESKD on renal replacement therapy": every name of the failure.
                proposal.spans += tuple(m.span() for m in re.finditer(_RENAL_FAILURE, t))
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


_PROCEDURES = (
    (
        "mri_contraindication",
        r"\b(?:mri|magnetic resonance(?: imaging)?|irm)\b",
        "conditions.mri_contraindication",
    ),
    ("lumbar_puncture_contraindication", r"\blumbar punctures?\b", "conditions.lumbar_puncture"),
)


def _clause_end(t: str, position: int) -> int:
    end = re.search(r"[;.](?:\s|$)", t[position:])
    return position + end.start() if end else len(t)


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
        r"(?:co-?morbidit\w*|(?:other|another|non-(?:sle|lupus|ms)|concomitant|concurrent)[\w-]*\s+(?:\w+\s+)?"
        r"(?:diseases?|conditions?|illness\w*|disorders?))[^.;]{0,30}?(?:requiring|needing|requir\w*|that "
        r"requires?)\s+(?:(?:chronic|long[- ]term|acute|continuous|regular|repeated)\s+)?(?:(?:treatment|"
        r"therapy|use) (?:with|of)\s+)?(?:(?:oral|parenteral|systemic|or|and|intravenous)"
        r"[.,]?\s+){0,4}(?:corticost\w*|glucocortico\w*|steroids?)(?: therapy| treatment)?"
        # "… requiring chronic systemic steroids (> 10 mg/day prednisone)": a dose the concept does not hold.
        r"(?!\s*\(?\s*[<>≥≤]?\s*\d+(?:\.\d+)?\s*mg)",
        t,
    ):
        ctx.add(
            "corticosteroid_dependent_comorbidity",
            "is_true",
            rule="conditions.corticosteroid_comorbidity",
            span=m.span(),
        )
        ctx.skip.add("medications")
    boolean(
        ctx,
        "stem_cell_transplant",
        r"(?:ha?ematopoietic |autologous |allogeneic )?stem[- ]cells? transplant\w*|bone marrow "
        r"transplant\w*|\bhsct\b|greffe de cellules souches",
        "conditions.transplant",
    )
    boolean(ctx, "myelodysplasia", r"myelodysplas\w*|my[ée]lodysplas\w*", "conditions.myelodysplasia")
    boolean(
        ctx,
        "hematologic_disease",
        r"ha?ematolog\w*\s+(?:disease|disorder)s?|h[ée]mopathie|(?:bone marrow )?aplas(?:ia|tic an(?:"
        r"a)?emia)|"
        r"bone marrow failure(?!\s+(?:defined|\(?d[ée]fini))",
        "conditions.hematologic",
    )
    if m := re.search(
        r"(?:severely |very )?(?:limited|short|reduced|poor) life expectancy(?: (?:by|due to|because "
        r"of) (?:an?|another|other|any) (?:co-?morbid |concomitant |serious )?(?:illness|disease|"
        r"condition)\w*)?|life expectancy[^.;]{0,30}(?:limited|short)|esp[ée]rance de vie (?:limit|"
        r"r[ée]duit)\w*",
        t,
    ):
        if re.search(r"\d+\s*(?:months?|years?|weeks?)", t):
            ctx.warn("Life expectancy with a duration: the vocabulary only records a severely limited one.")
        elif not ctx.inclusion:
            ctx.add("limited_life_expectancy", "is_true", rule="conditions.life_expectancy", span=m.span())
    elif m := re.search(r"life expectancy|esp[ée]rance de vie", t):
        ctx.warn("Life expectancy with a threshold: the vocabulary only records a severely limited one.")
    psychiatric(ctx)
    boolean(
        ctx,
        "poor_venous_access",
        r"(?:poor |inadequate |difficult )?venous access(?: not allowing [^.;]*)?|capital veineux",
        "conditions.venous_access",
    )
    boolean(
        ctx,
        "mri_contraindication",
        r"(?:inability|unable|contra-?\s?indicat\w*|contre-indication)[^.;]{0,30}\b(?:mri|irm|"
        r"magnetic resonance)\b(?: scans?| examinations?)?|"
        r"\b(?:mri|irm)\b[^.;]{0,20}contra-?\s?indicat\w*|claustrophob\w*",
        "conditions.mri_contraindication",
    )
    boolean(
        ctx,
        "lumbar_puncture_contraindication",
        r"contra[- ]?\s?indicat\w*\s+(?:to|for)\s+(?:a\s+)?(?:lumbar puncture|intrathecal)(?:"
        r"\s*/\s*intrathecal infusion)?|(?:inability|unable)\s+to\s+(?:undergo|have|tolerate)\s+(?:an?\s+)?"
        r"lumbar punctures?|"
        r"lumbar puncture[^.;]{0,20}contra\w*|contre-indication [àa] la ponction lombaire",
        "conditions.lumbar_puncture",
    )
    if ctx.inclusion and (
        undergo := re.search(
            r"\b(?:(?:willing\s+and\s+)?able|ability)(?:\s+and\s+willing)?\s+to\s+(?:undergo|have|tolerate)\b",
            t,
        )
    ):
        # "Able and willing to undergo clinical evaluation, MRI, lumbar puncture …": no reason
        # either procedure cannot be done.
        end = _clause_end(t, undergo.end())
        for concept, procedure, rule in _PROCEDURES:
            if m := re.compile(procedure).search(t, undergo.end(), end):
                ctx.add(concept, "is_false", rule=rule, span=[undergo.span(), m.span()])
    boolean(
        ctx,
        "uncontrolled_ventricular_arrhythmia",
        r"(?:uncontrolled |significant |clinically significant |severe )?ventricular (?:"
        r"arr?hythmias?|tachycardia|fibrillation)|arythmie ventriculaire",
        "conditions.ventricular_arrhythmia",
    )


RULES = (comorbidities, infections, malignancy, heart_failure, organ_failures)
