"""How good the drafts are, measured against hand-checked labels.

A label says, for one item of a registry text, what a careful curator would structure: its
criteria (concept, operator, values, unit, drugs; groups "any"/"all"/"not") or "text" when
nothing in the vocabulary expresses it. A drafted item is *right* when its criteria are the
label's, compared in meaning rather than spelling: thresholds in any accepted unit
(100,000 /mm3 = 100 × 10⁹/L), "> 2" as "≥ 3" on an integer, "AST, ALT ≤ 2.5" as two
criteria, and order ignored. A drafted criterion is *inverted* when the label has the same
concept with the opposite sense (required true vs false, a lower vs an upper bound, within
vs not within), or when the label lists it under `avoid`.

Label files (tests/fixtures/registry/real/*.expected.json):
    {"record": "NCT….json", "disease": "ms" | "lupus" (absent for the others),
     "items": [{"kind": "inclusion", "text": "<first words>",
      "expect": [<criterion>…] | "text", "avoid": [<criterion>…], "note": "…"}]}
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine import units
from engine.operators import threshold_unit
from engine.types import ConceptType, Leaf
from trials.registry.drafting.model import (
    ALL,
    ANY,
    EXCLUSION,
    INCLUSION,
    NOT,
    DraftCriterion,
    DraftGroup,
    DraftItem,
    DraftVocabulary,
)

LOWER_BOUNDS, UPPER_BOUNDS = {"gt", "gte"}, {"lt", "lte"}
_OPPOSITES = {
    ("is_true", "is_false"),
    ("within", "not_within"),
    ("within_strict", "not_within"),
    ("in", "not_in"),
    ("ever", "never"),
    ("ever_taken", "never"),
}


def criterion_from_dict(data: dict) -> DraftCriterion | DraftGroup:
    if "group" in data:
        return DraftGroup(data["group"], tuple(criterion_from_dict(c) for c in data["criteria"]))
    return DraftCriterion(
        tuple(data["concepts"]),
        data["operator"],
        tuple(data.get("values", ())),
        data.get("unit", ""),
        tuple(data.get("drugs", ())),
        data.get("rule", ""),
    )


# ----------------------------------------------------------------------------- canonical form


def _canonical_leaf(leaf: DraftCriterion, concept: str, vocabulary: DraftVocabulary) -> tuple:
    spec = vocabulary.concepts.get(concept)
    operator, values = leaf.operator, tuple(leaf.values)
    unit = leaf.unit
    if spec is not None and values and all(isinstance(v, int | float) for v in values):
        target = threshold_unit(Leaf(concept=concept, operator=operator, unit=unit), spec)
        if target and unit:
            try:
                values = tuple(units.tidy(units.convert(v, unit, target)) for v in values)
                unit = target
            except units.UnitError:
                pass
        values = tuple(round(float(v), 4) for v in values)
        if spec.type == ConceptType.INTEGER and operator in ("gt", "lt"):
            operator, values = ("gte", (values[0] + 1,)) if operator == "gt" else ("lte", (values[0] - 1,))
        if (
            spec.type in (ConceptType.INTEGER, ConceptType.NUMBER, ConceptType.QUANTITY)
            and operator == "between"
        ):
            values = tuple(sorted(values))
    elif operator in ("in", "not_in"):
        values = tuple(sorted(map(str, values)))
    return ("leaf", concept, operator, values, unit if not values else "", tuple(sorted(leaf.drugs)))


def canonical(criteria, combine: str, vocabulary: DraftVocabulary) -> tuple:
    """A hashable form of criteria combined by `combine`, equal for equal meanings."""
    keys: list = []
    for criterion in criteria:
        keys += _canonical_one(criterion, combine, vocabulary)
    keys = sorted(set(keys), key=repr)
    if len(keys) == 1:
        return keys[0]
    return ("group", combine, tuple(keys))


def _canonical_one(criterion, combine: str, vocabulary: DraftVocabulary) -> list:
    if isinstance(criterion, DraftGroup):
        if criterion.combine == NOT:
            return [("group", NOT, (canonical(criterion.criteria, ANY, vocabulary),))]
        inner = canonical(criterion.criteria, criterion.combine, vocabulary)
        if inner[0] == "group" and inner[1] == combine:
            return list(inner[2])  # an "all" inside an "all" is the same "all"
        return [inner]
    leaves = [_canonical_leaf(criterion, concept, vocabulary) for concept in criterion.concepts]
    if combine == ALL:
        # "between 40 and 80" is "≥ 40" and "≤ 80" when both must hold.
        split = []
        for leaf in leaves:
            kind, concept, operator, values, unit, drugs = leaf
            if operator == "between" and len(values) == 2:
                split += [
                    (kind, concept, "gte", (values[0],), unit, drugs),
                    (kind, concept, "lte", (values[1],), unit, drugs),
                ]
            else:
                split.append(leaf)
        leaves = split
    if len(leaves) > 1 and combine not in (ALL, ANY):
        return [("group", ALL, tuple(sorted(leaves, key=repr)))]
    return leaves


def _leaves(criteria, negated: bool = False):
    for criterion in criteria:
        if isinstance(criterion, DraftGroup):
            yield from _leaves(criterion.criteria, negated ^ (criterion.combine == NOT))
        else:
            for concept in criterion.concepts:
                yield concept, criterion, negated


def _sense(operator: str, negated: bool) -> str:
    for a, b in _OPPOSITES:
        if operator in (a, b):
            positive = operator == a
            return f"{a}:{positive != negated}"
    if operator in LOWER_BOUNDS:
        return f"bound:{'lower' if not negated else 'upper'}"
    if operator in UPPER_BOUNDS:
        return f"bound:{'upper' if not negated else 'lower'}"
    return f"{operator}:{not negated}"


def inverted_leaves(drafted, expected, avoid, vocabulary: DraftVocabulary) -> list[DraftCriterion]:
    """Drafted criteria that mean the opposite of the label's."""
    found = []
    expected_senses = {}
    for concept, leaf, negated in _leaves(expected):
        expected_senses.setdefault(concept, set()).add(_sense(leaf.operator, negated))
    avoided = {(concept, _sense(leaf.operator, negated)) for concept, leaf, negated in _leaves(avoid)}
    for concept, leaf, negated in _leaves(drafted):
        sense = _sense(leaf.operator, negated)
        if (concept, sense) in avoided:
            found.append(leaf)
            continue
        senses = expected_senses.get(concept)
        if not senses or sense in senses:
            continue
        family = sense.split(":")[0]
        if any(s.split(":")[0] == family for s in senses):
            found.append(leaf)
    return found


