"""From rule proposals to drafted items, and from items to a record's draft.

Precision first: a proposal the engine would reject is dropped; a threshold made conditional
by a parenthesis ("(≤ 5 × ULN with liver metastases)") is dropped; an item whose exceptions
no rule understood, whose "one of" list has an alternative no rule read, or whose "and"/"or"
the draft cannot tell apart, stays text. Every part of an item no rule used is listed in its
warnings and in `unused`: nothing is dropped silently.
"""

from __future__ import annotations

import re

from trials.registry.drafting.context import ItemContext, Proposal
from trials.registry.drafting.markup import clean_registry_text
from trials.registry.drafting.model import (
    ALL,
    ANY,
    EXCLUSION,
    INCLUSION,
    Draft,
    DraftCriterion,
    DraftGroup,
    DraftItem,
    DraftVocabulary,
    seed_vocabulary,
)
from trials.registry.drafting.rules import TEXT_RULES, medication_rule, visit_rule
from trials.registry.drafting.splitting import (
    ALL_SIGNAL,
    ANY_SIGNAL,
    EXCEPT_SIGNAL,
    RawItem,
    is_eu_age_line,
    split_items,
    split_sections,
)

# Words that carry no criterion of their own: an unused part made only of these is not
# reported.
_FILLER = frozenset(
    [
        "a",
        "neither",
        "nor",
        "an",
        "the",
        "of",
        "or",
        "and",
        "and/or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "without",
        "by",
        "from",
        "as",
        "any",
        "all",
        "other",
        "known",
        "history",
        "prior",
        "previous",
        "previously",
        "past",
        "current",
        "currently",
        "patient",
        "patients",
        "subject",
        "subjects",
        "participant",
        "participants",
        "person",
        "persons",
        "people",
        "individual",
        "individuals",
        "who",
        "that",
        "which",
        "whom",
        "whose",
        "this",
        "these",
        "those",
        "is",
        "are",
        "be",
        "been",
        "being",
        "was",
        "were",
        "has",
        "have",
        "had",
        "having",
        "must",
        "should",
        "will",
        "may",
        "might",
        "can",
        "could",
        "would",
        "shall",
        "not",
        "no",
        "none",
        "do",
        "does",
        "did",
        "such",
        "e.g.",
        "eg",
        "i.e.",
        "ie",
        "etc",
        "including",
        "include",
        "includes",
        "included",
        "defined",
        "define",
        "per",
        "documented",
        "documentation",
        "evidence",
        "evident",
        "presence",
        "diagnosis",
        "diagnosed",
        "confirmed",
        "confirmation",
        "following",
        "followed",
        "one",
        "more",
        "least",
        "both",
        "either",
        "each",
        "also",
        "within",
        "during",
        "before",
        "after",
        "since",
        "until",
        "than",
        "then",
        "there",
        "their",
        "his",
        "her",
        "its",
        "they",
        "them",
        "he",
        "she",
        "it",
        "we",
        "our",
        "us",
        "you",
        "your",
        "if",
        "when",
        "where",
        "while",
        "whether",
        "study",
        "trial",
        "screening",
        "baseline",
        "inclusion",
        "enrolment",
        "enrollment",
        "randomization",
        "randomisation",
        "entry",
        "visit",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "time",
        "first",
        "last",
        "dose",
        "dosing",
        "period",
        "date",
        "start",
        "starting",
        "moment",
        "signed",
        "clinically",
        "clinical",
        "significant",
        "significantly",
        "relevant",
        "active",
        "acute",
        "chronic",
        "severe",
        "mild",
        "moderate",
        "evidenced",
        "based",
        "according",
        "criteria",
        "criterion",
        "following:",
        "below",
        "above",
        "listed",
        "list",
        "men",
        "women",
        "woman",
        "man",
        "male",
        "female",
        "males",
        "females",
        "adult",
        "adults",
        "aged",
        "age",
        "old",
        "years-old",
        "yes",
        "inclusive",
        "point",
        "points",
        "receipt",
        "y/o",
        "other:",
        "≥",
        "≤",
        "<",
        ">",
        "=",
        "x",
        "×",
        "+",
        "-",
        "/",
        "%",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "ou",
        "en",
        "dans",
        "pour",
        "par",
        "avec",
        "sans",
        "au",
        "aux",
        "chez",
        "femme",
        "femmes",
        "patiente",
        "patientes",
        "sous",
        "selon",
        "précédant",
        "précédent",
        "avant",
        "l'inclusion",
        "affilié",
        "affiliée",
        "régime",
        "utilisant",
        "à",
        "traitement",
        "traitements",
        "sévère",
        "sévères",
        "interventionnelle",
        "major",
        "treated",
        "treatment",
        "treatments",
        "therapy",
        "therapies",
        "received",
        "receiving",
        "receive",
        "taken",
        "taking",
        "take",
        "use",
        "using",
        "used",
        "excluded",
        "exclude",
        "eligible",
        "eligibility",
        "benefited",
        "benefit",
        "placed",
        "under",
        "measure",
        "administrative",
        "judicial",
        "decision",
        "court",
        "order",
        "affiliated",
        "system",
        "scheme",
        "member",
        "read",
        "understood",
        "information",
        "letter",
        "form",
        "sign",
        "written",
        "free",
        "willing",
        "able",
        "ability",
        "agree",
        "agrees",
        "provide",
        "give",
        "given",
        "obtain",
        "obtained",
        "undergo",
        "undergoing",
        "requiring",
        "need",
        "needs",
        "type",
        "level",
        "levels",
        "value",
        "values",
        "result",
        "results",
        "score",
        "status",
        "investigator",
        "opinion",
        "judgement",
        "judgment",
        "discretion",
        "protocol",
        "procedures",
        "procedure",
        "requirements",
        "study-related",
        "please",
        "note",
        "see",
        "etc.",
        "i.e",
        "e.g",
        "known/documented",
        "documented/known",
        "positive",
        "accordance",
        "guidelines",
        "ethics",
        "board",
        "upon",
        "number",
        "administration",
        "concomitant",
        "concurrent",
        "already",
        "same",
        "echocardiography",
        "echocardiogram",
        "echo",
        "muga",
        "duration",
        "reference",
        "references",
        "version",
    ]
)
_ANCHOR = re.compile(
    r"\b(?:prior to|before|preceding|at|at the time of|within|during|throughout|for the duration of|until)\s+"
    r"(?:the\s+)?(?:\d+\s+\w+\s+(?:of|prior to|before)\s+)?(?:study\s+)?(?:screening|randomi[sz]ation|"
    r"enrol+ment|"
    r"inclusion|baseline|day\s*1|study entry|entry|first dose|the first dose|study (?:drug|treatment|"
    r"treatment administration)|"
    r"the study|visit\s*\d*|treatment|administration|signing (?:the )?(?:informed )?consent)\b"
    r"|\b(?:during|for) the (?:duration|course) of (?:the )?(?:study|trial|treatment)\b|\bthroughout "
    r"the (?:study|trial)\b"
)
_SEPARATORS = re.compile(
    r"[,;:()\[\]]|\s/\s|\.\s|\.$|\b(?:and/or|or|and|including|such as|e\.g\.|i\.e\.|with|ou|et)\b"
)
_WORD = re.compile(r"[^\s,;:()\[\]]+")


