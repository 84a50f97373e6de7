"""Which questions still matter, and which one to ask next: pure functions over outcomes.

A trial is *still possible* while it is not ineligible. A question is relevant when its
concept could still decide an undecided criterion of a still-possible trial (Kleene logic is
monotonic: answering more can never undo a decided criterion, so nothing else can change a
still-possible trial's verdict), or when it has already been answered (answers never vanish
from the screen). No Django here, so the rules are tested with plain tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine import TrialOutcome, Verdict

# A question that answers another one: shown whenever that one is shown. The date of birth is
# only ever read as the age it gives.
STANDS_IN_FOR: Mapping[str, str] = {"birth_date": "age"}


def still_possible(outcomes: Iterable[TrialOutcome]) -> list[TrialOutcome]:
    return [o for o in outcomes if o.verdict != Verdict.INELIGIBLE]


def deciding_concepts(outcome: TrialOutcome, values: Mapping[str, object]) -> tuple[str, ...]:
    """The concepts whose answers could still settle this trial (none unless it needs info)."""
    return outcome.missing_concepts(values)


def relevant_concepts(
    outcomes: Iterable[TrialOutcome],
    values: Mapping[str, object],
    answered: Iterable[str],
    stands_in_for: Mapping[str, str] = STANDS_IN_FOR,
) -> set[str]:
    relevant = {code for o in still_possible(outcomes) for code in deciding_concepts(o, values)}
    return relevant_from_counts(dict.fromkeys(relevant, 1), answered, stands_in_for)


def relevant_from_counts(
    counts: Mapping[str, int], answered: Iterable[str], stands_in_for: Mapping[str, str] = STANDS_IN_FOR
) -> set[str]:
    """`relevant_concepts` from how many needs-info trials each concept could help settle
    (`engine.table.Screen.concept_counts`): the same set without a pass over the outcomes."""
    relevant = {code for code, n in counts.items() if n}
    relevant.update(alt for alt, target in stands_in_for.items() if target in relevant)
    return relevant | set(answered)


@dataclass(frozen=True)
class Suggestion:
    """The question worth asking next, and how many trials its answer could settle."""

    concept: str
    decides: int


def next_question(
    outcomes: Iterable[TrialOutcome],
    values: Mapping[str, object],
    answered: Iterable[str],
    order: Sequence[str],
) -> Suggestion | None:
    """The unanswered concept that appears in the most needs-info trials; ties go to the one
    asked first in the questionnaire. Concepts answered "I don't know" are not asked again.
    None when no unanswered concept could change a verdict."""
    counts = Counter(
        code for o in outcomes if o.verdict == Verdict.NEEDS_INFO for code in deciding_concepts(o, values)
    )
    return next_from_counts(counts, answered, order)


def next_from_counts(
    counts: Mapping[str, int], answered: Iterable[str], order: Sequence[str]
) -> Suggestion | None:
    """`next_question` from how many needs-info trials each concept could help settle
    (`engine.table.Screen.concept_counts`), so a page need not walk 10 000 outcomes."""
    skip = set(answered)
    counts = {code: n for code, n in counts.items() if n and code not in skip}
    if not counts:
        return None
    rank = {code: i for i, code in enumerate(order)}
    best = min(counts, key=lambda code: (-counts[code], rank.get(code, len(rank)), code))
    return Suggestion(best, counts[best])


@dataclass(frozen=True)
class Progress:
    answered: int
    possible: int
    total: int


def progress(outcomes: Sequence[TrialOutcome], answered: Iterable[str]) -> Progress:
    return Progress(len(set(answered)), len(still_possible(outcomes)), len(outcomes))
