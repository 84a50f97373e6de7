"""Compiling criterion trees into an evaluation plan, and evaluating a patient against it.

Compilation happens once per version of the published criteria: every leaf becomes a
closure over thresholds already in canonical units, every group a Kleene combinator over
its children. Evaluating a patient is then done with no parsing, no unit conversion and no
database access.

At registry scale most leaves repeat across trials (age ≥ 18; platelets < 100 × 10⁹/L, which
another registry writes 100000 /mm3; no pregnancy…), so the plan also numbers every
*distinct* predicate, group and criterion once (`_Program`). `evaluate` computes each
distinct status once per patient into a flat list, and a trial's verdict is then the
minimum of a few list lookups. `evaluate_trial`, `detail` and `missing_concepts` walk one
trial's own closures and give the same statuses (tests/test_engine_fast_path.py proves it).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from engine.operators import (
    MET,
    NOT_MET,
    UNKNOWN,
    CriterionError,
    check_leaf,
    compile_predicate,
)
from engine.types import (
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


class CompiledNode:
    """A compiled leaf or group of one trial's criterion tree: what explanations, the verdict
    tree and the missing concepts read. At registry scale there are hundreds of thousands, so
    each keeps only what is its own (id and texts) and points at what every identical node of
    the catalogue shares (`_LeafShape`, `_GroupShape`): the engine spec (`spec`) is rebuilt
    from both when asked for, not kept beside the compiled node."""

    __slots__ = ()

    is_leaf = False
    children: tuple[CompiledNode, ...] = ()
    # Children a curator marked "confirmed at the visit": shown, never evaluated.
    visit_children: tuple[Node, ...] = ()
    concept: ConceptSpec | None = None
    thresholds: tuple = ()
    # Declared by the subclasses: the node's own criterion id and texts, and what it shares.
    id: int | None
    source_text: str
    note: str
    shape: _LeafShape | _GroupShape
    # The engine spec as written, rebuilt from the node's own fields and its shape.
    spec: Node

    @property
    def fn(self) -> Evaluator:
        return self.shape.fn

    @property
    def concepts(self) -> tuple[str, ...]:
        return self.shape.concepts

    @property
    def slot(self) -> int:
        """Where this node's status is in a `_Program` run: identical subtrees share a slot."""
        return self.shape.slot

    @property
    def key(self) -> tuple:
        """The subtree as the curator wrote it, without ids and texts: equal keys, equal
        wording of every explanation, so callers may cache explanations by it."""
        return self.shape.key

    def nested_visit_texts(self) -> Iterator[str]:
        """The "confirmed at the visit" texts of the unscreened children below this node."""
        yield from visit_texts(self.visit_children)
        for child in self.children:
            yield from child.nested_visit_texts()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.key!r}>"


class _LeafShape:
    """What every leaf testing the same thing in the same words shares: its closure,
    canonical thresholds, program slot and explanation key."""

    __slots__ = (
        "fn",
        "concepts",
        "concept",
        "thresholds",
        "slot",
        "key",
        "code",
        "operator",
        "values",
        "unit",
        "drugs",
    )

    def __init__(self, fn, concepts, concept, thresholds, slot, key, code, operator, values, unit, drugs):
        self.fn, self.concepts, self.concept, self.thresholds = fn, concepts, concept, thresholds
        self.slot, self.key = slot, key
        self.code, self.operator, self.values, self.unit, self.drugs = code, operator, values, unit, drugs


class CompiledLeaf(CompiledNode):
    __slots__ = ("shape", "id", "source_text", "note")
    is_leaf = True

    def __init__(self, shape: _LeafShape, id: int | None, source_text: str, note: str):
        self.shape, self.id, self.source_text, self.note = shape, id, source_text, note

    @property
    def concept(self) -> ConceptSpec | None:
        return self.shape.concept

    @property
    def thresholds(self) -> tuple:
        return self.shape.thresholds

    @property
    def operator(self) -> str:
        return self.shape.operator

    @property
    def values(self) -> tuple:
        return self.shape.values

    @property
    def unit(self) -> str:
        return self.shape.unit

    @property
    def drugs(self) -> tuple[str, ...]:
        return self.shape.drugs

    @property
    def spec(self) -> Leaf:
        shape = self.shape
        return Leaf(
            shape.code,
            shape.operator,
            shape.values,
            shape.unit,
            shape.drugs,
            self.id,
            self.source_text,
            self.note,
        )


