"""A patient interview simulated from a patient's facts, for the benchmark and the tests.

The interview asks `relevance.next_question` until it returns None, answering each proposed
concept from the facts ("unknown" when the facts do not hold it). The long form asks the
still-relevant unanswered questions in questionnaire order, one at a time, until none is
relevant. Both must end on the verdicts that all of the facts give at once.

`seed_setup` builds the five seed trials' plan, validator and questionnaire order from the
seed data itself (no database), so the benchmark and the property tests measure exactly the
curated trials whatever else a database holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from engine import (
    ConceptSpec,
    ConceptType,
    Criterion,
    Group,
    GroupOp,
    Kind,
    Leaf,
    Plan,
    TrialOutcome,
    TrialSpec,
    Validator,
    Verdict,
    VisitCheck,
    compile_plan,
    evaluate,
)
from screening import relevance
from trials.models import Section
from trials.seed_data import SEED_TRIALS
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS

Chooser = Callable[
    [list[TrialOutcome], Mapping[str, object], Iterable[str], Sequence[str]], "relevance.Suggestion | None"
]
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Setup:
    """What a simulated interview needs: the compiled trials, how answers are read, and the
    questionnaire's order."""

    plan: Plan
    validator: Validator
    order: tuple[str, ...]
    as_of: date

    def values(self, answers: Mapping[str, object]) -> dict[str, object]:
        """Canonical values of the answers given so far (the pages' and the API's reading)."""
        validated = self.validator.validate(dict(answers), self.as_of)
        return {k: v for k, v in validated.values.items() if k not in validated.errors}

    def verdicts(self, answers: Mapping[str, object]) -> dict[str, str]:
        return {o.trial.trial_id: o.verdict.value for o in evaluate(self.plan, self.values(answers))}


@dataclass(frozen=True)
class Transcript:
    asked: tuple[str, ...]
    verdicts: dict[str, str]

    @property
    def questions(self) -> int:
        return len(self.asked)


def baseline_next_question(
    outcomes: list[TrialOutcome], values: Mapping[str, object], answered: Iterable[str], order: Sequence[str]
) -> relevance.Suggestion | None:
    """The rule the interview was first given, kept to compare against: the unanswered concept
    missing in the most needs-info trials, ties by questionnaire order."""
    skip = set(answered)
    counts = Counter(
        code
        for o in outcomes
        if o.verdict == Verdict.NEEDS_INFO
        for code in o.missing_concepts(values)
        if code not in skip
    )
    if not counts:
        return None
    rank = {code: i for i, code in enumerate(order)}
    best = min(counts, key=lambda code: (-counts[code], rank.get(code, len(rank)), code))
    return relevance.Suggestion(best, counts[best])


def answer_from(facts: Mapping[str, object], code: str) -> object:
    """The patient's answer to one question: their fact, or "I don't know"."""
    value = facts.get(code)
    return UNKNOWN if value is None else value


def interview(
    setup: Setup, facts: Mapping[str, object], choose: Chooser = relevance.next_question
) -> Transcript:
    """Asks what `choose` proposes, one question at a time, until it proposes nothing."""
    given: dict[str, object] = {}
    while True:
        values = setup.values(given)
        suggestion = choose(evaluate(setup.plan, values), values, list(given), setup.order)
        if suggestion is None:
            return Transcript(tuple(given), setup.verdicts(given))
        if suggestion.concept in given:
            raise AssertionError(f"{suggestion.concept} was proposed again")
        given[suggestion.concept] = answer_from(facts, suggestion.concept)


def long_form(setup: Setup, facts: Mapping[str, object]) -> Transcript:
    """Asks the first still-relevant unanswered question in questionnaire order, until none is."""
    given: dict[str, object] = {}
    while True:
        values = setup.values(given)
        relevant = relevance.relevant_concepts(evaluate(setup.plan, values), values, given)
        code = next((c for c in setup.order if c in relevant and c not in given), None)
        if code is None:
            return Transcript(tuple(given), setup.verdicts(given))
        given[code] = answer_from(facts, code)


def _node(data: dict) -> Leaf | Group | VisitCheck:
    """A seed criterion (trials/seed_data/dsl.py) as an engine node, as Criterion.to_node reads
    the rows the seeds become."""
    source, visit = data.get("source_text", ""), data.get("confirmed_at_visit", False)
    if data["node_type"] == "visit":
        return VisitCheck(source_text=source)
    if data["node_type"] == "leaf":
        return Leaf(
            data["concept"],
            data["operator"],
            tuple(data["values"]),
            data["unit"],
            tuple(data["drugs"]),
            source_text=source,
            confirmed_at_visit=visit,
        )
    children = tuple(_node(child) for child in data["children"])
    return Group(GroupOp(data["node_type"]), children, source_text=source, confirmed_at_visit=visit)


def trial_spec(data: dict) -> TrialSpec:
    return TrialSpec(data["trial_id"], tuple(Criterion(Kind(c["kind"]), _node(c)) for c in data["criteria"]))


def concept_specs() -> dict[str, ConceptSpec]:
    return {
        c["code"]: ConceptSpec(
            c["code"],
            ConceptType(c["type"]),
            c["canonical_unit"],
            tuple(c["accepted_units"]),
            tuple(choice["code"] for choice in c["choices"]),
            c["minimum"],
            c["maximum"],
            c["step"],
        )
        for c in CONCEPTS
    }


def questionnaire_order() -> tuple[str, ...]:
    """Catalog.question_order for the seeded vocabulary: sections in their declared order, then
    each concept's position (its place in the vocabulary)."""
    rank = {section: i for i, section in enumerate(Section.values)}
    positions = {c["code"]: (rank.get(c["section"], len(rank)), i) for i, c in enumerate(CONCEPTS)}
    return tuple(sorted(positions, key=lambda code: (*positions[code], code)))


def seed_setup(as_of: date, trials: Iterable[dict] = SEED_TRIALS) -> Setup:
    specs = concept_specs()
    classes = {k["code"]: frozenset(k["drugs"]) for k in DRUG_CLASSES}
    drugs = [d["code"] for d in DRUGS]
    ordered = sorted((trial_spec(t) for t in trials), key=lambda spec: spec.trial_id)
    plan = compile_plan(ordered, specs, classes, drugs)
    return Setup(plan, Validator(specs, frozenset(drugs)), questionnaire_order(), as_of)
