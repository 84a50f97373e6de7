"""Attrition and what-if over already validated answers, with the engine alone (no Django).

Definitions (shown on the page too):
- a criterion *excludes* a patient when its effect is NOT_MET: an inclusion not met, or an
  exclusion that applies;
- it excludes a patient *alone* when it is the only criterion excluding them (relaxing it
  would make them eligible or needing information);
- it is *unknown* for a patient when the answers cannot settle it;
- the funnel follows the trial's criteria order (the curated tree's order, visit-only
  criteria left out): step k counts the patients not excluded by any of criteria 1..k
  (unknowns stay in, as screening keeps them as "needs information"); the last step counts
  the eligible, whose every criterion is met.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine import CompiledTrial, Criterion, Group, Leaf, TrialSpec, Verdict, evaluate_trial
from engine.operators import NOT_MET, UNKNOWN

Answers = Mapping[str, object]


@dataclass
class CriterionImpact:
    index: int
    id: int | None
    kind: str
    text: str
    excluded: int = 0
    alone: int = 0
    unknown: int = 0
    # The concepts it reads: the pages name the criterion by them (its short name).
    concepts: tuple[str, ...] = ()


@dataclass
class Attrition:
    screened: int = 0
    eligible: int = 0
    needs_info: int = 0
    ineligible: int = 0
    criteria: list[CriterionImpact] = field(default_factory=list)
    # Patients still in after criteria 1..k, k = 1..n.
    passing: list[int] = field(default_factory=list)

    def as_payload(self) -> dict:
        return {
            "screened": self.screened,
            "eligible": self.eligible,
            "needs_info": self.needs_info,
            "ineligible": self.ineligible,
            "criteria": [dataclasses.asdict(c) for c in self.criteria],
            "passing": list(self.passing),
        }


def criterion_text(criterion_spec) -> str:
    return criterion_spec.node.spec.source_text or criterion_spec.node.spec.note or ""


def attrition(trial: CompiledTrial, population: Iterable[Answers]) -> Attrition:
    result = Attrition(
        criteria=[
            CriterionImpact(c.index, c.id, c.kind.value, criterion_text(c), concepts=tuple(c.node.concepts))
            for c in trial.screened
        ],
        passing=[0] * len(trial.screened),
    )
    for answers in population:
        outcome = evaluate_trial(trial, answers)
        result.screened += 1
        if outcome.verdict == Verdict.ELIGIBLE:
            result.eligible += 1
        elif outcome.verdict == Verdict.NEEDS_INFO:
            result.needs_info += 1
        else:
            result.ineligible += 1
        failing = [i for i, effect in enumerate(outcome.effects) if effect == NOT_MET]
        for i, effect in enumerate(outcome.effects):
            if effect == NOT_MET:
                result.criteria[i].excluded += 1
            elif effect == UNKNOWN:
                result.criteria[i].unknown += 1
        if len(failing) == 1:
            result.criteria[failing[0]].alone += 1
        first_failure = failing[0] if failing else len(outcome.effects)
        for step in range(first_failure):
            result.passing[step] += 1
    return result


def verdict_counts(trial: CompiledTrial, population: Iterable[Answers]) -> dict[str, int]:
    counts = {v.value: 0 for v in Verdict}
    for answers in population:
        counts[evaluate_trial(trial, answers).verdict.value] += 1
    return counts


@dataclass(frozen=True)
class NumericLeaf:
    """A leaf whose values are numbers a curator could relax (an EDSS bound, a delay)."""

    id: int
    concept: str
    operator: str
    values: tuple
    unit: str
    criterion_index: int  # position of its top-level criterion in the spec


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _leaves(node) -> Iterable[Leaf]:
    if getattr(node, "confirmed_at_visit", False):
        return
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, Group):
        for child in node.children:
            yield from _leaves(child)


def numeric_leaves(spec: TrialSpec) -> list[NumericLeaf]:
    found = []
    for index, criterion in enumerate(spec.criteria):
        for leaf in _leaves(criterion.node):
            if leaf.id is not None and leaf.values and all(_is_number(v) for v in leaf.values):
                found.append(NumericLeaf(leaf.id, leaf.concept, leaf.operator, leaf.values, leaf.unit, index))
    return found


def _replace_values(node, values: Mapping[int, tuple]):
    if isinstance(node, Leaf):
        return dataclasses.replace(node, values=values[node.id]) if node.id in values else node
    if isinstance(node, Group):
        return dataclasses.replace(node, children=tuple(_replace_values(c, values) for c in node.children))
    return node


def modified_spec(
    spec: TrialSpec, *, switched_off: Iterable[int] = (), values: Mapping[int, tuple] | None = None
) -> TrialSpec:
    """The trial with some top-level criteria (by node id) left out and some leaves' values
    replaced (by leaf id); the published criteria are never touched."""
    off = set(switched_off)
    criteria = tuple(
        Criterion(c.kind, _replace_values(c.node, values or {}))
        for c in spec.criteria
        if c.node.id not in off
    )
    return dataclasses.replace(spec, criteria=criteria)
