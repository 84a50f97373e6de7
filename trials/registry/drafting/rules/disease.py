"""The disease under study: MS and lupus diagnosis, MS course, EDSS, relapses, MRI, CSF."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.model import ALL, ANY, DraftCriterion, DraftGroup
from trials.registry.drafting.text import NUM, OPS, number

_PHENOTYPES = [
    ("RRMS", r"relapsing[- ]remitting|\brr[- ]?ms\b|\bsep[- ]rr\b|r[ée]mittente"),
    # "primary or secondary progressive MS" names both courses.
    (
        "SPMS",
        r"secondary[- ]progressive|secondary(?= (?:or|and|and/or) primary[- ]progressive)|\bsp[- ]?ms\b|"
        r"secondairement progressive|progressive secondaire",
    ),
    (
        "PPMS",
        r"primary[- ]progressive|primary(?= (?:or|and|and/or) secondary[- ]progressive)|\bpp[- ]?ms\b|"
        r"primaire[- ]progressive|progressive primaire",
    ),
    ("CIS", r"clinically isolated|\bcis\b|syndrome cliniquement isol"),
]
_MS = r"multiple sclerosis|\bms\b|scl[ée]rose en plaques|\bsep\b"
_ORDER = ["CIS", "RRMS", "SPMS", "PPMS"]
# "according to the 2017 McDonald criteria (Thompson et al., Lancet Neurol 2017)"
_CRITERIA_REFERENCE = (
    r"(?:according to|as defined by|defined by|per|using|fulfill?ing|meeting|satisfying|based on|by)"
    r"\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:mc ?donald|poser|acr|slicc|eular|american college of rheumatology|"
    r"systemic lupus international)[^.;]*|\([^()]*\bet al\b[^()]*\)|\b(?:revised |diagnostic |"
    r"classification )*criteria\b|\bselon (?:les )?crit[èe]res\b[^.;]*"
)


# The disease named as the qualifier of something else ("an MS DMT", "SOC SLE medications",
# "MS clinical trials", "the lupus nephritis group"): not what the patient must have.
_AS_MODIFIER = re.compile(
    r"\s*(?:\([^)]{0,10}\)\s*)?(?:[- ](?:related|specific|associated)\b|(?:disease[- ]modifying|"
    r"dmts?|dmds?|symptoms?|relapses?|attacks?|lesions?|activity|duration|onset|treatments?|drugs?|"
    r"therap\w*|medications?|medicines?|clinical trials?|trials?|stud(?:y|ies)|registry|investigational|"
    r"groups?|cohorts?|arms?|standard of care)\b)"
)
_MODIFIED_BY = re.compile(
    r"(?:\b(?:soc|standard(?: of care)?|approved|indicated|eligible|first[- ]line|second[- ]line)|"
    r"(?:for|of) (?:the )?(?:treatment|treating|management) of|for treating|(?:onset|duration|symptoms?)"
    r" of (?:the )?|\bmimic\w*)\s+$"
)


def _as_modifier(ctx: ItemContext, m: re.Match) -> bool:
    return bool(
        _AS_MODIFIER.match(ctx.t[m.end() :]) or _MODIFIED_BY.search(ctx.t[max(0, m.start() - 40) : m.start()])
    )


# "SPMS defined as a relapsing-remitting disease with progression": a course named inside
# the definition of another is that other course's definition, not a second course.
_DEFINITION = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:(?:is|are|was|being)\s+)?(?:defined as|defined by|i\.e\.|that is)\b"
)


def _ms_phenotypes(ctx: ItemContext) -> tuple[list[str], list[tuple[int, int]]]:
    found = []
    for code, pattern in _PHENOTYPES:
        for m in ctx.finditer(pattern):
            if ctx.negated_before(m.start(), 20) or _as_modifier(ctx, m):
                continue
            found.append((m.start(), m.end(), code))
    found.sort()
    phenotypes, spans, defined_until = [], [], -1
    for start, end, code in found:
        spans.append((start, end))
        if start < defined_until:
            continue
        phenotypes.append(code)
        if definition := _DEFINITION.match(ctx.t[end:]):
            clause = re.search(r"[;.]|$", ctx.t[end + definition.end() :])
            defined_until = end + definition.end() + clause.start()
    return phenotypes, spans


def diagnosis(ctx: ItemContext) -> None:
    if not ctx.inclusion:
        _excluded_phenotype(ctx)
        return
    if ctx.search(r"not fulfill?ing"):
        return
    phenotypes, spans = _ms_phenotypes(ctx)
    generic = ctx.search(
        r"(?<!primary )(?<!secondary )(?<!primary-)(?<!secondary-)progressive (ms|multiple sclerosis|forms?)"
    )
    if generic:
        phenotypes += ["SPMS", "PPMS"]
        spans.append(generic.span())
    relapsing = ctx.search(r"\brelapsing (?:forms? of )?(?:ms|multiple sclerosis)\b|\brms\b")
    if relapsing:
        # "PPMS or RMS", "CIS or relapsing MS": relapsing MS is RRMS or active SPMS, which no
        # list of courses says exactly; the diagnosis alone is sure.
        ctx.warn(
            "“Relapsing MS” covers relapsing-remitting and active secondary progressive MS: "
            "phenotypes left to the curator."
        )
        spans.append(relapsing.span())
        phenotypes = []
    phenotypes = sorted(set(phenotypes), key=_ORDER.index)
    courses_named = bool(phenotypes)
    if len(phenotypes) == len(_ORDER):
        # Every course is allowed: the diagnosis says it all, and no one needs to know their course.
        phenotypes = []
    # MS named as what the patient has, not as the qualifier of another concept ("MS symptoms").
    ms = [m for m in ctx.finditer(_MS) if not ctx.negated_before(m.start(), 20) and not _as_modifier(ctx, m)]
    if courses_named or ms or relapsing:
        spans += [m.span() for m in ms]
        spans += [m.span() for m in ctx.finditer(_CRITERIA_REFERENCE)]
        ctx.add("diagnosis", "in", "multiple_sclerosis", rule="disease.diagnosis", span=spans)
    if phenotypes:
        ctx.add("ms_phenotype", "in", *phenotypes, rule="disease.ms_phenotype", span=spans)
    lupus = [
        m
        for m in ctx.finditer(
            r"\b(?:systemic )?lupus(?: erythematosus| érythémateux(?: systémique|disséminé)?)?(?: "
            r"nephritis)?\b|\bsle\b|\blupus\b|(?<=class )(?:[iv]+(?:,? (?:or|and|and/or|,) )?)+\s*\bln\b|"
            r"(?:biopsy[- ]proven|active|proliferative|membranous)\s+(?:\w+\s+){0,5}?\bln\b"
        )
        if not ctx.negated_before(m.start(), 20) and not _as_modifier(ctx, m)
    ]
    if lupus and not ctx.search(r"\b(cutaneous|discoid|drug[- ]induced|neonatal) lupus"):
        spans = [m.span() for m in lupus] + [m.span() for m in ctx.finditer(_CRITERIA_REFERENCE)]
        ctx.add("diagnosis", "in", "systemic_lupus_erythematosus", rule="disease.diagnosis", span=spans)
        if m := ctx.search(r"refractory|r[ée]fractaire"):
            ctx.add("sle_refractory", "is_true", rule="disease.sle_refractory", span=m.span())


def _excluded_phenotype(ctx: ItemContext) -> None:
    """An exclusion that is an MS course ("Progressive forms of MS", "Diagnosed with primary
    progressive MS", "A manifestation of another type of MS than RRMS"): that course excludes.
    Only when the course is what the item is about, not a qualifier ("treatment for RRMS")."""
    other = ctx.search(
        r"^\W*(?:an?\s+)?(?:manifestation|type|form|course)s? of (?:ms|multiple sclerosis) other than "
        r"(?:rrms|relapsing[- ]remitting(?: ms| multiple sclerosis)?)\W*$|"
        r"^\W*(?:an?\s+)?(?:manifestation of\s+)?(?:another|other) (?:type|form|course)s? of (?:ms|multiple "
        r"sclerosis) (?:than|other than) (?:rrms|relapsing[- ]remitting(?: ms| multiple sclerosis)?)\W*$"
    )
    if other:
        ctx.add("ms_phenotype", "not_in", "RRMS", rule="disease.ms_phenotype", span=other.span())
        return
    phenotypes, spans = _ms_phenotypes(ctx)
    generic = ctx.search(
        r"(?<!primary )(?<!secondary )(?<!primary-)(?<!secondary-)progressive (?:forms? of )?(?:ms|multiple "
        r"sclerosis)\b|progressive forms?\b"
    )
    if generic:
        phenotypes += ["SPMS", "PPMS"]
        spans.append(generic.span())
    if not phenotypes:
        return
    # Only when the courses are all the item says: nothing left once they, the disease's name,
    # a criteria reference and the words that introduce a diagnosis are taken out.
    rest = list(ctx.t)
    for start, end in spans + [m.span() for m in ctx.finditer(_CRITERIA_REFERENCE)]:
        rest[start:end] = " " * (end - start)
    left = re.sub(
        r"\([^()]*\)|\b(?:patients?|subjects?|participants?|with|an?|the|known|prior|previous|history|of|have|"
        r"has|had|is|are|be|being|"
        r"diagnos\w*|clinical|forms?|courses?|types?|ms|multiple|sclerosis|and|or|and/or|confirmed|"
        r"documented)\b|[^\w]",
        " ",
        "".join(rest),
    )
    if left.strip():
        return
    phenotypes = sorted(set(phenotypes), key=_ORDER.index)
    spans += [m.span() for m in ctx.finditer(rf"{_MS}|\([^()]*\)")]
    ctx.add("ms_phenotype", "in", *phenotypes, rule="disease.ms_phenotype", span=spans)


# "Diagnosis of RRMS for ≥ 1 year", "MS diagnosed within the last 10 years": the time since
# the MS diagnosis, read only where the period is tied to the diagnosis itself.
_MS_DIAGNOSED = re.compile(
    r"(?:diagnos(?:is|ed)\s+(?:of|with)\s+(?:[a-z-]+\s+){0,3}?(?:\bms\b|multiple sclerosis)(?:\s*\([^)]*\))?|"
    r"(?:\bms\b|multiple sclerosis)\s+(?:diagnosis|diagnosed))"
)
_SINCE_DIAGNOSIS = re.compile(
    rf"^\s*,?\s*(?:(?:for|since|of)\s+)?(?:(≥|>|≤|<)\s*{NUM}|within the (?:last|past) {NUM})\s*"
    r"(years?|months?|ans|mois)\b(?!\s*after)"
)


def _since_ms_diagnosis(ctx: ItemContext) -> None:
    diagnosed = ctx.search(_MS_DIAGNOSED.pattern)
    if not diagnosed:
        return
    period = _SINCE_DIAGNOSIS.match(ctx.t[diagnosed.end() :])
    if not period:
        return
    operator = OPS[period.group(1)] if period.group(1) else "lte"
    value = number(period.group(2) or period.group(3))
    if period.group(4).startswith(("month", "mois")):
        value = round(value / 12, 2)
    span = (diagnosed.end() + period.start(), diagnosed.end() + period.end())
    ctx.add("disease_duration_years", operator, value, rule="disease.duration", span=[diagnosed.span(), span])


def disease_duration(ctx: ItemContext) -> None:
    anchor = ctx.search(
        r"disease duration|duration of (?:the )?(?:disease|ms|illness)|dur[ée]e d'?[ée]volution|"
        r"(?:years?|time) since (?:ms )?(?:diagnosis|onset|symptom onset)"
    )
    if not anchor:
        _since_ms_diagnosis(ctx)
        return
    window = ctx.t[max(0, anchor.start() - 30) : anchor.end() + 40]
    offset = max(0, anchor.start() - 30)
    if m := re.search(rf"{NUM}\s*(?:to|-|and|à|et)\s*{NUM}\s*(?:years|ans)", window):
        span = (offset + m.start(), offset + m.end())
        ctx.add(
            "disease_duration_years",
            "between",
            number(m.group(1)),
            number(m.group(2)),
            rule="disease.duration",
            span=[anchor.span(), span],
        )
    elif m := re.search(rf"{NUM}\s*(years?|ans)\s+or\s+(less|fewer|more|longer|greater)\b", window):
        # "a disease duration of 10 years or less"
        span = (offset + m.start(), offset + m.end())
        operator = "lte" if m.group(3) in ("less", "fewer") else "gte"
        ctx.add(
            "disease_duration_years",
            operator,
            number(m.group(1)),
            rule="disease.duration",
            span=[anchor.span(), span],
        )
    elif m := re.search(rf"(≥|>|≤|<)\s*{NUM}\s*(years?|ans|months?|mois)\b", window):
        span = (offset + m.start(), offset + m.end())
        value = number(m.group(2))
        if m.group(3).startswith(("month", "mois")):
            value = round(value / 12, 2)  # "disease duration > 12 months": a number of years
        ctx.add(
            "disease_duration_years",
            OPS[m.group(1)],
            value,
            rule="disease.duration",
            span=[anchor.span(), span],
        )


_EDSS = (
    r"\bedss\b(?:\s*\([^)]*\))?(?:\s+score)?|(?:kurtzke\s+)?(?:expanded|extended)"
    r"\s+disability\s+status\s+scale(?:\s*\(edss\))?"
    r"(?:\s+score)?|[ée]chelle edss"
)


_FUNCTIONAL_SYSTEM = (
    r"(?:functional system|\bfss?\b|pyramidal|cerebellar|brain ?stem|sensory|bowel|bladder|visual|"
    r"cerebral|ambulation)"
)


def edss(ctx: ItemContext) -> None:
    t = ctx.t
    name = re.search(_EDSS, t)
    if not name:
        return
    increase = re.search(
        rf"(?:increase|worsening|progression) (?:of|in|by)\s*(≥|>)?\s*{NUM}\s*(?:edss|point)", t
    ) or re.search(
        rf"(?:increase|worsening|progression|rise) (?:of|in) (?:the )?(?:{_EDSS})\s*(?:of|by)?\s*(≥|>)?\s*"
        rf"{NUM}",
        t,
    )
    if increase:
        _edss_increase(ctx, increase, name)
        return
    if re.search(
        r"(?:increase|worsening|progression|change|rise|deteriorat\w*)\W+(?:\w+\W+){0,3}$", t[: name.start()]
    ) or re.match(r"\s*(?:score\s*)?(?:increase|worsening|progression|change|rise)", t[name.end() :]):
        # "disability progression (EDSS change of …)": a change in EDSS, not its level.
        ctx.warn("An EDSS change, not an EDSS level: left to the curator.")
        return
    before = re.search(rf"(≥|>|≤|<|=)\s*{NUM}\s+(?:points?\s+)?(?:on|in)\s+(?:the\s+)?$", t[: name.start()])
    if before and not re.search(_EDSS, t[name.end() :]):
        # "a score of ≤ 5.5 on the Expanded Disability Status Scale"
        ctx.add(
            "edss",
            OPS[before.group(1)],
            float(number(before.group(2))),
            rule="disease.edss",
            span=[name.span(), before.span()],
        )
        return
    rest = t[name.end() :]
    rest = re.split(r";|\.\s", rest)[0]
    if subscore := re.match(rf"\D{{0,40}}?{_FUNCTIONAL_SYSTEM}", rest):
        # "EDSS pyramidal functional system score ≥ 2" scores one system, not the EDSS.
        rest = rest[: subscore.start()] if subscore.start() > 0 else ""
        if not re.search(r"\d", rest):
            ctx.warn("An EDSS functional system score, not the EDSS: left to the curator.")
            return
    if m := re.match(
        rf"\D{{0,30}}?(?:score\s*)?(?:of\s*|:\s*|between\s*|from\s*|entre\s*)?{NUM}\s*(?:to|-|and|à|"
        rf"et|through)\s*{NUM}",
        rest,
    ):
        lo, hi = float(number(m.group(1))), float(number(m.group(2)))
        if lo < hi:
            ctx.add(
                "edss",
                "between",
                lo,
                hi,
                rule="disease.edss",
                span=[name.span(), (name.end(), name.end() + m.end())],
            )
            return
    found = False
    thresholds = list(re.finditer(rf"(≥|>|≤|<|=)\s*{NUM}", rest[:60]))
    for index, m in enumerate(thresholds):
        # The words between the threshold before and the next one say what this one scores.
        after = thresholds[index + 1].start() if index + 1 < len(thresholds) else m.end() + 40
        around = rest[thresholds[index - 1].end() if index else 0 : after]
        if re.search(_FUNCTIONAL_SYSTEM, around):
            ctx.warn("An EDSS functional system score, not the EDSS: left to the curator.")
            continue
        ctx.add(
            "edss",
            OPS[m.group(1)],
            float(number(m.group(2))),
            rule="disease.edss",
            span=[name.span(), (name.end() + m.start(), name.end() + m.end())],
        )
        found = True
    if found:
        return
    if m := re.match(
        rf"\D{{0,25}}?(?:score\s*)?(?:of\s*)?{NUM}\s*(?:or (less|lower|below|more|higher|greater)|and "
        rf"(below|above))",
        rest,
    ):
        op = "lte" if (m.group(2) or m.group(3)) in ("less", "lower", "below") else "gte"
        ctx.add(
            "edss",
            op,
            float(number(m.group(1))),
            rule="disease.edss",
            span=[name.span(), (name.end(), name.end() + m.end())],
        )


_IF_EDSS = re.compile(
    rf"{NUM}\s*(?:edss\s*)?points?\s*\(if (?:at (?:inclusion|baseline|screening) )?edss (≥|>|≤|<)\s*{NUM}\)"
)


def _edss_increase(ctx: ItemContext, increase: re.Match, name: re.Match) -> None:
    """ "An increase of ≥ 1 EDSS point (if EDSS ≤ 5.0) or 0.5 point (if EDSS ≥ 5.5) in the last
    12 months": each threshold holds under its own EDSS condition, an OR of two ANDs."""
    full = ctx.norm.text
    if not re.search(r"12 months|1 year|last year", full):
        ctx.warn("EDSS increase without a 12-month period: left to the curator.")
        return
    conditional = list(_IF_EDSS.finditer(full, max(0, increase.start())))
    if conditional:
        alternatives = []
        for m in conditional:
            alternatives.append(
                DraftGroup(
                    ALL,
                    (
                        DraftCriterion(
                            ("edss",),
                            OPS[m.group(2)],
                            (float(number(m.group(3))),),
                            rule="disease.edss_increase",
                        ),
                        DraftCriterion(
                            ("edss_increase_12m",),
                            "gte",
                            (float(number(m.group(1))),),
                            rule="disease.edss_increase",
                        ),
                    ),
                )
            )
        spans = [increase.span(), name.span()] + [m.span() for m in conditional]
        spans.append((increase.start(), conditional[-1].end()))
        if period := re.search(r"(?:in|during|over) the (?:last|past) 12 months", full):
            spans.append(period.span())
        ctx.add_group(DraftGroup(ANY, tuple(alternatives)), rule="disease.edss_increase", span=spans)
        return
    if re.search(r"\bif\b|\bfor (?:an? |those with |patients with )?(?:baseline )?edss\b", full):
        ctx.warn("Thresholds depend on conditions (“if …”) the draft cannot read: left to the curator.")
        return
    spans = [increase.span(), name.span()]
    if period := re.search(r"(?:in|during|over|within) the (?:last|past|previous) 12 months", full):
        spans.append(period.span())
    ctx.add(
        "edss_increase_12m", "gte", float(number(increase.group(2))), rule="disease.edss_increase", span=spans
    )


# "≥ 2 relapses in the last 2 years", "at least one relapse within the 12 months prior", "or 1
# relapse within the last year" (the count of a second clause too).
_RELAPSE_COUNT = re.compile(
    r"(≥|>|≤|<|=)?\s*(\d+)\s+(?:or more\s+)?(?:clinically\s+)?(?:documented\s+)?(?:clinical\s+)?(?:ms\s+)?"
    r"(?:relapses?|attacks?|exacerbations?|pouss[ée]es?)\b[^;]*?(?:within|in|during|over|dans les|au "
    r"cours des)?\s*"
    r"(?:the\s+)?(?:(?:past|last|previous|preceding|prior)?\s*(\d+)\s+|(?:past|last|previous|preceding|prior)"
    r"\s+)(months?|years?|mois|ans|ann[ée]es)"
    r"(?!\s*(?:ago|after))"
)


# "In the 12 months prior to commencing natalizumab, 2 relapses": activity before a treatment
# began, not the recent activity the vocabulary records.
_BEFORE_TREATMENT = re.compile(
    r"\b(?:prior to|before)\s+(?:commencing|starting|initiating|beginning|the start of|initiation of)\b"
)


def relapses(ctx: ItemContext) -> None:
    t = ctx.t
    anchor = re.search(r"relapses?|pouss[ée]es?|exacerbations?|attacks?", t)
    if not anchor or not re.search(r"relapse|pouss[ée]e|ms|multiple sclerosis", t):
        return
    if _BEFORE_TREATMENT.search(t):
        ctx.warn("Disease activity before a treatment began: left to the curator.")
        return
    if re.search(
        r"\b(?:treat\w*|therap\w*|steroids?|corticost\w*|methylprednisolone)\b[^;.]{0,40}\b(?:for|of) "
        r"(?:an? |the )?(?:ms )?(?:relapses?|exacerbations?)\b",
        t,
    ):
        return  # "treatment with steroids for a relapse": the relapse says what the treatment is for
    ongoing = re.search(r"(on-?going|current|active) relapses?|relapses? in progress|pouss[ée]e en cours", t)
    if ongoing:
        negative = re.search(r"\b(without|no|not)\b[^,;]{0,20}(on-?going|current|active) relapse", t)
        if negative and not ctx.inclusion:
            # "SPMS without ongoing relapses" excluded: a group qualified by what it lacks, not
            # everyone out of relapse.
            ctx.warn("An exclusion of patients without a relapse: left to the curator.")
            return
        ctx.add(
            "ongoing_relapse",
            "is_false" if negative else "is_true",
            rule="disease.ongoing_relapse",
            span=negative.span() if negative else ongoing.span(),
        )
    counts = list(_RELAPSE_COUNT.finditer(t))
    if counts:
        for count in counts:
            # "during the previous year": one year.
            value, unit = int(count.group(3) or 1), count.group(4)
            months = (
                value * 12
                if unit.startswith(("year", "an")) and unit != "ans" or unit in ("ans", "années", "annees")
                else value
            )
            concept = {12: "relapses_12m", 24: "relapses_24m"}.get(months)
            if concept:
                ctx.add(
                    concept,
                    OPS.get(count.group(1) or "≥"),
                    int(count.group(2)),
                    rule="disease.relapse_count",
                    span=count.span(),
                )
            else:
                ctx.warn(f"Relapse count over {months} months: the vocabulary counts over 12 or 24 months.")
        return
    if ongoing and not re.search(r"relapse\w*\s*(≤|<|within)", t):
        return
    durations = [d for d in ctx.durations() if d.start > anchor.start() - 40]
    if not durations:
        return
    d = durations[0]
    span = [anchor.span(), (d.start, d.end)]
    if ctx.inclusion:
        if m := re.search(
            r"\b(no|without|free of|pas de|sans)\b[^;]{0,30}(relapse|pouss)|relapse[- ]free", t
        ):
            ctx.add(
                "days_since_last_relapse",
                "not_within",
                d.value,
                unit=d.unit,
                rule="disease.relapse_free",
                span=span + [m.span()],
            )
    elif d.value == 12 and d.unit == "months" and not re.search(r"relapse\w*\s*(≤|<)", t):
        ctx.add("relapses_12m", "gte", 1, rule="disease.relapse_count", span=span)
    else:
        ctx.add(
            "days_since_last_relapse",
            "within",
            d.value,
            unit=d.unit,
            rule="disease.recent_relapse",
            span=span,
        )


_GD = r"(?:\bgels?\b|gadolinium|\bgd\b\+?|gd[- ]enhancing|contrast[- ]enhancing|enhancing lesions?)"


def gd_lesions(ctx: ItemContext) -> None:
    t = ctx.t
    if not re.search(_GD, t) or _BEFORE_TREATMENT.search(t):
        return
    before = re.search(
        rf"(≥|>|≤|<|=)?\s*(\d+)(?:\s*(?:-|to|or)\s*(\d+))?\s*(?:or more\s+)?(?:new\s+)?{_GD}", t
    )
    after = re.search(rf"{_GD}[^;]*?(≥|>|≤|<|=)\s*(\d+)", t)
    if before and before.group(3):
        ctx.add(
            "gd_lesions_last_mri",
            "between",
            int(before.group(2)),
            int(before.group(3)),
            rule="disease.gd_lesions",
            span=before.span(),
        )
    elif before:
        ctx.add(
            "gd_lesions_last_mri",
            OPS.get(before.group(1) or "≥"),
            int(before.group(2)),
            rule="disease.gd_lesions",
            span=before.span(),
        )
    elif after:
        ctx.add(
            "gd_lesions_last_mri",
            OPS[after.group(1)],
            int(after.group(2)),
            rule="disease.gd_lesions",
            span=after.span(),
        )
    elif ctx.inclusion and (
        present := re.search(
            rf"\b(?:an?|with|presence of|evidence of|positive)\s+(?:positive\s+)?(?:t1\s+)?{_GD}"
            r"(?:\s*\(gd\))?(?:[- ]enhanc(?:ing|ed))?(?:\s+t1)?\s+(?:mri|scan|lesions?)(?:\s+scans?)?",
            t,
        )
    ):
        # "a positive Gd-enhancing MRI scan", "presence of gadolinium-enhancing lesions": one at least.
        if ctx.negated_before(present.start(), 30):
            return
        ctx.add("gd_lesions_last_mri", "gte", 1, rule="disease.gd_lesions", span=present.span())
    else:
        return
    for proposal in ctx.proposals:
        if "gd_lesions_last_mri" in proposal.concepts:
            words = ctx.finditer(
                r"(?:number of )?(?:t1[- ])?lesions?(?: (?:enhanced|enhancing))?|\bmri\b|\bt1\b|brain|"
                r"spinal cord|scans?|(?:gd|gadolinium|contrast)[- ]enhancing|enhancing|enhanced"
            )
            proposal.spans += tuple(w.span() for w in words)
    recent = re.search(
        r"mri[^;]*?(?:within|in|during)\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+)?(\d+)\s+months", t
    )
    if recent:
        # The lesions are counted on that MRI: both hold together, whatever joins the item's
        # other criteria ("≥ 1 relapse in the last year, or a Gd+ lesion on an MRI within 12 months").
        (lesions,) = [p for p in ctx.proposals if "gd_lesions_last_mri" in p.concepts]
        ctx.proposals.remove(lesions)
        scan = DraftCriterion(
            ("months_since_last_mri",), "lte", (int(recent.group(1)),), rule="disease.mri_age"
        )
        ctx.add_group(
            DraftGroup(ALL, (lesions.criterion, scan)),
            rule="disease.gd_lesions",
            span=list(lesions.spans) + [recent.span()],
        )


def new_t2(ctx: ItemContext) -> None:
    m = ctx.search(
        r"new (?:or enlarging )?t2(?:[- ](?:weighted|hyperintense))?(?: mri)?(?: lesions?)?|new (?:"
        r"\w+ )?lesions? (?:on|in) t2|"
        r"nouvelles? l[ée]sions? t2"
    )
    if not m:
        return
    spans = [m.span()]
    periods = [d for d in ctx.durations() if d.start > m.start()]
    if periods and not (periods[0].value == 12 and periods[0].unit == "months"):
        # Over another period the answer over 12 months says nothing either way.
        ctx.warn("New T2 lesions over another period than 12 months: left to the curator.")
        return
    if periods:
        spans.append((periods[0].start, periods[0].end))
    else:
        ctx.warn("New T2 lesions: the vocabulary records them over the last 12 months.")
    negative = ctx.inclusion and ctx.search(r"\b(no|without)\b[^;]{0,15}new t2")
    ctx.add("new_t2_lesions_12m", "is_false" if negative else "is_true", rule="disease.new_t2", span=spans)


def csf(ctx: ItemContext) -> None:
    if m := ctx.search(r"oligoclonal(?: band\w*)?|bandes oligoclonales"):
        value = "negative" if ctx.search(r"negative|absence|n[ée]gati") else "positive"
        words = [
            x.span()
            for x in ctx.finditer(r"\bcsf\b|cerebrospinal fluid|\blcr\b|positive|negative|presence|\bocbs?\b")
        ]
        ctx.add("csf_oligoclonal_bands", "in", value, rule="disease.csf", span=[m.span()] + words)


def progression(ctx: ItemContext) -> None:
    if m := ctx.search(
        r"progression (?:of disability )?independent of (?:\w+ )?relapses?(?: activity)?|\bpira\b"
    ):
        if not ctx.search(r"\b2 years|24 months"):
            ctx.warn("Progression independent of relapses: the vocabulary records it over the last 2 years.")
        ctx.add("progression_independent_of_relapse_24m", "is_true", rule="disease.pira", span=m.span())


def relapse_subject(ctx: ItemContext) -> None:
    """ "Relapse of MS within 60 days": the disease named with a relapse is read with it."""
    named = [
        m.span()
        for m in ctx.finditer(
            r"(?:relapses?|attacks?|exacerbations?) of (?:the )?(?:ms|multiple sclerosis)\b|"
            r"\b(?:ms|multiple sclerosis) (?:relapses?|attacks?|exacerbations?)"
        )
    ]
    for proposal in ctx.proposals:
        if named and any(
            c.startswith(("relapses_", "days_since_last_relapse", "ongoing_relapse"))
            for c in proposal.concepts
        ):
            proposal.spans += tuple(named)


RULES = (diagnosis, disease_duration, edss, relapses, relapse_subject, gd_lesions, new_t2, csf, progression)
