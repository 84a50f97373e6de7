"""Compiling criterion trees into an evaluation plan, and evaluating a patient against it.

Compilation happens once per version of the published criteria: every leaf becomes a
closure over thresholds already in canonical units, every group a Kleene combinator over
its children. Evaluating a patient is then a walk over closures with no parsing, no unit
conversion and no database access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from screening.engine.operators import (
    MET,
    NOT_MET,
    UNKNOWN,
    CriterionError,
    check_leaf,
    compile_predicate,
)
from screening.engine.types import (
    ConceptSpec,
    Criterion,
    Group,
    GroupOp,
    Kind,
    Leaf,
    Node,
    Status,
    TrialSpec,
    Verdict,
    VisitCheck,
)

Answers = Mapping[str, object]
Evaluator = Callable[[Answers], int]


@dataclass(frozen=True, slots=True)
class CompiledNode:
    spec: Node
    fn: Evaluator
    children: tuple[CompiledNode, ...] = ()
    # Children a curator marked "confirmed at the visit": shown, never evaluated.
    visit_children: tuple[Node, ...] = ()
    concepts: tuple[str, ...] = ()
    concept: ConceptSpec | None = None
    thresholds: tuple = ()

    @property
    def is_leaf(self) -> bool:
        return isinstance(self.spec, Leaf)


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    kind: Kind
    node: CompiledNode
    index: int

    @property
    def id(self) -> int | None:
        return self.node.spec.id

    @property
    def source_text(self) -> str:
        return self.node.spec.source_text


@dataclass(frozen=True, slots=True)
class CompiledTrial:
    trial_id: str
    screened: tuple[CompiledCriterion, ...]
    visit: tuple[Criterion, ...]
    concepts: frozenset[str]
    # (is_exclusion, evaluator) pairs: the hot loop reads these without attribute lookups.
    _checks: tuple[tuple[bool, Evaluator], ...] = field(repr=False, default=())


@dataclass(frozen=True, slots=True)
class Plan:
    trials: tuple[CompiledTrial, ...]
    by_id: Mapping[str, CompiledTrial]
    concepts: Mapping[str, ConceptSpec]

    def __len__(self) -> int:
        return len(self.trials)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


class _Compiler:
    def __init__(
        self,
        concepts: Mapping[str, ConceptSpec],
        drug_classes: Mapping[str, frozenset[str]],
        drug_codes: frozenset[str],
    ):
        self.concepts = concepts
        self.drug_classes = drug_classes
        self.drug_codes = drug_codes
        self.class_codes = frozenset(drug_classes)

    def node(self, spec: Node) -> CompiledNode | None:
        """None when the node has nothing a questionnaire can settle."""
        if isinstance(spec, VisitCheck) or spec.confirmed_at_visit:
            return None
        if isinstance(spec, Leaf):
            return self.leaf(spec)
        return self.group(spec)

    def leaf(self, spec: Leaf) -> CompiledNode:
        concept = self.concepts.get(spec.concept)
        errors = check_leaf(spec, concept, self.drug_codes, self.class_codes)
        if errors:
            raise CriterionError(errors, spec.id)
        assert concept is not None
        predicate, thresholds = compile_predicate(spec, concept, self.drug_classes)
        code = spec.concept

        def evaluate(answers: Answers) -> int:
            value = answers.get(code)
            if value is None:
                return UNKNOWN
            return predicate(value)

        return CompiledNode(spec, evaluate, concepts=(code,), concept=concept, thresholds=thresholds)

    def group(self, spec: Group) -> CompiledNode | None:
        if not spec.children:
            raise CriterionError({"children": f"an {spec.op.upper()} group needs children"}, spec.id)
        if spec.op == GroupOp.NOT and len(spec.children) != 1:
            raise CriterionError({"children": "a NOT group takes exactly one child"}, spec.id)
        compiled, visit = [], []
        for child in spec.children:
            node = self.node(child)
            if node is None:
                visit.append(child)
            else:
                compiled.append(node)
        if not compiled:
            return None
        children = tuple(compiled)
        fns = tuple(c.fn for c in children)
        concepts = _unique(code for c in children for code in c.concepts)
        return CompiledNode(spec, _combinator(spec.op, fns), children, tuple(visit), concepts)


def _combinator(op: GroupOp, fns: tuple[Evaluator, ...]) -> Evaluator:
    if op == GroupOp.NOT:
        (only,) = fns

        def negate(answers: Answers) -> int:
            return 2 - only(answers)

        return negate

    if op == GroupOp.AND:

        def all_of(answers: Answers) -> int:
            result = MET
            for fn in fns:
                value = fn(answers)
                if value == NOT_MET:
                    return NOT_MET
                if value < result:
                    result = value
            return result

        return all_of

    def any_of(answers: Answers) -> int:
        result = NOT_MET
        for fn in fns:
            value = fn(answers)
            if value == MET:
                return MET
            if value > result:
                result = value
        return result

    return any_of


def compile_plan(
    trials: Iterable[TrialSpec],
    concepts: Mapping[str, ConceptSpec],
    drug_classes: Mapping[str, frozenset[str]] | None = None,
    drug_codes: Iterable[str] = (),
) -> Plan:
    """Raises CriterionError naming the criterion and field of the first invalid leaf."""
    classes = {k: frozenset(v) for k, v in (drug_classes or {}).items()}
    compiler = _Compiler(concepts, classes, frozenset(drug_codes))
    compiled = []
    for trial in trials:
        screened, visit = [], []
        for criterion in trial.criteria:
            node = compiler.node(criterion.node)
            if node is None:
                visit.append(criterion)
            else:
                screened.append(CompiledCriterion(criterion.kind, node, len(screened)))
        checks = tuple((c.kind == Kind.EXCLUSION, c.node.fn) for c in screened)
        trial_concepts = frozenset(code for c in screened for code in c.node.concepts)
        compiled.append(CompiledTrial(trial.trial_id, tuple(screened), tuple(visit), trial_concepts, checks))
    ordered = tuple(compiled)
    return Plan(ordered, {t.trial_id: t for t in ordered}, dict(concepts))


@dataclass(frozen=True, slots=True)
class TrialOutcome:
    """The verdict for one trial, with each screened criterion's effect on eligibility: MET
    means "does not stand in the way" (an inclusion met, or an exclusion that does not apply)."""

    trial: CompiledTrial
    verdict: Verdict
    effects: tuple[int, ...]

    @property
    def failed(self) -> list[CompiledCriterion]:
        return [c for c, e in zip(self.trial.screened, self.effects, strict=True) if e == NOT_MET]

    @property
    def undecided(self) -> list[CompiledCriterion]:
        return [c for c, e in zip(self.trial.screened, self.effects, strict=True) if e == UNKNOWN]

    def missing_concepts(self, answers: Answers) -> tuple[str, ...]:
        if self.verdict != Verdict.NEEDS_INFO:
            return ()
        return _unique(code for c in self.undecided for code in missing_concepts(c.node, answers))


_VERDICTS = {NOT_MET: Verdict.INELIGIBLE, UNKNOWN: Verdict.NEEDS_INFO, MET: Verdict.ELIGIBLE}


def evaluate_trial(trial: CompiledTrial, answers: Answers) -> TrialOutcome:
    effects = []
    worst = MET
    for is_exclusion, fn in trial._checks:
        status = fn(answers)
        effect = 2 - status if is_exclusion else status
        effects.append(effect)
        if effect < worst:
            worst = effect
    return TrialOutcome(trial, _VERDICTS[worst], tuple(effects))


_ORDER = {Verdict.ELIGIBLE: 0, Verdict.NEEDS_INFO: 1, Verdict.INELIGIBLE: 2}


def evaluate(plan: Plan, answers: Answers, trial_ids: Iterable[str] | None = None) -> list[TrialOutcome]:
    """Every selected trial's outcome, ordered as the API promises: eligible, then
    needs-info with the fewest missing concepts first, then ineligible."""
    trials = plan.trials if trial_ids is None else [plan.by_id[t] for t in trial_ids]
    outcomes = [evaluate_trial(t, answers) for t in trials]

    def key(outcome: TrialOutcome) -> tuple[int, int, str]:
        missing = len(outcome.missing_concepts(answers)) if outcome.verdict == Verdict.NEEDS_INFO else 0
        return (_ORDER[outcome.verdict], missing, outcome.trial.trial_id)

    return sorted(outcomes, key=key)


@dataclass(frozen=True, slots=True)
class NodeResult:
    node: CompiledNode
    status: Status
    children: tuple[NodeResult, ...] = ()


def detail(node: CompiledNode, answers: Answers) -> NodeResult:
    """The status of every node under `node`, for explanations and the verdict tree."""
    children = tuple(detail(child, answers) for child in node.children)
    return NodeResult(node, Status(node.fn(answers)), children)


def missing_concepts(node: CompiledNode, answers: Answers) -> tuple[str, ...]:
    """The concepts whose answers could still decide an undecided node."""
    if node.fn(answers) != UNKNOWN:
        return ()
    if not node.children:
        return node.concepts
    return _unique(code for child in node.children for code in missing_concepts(child, answers))