# ----------------------------------------------------------------------------- one item


def _run_rules(kind: str, text: str, vocabulary: DraftVocabulary, study_cancer: bool = False) -> ItemContext:
    ctx = ItemContext(kind, text, study_cancer)
    if re.search(r"not fulfill?ing (?:the )?inclusion", ctx.t):
        ctx.warn("Restates the inclusion criteria: nothing to draft, the curator decides.")
        ctx.restates = True
        return ctx
    for rule in TEXT_RULES:
        rule(ctx)
    medication_rule(ctx, vocabulary)
    visit_rule(ctx)
    return ctx


def draft_item(kind: str, text: str, vocabulary: DraftVocabulary | None = None) -> DraftItem:
    """Proposes criteria for one item of the eligibility text."""
    vocabulary = vocabulary or seed_vocabulary()
    text = clean_registry_text(text) or text
    ctx = _run_rules(kind, text, vocabulary)
    return _finish(ctx, vocabulary)


def _valid(ctx: ItemContext, vocabulary: DraftVocabulary) -> list[Proposal]:
    kept = []
    for proposal in ctx.proposals:
        errors = {}
        for leaf in _leaves_of(proposal.criterion):
            for concept in leaf.concepts:
                errors.update(vocabulary.check(concept, leaf))
        if errors:
            ctx.warn(f"Dropped a draft on {', '.join(proposal.concepts)}: {'; '.join(errors.values())}.")
        else:
            kept.append(proposal)
    return kept


def _leaves_of(criterion):
    if isinstance(criterion, DraftGroup):
        for child in criterion.criteria:
            yield from _leaves_of(child)
    else:
        yield criterion


def _covered(ctx: ItemContext, proposals: list[Proposal]) -> list[bool]:
    covered = [False] * len(ctx.norm.text)
    spans = [s for p in proposals for s in p.spans] + list(ctx.used) + list(ctx.ignored)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(covered))):
            covered[i] = True
    return covered


# The words that tie a period to what it limits: "within the past 6 months", "for ≥ 1 year".
_PERIOD_LEAD = re.compile(
    r"(?:(?:within|in|during|over|for|since|of|before|after|prior to|≥|>|≤|<|the|last|past|previous|"
    r"preceding|prior|dans|depuis|les|derniers?)\s+)+$"
)


def _unread_periods(ctx: ItemContext, proposals: list[Proposal]) -> list[tuple[int, int]]:
    """Periods ("within the past 6 months", "for ≥ 1 year") no drafted criterion read: numbers
    and units alone are filler to the unused-words scan, yet a period limits what it qualifies."""
    covered = _covered(ctx, proposals)
    periods = []
    for period in ctx.durations():
        if sum(covered[period.start : period.end]) * 2 >= period.end - period.start:
            continue
        lead = _PERIOD_LEAD.search(ctx.t[max(0, period.start - 40) : period.start])
        periods.append((period.start - (len(lead.group(0)) if lead else 0), period.end))
    return periods


