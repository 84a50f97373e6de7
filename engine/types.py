"""The engine's vocabulary: statuses, concept types and the criterion trees it compiles.

Nothing here knows about Django: the trials app turns its models into these plain
frozen dataclasses, and tests and benchmarks can build them directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Status(IntEnum):
    """Kleene's three values, ordered so that AND is min, OR is max and NOT is 2 - x."""

    NOT_MET = 0
    UNKNOWN = 1
    MET = 2

    @property
    def code(self) -> str:
        return self.name.lower()


class ConceptType(StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    QUANTITY = "quantity"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    SINCE = "since"
    DATE = "date"
    LIST = "list"


NUMERIC_TYPES = frozenset({ConceptType.INTEGER, ConceptType.NUMBER, ConceptType.QUANTITY})

# "never" happened is infinitely long ago: it satisfies every "not within N" and fails
# every "within N" without a special case in the operators.
NEVER = math.inf


class Kind(StrEnum):
    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


class GroupOp(StrEnum):
    AND = "and"
    OR = "or"
    NOT = "not"


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_INFO = "needs_info"
    INELIGIBLE = "ineligible"


@dataclass(frozen=True, slots=True)
class ConceptSpec:
    code: str
    type: ConceptType
    canonical_unit: str = ""
    accepted_units: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None


@dataclass(frozen=True, slots=True)
class Medication:
    drug: str
    days_since_last_dose: float | None = None
    months_on_treatment: float | None = None


@dataclass(frozen=True, slots=True)
class Leaf:
    """A test on one concept. `values` are in `unit` (the concept's canonical unit when empty)."""

    concept: str
    operator: str
    values: tuple = ()
    unit: str = ""
    drugs: tuple[str, ...] = ()
    id: int | None = None
    source_text: str = ""
    note: str = ""
    confirmed_at_visit: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    op: GroupOp
    children: tuple[Node, ...]
    id: int | None = None
    source_text: str = ""
    note: str = ""
    confirmed_at_visit: bool = False


@dataclass(frozen=True, slots=True)
class VisitCheck:
    """A criterion no questionnaire can settle (signed consent, compliance): shown, never asked."""

    id: int | None = None
    source_text: str = ""
    note: str = ""
    confirmed_at_visit: bool = True


Node = Leaf | Group | VisitCheck


@dataclass(frozen=True, slots=True)
class Criterion:
    """A top-level criterion of a trial: an inclusion that must be met, or an exclusion that
    must not apply."""

    kind: Kind
    node: Node


@dataclass(frozen=True, slots=True)
class TrialSpec:
    trial_id: str
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)
