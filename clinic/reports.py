"""What the pages show of a screening, in the reader's language: answers in words, the
difference between two screenings (answers, and per trial the verdicts and the criteria that
moved them), and the per-criterion report (statuses from engine.detail, the registry's words
from the criteria themselves)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.models import Screening, ScreeningResult
from engine import Kind, Status, detail, missing_concepts
from engine.explain import duration, unit_display
from engine.plan import CompiledNode
from screening.catalog import Catalog, TrialInfo
from screening.results import TrialResult, criterion_source, screen
from trials.models import ConceptType, Section, Verdict

DURATION_UNITS = ("days", "months", "years")


def localized_number(value: object) -> str:
    """A number as the reader writes it: "4,5" and "210 000" in French, "4.5" and "210,000"
    in English."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(value, force_grouping=True)


def answer_text(catalog: Catalog, code: str, value: object) -> str:
    concept = catalog.concepts.get(code)
    vocabulary = catalog.vocabulary()
    if concept is None:
        return str(value)
    if concept.type == ConceptType.LIST and isinstance(value, list):
        if not value:
            return _("none")
        parts = []
        for item in value:
            text = vocabulary.drug(str(item.get("drug")))
            timing = []
            if item.get("days_since_last_dose") is not None:
                timing.append(
                    _("last dose %(ago)s ago") % {"ago": duration(item["days_since_last_dose"], "days", _)}
                )
            if item.get("months_on_treatment") is not None:
                timing.append(
                    _("%(length)s of treatment")
                    % {"length": duration(item["months_on_treatment"], "months", _)}
                )
            parts.append(f"{text} ({', '.join(timing)})" if timing else text)
        return "; ".join(parts)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if concept.type == ConceptType.CHOICE:
        return concept.choice_label(str(value))
    if isinstance(value, dict) and {"value", "unit"} <= set(value):
        return f"{localized_number(value['value'])} {unit_display(value['unit'])}"
    if concept.type == ConceptType.SINCE:
        if value == "never":
            return _("never")
        if isinstance(value, int | float) and concept.canonical_unit in DURATION_UNITS:
            return _("%(duration)s ago") % {"duration": duration(value, concept.canonical_unit, _)}
    if isinstance(value, int | float):
        if concept.canonical_unit in DURATION_UNITS:
            return duration(value, concept.canonical_unit, _)  # "47 ans", "47 years"
        return f"{localized_number(value)} {unit_display(concept.canonical_unit)}".strip()
    return str(value)


def _order(catalog: Catalog, code: str) -> tuple:
    concept = catalog.concepts.get(code)
    if concept is None:
        return (99, 0, code)
    sections = list(Section.values)
    return (sections.index(concept.section) if concept.section in sections else 98, concept.position, code)


def concept_labels(catalog: Catalog, codes: Iterable[str]) -> list[str]:
    """Concepts as a reader names them ("Gadolinium-enhancing lesions"), never as codes."""
    vocabulary = catalog.vocabulary()
    return [vocabulary.label(code) for code in codes]


def answer_rows(catalog: Catalog, screening: Screening) -> list[dict]:
    sections = Section.clinician_labels()
    rows = []
    for code in sorted(screening.answers, key=lambda c: _order(catalog, c)):
        concept = catalog.concepts.get(code)
        rows.append(
            {
                "code": code,
                "section": sections.get(concept.section, concept.section) if concept else "",
                "label": concept.clinician_question if concept else code,
                "value": answer_text(catalog, code, screening.answers[code]),
                "source": screening.provenance.get(code, ""),
            }
        )
    return rows


CHANGE_WORDS = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "changed": gettext_lazy("changed"),
}


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
                "change_label": CHANGE_WORDS[change],
                "before": answer_text(catalog, code, old) if code in before else "",
                "after": answer_text(catalog, code, new) if code in after else "",
            }
        )
    return changes


STATUS_WORDS = {
    (Kind.INCLUSION, Status.MET): gettext_lazy("met"),
    (Kind.INCLUSION, Status.NOT_MET): gettext_lazy("not met"),
    (Kind.INCLUSION, Status.UNKNOWN): gettext_lazy("not known"),
    (Kind.EXCLUSION, Status.MET): gettext_lazy("applies (excludes)"),
    (Kind.EXCLUSION, Status.NOT_MET): gettext_lazy("does not apply"),
    (Kind.EXCLUSION, Status.UNKNOWN): gettext_lazy("not known"),
}
KIND_WORDS = {
    "inclusion": gettext_lazy("inclusion"),
    "exclusion": gettext_lazy("exclusion"),
    "visit": gettext_lazy("at the visit"),
}