# ----------------------------------------------------------------------------- a corpus


@dataclass
class Label:
    kind: str
    text: str
    expect: list | None  # None: stays text
    avoid: list = field(default_factory=list)
    combine: str = ""
    note: str = ""

    @property
    def structurable(self) -> bool:
        return bool(self.expect)


@dataclass
class ItemResult:
    record: str
    label: Label
    item: DraftItem | None
    right: bool
    inverted: list[DraftCriterion]

    @property
    def drafted(self) -> bool:
        return bool(self.item and self.item.criteria)


@dataclass
class Scores:
    results: list[ItemResult]
    unaligned: list[tuple[str, str]]

    @property
    def structurable(self) -> int:
        return sum(1 for r in self.results if r.label.structurable)

    @property
    def drafted(self) -> int:
        return sum(1 for r in self.results if r.drafted)

    @property
    def drafted_right(self) -> int:
        return sum(1 for r in self.results if r.drafted and r.right)

    @property
    def recall(self) -> float:
        return self.drafted_right / self.structurable if self.structurable else 1.0

    @property
    def precision(self) -> float:
        return self.drafted_right / self.drafted if self.drafted else 1.0

    @property
    def inverted(self) -> int:
        return sum(len(r.inverted) for r in self.results)

    def wrong(self) -> list[ItemResult]:
        return [r for r in self.results if r.drafted and not r.right]

    def missed(self) -> list[ItemResult]:
        return [r for r in self.results if r.label.structurable and not (r.drafted and r.right)]

    def rules(self) -> dict[str, Counter]:
        """Per drafting rule: criteria in items drafted right, and in items drafted wrong."""
        counts: dict[str, Counter] = {}
        for r in self.results:
            if not r.drafted:
                continue
            for _, leaf, _ in _leaves(r.item.criteria):
                counts.setdefault(leaf.rule or "?", Counter())["right" if r.right else "wrong"] += 1
        return counts


