"""The operator whitelist, per concept type, and the predicates they compile to.

A predicate takes one answer already converted to the concept's canonical unit (validation
did that) and returns 0, 1 or 2 (NOT_MET, UNKNOWN, MET). Thresholds are converted once,
when the criterion is compiled, never per patient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine import units
from engine.types import NUMERIC_TYPES, ConceptSpec, ConceptType, Leaf, Medication

NOT_MET, UNKNOWN, MET = 0, 1, 2

# A medication counts as current when its last dose is this recent: every first-line MS
# drug is taken at least weekly, so a month without a dose means the treatment stopped.
CURRENT_TREATMENT_DAYS = 31


@dataclass(frozen=True, slots=True)
class OperatorDef:
    code: str
    arity: int  # how many values the curator gives
    takes_drugs: bool = False
    time_unit: str = ""  # canonical unit of the values for medication operators


NUMERIC_OPERATORS = {
    op.code: op
    for op in (
        OperatorDef("eq", 1),
        OperatorDef("lt", 1),
        OperatorDef("lte", 1),
        OperatorDef("gt", 1),
        OperatorDef("gte", 1),
        OperatorDef("between", 2),  # inclusive at both ends, as registries write "3.0 to 6.5"
    )
}

OPERATORS: dict[ConceptType, dict[str, OperatorDef]] = {
    ConceptType.INTEGER: NUMERIC_OPERATORS,
    ConceptType.NUMBER: NUMERIC_OPERATORS,
    ConceptType.QUANTITY: NUMERIC_OPERATORS,
    ConceptType.BOOLEAN: {"is_true": OperatorDef("is_true", 0), "is_false": OperatorDef("is_false", 0)},
    ConceptType.CHOICE: {"in": OperatorDef("in", -1), "not_in": OperatorDef("not_in", -1)},
    ConceptType.SINCE: {
        op.code: op
        for op in (
            OperatorDef("within", 1),  # happened N or fewer units ago
            OperatorDef("within_strict", 1),  # happened fewer than N units ago
            OperatorDef("not_within", 1),  # more than N units ago, or never
            OperatorDef("ever", 0),
            OperatorDef("never", 0),
        )
    },
    ConceptType.LIST: {
        op.code: op
        for op in (
            OperatorDef("taken_within", 1, takes_drugs=True, time_unit="days"),
            OperatorDef("ever_taken", 0, takes_drugs=True),
            OperatorDef("on_treatment_for_at_least", 1, takes_drugs=True, time_unit="months"),
            OperatorDef("treated_for_at_least", 1, takes_drugs=True, time_unit="months"),
        )
    },
    ConceptType.DATE: {},
}


def operators_for(concept_type: ConceptType | str) -> dict[str, OperatorDef]:
    return OPERATORS.get(ConceptType(concept_type), {})


class CriterionError(ValueError):
    """A criterion that cannot be compiled; `errors` maps the offending field to a message."""

    def __init__(self, errors: dict[str, str], node_id: int | None = None):
        self.errors = errors
        self.node_id = node_id
        where = f"criterion {node_id}: " if node_id is not None else ""
        super().__init__(where + "; ".join(f"{k}: {v}" for k, v in errors.items()))


def _is_number(value: object) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _fmt(value: float) -> str:
    return f"{value:g}"


def threshold_unit(leaf: Leaf, concept: ConceptSpec) -> str:
    """The unit the compiled thresholds are in."""
    op = operators_for(concept.type).get(leaf.operator)
    if op is not None and op.time_unit:
        return op.time_unit
    return concept.canonical_unit


def check_leaf(
    leaf: Leaf,
    concept: ConceptSpec | None,
    drug_codes: frozenset[str] = frozenset(),
    class_codes: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Every reason this leaf makes no sense, keyed by the field to fix. Empty when valid."""
    if concept is None:
        return {"concept": f"unknown concept {leaf.concept!r}"}
    ops = operators_for(concept.type)
    op = ops.get(leaf.operator)
    if op is None:
        allowed = ", ".join(ops) or "none"
        return {
            "operator": f"{leaf.operator!r} does not apply to a {concept.type} concept (allowed: {allowed})"
        }
    errors: dict[str, str] = {}
    values = tuple(leaf.values)
    if op.arity >= 0 and len(values) != op.arity:
        errors["values"] = f"{leaf.operator} takes {op.arity} value(s), got {len(values)}"
        return errors
    if op.arity < 0 and not values:
        errors["values"] = f"{leaf.operator} needs at least one choice"
        return errors

    if concept.type == ConceptType.CHOICE:
        unknown = [v for v in values if v not in concept.choices]
        if unknown:
            errors["values"] = (
                f"unknown choice(s) {', '.join(map(str, unknown))}; "
                f"expected one of {', '.join(concept.choices)}"
            )
        return errors

    if any(not _is_number(v) for v in values):
        errors["values"] = "values must be finite numbers"
        return errors

    target = threshold_unit(leaf, concept)
    if leaf.unit and target:
        try:
            units.factor(leaf.unit, target)
        except units.UnitError:
            errors["unit"] = f"{leaf.unit} cannot be converted to {target}"
            return errors
    elif leaf.unit and not target:
        errors["unit"] = f"{concept.code} takes no unit"
        return errors
    converted = [units.convert(v, leaf.unit, target) if target else float(v) for v in values]

    if concept.type in NUMERIC_TYPES:
        lo, hi = concept.minimum, concept.maximum
        for v in converted:
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                unit = f" {concept.canonical_unit}" if concept.canonical_unit else ""
                errors["values"] = (
                    f"{_fmt(v)}{unit} is outside the range of "
                    f"{concept.code} ({_fmt(lo if lo is not None else -math.inf)}"
                    f"–{_fmt(hi if hi is not None else math.inf)})"
                )
                return errors
            if concept.step and not _on_step(v, concept.minimum or 0.0, concept.step):
                errors["values"] = f"{_fmt(v)} is not a multiple of {_fmt(concept.step)} for {concept.code}"
                return errors
    elif any(v < 0 for v in converted):
        errors["values"] = "durations cannot be negative"
        return errors

    if leaf.operator == "between" and converted[0] > converted[1]:
        errors["values"] = "the lower bound is greater than the upper bound"

    if op.takes_drugs:
        if not leaf.drugs:
            errors["drugs"] = "name at least one drug or drug class"
        else:
            unknown = [d for d in leaf.drugs if d not in drug_codes and d not in class_codes]
            if unknown:
                errors["drugs"] = f"unknown drug or class code(s): {', '.join(unknown)}"
    elif leaf.drugs:
        errors["drugs"] = f"{leaf.operator} takes no drugs"
    return errors


