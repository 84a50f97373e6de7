"""Reads that tell a curator whether a trial's criteria are sound: tree problems, its test
patients run against the CURRENT criteria (published or not), and what blocks publishing.

Everything is judged by the rules engine itself (check_leaf, compile_plan, evaluate_trial),
so the admin can never accept a tree that the public screening would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext

from engine import (
    CompiledTrial,
    ConceptSpec,
    CriterionError,
    Explainer,
    Group,
    GroupOp,
    Kind,
    Leaf,
    NodeResult,
    Status,
    TrialOutcome,
    Validator,
    Verdict,
    Vocabulary,
    check_leaf,
    compile_plan,
    detail,
    evaluate_trial,
)
from engine.describe import TrialDescription, describe_node, describe_trial
from engine.types import Node, TrialSpec

if TYPE_CHECKING:  # the models call these checks; the checks only read what they are given
    from trials.models import Concept, CriteriaRevision, Drug, DrugClass, TestPatient, Trial


@dataclass(frozen=True)
class VocabularyContext:
    """The vocabulary as the engine sees it, read once per check."""

    concepts: dict[str, Concept]
    specs: dict[str, ConceptSpec]
    drug_codes: frozenset[str]
    classes: dict[str, frozenset[str]]
    vocabulary: Vocabulary

    @classmethod
    def build(
        cls, concepts: Iterable[Concept], drugs: Iterable[Drug], classes: Iterable[DrugClass]
    ) -> VocabularyContext:
        """From the vocabulary's rows (`Concept.objects.vocabulary()` reads them); `classes`
        with their drugs prefetched."""
        concepts = {c.code: c for c in concepts}
        drugs = {d.code: d for d in drugs}
        classes = list(classes)
        vocabulary = Vocabulary(
            labels={code: c.label for code, c in concepts.items()},
            choice_labels={
                (code, choice["code"]): c.choice_label(choice["code"])
                for code, c in concepts.items()
                for choice in c.choices
            },
            drug_labels={code: d.name for code, d in drugs.items()} | {k.code: k.name for k in classes},
            questions={code: c.clinician_question for code, c in concepts.items()},
        )
        return cls(
            concepts,
            {code: c.to_spec() for code, c in concepts.items()},
            frozenset(drugs),
            {k.code: frozenset(d.code for d in k.drugs.all()) for k in classes},
            vocabulary,
        )

    def validator(self) -> Validator:
        return Validator(self.specs, self.drug_codes, self.vocabulary, gettext)

    def explainer(self, display: dict[str, str] | None = None) -> Explainer:
        return Explainer(self.vocabulary, gettext, display or {})

    def describe(self, node: Node) -> str:
        """The node in plain language, in the active language (the vocabulary's labels are
        the language active when it was read)."""
        return describe_node(
            node, self.specs, self.vocabulary, _=gettext, decimal=get_format("DECIMAL_SEPARATOR")
        )

    def compile(self, spec: TrialSpec) -> CompiledTrial:
        """Raises CriterionError on the first invalid node."""
        return compile_plan([spec], self.specs, self.classes, self.drug_codes).trials[0]


@dataclass(frozen=True)
class TreeProblem:
    node_id: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return f"criterion #{self.node_id}: {self.field}: {self.message}"


def tree_problems(spec: TrialSpec, ctx: VocabularyContext) -> list[TreeProblem]:
    """Every problem of the tree, not only the first (compile_plan stops at the first)."""

    def walk(node: Node) -> Iterator[TreeProblem]:
        if isinstance(node, Leaf):
            errors = check_leaf(node, ctx.specs.get(node.concept), ctx.drug_codes, frozenset(ctx.classes))
            for name, message in errors.items():
                yield TreeProblem(node.id, name, message)
        elif isinstance(node, Group):
            if not node.children:
                yield TreeProblem(node.id, "children", f"this {node.op.upper()} group has no children yet")
            elif node.op == GroupOp.NOT and len(node.children) != 1:
                yield TreeProblem(
                    node.id, "children", f"a NOT group takes exactly one child, it has {len(node.children)}"
                )
            for child in node.children:
                yield from walk(child)

    return [problem for criterion in spec.criteria for problem in walk(criterion.node)]


@dataclass(frozen=True)
class PatientResult:
    patient: TestPatient
    agrees: bool
    verdict: str = ""
    excluded_by: tuple[str, ...] = ()
    reason: str = ""
    explanations: tuple[str, ...] = ()


@dataclass
class TrialCheck:
    trial: Trial
    description: TrialDescription
    problems: list[TreeProblem] = field(default_factory=list)
    screenable: bool = False
    patients: list[PatientResult] = field(default_factory=list)
    # The revision checked (the draft while one is being edited).
    revision: CriteriaRevision | None = None

    @property
    def disagreeing(self) -> list[PatientResult]:
        return [p for p in self.patients if not p.agrees]

    def blocking_reasons(self) -> list[str]:
        reasons = [str(problem) for problem in self.problems]
        if not self.problems and not self.screenable:
            reasons.append("the trial has no criterion a questionnaire can screen")
        reasons += [f"test patient “{p.patient.name}”: {p.reason}" for p in self.disagreeing]
        return reasons


def deciding_concepts(result: NodeResult, status: Status) -> tuple[str, ...]:
    """The concepts of the leaves that gave `result` its `status` (for an exclusion, what
    excluded; for an inclusion, what failed)."""
    node = result.node
    if node.is_leaf:
        return node.concepts if result.status == status else ()
    if node.spec.op == GroupOp.NOT:
        return deciding_concepts(result.children[0], Status(2 - status))
    codes: list[str] = []
    for child in result.children:
        if child.status == status:
            codes += [c for c in deciding_concepts(child, status) if c not in codes]
    return tuple(codes)


def excluding_concepts(outcome: TrialOutcome, answers: dict) -> tuple[str, ...]:
    codes: list[str] = []
    for criterion in outcome.failed:
        status = Status.MET if criterion.kind == Kind.EXCLUSION else Status.NOT_MET
        codes += [c for c in deciding_concepts(detail(criterion.node, answers), status) if c not in codes]
    return tuple(codes)


def run_test_patient(
    patient: TestPatient, compiled: CompiledTrial, ctx: VocabularyContext, as_of: date | None = None
) -> PatientResult:
    validated = ctx.validator().validate(patient.answers, as_of or timezone.localdate())
    if not validated.ok:
        errors = "; ".join(f"{k}: {v}" for k, v in validated.errors.items())
        return PatientResult(patient, False, reason=f"the answers are not valid ({errors})")
    outcome = evaluate_trial(compiled, validated.values)
    verdict = outcome.verdict.value
    excluded_by = excluding_concepts(outcome, validated.values)
    explainer = ctx.explainer(validated.display)
    explanations = tuple(
        explainer.node(detail(c.node, validated.values), validated.values, positive=c.kind == Kind.INCLUSION)
        for c in outcome.failed
    )
    result = {"verdict": verdict, "excluded_by": excluded_by, "explanations": explanations}
    expected = patient.expected_verdict
    if verdict != expected:
        why = ""
        if outcome.verdict == Verdict.INELIGIBLE:
            why = " — " + "; ".join(explanations)
        elif outcome.verdict == Verdict.NEEDS_INFO:
            missing = outcome.missing_concepts(validated.values)
            why = " — no answer for " + ", ".join(missing)
        return PatientResult(patient, False, reason=f"expected {expected}, got {verdict}{why}", **result)
    wanted = patient.expected_excluding_concept
    if expected == Verdict.INELIGIBLE and wanted is not None and wanted.code not in excluded_by:
        reason = (
            f"ineligible as expected, but excluded by {', '.join(excluded_by)} rather than {wanted.code}"
            f" — {'; '.join(explanations)}"
        )
        return PatientResult(patient, False, reason=reason, **result)
    return PatientResult(patient, True, **result)


def check_trial(trial: Trial, ctx: VocabularyContext, revision: CriteriaRevision | None = None) -> TrialCheck:
    """The tree's problems, whether anything is screenable, and every test patient's result
    against one revision of the trial's criteria (by default the live one, or the draft of a
    trial never published); `Trial.check_criteria()` checks the working revision."""
    spec = trial.to_spec(revision)
    check = TrialCheck(trial, describe_trial(spec.criteria, ctx.specs, ctx.vocabulary), revision=revision)
    check.problems = tree_problems(spec, ctx)
    if check.problems:
        return check
    try:
        compiled = ctx.compile(spec)
    except CriterionError as error:  # tree_problems mirrors the compiler; this is a safety net
        check.problems = [TreeProblem(error.node_id, k, v) for k, v in error.errors.items()]
        return check
    check.screenable = bool(compiled.screened)
    patients = trial.test_patients.select_related("expected_excluding_concept")
    check.patients = [run_test_patient(patient, compiled, ctx) for patient in patients]
    return check