def load_labels(path: Path) -> tuple[str, list[Label]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    labels = []
    for entry in data["items"]:
        expect = entry["expect"]
        labels.append(
            Label(
                kind=entry["kind"],
                text=entry["text"],
                expect=None if expect == "text" else [criterion_from_dict(c) for c in expect],
                avoid=[criterion_from_dict(c) for c in entry.get("avoid", [])],
                combine=entry.get("combine", ""),
                note=entry.get("note", ""),
            )
        )
    return data["record"], labels


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def score_items(
    record: str, items: list[DraftItem], labels: list[Label], vocabulary: DraftVocabulary
) -> Scores:
    """Aligns the drafted items with their labels (by kind and first words) and scores each."""
    remaining = list(items)
    results, unaligned = [], []
    for label in labels:
        match = next(
            (
                i
                for i in remaining
                if i.kind == label.kind and _key(i.source_text).startswith(_key(label.text))
            ),
            None,
        )
        if match is not None:
            remaining.remove(match)
        results.append(_score(record, label, match, vocabulary))
    unaligned += [(record, i.source_text) for i in remaining if "(registry" not in i.source_text]
    return Scores(results, unaligned)


def _score(record: str, label: Label, item: DraftItem | None, vocabulary: DraftVocabulary) -> ItemResult:
    if item is None:
        return ItemResult(record, label, None, False, [])
    drafted = list(item.criteria)
    expected = label.expect or []
    default = ALL if label.kind == INCLUSION else ANY
    inverted = inverted_leaves(drafted, expected, label.avoid, vocabulary)
    if not drafted:
        return ItemResult(record, label, item, not expected, inverted)
    if not expected:
        return ItemResult(record, label, item, False, inverted)
    right = canonical(drafted, item.combine or default, vocabulary) == canonical(
        expected, label.combine or default, vocabulary
    )
    return ItemResult(record, label, item, right, inverted)


def merge(scores: list[Scores]) -> Scores:
    return Scores([r for s in scores for r in s.results], [u for s in scores for u in s.unaligned])


def record_disease(labels_path: Path) -> str:
    """The disease a label file says its record is about ("ms", "lupus"), or "" for the others."""
    return json.loads(labels_path.read_text(encoding="utf-8")).get("disease", "")


def score_corpus(
    folder: Path, draft, vocabulary: DraftVocabulary, diseases: frozenset[str] | None = None
) -> Scores:
    """Scores every labelled record of `folder` (each `<id>.expected.json` beside its record),
    or only those about one of `diseases`; `draft(path)` returns the record's drafted items."""
    scores = []
    for labels_path in sorted(folder.glob("*.expected.json")):
        if diseases is not None and record_disease(labels_path) not in diseases:
            continue
        record, labels = load_labels(labels_path)
        scores.append(score_items(record, draft(folder / record), labels, vocabulary))
    return merge(scores)


__all__ = [
    "EXCLUSION",
    "INCLUSION",
    "Label",
    "Scores",
    "canonical",
    "load_labels",
    "merge",
    "record_disease",
    "score_corpus",
    "score_items",
]