def _on_step(value: float, origin: float, step: float) -> bool:
    ratio = (value - origin) / step
    return abs(ratio - round(ratio)) < 1e-9


def compile_predicate(
    leaf: Leaf, concept: ConceptSpec, drug_classes: Mapping[str, frozenset[str]]
) -> tuple[Callable[[object], int], tuple]:
    """Returns the predicate over one canonical answer, and the thresholds in canonical units."""
    op = leaf.operator
    if concept.type == ConceptType.CHOICE:
        chosen = frozenset(leaf.values)
        if op == "in":
            return (lambda v: MET if v in chosen else NOT_MET), tuple(leaf.values)
        return (lambda v: NOT_MET if v in chosen else MET), tuple(leaf.values)
    if concept.type == ConceptType.BOOLEAN:
        if op == "is_true":
            return (lambda v: MET if v else NOT_MET), ()
        return (lambda v: NOT_MET if v else MET), ()

    target = threshold_unit(leaf, concept)
    t = tuple(units.convert(v, leaf.unit, target) if target else float(v) for v in leaf.values)

    if concept.type == ConceptType.LIST:
        drugs = frozenset().union(*(drug_classes.get(d, frozenset({d})) for d in leaf.drugs))
        return _medication_predicate(op, drugs, t), t

    if concept.type == ConceptType.SINCE:
        n = t[0] if t else None
        predicates = {
            "within": lambda v: MET if v <= n else NOT_MET,
            "within_strict": lambda v: MET if v < n else NOT_MET,
            "not_within": lambda v: MET if v > n else NOT_MET,
            "ever": lambda v: MET if v != math.inf else NOT_MET,
            "never": lambda v: MET if v == math.inf else NOT_MET,
        }
        return predicates[op], t

    a = t[0]
    if op == "between":
        b = t[1]
        return (lambda v: MET if a <= v <= b else NOT_MET), t
    predicates = {
        "eq": lambda v: MET if v == a else NOT_MET,
        "lt": lambda v: MET if v < a else NOT_MET,
        "lte": lambda v: MET if v <= a else NOT_MET,
        "gt": lambda v: MET if v > a else NOT_MET,
        "gte": lambda v: MET if v >= a else NOT_MET,
    }
    return predicates[op], t


def _medication_predicate(op: str, drugs: frozenset[str], t: tuple) -> Callable[[object], int]:
    if op == "ever_taken":

        def ever_taken(meds: tuple[Medication, ...]) -> int:
            return MET if any(m.drug in drugs for m in meds) else NOT_MET

        return ever_taken

    if op == "taken_within":
        days = t[0]

        def taken_within(meds: tuple[Medication, ...]) -> int:
            result = NOT_MET
            for m in meds:
                if m.drug in drugs:
                    if m.days_since_last_dose is None:
                        result = UNKNOWN
                    elif m.days_since_last_dose <= days:
                        return MET
            return result

        return taken_within

    months = t[0]
    if op == "treated_for_at_least":

        def treated_for(meds: tuple[Medication, ...]) -> int:
            result = NOT_MET
            for m in meds:
                if m.drug in drugs:
                    if m.months_on_treatment is None:
                        result = UNKNOWN
                    elif m.months_on_treatment >= months:
                        return MET
            return result

        return treated_for

    def on_treatment(meds: tuple[Medication, ...]) -> int:
        result = NOT_MET
        for m in meds:
            if m.drug not in drugs:
                continue
            current = m.days_since_last_dose
            if current is not None and current > CURRENT_TREATMENT_DAYS:
                continue  # stopped: however long it lasted, it is not the current treatment
            if m.months_on_treatment is not None and m.months_on_treatment < months:
                continue  # too short, whether or not it is current (Kleene: false AND unknown)
            if current is None or m.months_on_treatment is None:
                result = UNKNOWN
            elif m.months_on_treatment >= months:
                return MET
        return result

    return on_treatment