class _GroupShape:
    """What every group of the same operator over identical children shares."""

    __slots__ = ("op", "fn", "concepts", "slot", "key")

    def __init__(self, op: GroupOp, fn: Evaluator, concepts: tuple[str, ...], slot: int, key: tuple):
        self.op, self.fn, self.concepts, self.slot, self.key = op, fn, concepts, slot, key


class CompiledGroup(CompiledNode):
    __slots__ = ("shape", "children", "visit_children", "id", "source_text", "note", "_visit_at")

    def __init__(
        self,
        shape: _GroupShape,
        children: tuple[CompiledNode, ...],
        visit_children: tuple[Node, ...],
        visit_at: tuple[int, ...],
        id: int | None,
        source_text: str,
        note: str,
    ):
        self.shape, self.children, self.visit_children = shape, children, visit_children
        self._visit_at, self.id, self.source_text, self.note = visit_at, id, source_text, note

    @property
    def op(self) -> GroupOp:
        return self.shape.op

    @property
    def spec(self) -> Group:
        """The group as written: its visit children back where the curator put them."""
        compiled = iter(self.children)
        visit = iter(self.visit_children)
        size = len(self.children) + len(self.visit_children)
        at = set(self._visit_at)
        children = tuple(next(visit) if i in at else next(compiled).spec for i in range(size))
        return Group(self.shape.op, children, self.id, self.source_text, self.note)


class CompiledCriterion:
    """A top-level criterion of a trial: an inclusion or an exclusion, the `index`-th the trial
    screens. It is its own root node (a `CompiledLeaf` or `CompiledGroup` that also has a kind
    and an index): one object per criterion rather than two, two hundred thousand times."""

    __slots__ = ()

    kind: Kind
    index: int
    id: int | None
    source_text: str

    @property
    def node(self) -> CompiledNode:
        return self  # type: ignore[return-value]


class _LeafCriterion(CompiledLeaf, CompiledCriterion):
    __slots__ = ("kind", "index")

    def __init__(
        self, shape: _LeafShape, id: int | None, source_text: str, note: str, kind: Kind, index: int
    ):
        super().__init__(shape, id, source_text, note)
        self.kind, self.index = kind, index


class _GroupCriterion(CompiledGroup, CompiledCriterion):
    __slots__ = ("kind", "index")


