"""What the pages show of a screening: answers in words, the difference between two
screenings, and the per-criterion report (statuses from engine.detail, the
registry's words from the criteria themselves)."""

from __future__ import annotations

from dataclasses import dataclass, field

from clinic.models import Screening
from engine import Kind, Status, detail, missing_concepts
from engine.explain import number, unit_display
from screening.catalog import Catalog
from screening.results import TrialResult, criterion_source, screen
from trials.models import ConceptType, Section


def answer_text(catalog: Catalog, code: str, value: object) -> str:
    concept = catalog.concepts.get(code)
    vocabulary = catalog.vocabulary()
    if concept is None:
        return str(value)
    if concept.type == ConceptType.LIST and isinstance(value, list):
        if not value:
            return "none"
        parts = []
        for item in value:
            text = vocabulary.drug(str(item.get("drug")))
            timing = []
            if item.get("days_since_last_dose") is not None:
                timing.append(f"last dose {number(item['days_since_last_dose'])} days ago")
            if item.get("months_on_treatment") is not None:
                timing.append(f"{number(item['months_on_treatment'])} months of treatment")
            parts.append(f"{text} ({', '.join(timing)})" if timing else text)
        return "; ".join(parts)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if concept.type == ConceptType.CHOICE:
        return concept.choice_label(str(value))
    if isinstance(value, dict) and {"value", "unit"} <= set(value):
        return f"{number(value['value'])} {unit_display(value['unit'])}"
    if concept.type == ConceptType.SINCE:
        return "never" if value == "never" else f"{number(value)} {concept.canonical_unit} ago"
    if isinstance(value, int | float):
        return f"{number(value)} {unit_display(concept.canonical_unit)}".strip()
    return str(value)


def _order(catalog: Catalog, code: str) -> tuple:
    concept = catalog.concepts.get(code)
    if concept is None:
        return (99, 0, code)
    sections = list(Section.values)
    return (sections.index(concept.section) if concept.section in sections else 98, concept.position, code)


def answer_rows(catalog: Catalog, screening: Screening) -> list[dict]:
    rows = []
    for code in sorted(screening.answers, key=lambda c: _order(catalog, c)):
        concept = catalog.concepts.get(code)
        rows.append(
            {
                "code": code,
                "section": concept.get_section_display() if concept else "",
                "label": concept.clinician_question if concept else code,
                "value": answer_text(catalog, code, screening.answers[code]),
                "source": screening.provenance.get(code, ""),
            }
        )
    return rows


def answers_diff(catalog: Catalog, before: dict, after: dict) -> list[dict]:
    """Concept by concept: added, removed or changed answers, in the vocabulary's order."""
    changes = []
    for code in sorted(set(before) | set(after), key=lambda c: _order(catalog, c)):
        old, new = before.get(code), after.get(code)
        if old == new:
            continue
        change = "added" if code not in before else "removed" if code not in after else "changed"
        concept = catalog.concepts.get(code)
        changes.append(
            {
                "code": code,
                "label": concept.clinician_question if concept else code,
                "change": change,
                "before": answer_text(catalog, code, old) if code in before else "",
                "after": answer_text(catalog, code, new) if code in after else "",
            }
        )
    return changes


STATUS_WORDS = {
    (Kind.INCLUSION, Status.MET): "met",
    (Kind.INCLUSION, Status.NOT_MET): "not met",
    (Kind.INCLUSION, Status.UNKNOWN): "not known",
    (Kind.EXCLUSION, Status.MET): "applies (excludes)",
    (Kind.EXCLUSION, Status.NOT_MET): "does not apply",
    (Kind.EXCLUSION, Status.UNKNOWN): "not known",
}


@dataclass
class TrialReport:
    result: TrialResult
    rows: list[dict] = field(default_factory=list)


@dataclass
class ScreeningReport:
    screening: Screening
    answers: list[dict]
    trials: list[TrialReport]
    errors: dict[str, str]


def screening_report(catalog: Catalog, screening: Screening) -> ScreeningReport:
    """Every published trial against the screening's answers, with every criterion."""
    validated = catalog.validator().validate(screening.answers, screening.as_of)
    answers = answer_rows(catalog, screening)
    if not validated.ok:
        return ScreeningReport(screening, answers, [], validated.errors)
    explainer = catalog.explainer(validated.display)
    vocabulary = catalog.vocabulary()
    trials = []
    for result in screen(catalog, validated.values, validated.display):
        report = TrialReport(result)
        outcome = result.outcome
        assert outcome is not None
        for criterion in outcome.trial.screened:
            tree = detail(criterion.node, validated.values)
            if tree.status == Status.UNKNOWN:
                missing = missing_concepts(criterion.node, validated.values)
                why = "not known: " + "; ".join(vocabulary.label(code) for code in missing)
            else:
                why = explainer.node(tree, validated.values, positive=criterion.kind == Kind.INCLUSION)
            decides = (tree.status == Status.NOT_MET) == (criterion.kind == Kind.INCLUSION)
            report.rows.append(
                {
                    "kind": criterion.kind.value,
                    "source_text": criterion_source(criterion.node),
                    "status": STATUS_WORDS[(criterion.kind, tree.status)],
                    "fails": tree.status != Status.UNKNOWN and decides,
                    "explanation": why,
                }
            )
        for text in result.confirmed_at_visit:
            report.rows.append(
                {"kind": "visit", "source_text": text, "status": "confirmed at the visit", "fails": False}
            )
        trials.append(report)
    return ScreeningReport(screening, answers, trials, {})