def _unused_parts(ctx: ItemContext, proposals: list[Proposal]) -> list[tuple[int, int]]:
    """Spans of the normalised text that carry words no rule used, periods no rule read among
    them."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(_unused_words(ctx, proposals) + _unread_periods(ctx, proposals)):
        if merged and not ctx.norm.text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))  # overlapping or side by side
        else:
            merged.append((start, end))
    return merged


def _unused_words(ctx: ItemContext, proposals: list[Proposal]) -> list[tuple[int, int]]:
    text = ctx.norm.text
    covered = _covered(ctx, proposals)
    if proposals:
        for m in _ANCHOR.finditer(text):
            for i in range(m.start(), m.end()):
                covered[i] = True
    parts = []
    start = 0
    bounds = [(m.start(), m.end()) for m in _SEPARATORS.finditer(text)] + [(len(text), len(text))]
    for sep_start, sep_end in bounds:
        segment_words = [(start + w.start(), start + w.end()) for w in _WORD.finditer(text[start:sep_start])]
        run: list[tuple[int, int]] = []
        for s, e in segment_words:
            covered_chars = sum(covered[i] for i in range(s, e))
            if covered_chars >= (e - s) / 2:
                if run:
                    parts.append((run[0][0], run[-1][1]))
                run = []
                continue
            word = text[s:e].strip(".'\"*-")
            if word in _FILLER or re.fullmatch(r"[\d.,]+|[≥≤<>=x×/%*+-]+|[a-z]{1,3}\d{1,3}", word):
                continue  # filler, numbers, and item codes ("SI05", "E1")
            run.append((s, e))
        if run:
            parts.append((run[0][0], run[-1][1]))
        start = sep_end
    return parts


def _blocked(ctx: ItemContext, proposals: list[Proposal]) -> list[Proposal]:
    """Drops thresholds made conditional by the parenthesis right after them."""
    used = _covered(ctx, [p for p in proposals])
    kept = list(proposals)
    for (start, end), words in ctx.blocked:
        if all(used[i] for i in range(start + 1, max(start + 2, end - 1)) if i < len(used)):
            continue  # a rule read the condition itself
        if not ctx.norm.text[start:end].startswith("("):
            # "≤ 2.5 × ULN and ≤ 5 × ULN for patients with liver metastases": every threshold of
            # the clause before the condition depends on it.
            clause_start = _clause_start(ctx.norm.text, start)
            for proposal in list(kept):
                if proposal not in kept:
                    continue
                if proposal.criterion.rule.startswith("labs.") and any(
                    clause_start <= s < start for s, _ in proposal.spans
                ):
                    for other in [p for p in kept if set(p.concepts) & set(proposal.concepts)]:
                        kept.remove(other)
                    ctx.warn(f"“{words.strip()}”: a condition on the thresholds before it; not drafted.")
        for proposal in list(kept):
            if proposal in kept and any(0 <= start - span_end <= 4 for _, span_end in proposal.spans):
                # Every threshold on that concept goes: "≤ 2.5 × ULN" alone would be wrong for
                # the patients the condition names.
                for other in [p for p in kept if set(p.concepts) & set(proposal.concepts)]:
                    kept.remove(other)
                ctx.warn(
                    f"“{words.strip()}”: a condition on the threshold before it, which the draft "
                    f"cannot express; not drafted."
                )
    return kept


def _connectives(ctx: ItemContext, proposals: list[Proposal]) -> set[str]:
    """How the item's drafted criteria are joined: "or", "and", or both."""
    pieces = sorted((min(s for s, _ in p.spans), max(e for _, e in p.spans)) for p in proposals if p.spans)
    found = set()
    for (_s1, e1), (s2, _e2) in zip(pieces, pieces[1:], strict=False):
        if s2 <= e1:
            continue
        gap = ctx.norm.text[e1:s2]
        if re.search(r"\bor\b|\bou\b|/", gap) and not re.search(r"\band/or\b", gap):
            found.add("or")
        elif re.search(r"\band\b|\bet\b|;|\bbut\b|\bwith\b", gap):
            found.add("and")
        elif re.search(r"\band/or\b", gap):
            found.add("or")
    return found


WITHDRAWAL = re.compile(r"^\W*(?:elimination|withdrawal|discontinuation|removal|stopping)\s+criteria\b")
# "Active ABPA on steroids": the steroids only qualify the ABPA, so drafting them alone
# would exclude everyone on steroids.
_QUALIFYING = re.compile(
    r"^\s*(?:on|receiving|taking|treated with|requiring|requires?|required|needing|due to|caused by|"
    r"secondary to|associated with|because of|related to|for the (?:treatment|prevention) of|to treat)"
    r"\s+(?:\w+\s+){0,2}$"
)


_JUDGED = re.compile(
    r"\b(?:that|which|whose|who|likely to)\b,?[^;.]{0,80}?\b(?:interfer\w*|jeopardi[sz]\w*|compromis\w*|"
    r"in the (?:\w+ )?(?:investigator'?s?|physician'?s?|researcher'?s?) (?:opinion|judge?ment)|in the "
    r"opinion of|"
    r"judged by|as determined by the investigator|unsuitable|inappropriate)\b[^;.]*"
)