def _no_effects(effects: list[int]) -> tuple[int, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class CompiledTrial:
    trial_id: str
    screened: tuple[CompiledCriterion, ...]
    visit: tuple[Criterion, ...]
    # Every "confirmed at the visit" text: top-level and nested in screened groups.
    visit_texts: tuple[str, ...] = ()
    # (is_exclusion, evaluator) pairs: evaluate_trial reads these without attribute lookups.
    _checks: tuple[tuple[bool, Evaluator], ...] = field(repr=False, default=())
    # Picks this trial's criterion effects, in order, out of a `_Program` run's effects.
    _effects: Callable[[list[int]], tuple[int, ...]] = field(repr=False, default=_no_effects)
    # Each screened criterion's number among the program's effects, in order.
    _effect_ids: tuple[int, ...] = field(repr=False, default=())

    @property
    def concepts(self) -> tuple[str, ...]:
        """The concepts its screened criteria read, sorted (worked out when asked: the verdict
        table asks once per plan, and ten thousand tuples kept for that are 2 MB)."""
        return tuple(sorted({code for c in self.screened for code in c.concepts}))


class _Program:
    """Every distinct predicate, group and criterion effect of a plan, numbered so that one
    patient's statuses fit in one list. A group is numbered after its children, so one pass
    in slot order sees every child before its parent. An effect is a top-level criterion's
    status seen from the verdict: the status for an inclusion, 2 - status for an exclusion
    (MET means "does not stand in the way")."""

    __slots__ = ("leaves", "groups", "effects", "slots", "ordered", "_known", "_effect_slots")

    def __init__(self) -> None:
        self.leaves: list[tuple[int, str, Callable[[object], int]]] = []
        self.groups: list[tuple[int, GroupOp, tuple[int, ...]]] = []
        self.effects: list[tuple[int, bool]] = []
        # Per slot: ("leaf", concept code) or (op, children slots); for missing concepts.
        self.slots: list[tuple] = []
        self._known: dict[tuple, int] = {}
        self._effect_slots: dict[tuple[int, bool], int] = {}
        # Whether the plan's trials are in trial id order (the catalog compiles them so).
        self.ordered = False

    def copy(self) -> _Program:
        """A program numbering the same slots, to which new ones can be added without
        touching this one (a few hundred entries: cheap)."""
        other = _Program()
        other.leaves, other.groups, other.effects = list(self.leaves), list(self.groups), list(self.effects)
        other.slots, other.ordered = list(self.slots), self.ordered
        other._known, other._effect_slots = dict(self._known), dict(self._effect_slots)
        return other

    def leaf(self, key: tuple, code: str, predicate: Callable[[object], int]) -> int:
        slot = self._known.get(key)
        if slot is None:
            slot = self._known[key] = len(self.slots)
            self.slots.append(("leaf", code))
            self.leaves.append((slot, code, predicate))
        return slot

    def group(self, op: GroupOp, children: tuple[int, ...]) -> tuple[int, bool]:
        """The slot, and whether it is new."""
        key = (op, children)
        slot = self._known.get(key)
        if slot is not None:
            return slot, False
        slot = self._known[key] = len(self.slots)
        self.slots.append(key)
        self.groups.append((slot, op, children))
        return slot, True

    def effect(self, slot: int, is_exclusion: bool) -> int:
        key = (slot, is_exclusion)
        index = self._effect_slots.get(key)
        if index is None:
            index = self._effect_slots[key] = len(self.effects)
            self.effects.append(key)
        return index

    def run(self, answers: Answers) -> _Run:
        get = answers.get
        status = [UNKNOWN] * len(self.slots)
        for slot, code, predicate in self.leaves:
            value = get(code)
            if value is not None:
                status[slot] = predicate(value)
        for slot, op, children in self.groups:
            if op is GroupOp.AND:
                status[slot] = min([status[c] for c in children])  # Kleene: AND is min
            elif op is GroupOp.OR:
                status[slot] = max([status[c] for c in children])  # Kleene: OR is max
            else:
                status[slot] = 2 - status[children[0]]
        effects = [2 - status[slot] if excl else status[slot] for slot, excl in self.effects]
        return _Run(self, answers, status, effects)


class _Run:
    """One patient's statuses over a program, and the concepts that could still decide each
    undecided slot (worked out for every slot at once: there are only a few hundred)."""

    __slots__ = ("program", "answers", "status", "effects", "_missing", "_effect_missing", "_trials")

    def __init__(self, program: _Program, answers: Answers, status: list[int], effects: list[int]):
        self.program = program
        self.answers = answers
        self.status = status
        self.effects = effects
        missing: list[tuple[str, ...]] = []
        append = missing.append
        for state, (what, detail) in zip(status, program.slots, strict=True):
            if state != UNKNOWN:
                append(())
            elif what == "leaf":
                append((detail,))
            else:
                append(_unique(chain.from_iterable(missing[child] for child in detail)))
        self._missing = missing
        self._effect_missing = [missing[slot] for slot, _excl in program.effects]
        self._trials: dict[str, tuple[str, ...]] = {}

    def missing(self, slot: int) -> tuple[str, ...]:
        return self._missing[slot]

    def trial_missing(self, trial: CompiledTrial, effects: tuple[int, ...]) -> tuple[str, ...]:
        """TrialOutcome.missing_concepts, worked out once per trial and evaluation."""
        found = self._trials.get(trial.trial_id)
        if found is None:
            missing = self._effect_missing
            parts = [
                missing[e] for e, effect in zip(trial._effect_ids, effects, strict=True) if effect == UNKNOWN
            ]
            found = parts[0] if len(parts) == 1 else tuple(dict.fromkeys(chain.from_iterable(parts)))
            self._trials[trial.trial_id] = found
        return found


@dataclass(frozen=True, slots=True)
class Plan:
    trials: tuple[CompiledTrial, ...]
    by_id: Mapping[str, CompiledTrial]
    concepts: Mapping[str, ConceptSpec]
    _program: _Program | None = field(repr=False, default=None)
    # What is derived from the plan once and kept with it (engine.table's arrays).
    _memo: dict = field(repr=False, compare=False, default_factory=dict)
    # The compiler's shared closures and keys, so `patch_plan` compiles one trial alone.
    _compiler: _Compiler | None = field(repr=False, compare=False, default=None)

    def __len__(self) -> int:
        return len(self.trials)

    @property
    def distinct_predicates(self) -> int:
        """Distinct leaves across the plan: each is evaluated once per patient."""
        return len(self._program.leaves) if self._program else 0

    @property
    def distinct_groups(self) -> int:
        return len(self._program.groups) if self._program else 0


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _getter(indices: tuple[int, ...]) -> Callable[[list[int]], tuple[int, ...]]:
    if not indices:
        return _no_effects
    if len(indices) == 1:
        (only,) = indices
        return lambda effects: (effects[only],)
    return itemgetter(*indices)


class _Compiler:
    """Compiles every node, sharing what identical leaves and subtrees have in common (the
    closures, thresholds, concept tuples and program slots): only ids and texts differ."""

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
        self.program = _Program()
        # raw leaf key -> its shape
        self._leaves: dict[tuple, _LeafShape] = {}
        self._leaf_fns: dict[int, tuple[Evaluator, tuple[str, ...]]] = {}
        # group slot -> (fn, concepts); group key -> its shape
        self._groups: dict[int, tuple[Evaluator, tuple[str, ...]]] = {}
        self._group_shapes: dict[tuple, _GroupShape] = {}
        self._keys: dict[tuple, tuple] = {}
        self._checks: dict[tuple[bool, Evaluator], tuple[bool, Evaluator]] = {}

    def node(self, spec: Node, top: tuple[Kind, int] | None = None) -> CompiledNode | None:
        """None when the node has nothing a questionnaire can settle. With `top` (kind and
        index), the node is a trial's top-level criterion (a `CompiledCriterion`)."""
        if isinstance(spec, VisitCheck) or spec.confirmed_at_visit:
            return None
        if isinstance(spec, Leaf):
            return self.leaf(spec, top)
        return self.group(spec, top)

    def leaf(self, spec: Leaf, top: tuple[Kind, int] | None = None) -> CompiledNode:
        raw = (spec.concept, spec.operator, tuple(spec.values), spec.unit, tuple(spec.drugs))
        shape = self._leaves.get(raw)
        if shape is None:
            shape = self._leaves[raw] = self._new_leaf(spec, raw)
        if top is None:
            return CompiledLeaf(shape, spec.id, spec.source_text, spec.note)
        return _LeafCriterion(shape, spec.id, spec.source_text, spec.note, *top)

    def _new_leaf(self, spec: Leaf, raw: tuple) -> _LeafShape:
        concept = self.concepts.get(spec.concept)
        errors = check_leaf(spec, concept, self.drug_codes, self.class_codes)
        if errors:
            raise CriterionError(errors, spec.id)
        assert concept is not None
        predicate, thresholds = compile_predicate(spec, concept, self.drug_classes)
        code = spec.concept
        drugs = frozenset().union(*(self.drug_classes.get(d, frozenset({d})) for d in spec.drugs))
        slot = self.program.leaf((code, spec.operator, thresholds, drugs), code, predicate)
        # The same test written in other units shares the closure of the first spelling.
        if slot not in self._leaf_fns:

            def fn(answers: Answers) -> int:
                value = answers.get(code)
                if value is None:
                    return UNKNOWN
                return predicate(value)

            self._leaf_fns[slot] = (fn, (code,))
        fn, concepts = self._leaf_fns[slot]
        return _LeafShape(fn, concepts, concept, thresholds, slot, self.intern(("leaf", *raw)), *raw)

    def intern(self, key: tuple) -> tuple:
        return self._keys.setdefault(key, key)

    def group(self, spec: Group, top: tuple[Kind, int] | None = None) -> CompiledNode | None:
        if not spec.children:
            raise CriterionError({"children": f"an {spec.op.upper()} group needs children"}, spec.id)
        if spec.op == GroupOp.NOT and len(spec.children) != 1:
            raise CriterionError({"children": "a NOT group takes exactly one child"}, spec.id)
        compiled, visit, visit_at = [], [], []
        for position, child in enumerate(spec.children):
            node = self.node(child)
            if node is None:
                visit.append(child)
                visit_at.append(position)
            else:
                compiled.append(node)
        if not compiled:
            return None
        children = tuple(compiled)
        key = (spec.op.value, *(c.key for c in children))
        shape = self._group_shapes.get(key)
        if shape is None:
            slot, new = self.program.group(spec.op, tuple(c.slot for c in children))
            if new:
                fns = tuple(c.fn for c in children)
                concepts = _unique(code for c in children for code in c.concepts)
                self._groups[slot] = (_combinator(spec.op, fns), concepts)
            fn, concepts = self._groups[slot]
            key = self.intern(key)
            shape = self._group_shapes[key] = _GroupShape(spec.op, fn, concepts, slot, key)
        node = CompiledGroup if top is None else _GroupCriterion
        made = node(shape, children, tuple(visit), tuple(visit_at), spec.id, spec.source_text, spec.note)
        if top is not None:
            made.kind, made.index = top  # type: ignore[attr-defined]
        return made

    def trial(self, trial: TrialSpec) -> CompiledTrial:
        program = self.program
        screened, visit = [], []
        for criterion in trial.criteria:
            node = self.node(criterion.node, (criterion.kind, len(screened)))
            if node is None:
                visit.append(criterion)
            else:
                screened.append(node)
        checks = tuple(self.check(c.kind == Kind.EXCLUSION, c.node.fn) for c in screened)
        effects = tuple(program.effect(c.node.slot, c.kind == Kind.EXCLUSION) for c in screened)
        texts = [*visit_texts(c.node for c in visit)]
        for c in screened:
            texts.extend(c.node.nested_visit_texts())
        return CompiledTrial(
            trial.trial_id,
            tuple(screened),
            tuple(visit),
            self.intern(tuple(texts)),
            checks,
            _getter(effects),
            effects,
        )

    def check(self, is_exclusion: bool, fn: Evaluator) -> tuple[bool, Evaluator]:
        pair = (is_exclusion, fn)
        return self._checks.setdefault(pair, pair)


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
    ordered = tuple(compiler.trial(trial) for trial in trials)
    compiler.program.ordered = _in_id_order(ordered)
    by_id = {t.trial_id: t for t in ordered}
    return Plan(ordered, by_id, dict(concepts), compiler.program, _compiler=compiler)


def _in_id_order(trials: tuple[CompiledTrial, ...]) -> bool:
    return all(a.trial_id < b.trial_id for a, b in zip(trials, trials[1:], strict=False))


def patch_plan(plan: Plan, changed: Iterable[TrialSpec], removed: Iterable[str] = ()) -> Plan:
    """A new plan: `plan` with the trials of `changed` compiled again (or added) and those of
    `removed` taken out, every other trial shared as it is. Only the changed trials are
    compiled; their new predicates and groups are numbered after the plan's own, in a copy
    of its program, so requests still evaluating with `plan` are not disturbed. Raises
    CriterionError like `compile_plan` (`plan` is never changed)."""
    compiler = plan._compiler
    if compiler is None or plan._program is None:
        raise ValueError("this plan was not compiled by compile_plan")
    # The compiler's own program is the newest: its caches may name slots an older plan's
    # program lacks (a patch that failed half-way keeps them too), so each patch copies it.
    program = compiler.program = compiler.program.copy()
    fresh = sorted((compiler.trial(spec) for spec in changed), key=_trial_id)
    gone = set(removed) | {t.trial_id for t in fresh}
    kept = (t for t in plan.trials if t.trial_id not in gone)
    ordered = plan._program.ordered
    trials = tuple(heapq.merge(kept, fresh, key=_trial_id)) if ordered else (*kept, *fresh)
    program.ordered = _in_id_order(trials)
    return Plan(trials, {t.trial_id: t for t in trials}, plan.concepts, program, _compiler=compiler)


@dataclass(frozen=True, slots=True)
class TrialOutcome:
    """The verdict for one trial, with each screened criterion's effect on eligibility: MET
    means "does not stand in the way" (an inclusion met, or an exclusion that does not apply)."""

    trial: CompiledTrial
    verdict: Verdict
    effects: tuple[int, ...]
    # The evaluation this outcome came from, when `evaluate` made it: shares the missing
    # concepts of identical criteria between trials.
    _run: _Run | None = field(repr=False, compare=False, default=None)

    @property
    def failed(self) -> list[CompiledCriterion]:
        return [c for c, e in zip(self.trial.screened, self.effects, strict=True) if e == NOT_MET]

    @property
    def undecided(self) -> list[CompiledCriterion]:
        return [c for c, e in zip(self.trial.screened, self.effects, strict=True) if e == UNKNOWN]

    def criterion_missing(self, criterion: CompiledCriterion, answers: Answers) -> tuple[str, ...]:
        """The concepts whose answers could still decide one undecided criterion of this trial
        (shared with identical criteria of other trials when `evaluate` made the outcome)."""
        run = self._run
        if run is not None and run.answers is answers:
            return run.missing(criterion.node.slot)
        return missing_concepts(criterion.node, answers)

    def missing_concepts(self, answers: Answers) -> tuple[str, ...]:
        if self.verdict != Verdict.NEEDS_INFO:
            return ()
        run = self._run
        if run is not None and run.answers is answers:
            return run.trial_missing(self.trial, self.effects)
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


def _evaluate_program(
    program: _Program, trials: Iterable[CompiledTrial], answers: Answers, in_plan_order: bool
) -> list[TrialOutcome]:
    """`evaluate` over the shared program: the trials go into one list per verdict in trial
    id order, so only the needs-info list is sorted (stably, by how many concepts are missing)."""
    run = program.run(answers)
    effects = run.effects
    trial_missing = run.trial_missing
    if not (in_plan_order and program.ordered):
        trials = sorted(trials, key=_trial_id)
    eligible: list[TrialOutcome] = []
    needs_info: list[tuple[int, TrialOutcome]] = []
    ineligible: list[TrialOutcome] = []
    for trial in trials:
        chosen = trial._effects(effects)
        worst = min(chosen) if chosen else MET
        if worst == NOT_MET:
            ineligible.append(TrialOutcome(trial, Verdict.INELIGIBLE, chosen, run))
        elif worst == MET:
            eligible.append(TrialOutcome(trial, Verdict.ELIGIBLE, chosen, run))
        else:
            missing = len(trial_missing(trial, chosen))
            needs_info.append((missing, TrialOutcome(trial, Verdict.NEEDS_INFO, chosen, run)))
    needs_info.sort(key=_first)
    eligible.extend(outcome for _, outcome in needs_info)
    eligible.extend(ineligible)
    return eligible


def _first(pair: tuple) -> object:
    return pair[0]


def _trial_id(trial: CompiledTrial) -> str:
    return trial.trial_id


_ORDER = {Verdict.ELIGIBLE: 0, Verdict.NEEDS_INFO: 1, Verdict.INELIGIBLE: 2}


def evaluate(plan: Plan, answers: Answers, trial_ids: Iterable[str] | None = None) -> list[TrialOutcome]:
    """Every selected trial's outcome, ordered as the API promises: eligible, then
    needs-info with the fewest missing concepts first, then ineligible."""
    trials = plan.trials if trial_ids is None else [plan.by_id[t] for t in trial_ids]
    program = plan._program
    if program is None:
        outcomes = [evaluate_trial(t, answers) for t in trials]
    else:
        return _evaluate_program(program, trials, answers, trial_ids is None)

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


def visit_texts(nodes: Iterable[Node]) -> Iterator[str]:
    """Source texts of every node marked "confirmed at the visit", at any depth."""
    for node in nodes:
        if isinstance(node, VisitCheck) or node.confirmed_at_visit:
            yield node.source_text
        elif isinstance(node, Group):
            yield from visit_texts(node.children)
