"""Which questions still matter, and which one to ask next: pure functions over outcomes.

A trial is *still possible* while it is not ineligible. A question is relevant when its
concept could still decide an undecided criterion of a still-possible trial (Kleene logic is
monotonic: answering more can never undo a decided criterion, so nothing else can change a
still-possible trial's verdict), or when it has already been answered (answers never vanish
from the screen). No Django here, so the rules are tested with plain tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from engine import NEVER, ConceptType, GroupOp, Kind, Medication, TrialOutcome, Verdict, missing_concepts
from engine.operators import MET, NOT_MET, UNKNOWN
from engine.plan import CompiledNode
from engine.table import Screen
from engine.types import NUMERIC_TYPES
from engine.validation import IMPLIED_BY_MALE_SEX, implied

# A question that answers another one: shown whenever that one is shown. The date of birth is
# only ever read as the age it gives.
STANDS_IN_FOR: Mapping[str, str] = {"birth_date": "age"}

# The questions that can still settle a concept once it was answered "I don't know": the date
# of birth gives the age, and a man is not pregnant, breastfeeding or of childbearing potential
# (engine.validation.implied). Without them an interview that asked "are you pregnant?" first
# could end undecided for a man who would be eligible.
SETTLED_BY: Mapping[str, tuple[str, ...]] = {
    **{target: (alt,) for alt, target in STANDS_IN_FOR.items()},
    **{code: ("sex",) for code in IMPLIED_BY_MALE_SEX},
}


def still_possible(outcomes: Iterable[TrialOutcome]) -> list[TrialOutcome]:
    return [o for o in outcomes if o.verdict != Verdict.INELIGIBLE]


def deciding_concepts(outcome: TrialOutcome, values: Mapping[str, object]) -> tuple[str, ...]:
    """The concepts whose answers could still settle this trial (none unless it needs info)."""
    return outcome.missing_concepts(values)


def relevant_concepts(
    outcomes: Iterable[TrialOutcome],
    values: Mapping[str, object],
    answered: Iterable[str],
    stands_in_for: Mapping[str, str] = STANDS_IN_FOR,
) -> set[str]:
    answered = set(answered)
    relevant = {code for o in still_possible(outcomes) for code in deciding_concepts(o, values)}
    relevant.update(alt for alt, target in stands_in_for.items() if target in relevant)
    # Whatever the interview may still propose is on the long form too.
    relevant.update(alt for code in relevant & answered for alt in SETTLED_BY.get(code, ()))
    return relevant | answered


def relevant_from_counts(
    counts: Mapping[str, int], answered: Iterable[str], stands_in_for: Mapping[str, str] = STANDS_IN_FOR
) -> set[str]:
    """`relevant_concepts` from how many needs-info trials each concept could help settle
    (`engine.table.Screen.concept_counts`): the same set without a pass over the outcomes
    (a still-possible trial that is not eligible needs info)."""
    answered = set(answered)
    relevant = {code for code, n in counts.items() if n}
    relevant.update(alt for alt, target in stands_in_for.items() if target in relevant)
    relevant.update(alt for code in relevant & answered for alt in SETTLED_BY.get(code, ()))
    return relevant | answered


# What a node can still become, as bits: answers to the concepts that can still be asked may
# give it any status of the set, those answered "I don't know" (with nothing left to settle them)
# stay unknown.
_CAN_FAIL, _CAN_STAY, _CAN_PASS = 1 << NOT_MET, 1 << UNKNOWN, 1 << MET


def _swap(mask: int) -> int:
    return (mask & _CAN_STAY) | ((mask & _CAN_FAIL) << 2) | ((mask & _CAN_PASS) >> 2)


class _Reach:
    """For one set of answers: what each undecided node can still become, and which concepts
    can still drive it to a given status. A concept read by two leaves is taken as free in
    each (the sets are never smaller than the truth, so the interview never stops early)."""

    def __init__(self, values: Mapping[str, object], asked: set[str]):
        self.values = values
        self.asked = asked
        self._masks: dict[int, int] = {}
        self._drivers: dict[tuple[int, int], frozenset[str]] = {}

    def stuck(self, code: str) -> bool:
        return code in self.asked and askable(code, self.asked) is None

    def mask(self, node: CompiledNode) -> int:
        found = self._masks.get(node.slot)
        if found is not None:
            return found
        if not node.children:
            status = node.fn(self.values)
            found = 1 << status
            if status == UNKNOWN:
                for code in node.concepts:
                    if code not in self.asked:
                        found |= _CAN_FAIL | _CAN_PASS
                    elif self.stuck(code):
                        continue
                    elif code in IMPLIED_BY_MALE_SEX:
                        # Left to the sex question, which can only say "not pregnant".
                        found |= 1 << node.fn({code: False})
                    else:
                        found |= _CAN_FAIL | _CAN_PASS
        elif node.spec.op == GroupOp.NOT:
            found = _swap(self.mask(node.children[0]))
        else:
            masks = [self.mask(child) for child in node.children]
            # AND is min, OR is max: it gives its own status when any child can, the other
            # end only when every child can, unknown when none must give the latter. A group
            # already decided comes out as its one status.
            own, other = (_CAN_FAIL, _CAN_PASS) if node.spec.op == GroupOp.AND else (_CAN_PASS, _CAN_FAIL)
            found = 0
            if any(m & own for m in masks):
                found |= own
            if all(m & other for m in masks):
                found |= other
            if any(m & _CAN_STAY for m in masks) and all(m & (_CAN_STAY | other) for m in masks):
                found |= _CAN_STAY
        self._masks[node.slot] = found
        return found

    def drivers(self, node: CompiledNode, target: int) -> frozenset[str]:
        """The unsettled concepts whose answers can help give `node` the status `target`."""
        key = (node.slot, target)
        found = self._drivers.get(key)
        if found is not None:
            return found
        mask = self.mask(node)
        # An undecided node can stay unknown (every question left answered "I don't know").
        if not mask & target or not mask & _CAN_STAY:
            found = frozenset()
        elif not node.children:
            found = frozenset(code for code in node.concepts if not self.stuck(code))
        elif node.spec.op == GroupOp.NOT:
            found = self.drivers(node.children[0], _swap(target))
        else:
            # AND's own status (not met) comes from any child that can give it, the other end
            # needs every child, which `mask` already checked: either way, the children that can.
            found = frozenset().union(
                *(self.drivers(child, target) for child in node.children if self.mask(child) & target)
            )
        self._drivers[key] = found
        return found

    def useful(self, outcome: TrialOutcome) -> tuple[str, ...]:
        """The concepts an answer to which can still change this needs-info trial's verdict:
        those that can help rule it out, and, while every undecided criterion can still be
        met, those that can help meet them."""
        if outcome.verdict != Verdict.NEEDS_INFO:
            return ()
        undecided = outcome.undecided
        effects = [
            (c.node, self.mask(c.node) if c.kind == Kind.INCLUSION else _swap(self.mask(c.node)), c.kind)
            for c in undecided
        ]
        found: set[str] = set()
        for node, effect, kind in effects:
            if effect & _CAN_FAIL:
                found |= self.drivers(node, _CAN_FAIL if kind == Kind.INCLUSION else _CAN_PASS)
        if all(effect & _CAN_PASS for _, effect, _ in effects):
            for node, _, kind in effects:
                found |= self.drivers(node, _CAN_PASS if kind == Kind.INCLUSION else _CAN_FAIL)
        return tuple(sorted(found))


@dataclass(frozen=True)
class Suggestion:
    """The question worth asking next, and how many trials its answer could settle."""

    concept: str
    decides: int


def askable(code: str, asked: set[str]) -> str | None:
    """The question that can still settle `code`: itself until it is asked, then the first
    unasked question of SETTLED_BY (None when every way to settle it was asked)."""
    if code not in asked:
        return code
    return next((alt for alt in SETTLED_BY.get(code, ()) if alt not in asked), None)


# How much a question's expected effect (below) weighs against the number of needs-info trials
# that read it. The count stays first: a concept many trials read is usually asked anyway.
LOOKAHEAD_WEIGHT = 0.25
# The chance given to the one answer of a yes/no question that rules trials out through an
# exclusion (HIV: yes): such conditions are rare among people who come to be screened.
RULING_OUT_ANSWER_WEIGHT = 0.1
# ... and through an inclusion (lupus not refractory, no social security cover): falling short
# of what a trial requires is commoner than having what it excludes. 0.2 to 0.3 gave the same
# interviews (docs/benchmarks.md).
REQUIREMENT_UNMET_WEIGHT = 0.25
# The chance given to the answers that rule trials out for a measurement with a unit (a blood
# count, an ejection fraction) or a time since an event (a relapse, a live vaccine), and for any
# other number or choice whose ruling-out answers only fall under what trials exclude (heart
# failure NYHA III, liver tests above 5 x ULN, a cancer): most people are on the safe side of
# such limits, where equally likely answers below, at and above a limit would put a third or
# more of the weight beyond it. A number a trial requires within a range (age, EDSS) keeps
# equally likely answers: being outside the range is common. 0.15 to 0.25 gave much the same
# interviews for measurements (docs/benchmarks.md).
LIMIT_CROSSED_WEIGHT = 0.15
# Criterion evaluations the lookahead may spend per request (a few milliseconds): questions it
# cannot afford are ranked by their count alone. The five seed trials use a third of it at most; at
# 10 000 trials the widely read questions are ranked by count, whose thousands dominate.
LOOKAHEAD_BUDGET = 10_000


@dataclass
class _Open:
    """The needs-info trials and, per question, those it could settle."""

    outcomes: list[TrialOutcome]
    missing: list[tuple[str, ...]]
    # concept -> how many needs-info trials miss it (only concepts that can still be asked)
    concept_counts: dict[str, int]
    # question -> indices into outcomes
    trials_of: dict[str, list[int]]
    # question -> screened criteria of those trials (what looking ahead on it costs)
    cost_of: dict[str, int]


def _open_trials(outcomes: Iterable[TrialOutcome], values: Mapping[str, object], asked: set[str]) -> _Open:
    state = _Open([], [], {}, {}, {})
    reach = _Reach(values, asked)
    concept_counts, trials_of, cost_of = state.concept_counts, state.trials_of, state.cost_of
    for outcome in outcomes:
        if outcome.verdict != Verdict.NEEDS_INFO:
            continue
        missing = reach.useful(outcome)
        if not missing:
            continue
        index = len(state.outcomes)
        state.outcomes.append(outcome)
        state.missing.append(missing)
        cost = len(outcome.effects)
        questions = set()
        for code in missing:
            question = code if code not in asked else askable(code, asked)
            if question is not None:
                questions.add(question)
                concept_counts[code] = concept_counts.get(code, 0) + 1
        for question in questions:
            trials_of.setdefault(question, []).append(index)
            cost_of[question] = cost_of.get(question, 0) + cost
    return state


def _leaves(node: CompiledNode, code: str) -> Iterator[CompiledNode]:
    if node.children:
        for child in node.children:
            if code in child.concepts:
                yield from _leaves(child, code)
    elif node.concept is not None:
        yield node


def hypothetical_answers(code: str, leaves: Sequence[CompiledNode]) -> list[object]:
    """The answers worth imagining for a concept, in canonical values: yes and no, each choice,
    numbers below, at, between and above the thresholds its leaves compare with ("never" too
    for times since an event), no treatment or one of each drug named."""
    spec = leaves[0].concept
    assert spec is not None
    if spec.type == ConceptType.BOOLEAN:
        return [True, False]
    if spec.type == ConceptType.CHOICE:
        return list(spec.choices)
    if spec.type == ConceptType.LIST:
        drugs = sorted({drug for leaf in leaves for drug in leaf.drugs})
        return [(), *((Medication(drug, 0.0, 1200.0),) for drug in drugs)]
    if spec.type not in NUMERIC_TYPES and spec.type != ConceptType.SINCE:
        return []
    limits = sorted({float(t) for leaf in leaves for t in leaf.thresholds if isinstance(t, int | float)})
    if not limits:
        return []
    points = {limits[0] - 1, limits[-1] + 1, *limits, *((a + b) / 2 for a, b in pairwise(limits))}
    if spec.type == ConceptType.SINCE:
        points = {p for p in points if p >= 0} | {NEVER}
    return sorted(points)


def _expected_settled(question: str, state: _Open, values: Mapping[str, object], budget: list[int]) -> float:
    """How many questions one answer to `question` is expected to make unnecessary (itself
    included): each hypothetical answer is evaluated on the undecided criteria, reading the
    concept, of the needs-info trials it could settle; a concept goes when every trial that
    missed it no longer does. Identical criteria (one program slot) are evaluated once."""
    code = STANDS_IN_FOR.get(question, question)
    trials = [state.outcomes[i] for i in state.trials_of[question]]
    missing = [state.missing[i] for i in state.trials_of[question]]
    touched: list[list] = []
    # Per trial, what its criteria that do not read the concept still miss: the same whatever
    # the answer.
    untouched: list[set[str]] = []
    for outcome in trials:
        reading, others = [], set()
        for criterion in outcome.undecided:
            if code in criterion.node.concepts:
                reading.append(criterion)
            else:
                others.update(outcome.criterion_missing(criterion, values))
        touched.append(reading)
        untouched.append(others)
    leaves = [leaf for criteria in touched for c in criteria for leaf in _leaves(c.node, code)]
    budget[0] -= sum(len(o.effects) for o in trials)
    if not leaves:
        return 0.0
    answers = hypothetical_answers(code, leaves)
    budget[0] -= len(answers) * sum(len(criteria) for criteria in touched)
    # (questions settled, rules a trial out, through an inclusion criterion)
    results: list[tuple[int, bool, bool]] = []
    for answer in answers:
        imagined = dict(values)
        imagined[code] = answer
        implied(imagined)
        statuses: dict[int, int] = {}
        still: dict[int, tuple[str, ...]] = {}
        drops: dict[str, int] = {}
        rules_out = unmet = False
        for criteria, others, before in zip(touched, untouched, missing, strict=True):
            remaining = set(others)
            decided = False
            for criterion in criteria:
                node = criterion.node
                status = statuses.get(node.slot)
                if status is None:
                    status = statuses[node.slot] = node.fn(imagined)
                effect = 2 - status if criterion.kind == Kind.EXCLUSION else status
                if effect == NOT_MET:
                    decided = rules_out = True
                    unmet = unmet or criterion.kind == Kind.INCLUSION
                    break
                if effect == UNKNOWN:
                    found = still.get(node.slot)
                    if found is None:
                        found = still[node.slot] = missing_concepts(node, imagined)
                    remaining.update(found)
            if decided:
                remaining = set()
            for gone in before:
                if gone not in remaining:
                    drops[gone] = drops.get(gone, 0) + 1
        counts = state.concept_counts
        results.append((sum(1 for gone, n in drops.items() if counts.get(gone) == n), rules_out, unmet))
    return _weighed(results, leaves[0].concept.type)


_MEASURED = (ConceptType.QUANTITY, ConceptType.SINCE)
# Quantities are measured, above, whatever the criterion's kind.
_NUMBERS_AND_CHOICES = NUMERIC_TYPES | {ConceptType.CHOICE}


def _weighed(results: Sequence[tuple[int, bool, bool]], concept_type: ConceptType) -> float:
    """The mean of the questions each imagined answer settles, the answers that rule trials out
    taken together at their chance of being the patient's (above), the others sharing the rest;
    every answer equally likely where no chance is known."""
    ruling = [settled for settled, out, _ in results if out]
    keeping = [settled for settled, out, _ in results if not out]
    only_excluded = not any(unmet for _, out, unmet in results if out)
    if concept_type == ConceptType.BOOLEAN and len(ruling) == 1 and len(keeping) == 1:
        chance = RULING_OUT_ANSWER_WEIGHT if only_excluded else REQUIREMENT_UNMET_WEIGHT
    elif (
        ruling
        and keeping
        and (concept_type in _MEASURED or (concept_type in _NUMBERS_AND_CHOICES and only_excluded))
    ):
        chance = LIMIT_CROSSED_WEIGHT
    else:
        return sum(settled for settled, _, _ in results) / len(results)
    return chance * sum(ruling) / len(ruling) + (1 - chance) * sum(keeping) / len(keeping)


def next_question(
    outcomes: Iterable[TrialOutcome],
    values: Mapping[str, object],
    answered: Iterable[str],
    order: Sequence[str],
) -> Suggestion | None:
    """The question most worth asking next: the needs-info trials it could settle, plus a
    quarter of the questions its answer is expected to make unnecessary (one-step lookahead
    over hypothetical answers); ties go to the one asked first in the questionnaire. Never a
    question already answered, even "I don't know"; a concept answered "I don't know" is asked
    again through the question that settles it (date of birth for the age, sex for
    pregnancy). Only questions some answer to which can still change a verdict (`_Reach`):
    None exactly when no unasked question could."""
    state = _open_trials(outcomes, values, set(answered))
    if not state.trials_of:
        return None
    rank = {code: i for i, code in enumerate(order)}
    # The most widely read questions first, so that the budget is spent where it matters.
    candidates = sorted(state.trials_of, key=lambda q: (-len(state.trials_of[q]), rank.get(q, len(rank)), q))
    budget = [LOOKAHEAD_BUDGET]
    scores = {}
    for question in candidates:
        score = float(len(state.trials_of[question]))
        # A question read by more trials than the budget left allows is ranked by its count,
        # which dominates its score there anyway.
        if 3 * state.cost_of[question] <= budget[0]:
            score += LOOKAHEAD_WEIGHT * _expected_settled(question, state, values, budget)
        scores[question] = score
    best = min(candidates, key=lambda q: (-scores[q], -len(state.trials_of[q]), rank.get(q, len(rank)), q))
    return Suggestion(best, len(state.trials_of[best]))


@dataclass(frozen=True)
class Progress:
    answered: int
    possible: int
    total: int


def progress(outcomes: Sequence[TrialOutcome], answered: Iterable[str]) -> Progress:
    return Progress(len(set(answered)), len(still_possible(outcomes)), len(outcomes))


# Up to this many needs-info trials, the question is chosen by `next_question`'s lookahead over
# their outcomes (the seed catalog has five trials); beyond, building thousands of outcomes per
# answer costs more than the lookahead could save, and the count decides (`next_from_counts`),
# which the lookahead's score is dominated by there anyway.
LOOKAHEAD_TRIALS = 200


def next_for_screen(
    screen: Screen,
    values: Mapping[str, object],
    answered: Iterable[str],
    order: Sequence[str],
    selection: np.ndarray | None = None,
) -> Suggestion | None:
    """The next question for a screen of the verdict table (of `selection`'s trials only,
    when given): the one the pages and the API both ask."""
    open_trials = screen.of_verdict(Verdict.NEEDS_INFO)
    if selection is not None:
        open_trials = open_trials[np.isin(open_trials, selection)]
    if len(open_trials) <= LOOKAHEAD_TRIALS:
        return next_question(screen.outcomes(open_trials), values, answered, order)
    return next_from_counts(screen.concept_counts(selection), answered, order)


def next_from_counts(
    counts: Mapping[str, int], answered: Iterable[str], order: Sequence[str]
) -> Suggestion | None:
    """The question missing in the most needs-info trials, from `Screen.concept_counts`; like
    `next_question`, a concept answered "I don't know" is asked through the question that
    settles it. None exactly when no unasked question could change a verdict."""
    asked = set(answered)
    questions: dict[str, int] = {}
    for code, n in counts.items():
        question = askable(code, asked) if n else None
        if question is not None:
            questions[question] = questions.get(question, 0) + n
    if not questions:
        return None
    rank = {code: i for i, code in enumerate(order)}
    best = min(questions, key=lambda q: (-questions[q], rank.get(q, len(rank)), q))
    return Suggestion(best, questions[best])
