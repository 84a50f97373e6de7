"""A criteria tree in plain language, for curators checking what they built against the
registry's words: "Inclusion: Age between 18 and 50 years AND (MS course is RRMS AND ...)".

It describes the tree as written, including nodes the compiler would refuse (an empty
group, an unknown concept), so a curator can see the mistake rather than a blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.explain import Translate, Vocabulary, duration, identity, number, unit_display
from engine.types import ConceptSpec, ConceptType, Criterion, Group, GroupOp, Kind, Leaf, Node

_COMPARISONS = {"eq": "=", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


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
    criteria: Iterable[Criterion],
    concepts: Mapping[str, ConceptSpec],
    vocabulary: Vocabulary | None = None,
    _: Translate = identity,
    decimal: str = ".",
) -> TrialDescription:
    inclusion, exclusion = [], []
    for criterion in criteria:
        text = describe_node(criterion.node, concepts, vocabulary, nested=True, _=_, decimal=decimal)
        (inclusion if criterion.kind == Kind.INCLUSION else exclusion).append(text)
    return TrialDescription(tuple(inclusion), tuple(exclusion))


def describe_node(
    node: Node,
    concepts: Mapping[str, ConceptSpec],
    vocabulary: Vocabulary | None = None,
    nested: bool = False,
    _: Translate = identity,
    decimal: str = ".",
) -> str:
    """One node and its subtree on one line; `nested` wraps a multi-child group in brackets.
    `_` translates (gettext for the active language; English by default) and `decimal` is
    that language's decimal separator."""
    return _Describer(concepts, vocabulary or Vocabulary(), _, decimal).node(node, nested)


@dataclass(frozen=True)
class _Describer:
    concepts: Mapping[str, ConceptSpec]
    vocabulary: Vocabulary
    _: Translate
    decimal: str

    def node(self, node: Node, nested: bool = False) -> str:
        _ = self._
        if isinstance(node, Leaf):
            text = self.leaf(node, self.concepts.get(node.concept))
        elif isinstance(node, Group):
            text = self.group(node, nested)
        else:
            return _("[confirmed at the visit: %(text)s]") % {"text": node.source_text or _("unspecified")}
        if node.confirmed_at_visit:
            text = _("[confirmed at the visit: %(text)s]") % {"text": text}
        return text

    def group(self, node: Group, nested: bool) -> str:
        _ = self._
        names = {GroupOp.AND: _("AND"), GroupOp.OR: _("OR"), GroupOp.NOT: _("NOT")}
        if not node.children:
            return _("⚠ empty %(op)s group") % {"op": names[node.op]}
        if node.op == GroupOp.NOT:
            if len(node.children) != 1:
                inner = " ; ".join(self.node(c, nested=True) for c in node.children)
                return _("NOT (⚠ %(n)s children: %(inner)s)") % {"n": len(node.children), "inner": inner}
            return _("NOT (%(inner)s)") % {"inner": self.node(node.children[0])}
        parts = [self.node(child, nested=True) for child in node.children]
        if len(parts) == 1:
            return parts[0]
        text = f" {names[node.op]} ".join(parts)
        return f"({text})" if nested else text

    def amount(self, value: object, unit: str) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = number(value).replace(".", self.decimal)
        else:
            shown = str(value)
        return f"{shown} {unit_display(unit)}".strip()

    def duration(self, value: object, unit: str) -> str:
        """A threshold duration in words ("6 months"); other units as written."""
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and unit in ("days", "months", "years")
        ):
            return duration(float(value), unit, self._).replace(".", self.decimal)
        return self.amount(value, unit)

    def leaf(self, leaf: Leaf, concept: ConceptSpec | None) -> str:
        _ = self._
        if concept is None:
            return _("⚠ unknown concept %(code)s") % {"code": leaf.concept or _("(none)")}
        label = self.vocabulary.label(concept.code)
        values = tuple(leaf.values)
        op = leaf.operator
        params = {"label": label, "op": op or _("no operator")}
        if concept.type == ConceptType.BOOLEAN:
            phrases = {"is_true": _("%(label)s: yes"), "is_false": _("%(label)s: no")}
            return phrases.get(op, _("%(label)s ⚠ %(op)s")) % params
        if concept.type == ConceptType.CHOICE:
            params["names"] = _(" or ").join(self.vocabulary.choice(concept.code, str(v)) for v in values)
            if op == "in":
                return _("%(label)s is %(names)s") % params
            if op == "not_in":
                return _("%(label)s is not %(names)s") % params
        if concept.type in (ConceptType.INTEGER, ConceptType.NUMBER, ConceptType.QUANTITY):
            unit = leaf.unit or concept.canonical_unit
            if op == "between" and len(values) == 2:
                params.update(low=self.amount(values[0], ""), high=self.amount(values[1], unit))
                return _("%(label)s between %(low)s and %(high)s") % params
            if op in _COMPARISONS and len(values) == 1:
                return f"{label} {_COMPARISONS[op]} {self.amount(values[0], unit)}"
        if concept.type == ConceptType.SINCE:
            unit = leaf.unit or concept.canonical_unit
            if op == "ever":
                return _("%(label)s: ever") % params
            if op == "never":
                return _("%(label)s: never") % params
            if len(values) == 1:
                params["amount"] = self.duration(values[0], unit)
                phrases = {
                    "within": _("%(label)s: within the last %(amount)s"),
                    "within_strict": _("%(label)s: less than %(amount)s ago"),
                    "not_within": _("%(label)s: not within the last %(amount)s (or never)"),
                }
                if op in phrases:
                    return phrases[op] % params
        if concept.type == ConceptType.LIST:
            params["drugs"] = _(" or ").join(self.vocabulary.drug(d) for d in leaf.drugs) or _("⚠ no drugs")
            if op == "ever_taken":
                return _("ever taken %(drugs)s") % params
            if len(values) == 1:
                params["amount"] = self.duration(
                    values[0], leaf.unit or ("days" if op == "taken_within" else "months")
                )
                phrases = {
                    "taken_within": _("taken %(drugs)s within the last %(amount)s"),
                    "on_treatment_for_at_least": _("currently on %(drugs)s for at least %(amount)s"),
                    "treated_for_at_least": _("treated with %(drugs)s for at least %(amount)s"),
                }
                if op in phrases:
                    return phrases[op] % params
        params["values"] = ", ".join(map(str, values))
        return (_("%(label)s ⚠ %(op)s %(values)s") % params).rstrip()
