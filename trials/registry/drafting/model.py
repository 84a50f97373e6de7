"""What drafting produces, and the vocabulary it drafts against.

The JSON forms (`as_dict`, `Draft.as_list`) are what import runs store in
`EligibilityTextVersion.drafts` and what `manage.py draft_criteria --json` prints; their keys
are documented in docs/architecture.md ("Registry import").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from engine.operators import check_leaf
from engine.types import ConceptSpec, ConceptType, Leaf
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS

INCLUSION, EXCLUSION = "inclusion", "exclusion"
ALL, ANY, NOT = "all", "any", "not"


@dataclass(frozen=True)
class DraftCriterion:
    """One proposed test. Several concepts share the operator and values ("AST, ALT > 2 x
    normal"): each concept is its own test, combined like the item's criteria. `rule` names
    the drafting rule that proposed it (family.rule), for the curator and for the metrics."""

    concepts: tuple[str, ...]
    operator: str
    values: tuple = ()
    unit: str = ""
    drugs: tuple[str, ...] = ()
    rule: str = field(default="", compare=False)

    def as_dict(self) -> dict:
        data = {
            "concepts": list(self.concepts),
            "operator": self.operator,
            "values": list(self.values),
            "unit": self.unit,
        }
        if self.drugs:  # a washout or treatment criterion means nothing without its drugs
            data["drugs"] = list(self.drugs)
        data["rule"] = self.rule
        return data


@dataclass(frozen=True)
class DraftGroup:
    """Criteria combined inside an item: "any" (one of them), "all" (every one) or "not" (its
    single criterion does not hold)."""

    combine: str
    criteria: tuple[DraftCriterion | DraftGroup, ...]

    def as_dict(self) -> dict:
        return {"group": self.combine, "criteria": [c.as_dict() for c in self.criteria]}

    @property
    def rule(self) -> str:
        return "structure.group"


@dataclass
class DraftItem:
    """One item of the eligibility text. Its criteria are combined by `combine`: "all" (every
    one holds) or "any" (one of them holds); an inclusion item is met when its combination
    holds, an exclusion item excludes when it holds. `unused` lists the parts of the item's
    text that no rule used (each also has a warning): they are left to the curator, or to the
    study team at the visit."""

    kind: str
    source_text: str
    criteria: list[DraftCriterion | DraftGroup] = field(default_factory=list)
    confirmed_at_visit: bool = False
    warnings: list[str] = field(default_factory=list)
    # Set when the item belongs to a section that is not what its heading says; such items are
    # kept for the curator to read but never saved as criteria.
    misfiled: bool = False
    combine: str = ""
    unused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.combine:
            self.combine = ALL if self.kind == INCLUSION else ANY

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "source_text": self.source_text,
            "combine": self.combine,
            "criteria": [c.as_dict() for c in self.criteria],
            "confirmed_at_visit": self.confirmed_at_visit,
            "warnings": list(self.warnings),
            "unused": list(self.unused),
        }

    @property
    def structured(self) -> bool:
        return bool(self.criteria)

    def leaves(self) -> list[DraftCriterion]:
        """Every criterion of the item, groups flattened."""
        return list(_leaves(self.criteria))


def _leaves(criteria):
    for criterion in criteria:
        if isinstance(criterion, DraftGroup):
            yield from _leaves(criterion.criteria)
        else:
            yield criterion


@dataclass
class Draft:
    items: list[DraftItem]
    warnings: list[str] = field(default_factory=list)

    def as_list(self) -> list[dict]:
        return [item.as_dict() for item in self.items]


@dataclass(frozen=True)
class DraftVocabulary:
    concepts: Mapping[str, ConceptSpec]
    drugs: frozenset[str]
    classes: Mapping[str, frozenset[str]]

    def check(self, concept: str, criterion: DraftCriterion) -> dict[str, str]:
        leaf = Leaf(
            concept=concept,
            operator=criterion.operator,
            values=criterion.values,
            unit=criterion.unit,
            drugs=criterion.drugs,
        )
        return check_leaf(leaf, self.concepts.get(concept), self.drugs, frozenset(self.classes))


@cache
def seed_vocabulary() -> DraftVocabulary:
    """The curated vocabulary of shared/spec/concepts.md, without a database."""
    return DraftVocabulary(
        concepts={
            c["code"]: ConceptSpec(
                code=c["code"],
                type=ConceptType(c["type"]),
                canonical_unit=c["canonical_unit"],
                accepted_units=tuple(c["accepted_units"]),
                choices=tuple(choice["code"] for choice in c["choices"]),
                minimum=c["minimum"],
                maximum=c["maximum"],
                step=c["step"],
            )
            for c in CONCEPTS
        },
        drugs=frozenset(d["code"] for d in DRUGS),
        classes={c["code"]: frozenset(c["drugs"]) for c in DRUG_CLASSES},
    )