def _judged(ctx: ItemContext, proposals: list[Proposal]) -> str:
    """A condition qualified by what "could interfere" or "in the investigator's opinion":
    the drafted condition alone would exclude more than the registry does."""
    covered = _covered(ctx, proposals)
    for m in _JUDGED.finditer(ctx.norm.text):
        read = all(covered[i] for i in range(m.start(), m.end()) if ctx.norm.text[i].isalnum())
        if not read and any(min(s for s, _ in p.spans) < m.start() for p in proposals if p.spans):
            return ctx.norm.source_span(m.start(), m.end()).strip(" ,;.")
    return ""


def _beyond_heading(ctx: ItemContext, unused: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Unused parts other than a leading label ("Hospitalized group: …")."""
    head = re.match(r"^[^:;,.]{0,40}:", ctx.norm.text)
    return [(s, e) for s, e in unused if not (head and e <= head.end())]


def _follows_drafted(ctx: ItemContext, start: int, proposals: list[Proposal]) -> bool:
    """An exception qualifies what comes right before it in its clause: "bilirubin ≤ 1.5 × ULN
    (unless Gilbert's syndrome)" excepts the bilirubin limit, which is not drafted anyway."""
    text = ctx.norm.text
    clause_start = max(_clause_start(text, start), text.rfind(":", 0, start) + 1)
    before = [p for p in proposals if any(clause_start <= s < start for s, _ in p.spans)]
    if not before:
        return False
    last_drafted = max(e for p in before for s, e in p.spans if s < start)
    between = text[last_drafted:start]
    if re.match(r"\W*unless\b", text[start:]) and not re.search(r"\d", between):
        # "Acute COVID-19 infection at the visits (unless they can be delayed)": a permission
        # lifts the whole clause, however many words describe it, when no other threshold
        # stands between ("bilirubin ≤ 1.5 × ULN (unless Gilbert's)" lifts only the bilirubin).
        return True
    return not _content(re.sub(r"[()]", " ", between)) or len(between) < 25


def _negative(criterion) -> bool:
    """ "Not pregnant or nursing": a negation before an "or" asks neither."""
    if isinstance(criterion, DraftGroup):
        return criterion.combine == "not"
    return criterion.operator in ("is_false", "not_within", "not_in", "never")


# A clause ends at ";" or at a sentence's full stop, not at "e.g." or "i.e.".
_CLAUSE_END = re.compile(r";|(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\d)\.\s")


def _clause_start(text: str, position: int) -> int:
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


_CAUSE = re.compile(r"\b(?:due to|caused by|secondary to|because of|as a result of|resulting from)\b")


def _qualifies_unused(ctx: ItemContext, proposals: list[Proposal], unused: list[tuple[int, int]]) -> str:
    """The unused words a drafted criterion qualifies ("active ABPA" in "active ABPA on steroids",
    "inability to complete breath sampling due to e.g. respiratory failure")."""
    text = ctx.norm.text
    first = min((s for p in proposals for s, _ in p.spans), default=None)
    if first is not None:
        clause_start = _clause_start(text, first)
        cause = None
        for m in _CAUSE.finditer(text, clause_start, first):
            cause = m
        heads = [(s, e) for s, e in unused if clause_start <= s < cause.start()] if cause else []
        if heads:
            return ctx.norm.source_span(*heads[0])
    for start, end in unused:
        for proposal in proposals:
            first = min(s for s, _ in proposal.spans) if proposal.spans else None
            if first is None or first < end:
                continue
            if _QUALIFYING.match(text[end:first]) and not re.search(r"[;.]", text[end:first]):
                return ctx.norm.source_span(start, end)
    return ""


def _content_words(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    words = [(begin + w.start(), begin + w.end()) for w in _WORD.finditer(text[begin:end])]
    return [
        (s, e)
        for s, e in words
        if _content(text[s:e])
        and not re.fullmatch(
            r"patients?|subjects?|history|"
            r"use|with|known|any",
            text[s:e],
        )
    ]


def _joined_by_and(ctx: ItemContext, proposals: list[Proposal]) -> str:
    """ "A history of antiphospholipid syndrome AND use of oral anticoagulants": an exclusion that
    needs both, one of them drafted; the capital AND is how registries write a conjunction."""
    text = ctx.norm.text
    covered = _covered(ctx, proposals)
    for m in re.finditer(r"\band\b(?!/)", text):
        if "AND" not in ctx.norm.source_span(m.start(), m.end()):
            continue
        begin = _clause_start(text, m.start())
        end = m.end() + re.search(r"[;.](?:\s|$)|$", text[m.end() :]).start()
        sides = [(begin, m.start()), (m.end(), end)]
        unread = [any(not covered[w0] for w0, _ in _content_words(text, a, b)) for a, b in sides]
        drafted = [any(covered[w0] for w0, _ in _content_words(text, a, b)) for a, b in sides]
        if (unread[0] and drafted[1] and not drafted[0]) or (unread[1] and drafted[0] and not drafted[1]):
            return ctx.norm.source_span(begin, end).strip(" ,;.")
    return ""


_DEFINED = re.compile(r"\b(?:as )?defined (?:as|by)\b|\baccording to\b|\bas per\b")
_VALUE_LIST = re.compile(r"\b(?:[ivx]{1,4}|\d+)\s*,?\s*$")
_SUBJECT = frozenset({"diagnosis", "ms_phenotype"})


def _subject_with_alternatives(ctx: ItemContext, proposals: list[Proposal]) -> list[Proposal]:
    """ "RRMS with ≥ 1 relapse in the past year, or 2 in two years, or a Gd+ lesion": the disease
    first, then the alternatives that qualify it — the disease and any one of them. Empty when
    the item is not built so."""
    subject = [p for p in proposals if p.spans and set(p.concepts) <= _SUBJECT]
    rest = [p for p in proposals if p not in subject]
    if not subject or len(rest) < 2 or not all(p.spans for p in rest):
        return []
    first_rest = min(s for p in rest for s, _ in p.spans)
    if min(s for p in subject for s, _ in p.spans) > first_rest or _connectives(ctx, rest) != {"or"}:
        return []
    alternatives = DraftGroup(ANY, tuple(p.criterion for p in rest))
    return [*subject, Proposal(alternatives, tuple(span for p in rest for span in p.spans))]


def _undrafted_alternative(ctx: ItemContext, proposals: list[Proposal]) -> str:
    """The first "or" alternative (outside parentheses) in which no rule drafted anything, in a
    clause where something was drafted ("age ≥ 18 or an emancipated minor"): leaving it out
    would exclude the patients it lets in. Alternatives drafted in part only let more patients
    through to the visit; clauses with nothing drafted are plain unused parts."""
    text = ctx.norm.text
    covered = _covered(ctx, proposals)
    depth, start = 0, 0
    clauses: list[list[tuple[int, int]]] = [[]]
    definitions = [
        (m.start(), m.start() + re.search(r";|(?<!\d)\.\s|$", text[m.start() :]).start())
        for m in _DEFINED.finditer(text)
    ]
    for m in re.finditer(r"[()]|;|(?<!\d)\.\s|\bor\b|\bou\b", text):
        token = m.group(0)
        if token in ("or", "ou") and (
            any(s < m.start() < e for s, e in definitions)
            or _VALUE_LIST.search(text[: m.start()])
            and re.match(r"\s*(?:class\s+)?(?:[ivx]{1,4}|\d+)\b", text[m.end() :])
        ):
            # "as defined by … either sequentially or coincidentally", "class III, IV, or V": the
            # words of a definition or a list of values, not alternatives of the item.
            continue
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and token in (";", ". "):
            clauses[-1].append((start, m.start()))
            clauses.append([])
            start = m.end()
        elif depth == 0:
            # "and/or" lets either part through, like "or".
            clauses[-1].append((start, m.start()))
            start = m.end()
    clauses[-1].append((start, len(text)))
    for pieces in clauses:
        if len(pieces) < 2 or not any(any(covered[b:e]) for b, e in pieces):
            continue
        for begin, end in pieces:
            words = [(begin + w.start(), begin + w.end()) for w in _WORD.finditer(text[begin:end])]
            words = [(s, e) for s, e in words if _content(text[s:e])]
            drafted = [w for w in words if sum(covered[w[0] : w[1]]) * 2 >= w[1] - w[0]]
            if words and not drafted:
                return ctx.norm.source_span(begin, end).strip(" ,;./")
    return ""


def _finish(
    ctx: ItemContext, vocabulary: DraftVocabulary, raw_warnings: list[str] | None = None
) -> DraftItem:
    kind = ctx.kind
    proposals = _valid(ctx, vocabulary)
    proposals = _blocked(ctx, proposals)
    proposals.sort(key=lambda p: min((s for s, _ in p.spans), default=0))
    warnings = list(raw_warnings or []) + ctx.warnings
    item = DraftItem(kind, ctx.source)
    if ctx.restates:
        item.warnings = warnings
        return item
    unused_spans = _unused_parts(ctx, proposals) if proposals else []
    combine = ALL if kind == INCLUSION else ANY
    reason = ""
    if proposals:
        connectives = _connectives(ctx, proposals)
        negated = all(_negative(p.criterion) for p in proposals)
        if ctx.conditional:
            population = ctx.norm.source_span(0, len(ctx.conditional))
            reason = f"it holds only for part of the population (“{population}”)."
        elif WITHDRAWAL.search(ctx.norm.text):
            reason = "a criterion for leaving the study, not for entering it."
        elif kind == INCLUSION and (bare := _undrafted_alternative(ctx, proposals)):
            reason = (
                f"the alternative “{bare}” names nothing the draft reads, so the item cannot be screened "
                "on the other alternatives alone."
            )
        elif qualified := _qualifies_unused(ctx, proposals, unused_spans):
            reason = f"what is drafted only qualifies “{qualified}”, which no rule read."
        elif judged := _judged(ctx, proposals):
            reason = f"it is qualified by a judgement (“{judged}”) only the study team can make."
        elif (
            kind == EXCLUSION
            and _beyond_heading(ctx, unused_spans)
            and any(p.concepts == ("age",) for p in proposals)
        ):
            reason = (
                "an age group qualified by words no rule read: excluding the whole age group would be wrong."
            )
        elif kind == INCLUSION and "or" in connectives and not negated:
            if "and" in connectives and (grouped := _subject_with_alternatives(ctx, proposals)):
                proposals = grouped
            elif "and" in connectives:
                reason = "“and” and “or” are mixed in this item: the curator groups its criteria."
            elif grouped := _subject_with_alternatives(ctx, proposals):
                proposals = grouped  # "relapsing MS. Active disease is … or …": the disease and one of them
            else:
                combine = ANY
        if kind == EXCLUSION and unused_spans and not reason and (joined := _joined_by_and(ctx, proposals)):
            reason = f"a combination (“{joined}”): excluding on the drafted part alone would exclude more."
        if kind == EXCLUSION and re.search(r"\bboth\b", ctx.norm.text) and len(proposals) > 1:
            reason = "a combination (“both”) the draft does not read: the curator groups its criteria."
        covered = _covered(ctx, proposals)
        masked_unused = [
            (s, e)
            for s, e in ctx.masked
            if not all(covered[i] for i in range(s, e) if ctx.norm.text[i].isalnum())
            and any(_content(ctx.norm.text[s:e]))
            and not any(s == bs and e == be for (bs, be), _ in ctx.blocked)
            and _follows_drafted(ctx, s, proposals)
        ]
        if masked_unused and not reason:
            words = "; ".join(ctx.norm.source_span(s, e).strip(" ,;.") for s, e in masked_unused)
            reason = f"exceptions or permissions (“{words}”) that the draft cannot express."
    if reason:
        warnings.append(f"Kept as text: {reason}")
        proposals = []
        unused_spans = []
    # A group joined like the item itself ("all" inside "all") reads as its members.
    item.criteria = [
        c
        for p in proposals
        for c in (
            p.criterion.criteria
            if isinstance(p.criterion, DraftGroup) and p.criterion.combine == combine
            else (p.criterion,)
        )
    ]
    item.combine = combine
    for start, end in unused_spans:
        part = ctx.norm.source_span(start, end).strip(" ,;.:")
        if part and part not in item.unused:
            item.unused.append(part)
            warnings.append(f"“{part}”: no criterion drafted.")
    if not item.criteria:
        item.confirmed_at_visit = ctx.visit
        if not ctx.visit and not warnings:
            warnings.append("Not understood: kept as text for the curator.")
    elif ctx.visit:
        warnings.append("Part of this item can only be checked by the study team at the visit.")
    item.warnings = _dedupe(warnings)
    return item


def _content(text: str) -> list[str]:
    return [
        w
        for w in _WORD.findall(text)
        if w.strip(".'\"*-") not in _FILLER and not re.fullmatch(r"[\d.,≥≤<>=x×/%*+-]+", w)
    ]


def _dedupe(messages: list[str]) -> list[str]:
    seen: list[str] = []
    for message in messages:
        if message not in seen:
            seen.append(message)
    return seen


# ----------------------------------------------------------------------------- nested lists


def _draft_raw(kind: str, raw: RawItem, vocabulary: DraftVocabulary, study_cancer: bool = False) -> DraftItem:
    if not raw.children:
        ctx = _run_rules(kind, raw.text, vocabulary, study_cancer)
        return _finish(ctx, vocabulary, raw.warnings)
    head = raw.text.rstrip()
    if EXCEPT_SIGNAL.search(head) and not (ANY_SIGNAL.search(head) or ALL_SIGNAL.search(head)):
        listed = ", ".join(re.sub(r";|\.\s", ",", child.full_text).rstrip(" ,.") for child in raw.children)
        text = f"{head.rstrip(':')} ({listed})"
        ctx = _run_rules(kind, text, vocabulary, study_cancer)
        item = _finish(ctx, vocabulary, raw.warnings)
        item.source_text = raw.full_text
        return item
    signal = ANY if ANY_SIGNAL.search(head) else ALL if ALL_SIGNAL.search(head) else None
    if signal is None:
        ctx = _run_rules(kind, raw.full_text, vocabulary, study_cancer)
        return _finish(ctx, vocabulary, raw.warnings)
    return _draft_group(kind, raw, signal, vocabulary, study_cancer)


def _draft_group(
    kind: str, raw: RawItem, signal: str, vocabulary: DraftVocabulary, study_cancer: bool
) -> DraftItem:
    """ "One of the following:" (any) or "All of the following:" (all) over sub-items."""
    head_ctx = _run_rules(kind, raw.text, vocabulary, study_cancer)
    head = _finish(head_ctx, vocabulary)
    children = [_draft_raw(kind, child, vocabulary, study_cancer) for child in raw.children]
    item = DraftItem(kind, raw.full_text, warnings=list(raw.warnings))
    safe = (kind == INCLUSION and signal == ALL) or (kind == EXCLUSION and signal == ANY)
    # An "any" inclusion alternative drafted in part only lets more patients through; an "all"
    # exclusion part drafted in part would exclude more than the registry does.
    missing = [c for c in children if not c.criteria or (c.unused and kind == EXCLUSION and signal == ALL)]
    if missing and not safe:
        names = "; ".join(f"“{_short(c.source_text)}”" for c in missing)
        item.warnings.append(
            f"Kept as text: the list combines {'any' if signal == ANY else 'all'} of its sub-items "
            f"and {names} "
            "could not be drafted, so the rest cannot be screened alone."
        )
        item.unused = [c.source_text for c in missing]
        return item
    for child in children:
        item.unused += child.unused
        item.warnings += [f"“{_short(child.source_text)}”: {w}" for w in child.warnings]
    if safe:
        item.criteria = head.criteria + [c for child in children for c in _as_one(child, flatten_to=item)]
        item.combine = ALL if kind == INCLUSION else ANY
        item.unused = head.unused + item.unused
        if not item.criteria:
            item.warnings.append("Not understood: kept as text for the curator.")
        return item
    alternatives = [_as_alternative(child) for child in children]
    common, rest = _factor(alternatives)
    criteria = list(head.criteria) + common
    if rest:
        merged = _merge_choices(rest)
        if merged is not None:
            criteria.append(merged)
        elif signal == ANY:
            criteria.append(rest[0] if len(rest) == 1 else DraftGroup(ANY, tuple(rest)))
        else:
            criteria += rest
    if kind == INCLUSION:
        item.combine = ALL
    else:
        item.combine = ALL if signal == ALL else ANY
        if signal == ANY and len(criteria) > 1 and (head.criteria or common):
            item.combine = ALL
    item.criteria = criteria
    item.unused = head.unused + item.unused
    return item


def _as_one(child: DraftItem, flatten_to: DraftItem) -> list:
    """A sub-item's criteria inside a parent combined the same way."""
    if child.combine == flatten_to.combine or len(child.criteria) <= 1:
        return list(child.criteria)
    return [DraftGroup(child.combine, tuple(child.criteria))]


def _as_alternative(child: DraftItem) -> DraftCriterion | DraftGroup:
    if len(child.criteria) == 1:
        return child.criteria[0]
    return DraftGroup(child.combine, tuple(child.criteria))


def _parts(criterion) -> tuple:
    if isinstance(criterion, DraftGroup) and criterion.combine == ALL:
        return criterion.criteria
    return (criterion,)


def _factor(alternatives: list) -> tuple[list, list]:
    """Criteria every alternative shares (MS, in "RRMS or SPMS") are required once."""
    if len(alternatives) < 2:
        return [], alternatives
    shared = [c for c in _parts(alternatives[0]) if all(c in _parts(alt) for alt in alternatives[1:])]
    if not shared:
        return [], alternatives
    rest = []
    for alt in alternatives:
        remaining = tuple(c for c in _parts(alt) if c not in shared)
        if not remaining:
            return shared, []  # one alternative is only the shared part: the others add nothing
        rest.append(remaining[0] if len(remaining) == 1 else DraftGroup(ALL, remaining))
    return shared, rest


def _merge_choices(alternatives: list) -> DraftCriterion | None:
    """ "RRMS" or "SPMS" on one choice concept is one criterion: ms_phenotype in (RRMS, SPMS)."""
    if len(alternatives) < 2 or not all(
        isinstance(a, DraftCriterion) and a.operator == "in" for a in alternatives
    ):
        return None
    if len({a.concepts for a in alternatives}) != 1:
        return None
    values = tuple(dict.fromkeys(v for a in alternatives for v in a.values))
    return DraftCriterion(alternatives[0].concepts, "in", values, rule=alternatives[0].rule)


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# ----------------------------------------------------------------------------- whole texts

# "Eligibility criteria for the secondary randomisation … Inclusion criteria": what follows is
# not about entering the trial.
_SUBSTUDY = re.compile(
    r"\b(?:eligibility |inclusion |exclusion )?criteria for (?:the )?(?:secondary|second|sub-?stud\w*|"
    r"extension|optional|"
    r"open[- ]label extension)\b[^:;]{0,60}|\bcriteria for (?:randomi[sz]ation|stage|part) (?:2|ii|two|b)\b",
    re.I,
)
_ADVERSE = re.compile(
    r"pregnan|breast-?feeding|lactat|failure|infection|neoplas|cancer|malignan|abuse|psychiatr|incapacity|"
    r"inability|unable|complian|legal protection|deprived|contra-?indicat|intolerance|allerg|already "
    r"included|"
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
    study_cancer: bool = False,
) -> Draft:
    """Drafts every item of an eligibility text: either one text with its own headings
    (ClinicalTrials.gov, a pasted section) or separate inclusion and exclusion texts (ICTRP).
    `study_cancer`: the trial studies a cancer, so an unqualified "malignancy" may be its own."""
    vocabulary = vocabulary or seed_vocabulary()
    warnings: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    if inclusion is not None or exclusion is not None:
        for kind, part in ((INCLUSION, inclusion or ""), (EXCLUSION, exclusion or "")):
            found_sections, _ = split_sections(clean_registry_text(part), kind)
            sections += found_sections or [(kind, [])]
    else:
        text = clean_registry_text(text)
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
        substudy = ""
        for raw in split_items(lines):
            if heading := _SUBSTUDY.search(raw.text):
                substudy = heading.group(0)
            item = _draft_raw(kind, raw, vocabulary, study_cancer)
            if substudy:
                item.misfiled, item.criteria, item.unused = True, [], []
                item.warnings = [
                    f"Criteria of a second randomisation or sub-study (“{substudy}”): not drafted as "
                    f"entry criteria."
                ]
            items.append(item)
            by_kind[kind].append(item)
    separate = inclusion is not None or exclusion is not None
    for kind in (INCLUSION, EXCLUSION):
        if not by_kind[kind] and (separate or kind in seen_kinds):
            warnings.append(f"The {kind} criteria section is empty or missing in the record.")
    _flag_misfiled_inclusions(by_kind, warnings)
    _drop_ms_measures_of_lupus_trials(items, " ".join(lines for _, part in sections for lines in part))
    return Draft(items, warnings)


# What the vocabulary records of MS only: measured in a lupus trial ("disease duration ≥ 6
# months", "no flare or relapse in 30 days") it would ask an SLE patient about their MS.
_MS_ONLY = frozenset(
    {
        "ms_phenotype",
        "disease_duration_years",
        "edss",
        "edss_increase_12m",
        "progression_independent_of_relapse_24m",
        "relapses_12m",
        "relapses_24m",
        "days_since_last_relapse",
        "ongoing_relapse",
        "gd_lesions_last_mri",
        "months_since_last_mri",
        "new_t2_lesions_12m",
        "csf_oligoclonal_bands",
    }
)
_LUPUS_TEXT = re.compile(r"\blupus\b|\bsle\b|\bsledai", re.I)
_MS_TEXT = re.compile(
    r"multiple sclerosis|\b(?:r|rr|sp|pp)?ms\b|\bedss\b|scl[ée]rose en plaques|\bsep\b", re.I
)


def _drop_ms_measures_of_lupus_trials(items: list[DraftItem], text: str) -> None:
    if not _LUPUS_TEXT.search(text) or _MS_TEXT.search(text):
        return
    for item in items:
        if any(
            c in _MS_ONLY or set(leaf.drugs) & {"ms_disease_modifying", "ms_first_line"}
            for leaf in item.leaves()
            for c in leaf.concepts
        ):
            item.criteria, item.unused = [], []
            item.warnings.append(
                "Kept as text: an MS measure (disease duration, relapses, EDSS, MRI, MS treatments) in a "
                "lupus trial; the vocabulary records it for MS only."
            )


def _flag_misfiled_inclusions(by_kind: dict[str, list[DraftItem]], warnings: list[str]) -> None:
    inclusions = [i for i in by_kind[INCLUSION] if not is_eu_age_line(i.source_text)]
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
        item.unused = []
        item.warnings = [f"Inclusion section {reason}: not drafted."]


def _key(text: str) -> str:
    return re.sub(r"^\W*\d*\W*", "", re.sub(r"\s+", " ", text.lower())).strip()


_CANCER_CONDITION = re.compile(
    r"cancer|carcinoma|tumou?r|neoplas|malignan|sarcoma|lymphoma|leuka?emia|melanoma|myeloma|glioma|"
    r"glioblastoma|"
    r"astrocytoma|nsclc|metasta",
    re.I,
)


def age_items(minimum: float | None, maximum: float | None, sex: str) -> list[DraftItem]:
    """Structured items from the registry's own age and sex fields."""
    items = []
    rule = "registry.age_fields"
    if minimum is not None or maximum is not None:
        lo = int(minimum) if minimum is not None else None
        hi = int(maximum) if maximum is not None else None
        if lo is not None and hi is not None:
            criterion = DraftCriterion(("age",), "between", (lo, hi), rule=rule)
            text = f"Ages {lo} to {hi} years (registry age limits)"
        elif lo is not None:
            criterion = DraftCriterion(("age",), "gte", (lo,), rule=rule)
            text = f"Ages {lo} years and over (registry age limits)"
        else:
            criterion = DraftCriterion(("age",), "lte", (hi,), rule=rule)
            text = f"Ages up to {hi} years (registry age limits)"
        items.append(DraftItem(INCLUSION, text, [criterion]))
    if sex in ("female", "male"):
        criterion = DraftCriterion(("sex",), "in", (sex,), rule="registry.sex_field")
        items.append(DraftItem(INCLUSION, f"Sex: {sex} only (registry field)", [criterion]))
    return items


def draft_record(
    *,
    eligibility_text: str = "",
    inclusion: str | None = None,
    exclusion: str | None = None,
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    sex: str = "",
    conditions: list[str] | tuple[str, ...] = (),
    vocabulary: DraftVocabulary | None = None,
) -> Draft:
    """The draft of a whole registry record: its text, plus its age and sex fields when the
    text states no age limit."""
    study_cancer = any(_CANCER_CONDITION.search(c) for c in conditions)
    draft = draft_eligibility(
        eligibility_text,
        inclusion=inclusion,
        exclusion=exclusion,
        vocabulary=vocabulary,
        study_cancer=study_cancer,
    )
    leaves = [c for item in draft.items for c in item.leaves()]
    has_age = any(c.concepts == ("age",) for c in leaves)
    has_sex = any(c.concepts == ("sex",) for c in leaves)
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
        conditions=record.conditions,
        vocabulary=vocabulary,
    )
