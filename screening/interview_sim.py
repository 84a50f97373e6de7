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

import random
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
from engine.types import NUMERIC_TYPES
from engine.validation import IMPLIED_BY_MALE_SEX
from screening import relevance
from trials.models import Section
from trials.seed_data import SEED_TRIALS
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS

Chooser = Callable[
    [list[TrialOutcome], Mapping[str, object], Iterable[str], Sequence[str]], "relevance.Suggestion | None"
]
UNKNOWN = "unknown"
DRUG_CODES = tuple(sorted(d["code"] for d in DRUGS))


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
    drugs = list(DRUG_CODES)
    ordered = sorted((trial_spec(t) for t in trials), key=lambda spec: spec.trial_id)
    plan = compile_plan(ordered, specs, classes, drugs)
    return Setup(plan, Validator(specs, frozenset(drugs)), questionnaire_order(), as_of)


# --- Patients of our own, so that the chooser is not tuned to the curated test patients ------

_DIAGNOSIS_WEIGHTS = {"multiple_sclerosis": 0.6, "systemic_lupus_erythematosus": 0.3, "other": 0.1}
_SINCE_CHOICES = ("never", 0, 5, 20, 45, 90, 200, 400, 2000)
_DOSES = (1, 20, 45, 100, 200, 400, 2000)
_MONTHS = (1, 6, 12, 24, 60)


# As often as a yes/no fact is the usual one.
_PROFILED_NUMBER = 0.8


def _thresholds(plan: Plan) -> dict[str, list[float]]:
    """The numbers each concept is compared with somewhere in the plan."""
    found: dict[str, set[float]] = {}
    for trial in plan.trials:
        stack = [c.node for c in trial.screened]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if not node.children and node.concept is not None:
                numbers = {float(x) for x in node.thresholds if isinstance(x, int | float)}
                found.setdefault(node.spec.concept, set()).update(numbers)
    return {code: sorted(numbers) for code, numbers in found.items()}


def _value(rng: random.Random, spec: ConceptSpec, limits: list[float], usual: bool | None) -> object:
    if spec.type == ConceptType.BOOLEAN:
        # Most people have none of the listed conditions and meet the usual requirements.
        return rng.random() < (0.8 if usual else 0.15)
    if spec.type == ConceptType.CHOICE:
        if spec.code == "diagnosis":
            return rng.choices(list(_DIAGNOSIS_WEIGHTS), list(_DIAGNOSIS_WEIGHTS.values()))[0]
        return rng.choice(spec.choices)
    if spec.type == ConceptType.LIST:
        return [
            {
                "drug": rng.choice(DRUG_CODES),
                "days_since_last_dose": rng.choice(_DOSES),
                "months_on_treatment": rng.choice(_MONTHS),
            }
            for _ in range(rng.choice((0, 0, 1, 1, 2)))
        ]
    if spec.type == ConceptType.SINCE:
        return rng.choice(_SINCE_CHOICES)
    lo, hi = (limits[0] * 0.5, limits[-1] * 1.5 + 1) if limits else (0.0, 10.0)
    lo = max(lo, spec.minimum) if spec.minimum is not None else lo
    hi = min(hi, spec.maximum) if spec.maximum is not None else hi
    value = rng.uniform(lo, hi)
    if spec.type == ConceptType.INTEGER:
        return round(value)
    if spec.step:
        return round(value / spec.step) * spec.step
    return round(value, 1)


def _consistent(facts: dict[str, object]) -> dict[str, object]:
    """Drops or adjusts what the Validator would refuse as contradictory."""
    if facts.get("sex") == "male":
        for code in IMPLIED_BY_MALE_SEX:
            facts.pop(code, None)
    if facts.get("diagnosis") != "multiple_sclerosis":
        facts.pop("ms_phenotype", None)
    for low, high in (("relapses_12m", "relapses_24m"), ("edss_increase_12m", "edss")):
        if low in facts and high in facts and facts[low] > facts[high]:  # type: ignore[operator]
            facts[low] = facts[high]
    if "age" in facts and "disease_duration_years" in facts:
        facts["disease_duration_years"] = min(facts["disease_duration_years"], facts["age"])  # type: ignore[type-var]
    return facts


def extra_patients(setup: Setup, count: int, seed: int, bases: Sequence[Mapping[str, object]]) -> list[dict]:
    """Made-up patients in three families, a third each: random people (each concept the
    trials read known with probability 0.85), random people who know half of it, and one of
    `bases` (the curated profiles) with one to three facts changed and a tenth forgotten.
    One in ten gives a date of birth instead of an age. Same seed, same patients."""
    rng = random.Random(seed)
    specs = setup.plan.concepts
    limits = _thresholds(setup.plan)
    codes = sorted(code for code in limits if code in specs)
    # A yes/no fact is usually true when most curated profiles say so (able to consent), else
    # usually false (HIV).
    usual = {code: sum((b.get(code) is True) - (b.get(code) is False) for b in bases) > 0 for code in codes}
    # A number is usually one a curated profile gives (blood counts in range, no heart failure),
    # else anywhere around the trials' limits: drawn evenly over them, 87% of people would have
    # liver tests above twice normal and two thirds heart failure.
    profiled = {
        code: [b[code] for b in bases if code in b] for code in codes if specs[code].type in NUMERIC_TYPES
    }

    def value(code: str) -> object:
        if profiled.get(code) and rng.random() < _PROFILED_NUMBER:
            return rng.choice(profiled[code])
        return _value(rng, specs[code], limits[code], usual[code])

    patients = []
    for i in range(count):
        family = i % 3
        if family < 2:
            known = 0.85 if family == 0 else 0.5
            facts = {c: value(c) for c in codes if rng.random() < known}
        else:
            facts = dict(rng.choice(bases))
            for code in rng.sample(codes, rng.randint(1, 3)):
                facts[code] = value(code)
            facts = {c: v for c, v in facts.items() if rng.random() >= 0.1}
        if "age" in facts and rng.random() < 0.1:
            age = int(facts.pop("age"))  # type: ignore[call-overload]
            facts["birth_date"] = setup.as_of.replace(year=setup.as_of.year - age).isoformat()
        patients.append(_consistent(facts))
    return patients
