"""What a rule sees of one item, and what it leaves: criteria, the words it used, warnings.

Rules read `ctx.t`, the normalised item with its exceptions and qualifiers masked ("other than
basal cell carcinoma", "(≤ 5 x ULN in patients with liver metastases)", "… are eligible"):
what an exception or a condition names is never drafted as the item's own criterion. A rule
that proposes a criterion marks the words it read (`span`), so the assembly can list every
part of the item that no rule used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trials.registry.drafting.model import INCLUSION, DraftCriterion, DraftGroup
from trials.registry.drafting.text import Normalised, durations, normalise_tracked

Span = tuple[int, int]

# Words after which the rest of the clause lists exceptions to the item.
_EXCEPTION = re.compile(
    r"\b(?:except(?:ion)?s?(?: for)?|other than|unless|excluding|apart from|with the exception of|"
    r"but not(?! limited)|besides|sauf|hormis|à l'exception d[eu'])\b"
)
# Sentences that allow rather than require ("HIV-infected patients ... are eligible").
_PERMISSION = re.compile(
    r"^\W*(?:permitted|allowed|acceptable)\b|"
    r"\b(?:are|is|will be|may be|can be|would be)\s+(?:also\s+)?(?:considered\s+)?(?:eligible|allowed|"
    r"permitted|acceptable|"
    r"included|enrolled|accepted|not excluded)\b|\bmay (?:participate|enrol+|be enrol+ed)\b|\bis not "
    r"an? exclusion\b|"
    r"\bare not excluded\b|\bpeuvent être inclus\b"
)
# A parenthesis that makes the threshold before it conditional ("(50 ml for < 18 years old)").
_QUALIFIER = re.compile(
    r"\((?=[^()]*\b(?:(?<!indications )(?<!indication )for\b(?!\s*(?:≥|\d|at least|the (?:duration|study)|"
    r"a (?:period|minimum)|"
    r"[<>≤≥]\s*\d+\s*(?:days?|weeks?|months?|years?)\b(?! old| of age)))|if|in "
    r"(?:patients|subjects|"
    r"participants|case|those)|when|where|pour|si|chez|in the presence|with (?:liver|hepatic|bone|"
    r"documented)|"
    r"corresponding to|equivalent to|approximately|i\.e\.)\b)[^()]*\)"
)
_EXCLUDES = re.compile(
    r"\b(?:are|is|will be|shall be)\s+(?:also\s+)?(?:excluded|not (?:eligible|allowed|permitted|included))\b|"
    r"\bmay not (?:participate|be (?:included|enrolled))\b|\bne (?:peuvent|pourront) pas\b"
)
# Why a criterion exists ("… because BC2059 may be teratogenic", "due to the potential for …"):
# read by no rule and not reported.
_EXPLANATION = re.compile(
    r"\b(?:because|due to the (?:potential|risk|possibility|unknown|fact)|as (?:there is|the study "
    r"drug)|since (?:the|there)|"
    r"in order to|to make sure|to avoid)\b(?:[^;,:.]|\.(?=\d))*|"
    r"\bshould (?:a|the) (?:woman|patient|participant|subject|female)\b[^.;]*|\bwhile (?:"
    r"participating|on study|in the study)\b[^.;]*"
)
# Other people than the patient: household contacts, relatives.
_OTHERS = re.compile(
    r"\b(?:living|working|residing|in (?:close |household )?contact)\b(?:\s+and/or\s+\w+)?\s+with\b[^.;]*|"
    r"\bfamily history of\b[^,;.]*|\b(?:in|of) (?:a |their )?(?:first[- ]degree |close )?relatives?\b|"
    r"\b(?:parents?|guardians?|caregivers?|partners?)\b[^,;.]{0,30}\b(?:knowledge|status)\b[^,;.]*"
)
# An item that holds only for part of the population ("For children aged under 18 months: …",
# "If history of hepatitis C, …", "… for children 1-<3 years").
CONDITIONAL = re.compile(
    r"^\W*(?:[\w ]{0,25}:\s*)?(?:(?:for|in|among)\s+(?:(?:[\w-]+\s+){1,2}"
    r"(?=(?:patients|subjects|participants)\s+(?:who|with|already|on|treated|receiving|taking)\b))?"
    r"(?:children|infants|adolescents|patients|subjects|"
    r"participants|those|"
    r"people|persons|individuals|adults|elderly|cohort|part|phase|arm|group|the (?:\w+ )?(?:cohort|"
    r"group|arm|part))\b"
    r"(?!\s+(?:of|with) (?:child|reproductive))|if\b|when\b)[^:;]{0,80}?(?::|,)|"
    r"\b(?:for|in) (?:children|infants|adolescents|patients|subjects|participants|those|adults)\s+(?:"
    r"aged?\s*|who are\s+)?"
    r"(?:<|>|≤|≥|under|over|between|\d)[^;]*|\bin the age group\b[^;]*|\bin case of\b[^;]*|"
    r"\b(?:for|in) (?:patients|subjects|participants|those) (?:with|who)\b[^;]*"
)
NEGATION = re.compile(
    r"\b(no|not(?! (?:limited|only|necessarily))|non|never|neither|nor|without|absence of|absent|free of|"
    r"negative|"
    r"n[ée]gati\w*|"
    r"pas de|sans|lack of|none)\b"
)


@dataclass
class Proposal:
    criterion: DraftCriterion | DraftGroup
    spans: tuple[Span, ...]

    @property
    def concepts(self) -> tuple[str, ...]:
        if isinstance(self.criterion, DraftCriterion):
            return self.criterion.concepts
        return tuple(c for leaf in _group_leaves(self.criterion) for c in leaf.concepts)


def _group_leaves(group: DraftGroup):
    for child in group.criteria:
        if isinstance(child, DraftGroup):
            yield from _group_leaves(child)
        else:
            yield child


@dataclass
class ItemContext:
    kind: str
    source: str
    # The trial studies a cancer: an unqualified "malignancy" may be its own disease.
    study_cancer: bool = False
    norm: Normalised = field(init=False)
    t: str = field(init=False)
    proposals: list[Proposal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    used: list[Span] = field(default_factory=list)
    masked: list[Span] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)
    visit: bool = False
    restates: bool = False
    # Spans read by no rule: explanations (not reported), other people (reported if unused).
    ignored: list[Span] = field(default_factory=list)
    others: list[Span] = field(default_factory=list)
    # The leading condition of an item that holds for part of the population only.
    conditional: str = ""
    blocked: list[tuple[Span, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.norm = normalise_tracked(self.source)
        self.warnings = list(self.norm.warnings)
        self.t = self._mask(self.norm.text)

    # -------------------------------------------------------------- reading

    def _mask(self, text: str) -> str:
        """The text with exceptions, permissions and conditional parentheses blanked (same
        length, so positions still map to the source)."""
        chars = list(text)
        spans: list[Span] = []
        for match in _EXPLANATION.finditer(text):
            self.ignored.append(match.span())
        for match in _OTHERS.finditer(text):
            self.others.append(match.span())
        for match in CONDITIONAL.finditer(text):
            if match.start() == 0 or text[: match.start()].strip() == "":
                self.conditional = text[match.start() : match.end()].strip(" ,:")
            else:
                self.blocked.append(((match.start(), match.end()), match.group(0)))
                spans.append(match.span())
        for sentence in re.finditer(r"[^.;]+", text):
            if self.kind == INCLUSION and _EXCLUDES.search(sentence.group(0)):
                self.others.append(sentence.span())
        for start, end in self.ignored + self.others:
            for i in range(start, end):
                chars[i] = " "
        for sentence in re.finditer(r"[^.;]+", text):
            if self.kind == INCLUSION and _EXCLUDES.search(sentence.group(0)):
                continue  # an exclusion restated under the inclusion heading: see `others`
            # "Only patients with NYHA class 1 and 2 are eligible" restricts, it does not allow;
            # "… is eligible if she is not pregnant" requires.
            allows = _PERMISSION.search(sentence.group(0))
            if not allows or re.search(
                r"\bonly\b|\beligible (?:for this study |for the study )?if\b", sentence.group(0)
            ):
                continue
            at = sentence.start() + allows.start()
            opening = text.rfind("(", sentence.start(), at)
            if opening >= 0 and text.find(")", opening, at) < 0:
                # Inside a parenthesis: only the parenthesis allows.
                closing = text.find(")", at)
                spans.append((opening, closing + 1 if closing >= 0 else sentence.end()))
            else:
                spans.append(sentence.span())
        for match in _QUALIFIER.finditer(text):
            spans.append(match.span())
            self.blocked.append((match.span(), text[match.start() + 1 : match.end() - 1]))
        for match in _EXCEPTION.finditer(text):
            end = _clause_end(text, match.start())
            spans.append((match.start(), end))
        for start, end in spans:
            for i in range(start, end):
                chars[i] = " "
        self.masked = sorted(spans)
        return "".join(chars)

    @property
    def inclusion(self) -> bool:
        return self.kind == INCLUSION

    def search(self, pattern: str, start: int = 0) -> re.Match | None:
        return re.compile(pattern).search(self.t, start)

    def finditer(self, pattern: str):
        return re.finditer(pattern, self.t)

    def exception_text(self) -> list[tuple[Span, str]]:
        """The item's exception clauses ("other than …"), in normalised words."""
        found = []
        for match in _EXCEPTION.finditer(self.norm.text):
            end = _clause_end(self.norm.text, match.start())
            found.append(((match.start(), end), self.norm.text[match.start() : end]))
        return found

    def durations(self):
        return durations(self.t)

    def negated_before(self, position: int, window: int = 60, *, modal: bool = True) -> bool:
        """A negation in the same clause before `position` ("no history of X", "negative for X").
        With `modal` False, "must not be" / "should not have" do not count (an exclusion
        written as a requirement)."""
        start = max(0, position - window)
        clause = self.t[start:position]
        clause = re.split(r"[;.]|\bbut\b|\bhowever\b", clause)[-1]
        if not modal:
            clause = re.sub(r"\b(?:must|should|shall|may|will|can|could|do|does)\s+not\b", " ", clause)
        return bool(NEGATION.search(clause))

    def negated_after(self, end: int, window: int = 25) -> bool:
        after = re.split(r"[;,.(]|\band\b|\bor\b", self.t[end : end + window])[0]
        return bool(re.search(r"\b(negative|n[ée]gati\w*|non[- ]?reactive|undetectable|free)\b", after))

    # -------------------------------------------------------------- writing

    def add(
        self,
        concepts: str | tuple[str, ...],
        operator: str,
        *values,
        unit: str = "",
        drugs=(),
        rule: str,
        span: Span | list[Span] | tuple[Span, ...] | None = None,
    ) -> None:
        concepts = (concepts,) if isinstance(concepts, str) else tuple(concepts)
        criterion = DraftCriterion(concepts, operator, tuple(values), unit, tuple(drugs), rule)
        spans = () if span is None else ((span,) if isinstance(span[0], int) else tuple(span))
        for existing in self.proposals:
            if existing.criterion == criterion:
                existing.spans = existing.spans + spans
                return
        self.proposals.append(Proposal(criterion, spans))

    def add_group(self, group: DraftGroup, *, rule: str, span: list[Span]) -> None:
        """A criterion that is itself a combination ("≥ 1 point if EDSS ≤ 5, or 0.5 if ≥ 5.5")."""
        self.proposals.append(Proposal(group, tuple(span)))

    def use(self, *spans: Span | re.Match | None) -> None:
        """Marks words as read without a criterion of their own (a heading, "informed consent"
        confirmed at the visit)."""
        for span in spans:
            if span is None:
                continue
            self.used.append(span.span() if isinstance(span, re.Match) else span)

    def has(self, concept: str) -> bool:
        return any(concept in p.concepts for p in self.proposals)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def drop(self, concept: str) -> None:
        self.proposals = [p for p in self.proposals if concept not in p.concepts]


def _clause_end(text: str, start: int) -> int:
    """Where an exception clause ends: at the end of its parenthesis, sentence or item."""
    depth = text[:start].count("(") - text[:start].count(")")
    for i in range(start, len(text)):
        char = text[i]
        if char == ")" and depth > 0:
            return i
        if char in ";" or (char == "." and (i + 1 == len(text) or text[i + 1] == " ")):
            return i
    return len(text)


def span_of(match: re.Match | None, group: int | str = 0) -> Span | None:
    return match.span(group) if match else None