def _why(catalog: Catalog, explainer, node: CompiledNode, kind: Kind, values: dict) -> tuple[Status, str]:
    """A criterion's status for these answers, and why, in the reader's words."""
    tree = detail(node, values)
    if tree.status == Status.UNKNOWN:
        missing = concept_labels(catalog, missing_concepts(node, values))
        return tree.status, _("not known: %(concepts)s") % {"concepts": "; ".join(missing)}
    return tree.status, explainer.node(tree, values, positive=kind == Kind.INCLUSION)


@dataclass
class TrialReport:
    result: TrialResult
    rows: list[dict] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return Verdict(self.result.verdict).label


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
        return ScreeningReport(screening, answers, [], _labelled_errors(catalog, validated.errors))
    explainer = catalog.explainer(validated.display)
    trials = []
    for result in screen(catalog, validated.values, validated.display):
        report = TrialReport(result)
        outcome = result.outcome
        assert outcome is not None
        for criterion in outcome.trial.screened:
            status, why = _why(catalog, explainer, criterion.node, criterion.kind, validated.values)
            decides = (status == Status.NOT_MET) == (criterion.kind == Kind.INCLUSION)
            report.rows.append(
                {
                    "kind": KIND_WORDS[criterion.kind.value],
                    "source_text": criterion_source(criterion.node),
                    "status": STATUS_WORDS[(criterion.kind, status)],
                    "fails": status != Status.UNKNOWN and decides,
                    "explanation": why,
                }
            )
        for text in result.confirmed_at_visit:
            report.rows.append(
                {
                    "kind": KIND_WORDS["visit"],
                    "source_text": text,
                    "status": _("confirmed at the visit"),
                    "fails": False,
                }
            )
        trials.append(report)
    return ScreeningReport(screening, answers, trials, {})


def _labelled_errors(catalog: Catalog, errors: dict[str, str]) -> dict[str, str]:
    vocabulary = catalog.vocabulary()
    return {vocabulary.label(code): message for code, message in errors.items()}


def result_rows(catalog: Catalog, results: Iterable[ScreeningResult]) -> list[dict]:
    """Stored results as the patient pages show them: reasons in the reader's language, the
    missing answers by their labels."""
    return [
        {
            "result": result,
            "reasons": result.failed_reasons(),
            "missing": concept_labels(catalog, result.missing_concepts),
        }
        for result in results
    ]


# -- comparing two screenings


@dataclass
class CriterionChange:
    kind: str
    source_text: str
    before: str
    after: str
    before_why: str
    after_why: str


@dataclass
class TrialChange:
    info: TrialInfo
    before: str
    after: str
    criteria: list[CriterionChange]

    @property
    def verdict_changed(self) -> bool:
        return self.before != self.after

    @property
    def before_label(self) -> str:
        return Verdict(self.before).label

    @property
    def after_label(self) -> str:
        return Verdict(self.after).label


@dataclass
class VerdictChanges:
    trials: list[TrialChange] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> list[TrialChange]:
        return [t for t in self.trials if t.verdict_changed or t.criteria]

    @property
    def unchanged(self) -> list[TrialChange]:
        return [t for t in self.trials if not (t.verdict_changed or t.criteria)]


def verdict_changes(catalog: Catalog, before: Screening, after: Screening) -> VerdictChanges:
    """Both screenings' answers against each published trial's current criteria, so what
    changed comes from the answers: per trial the verdict before and after, and each
    criterion whose status moved, with why on each side."""
    sides = []
    for screening in (before, after):
        validated = catalog.validator().validate(screening.answers, screening.as_of)
        if not validated.ok:
            return VerdictChanges(errors=_labelled_errors(catalog, validated.errors))
        sides.append(validated)
    old, new = sides
    old_results = {r.info.trial_id: r for r in screen(catalog, old.values, old.display)}
    old_explainer, new_explainer = catalog.explainer(old.display), catalog.explainer(new.display)
    changes = VerdictChanges()
    for result in screen(catalog, new.values, new.display):
        previous = old_results.get(result.info.trial_id)
        if previous is None or result.outcome is None:
            continue
        criteria = []
        for criterion in result.outcome.trial.screened:
            was, was_why = _why(catalog, old_explainer, criterion.node, criterion.kind, old.values)
            now, now_why = _why(catalog, new_explainer, criterion.node, criterion.kind, new.values)
            if was != now:
                criteria.append(
                    CriterionChange(
                        kind=KIND_WORDS[criterion.kind.value],
                        source_text=criterion_source(criterion.node),
                        before=STATUS_WORDS[(criterion.kind, was)],
                        after=STATUS_WORDS[(criterion.kind, now)],
                        before_why=was_why,
                        after_why=now_why,
                    )
                )
        changes.trials.append(TrialChange(result.info, previous.verdict, result.verdict, criteria))
    return changes
