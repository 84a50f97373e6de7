"""A criteria tree in plain language, for curators checking what they built against the
registry's words: "Inclusion: Age between 18 and 50 years AND (MS course is RRMS AND ...)".

It describes the tree as written, including nodes the compiler would refuse (an empty
group, an unknown concept), so a curator can see the mistake rather than a blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.explain import Vocabulary, number, unit_display
from engine.types import ConceptSpec, ConceptType, Criterion, Group, GroupOp, Kind, Leaf, Node

_COMPARISONS = {"eq": "=", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
_JOINERS = {GroupOp.AND: " AND ", GroupOp.OR: " OR "}


@dataclass(frozen=True)
class TrialDescription:
    inclusion: tuple[str, ...]
    exclusion: tuple[str, ...]

    @property
    def text(self) -> str:
        lines = []
        if self.inclusion:
            lines.append("Inclusion: " + " AND ".join(self.inclusion))
        if self.exclusion:
            lines.append("Exclusion (any one excludes): " + " OR ".join(self.exclusion))
        return "\n".join(lines)


def describe_trial(
    criteria: Iterable[Criterion], concepts: Mapping[str, ConceptSpec], vocabulary: Vocabulary | None = None
) -> TrialDescription:
    vocabulary = vocabulary or Vocabulary()
    inclusion, exclusion = [], []
    for criterion in criteria:
        text = describe_node(criterion.node, concepts, vocabulary, nested=True)
        (inclusion if criterion.kind == Kind.INCLUSION else exclusion).append(text)
    return TrialDescription(tuple(inclusion), tuple(exclusion))


def describe_node(
    node: Node,
    concepts: Mapping[str, ConceptSpec],
    vocabulary: Vocabulary | None = None,
    nested: bool = False,
) -> str:
    """One node and its subtree on one line; `nested` wraps a multi-child group in brackets."""
    vocabulary = vocabulary or Vocabulary()
    if isinstance(node, Leaf):
        text = _leaf(node, concepts.get(node.concept), vocabulary)
    elif isinstance(node, Group):
        text = _group(node, concepts, vocabulary, nested)
    else:
        text = f"[confirmed at the visit: {node.source_text or 'unspecified'}]"
        return text
    if node.confirmed_at_visit:
        text = f"[confirmed at the visit: {text}]"
    return text


def _group(node: Group, concepts: Mapping[str, ConceptSpec], vocabulary: Vocabulary, nested: bool) -> str:
    if not node.children:
        return f"⚠ empty {node.op.upper()} group"
    if node.op == GroupOp.NOT:
        inner = " ; ".join(describe_node(c, concepts, vocabulary, nested=True) for c in node.children)
        if len(node.children) != 1:
            return f"NOT (⚠ {len(node.children)} children: {inner})"
        return f"NOT ({describe_node(node.children[0], concepts, vocabulary)})"
    parts = [describe_node(child, concepts, vocabulary, nested=True) for child in node.children]
    if len(parts) == 1:
        return parts[0]
    text = _JOINERS[node.op].join(parts)
    return f"({text})" if nested else text


def _amount(value: object, unit: str) -> str:
    shown = number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    return f"{shown} {unit_display(unit)}".strip()


def _leaf(leaf: Leaf, concept: ConceptSpec | None, vocabulary: Vocabulary) -> str:
    if concept is None:
        return f"⚠ unknown concept {leaf.concept or '(none)'}"
    label = vocabulary.label(concept.code)
    values = tuple(leaf.values)
    op = leaf.operator
    if concept.type == ConceptType.BOOLEAN:
        return {"is_true": f"{label}: yes", "is_false": f"{label}: no"}.get(
            op, f"{label} ⚠ {op or 'no operator'}"
        )
    if concept.type == ConceptType.CHOICE:
        names = " or ".join(vocabulary.choice(concept.code, str(v)) for v in values)
        if op == "in":
            return f"{label} is {names}"
        if op == "not_in":
            return f"{label} is not {names}"
    if concept.type in (ConceptType.INTEGER, ConceptType.NUMBER, ConceptType.QUANTITY):
        unit = leaf.unit or concept.canonical_unit
        if op == "between" and len(values) == 2:
            return f"{label} between {_amount(values[0], '')} and {_amount(values[1], unit)}"
        if op in _COMPARISONS and len(values) == 1:
            return f"{label} {_COMPARISONS[op]} {_amount(values[0], unit)}"
    if concept.type == ConceptType.SINCE:
        unit = leaf.unit or concept.canonical_unit
        if op in ("ever", "never"):
            return f"{label}: {op}"
        if len(values) == 1:
            amount = _amount(values[0], unit)
            phrases = {
                "within": f"{label}: within the last {amount}",
                "within_strict": f"{label}: less than {amount} ago",
                "not_within": f"{label}: not within the last {amount} (or never)",
            }
            if op in phrases:
                return phrases[op]
    if concept.type == ConceptType.LIST:
        drugs = " or ".join(vocabulary.drug(d) for d in leaf.drugs) or "⚠ no drugs"
        if op == "ever_taken":
            return f"ever taken {drugs}"
        if len(values) == 1:
            amount = _amount(values[0], leaf.unit or ("days" if op == "taken_within" else "months"))
            phrases = {
                "taken_within": f"taken {drugs} within the last {amount}",
                "on_treatment_for_at_least": f"currently on {drugs} for at least {amount}",
                "treated_for_at_least": f"treated with {drugs} for at least {amount}",
            }
            if op in phrases:
                return phrases[op]
    shown = ", ".join(map(str, values))
    return f"{label} ⚠ {op or 'no operator'} {shown}".rstrip()
