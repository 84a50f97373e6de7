"""From validated answers to the per-trial results of the public API (shared/spec/api.md).

The HTMX pages render the same `TrialResult` objects, so the API and the pages cannot
disagree about a verdict or its reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from screening.catalog import Catalog, TrialInfo
from screening.engine import (
    CompiledCriterion,
    Explainer,
    Kind,
    NodeResult,
    TrialOutcome,
    Verdict,
    Vocabulary,
    detail,
    evaluate,
    missing_concepts,
)
from screening.engine.plan import CompiledNode
from screening.engine.types import Group, Node, VisitCheck


@dataclass(frozen=True)
class CriterionReport:
    criterion_id: int | None
    kind: str
    concepts: tuple[str, ...]
    source_text: str
    explanation: str = ""
    question: str = ""
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrialResult:
    info: TrialInfo
    verdict: str
    failed: tuple[CriterionReport, ...] = ()
    unknown: tuple[CriterionReport, ...] = ()
    missing_concepts: tuple[str, ...] = ()
    confirmed_at_visit: tuple[str, ...] = ()
    outcome: TrialOutcome | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict:
        return {
            "trial_id": self.info.trial_id,
            "title": self.info.title,
            "status": self.info.status,
            "verdict": self.verdict,
            "failed": [
                {
                    "criterion_id": r.criterion_id,
                    "kind": r.kind,
                    "concepts": list(r.concepts),
                    "source_text": r.source_text,
                    "explanation": r.explanation,
                }
                for r in self.failed
            ],
            "unknown": [
                {
                    "criterion_id": r.criterion_id,
                    "kind": r.kind,
                    "concepts": list(r.concepts),
                    "source_text": r.source_text,
                    "question": r.question,
                }
                for r in self.unknown
            ],
            "missing_concepts": list(self.missing_concepts),
            "confirmed_at_visit": list(self.confirmed_at_visit),
        }


def visit_texts(nodes: Iterable[Node]) -> Iterator[str]:
    """Source texts of every node marked "confirmed at the visit", at any depth."""
    for node in nodes:
        if isinstance(node, VisitCheck) or node.confirmed_at_visit:
            yield node.source_text
        elif isinstance(node, Group):
            yield from visit_texts(node.children)


def _screened_visit_texts(node: CompiledNode) -> Iterator[str]:
    yield from visit_texts(node.visit_children)
    for child in node.children:
        yield from _screened_visit_texts(child)


def criterion_source(node: CompiledNode) -> str:
    if node.spec.source_text:
        return node.spec.source_text
    return " ".join(filter(None, (criterion_source(child) for child in node.children)))


def _report(
    criterion: CompiledCriterion,
    values: dict[str, object],
    explainer: Explainer | None,
    vocabulary: Vocabulary,
) -> CriterionReport:
    """With an explainer: why the criterion failed. Without: what would decide it."""
    node = criterion.node
    base = {
        "criterion_id": criterion.id,
        "kind": criterion.kind.value,
        "concepts": node.concepts,
        "source_text": criterion_source(node),
    }
    if explainer is not None:
        tree: NodeResult = detail(node, values)
        explanation = explainer.node(tree, values, positive=criterion.kind == Kind.INCLUSION)
        return CriterionReport(**base, explanation=explanation)
    missing = missing_concepts(node, values)
    question = " ".join(vocabulary.question(code) for code in missing)
    return CriterionReport(**base, question=question, missing=missing)


def screen(
    catalog: Catalog,
    values: dict[str, object],
    display: dict[str, str] | None = None,
    trial_ids: Iterable[str] | None = None,
) -> list[TrialResult]:
    explainer = catalog.explainer(display)
    vocabulary = catalog.vocabulary()
    results = []
    for outcome in evaluate(catalog.plan, values, trial_ids):
        trial = outcome.trial
        visit = list(visit_texts(c.node for c in trial.visit))
        for criterion in trial.screened:
            visit.extend(_screened_visit_texts(criterion.node))
        needs_info = outcome.verdict == Verdict.NEEDS_INFO
        results.append(
            TrialResult(
                info=catalog.trials[trial.trial_id],
                verdict=outcome.verdict.value,
                failed=tuple(_report(c, values, explainer, vocabulary) for c in outcome.failed),
                unknown=tuple(_report(c, values, None, vocabulary) for c in outcome.undecided)
                if needs_info
                else (),
                missing_concepts=outcome.missing_concepts(values),
                confirmed_at_visit=tuple(visit),
                outcome=outcome,
            )
        )
    return results


def parse_as_of(raw: object) -> date:
    if not isinstance(raw, str) or len(raw) != 10:
        raise ValueError("as_of must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError("as_of must be a date written YYYY-MM-DD") from None
