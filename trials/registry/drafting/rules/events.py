"""Recent events with a period: live vaccines, surgery under general anaesthesia, substance
abuse. A period is a window ("within 30 days", "in the last 2 months"); a length ("for 14
days") is not."""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext
from trials.registry.drafting.text import Duration


def _window(ctx: ItemContext, after: int) -> Duration | None:
    """The first period after `after` that is a window, not a length ("for 14 days")."""
    for d in ctx.durations():
        if d.start < after - 60 or d.unit not in ("days", "weeks", "months"):
            continue
        before = ctx.t[max(0, d.start - 25) : d.start]
        if re.search(r"\b(?:for|lasting|during at least)\s*(?:≥|>|≤|<)?\s*$", before):
            continue
        return d
    return None


def live_vaccine(ctx: ItemContext) -> None:
    m = ctx.search(
        r"live(?:[- ]attenuated)? (?:virus )?(?:or live[- ]attenuated )?vaccin\w*|vaccin\w* (?:with|"
        r"by) (?:a )?live(?: attenuated)?(?: virus)?|vaccin\w* vivants?"
    )
    if not m:
        return
    d = _window(ctx, m.start())
    if d is None:
        ctx.warn("Live vaccination without a number of months: left to the curator.")
        return
    negated = ctx.negated_before(m.start(), 40)
    if ctx.inclusion and not negated:
        ctx.warn("A live vaccine named in an inclusion without a negation: left to the curator.")
        return
    if not ctx.inclusion and negated:
        return
    operator = "not_within" if ctx.inclusion else "within"
    ctx.add(
        "months_since_live_vaccine",
        operator,
        d.value,
        unit="" if d.unit == "months" else d.unit,
        rule="events.live_vaccine",
        span=[m.span(), (d.start, d.end)],
    )
    if planned := ctx.search(
        r"(?:planned|expected|anticipated|required)[^;]{0,30}(?:during|study)|during the study"
    ):
        ctx.use(planned)


def surgery(ctx: ItemContext) -> None:
    t = ctx.t
    if not re.search(r"surgery|surgical|an(?:a)?esthesia|chirurgi", t):
        return
    ga = re.search(r"general an(?:a)?esthesia|anesth[ée]sie g[ée]n[ée]rale", t)
    if ga:
        d = _window(ctx, 0)
        if d is not None and not ctx.inclusion:
            ctx.add(
                "months_since_surgery_general_anaesthesia",
                "within",
                d.value,
                unit="" if d.unit == "months" else d.unit,
                rule="events.surgery",
                span=[ga.span(), (d.start, d.end)]
                + [x.span() for x in re.finditer(r"surgery|chirurgie", t)][:1],
            )
    if (
        m := re.search(
            r"surgery\s+(?:is\s+)?planned|planned\s+(?:during the study\s+)?surgery|surgery planned|"
            r"chirurgie\s+pr[ée]vue|(?:or )?(?:surgery )?planned during the (?:study|trial)",
            t,
        )
        and not ctx.inclusion
        and re.search(r"surgery|chirurgie", t)
    ):
        ctx.add("surgery_planned", "is_true", rule="events.surgery_planned", span=m.span())


def substance_abuse(ctx: ItemContext) -> None:
    t = ctx.t
    m = re.search(
        r"(?:substance|drug|alcohol|illicit drug)s?(?:\s+(?:or|and|and/or)\s+(?:substance|drug|"
        r"alcohol)s?)?[- ](?:abuse|misuse|dependence|use disorder|addiction)|toxicomanie|drug-abuse",
        t,
    )
    if not m or ctx.inclusion or re.match(r"\s*(?:test|screen)", t[m.end() : m.end() + 10]):
        return
    if re.search(r"unable to (?:quit|stop|abstain)|cannot (?:quit|stop)", t):
        ctx.warn("Substance abuse the patient cannot stop, without a period: left to the curator.")
        return
    if re.search(
        r"interfere|compromise|could|may|would|opinion", t[m.end() : m.end() + 80]
    ) and not re.search(r"within|last|past|current|active|recent", t):
        ctx.warn("Substance abuse qualified by the investigator's judgement: left to the study team.")
        return
    d = _window(ctx, m.start())
    if d is not None and (d.start > m.start() or re.search(r"within|last|past", t)):
        words = [
            x.span()
            for x in re.finditer(
                r"\b(?:current|active|ongoing|recent|history of)\b|(?:substance|drug|alcohol)s?[- ](?:"
                r"abuse|misuse|dependence|use disorder|addiction)",
                t,
            )
        ]
        ctx.add(
            "days_since_substance_abuse",
            "within",
            d.value,
            unit="" if d.unit == "days" else d.unit,
            rule="events.substance_abuse",
            span=[m.span(), (d.start, d.end)] + words,
        )
    elif history := re.search(
        r"\b(?:history of|ever|previous|prior|past)\b", t[max(0, m.start() - 40) : m.start()]
    ):
        words = [x.span() for x in re.finditer(r"\bhistory of\b|\bchronic\b|\bprior\b|\bprevious\b", t)]
        ctx.add("days_since_substance_abuse", "ever", rule="events.substance_abuse", span=[m.span()] + words)
        del history
    else:
        ctx.warn("Substance abuse without a period: left to the curator.")


RULES = (live_vaccine, surgery, substance_abuse)
