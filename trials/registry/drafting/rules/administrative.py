"""Consent, legal protection, social security, other trials; and what only the study team can
check at the visit."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext

VISIT = re.compile(
    r"complian\w*|observance|national (?:roster|register|file)|fichier national|periods? of exclusion|"
    r"investigator'?s? (?:judg\w*|opinion|discretion)|(?:according to|in the opinion of) the (?:"
    r"investigator|physician)|"
    r"non[- ]authori[sz]ed|willing(?:ness)? (?:and able )?to (?:comply|participate|follow|attend|"
    r"return|complete)|"
    r"able to (?:comply|attend|complete|follow)"
)


def consent(ctx: ItemContext) -> None:
    t = ctx.t
    m = re.search(r"consent\w*|assent", t)
    if not m:
        return
    if anchor := re.search(
        r"\b(?:prior to|before|after|at the time of|from|since)\s+(?:the\s+)?(?:signing|signature)\s+"
        r"(?:of\s+)?(?:the\s+)?(?:written\s+)?(?:informed\s+)?(?:consent|assent)\w*(?: form)?",
        t,
    ):
        ctx.use(anchor)  # "≥ 24 weeks prior to signing the informed consent" dates another criterion
        if not re.search(r"consent\w*|assent", t[: anchor.start()] + t[anchor.end() :]):
            return
    unable = re.search(
        r"(?:\b(?:linguistic|language|psychological|mental|cognitive|intellectual|physical)\w*\s+(?:"
        r"or\s+\w+\s+)?)?\b(unable|inability|incapacity|incapable|not able|cannot|unwilling|"
        r"incapacit[ée]|not willing)\b[^.;]{0,60}(?:consent|assent)",
        t,
    )
    if unable:
        if not ctx.inclusion:
            ctx.add("able_to_consent", "is_false", rule="administrative.consent", span=unable.span())
        return
    if ctx.inclusion and (
        able := re.search(
            r"\b(?:able|capable|capacity|ability)(?:\s+and\s+willing(?:ness)?)?\s+(?:to|of)\b[^.;]{0,100}?"
            r"(?:consent|assent)|\bcan (?:give|provide|understand and (?:give|sign)|sign) "
            r"(?:an? |the |their )?(?:written |signed )?(?:informed )?(?:consent|assent)",
            t,
        )
    ):
        ctx.add("able_to_consent", "is_true", rule="administrative.consent", span=able.span())
    elif ctx.inclusion and (
        signed := re.search(
            r"(?:sign\w*|written|informed|provide|give|écrit|éclairé|obtained)[^.;]{0,60}(?:consent|"
            r"assent)\w*(?: form)?|(?:consent|assent)\w*[^.;]{0,30}(?:signed|obtained|provided|form|"
            r"sign[ée]e?|recueilli|[ée]clair[ée]|[ée]crit)",
            t,
        )
    ):
        ctx.visit = True
        ctx.use(signed)


def legal(ctx: ItemContext) -> None:
    t = ctx.t
    if m := re.search(
        r"(?:measure of )?legal protection|guardianship|curatorship|tutorship|sub-tutorship|deprived "
        r"of (?:their )?liberty|"
        r"protective measures?|measures? of protection|"
        r"priv[ée]e?s? de (?:leur )?libert[ée]|tutelle|curatelle|sauvegarde de justice|protection juridique|"
        r"safeguard of justice|under (?:legal )?guardianship",
        t,
    ):
        spans = [
            x.span()
            for x in re.finditer(
                r"legal protection|guardianship|curatorship|tutorship|deprived of (?:their )?liberty|"
                r"safeguard of justice|tutelle|curatelle|sauvegarde de justice|protection juridique|"
                r"libert[ée]",
                t,
            )
        ]
        ctx.add(
            "legal_protection",
            "is_false" if ctx.inclusion else "is_true",
            rule="administrative.legal_protection",
            span=spans + [m.span()],
        )
    if m := re.search(
        r"social security(?: system| scheme)?|s[ée]curit[ée] sociale|health insurance(?: scheme)?|"
        r"assurance maladie",
        t,
    ):
        negative = re.search(r"\b(not|no|non|without|sans)\b[^;]{0,20}(affiliat|covered|social|insur)", t)
        if ctx.inclusion:
            value = "is_false" if negative else "is_true"
        else:
            value = "is_false" if (negative or re.search(r"\bnot\b", t)) else "is_true"
        spans = [m.span()] + [x.span() for x in re.finditer(r"affiliat\w*|beneficiar\w*|covered", t)]
        ctx.add("social_security", value, rule="administrative.social_security", span=spans)


def other_trials(ctx: ItemContext) -> None:
    t = ctx.t
    if m := re.search(
        r"particip\w*[^;]{0,40}phase\s*(?:2|ii)\b[^;]*|phase\s*(?:2|ii)\s*,?\s*(?:3|iii)[^;]*", t
    ):
        ctx.add("in_ms_interventional_trial", "is_true", rule="administrative.ms_trial", span=m.span())
        return
    m = re.search(
        r"(?:particip\w*|included|enrol+(?:ed|ment)|inclusion|involved)\s+(?:already\s+)?in\s+(?:"
        r"an?\s+|any\s+)?(?:this\s+or\s+)?"
        r"(?:(?:an)?other|concurrent|simultaneous)\s+(?:\w+\s+){0,2}(?:study|studies|trial|trials|"
        r"research|protocol)|"
        r"particip\w*\s+(?:[àa]\s+)?(?:une?\s+)?autre\s+(?:[ée]tude|essai|recherche|protocole)|"
        r"(?:other|another)\s+(?:interventional|clinical|therapeutic|investigational)\s+(?:drug\s+)"
        r"?(?:study|trial|studies|trials)|"
        r"(?:received|receiving|treatment with|treated with|use of|exposure to|participat\w* [^;]{0,"
        r"20}|taken|any|other|an?)\s+"
        r"(?:\w+\s+)?(?:investigational|experimental|unmarketed)\s+(?:\w+\s+)?(?:drugs?|agents?|"
        r"products?|medications?|therap\w*|"
        r"treatments?|devices?|vaccines?)",
        t,
    )
    if not m:
        return
    if re.search(r"half-?lives|whichever is (?:longer|greater)|whichever", t):
        ctx.warn("A washout in half-lives (“whichever is longer”): left to the curator.")
        return
    device_only = "device" in m.group(0) and not re.search(
        r"\b(?:drugs?|agents?|products?|medications?)\b", t
    )
    if device_only or re.search(r"non-?interventional|observational", t):
        ctx.warn("Another study named, not an interventional drug trial: left to the curator.")
        return
    durations = [d for d in ctx.durations() if d.unit in ("months", "weeks", "days")]
    if not durations and re.search(
        r"same time|currently|concomitant|concurrent|simultan|ongoing|en cours|at the time of|"
        r"\breceiving\b|\bare on\b|\bis on\b",
        t,
    ):
        ctx.add("months_since_other_trial", "within", 0, rule="administrative.other_trial", span=m.span())
        return
    durations = [d for d in ctx.durations() if d.unit in ("months", "weeks", "days")]
    if durations:
        d = durations[0]
        ctx.add(
            "months_since_other_trial",
            "not_within" if (ctx.inclusion and ctx.negated_before(m.start(), 40)) else "within",
            d.value,
            unit="" if d.unit == "months" else d.unit,
            rule="administrative.other_trial",
            span=[m.span(), (d.start, d.end)],
        )
        if ctx.inclusion and not ctx.negated_before(m.start(), 40):
            ctx.drop("months_since_other_trial")
            ctx.warn("Another trial named in an inclusion: left to the curator.")
    else:
        ctx.warn("Participation in another study without a period: left to the curator.")


def visit(ctx: ItemContext) -> None:
    for m in VISIT.finditer(ctx.t):
        ctx.use(m)
        ctx.visit = True


RULES = (consent, legal, other_trials)
