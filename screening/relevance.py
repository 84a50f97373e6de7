"""Which questions still matter, and which one to ask next: pure functions over outcomes.

A trial is *still possible* while it is not ineligible. A question is relevant when its
concept could still decide an undecided criterion of a still-possible trial (Kleene logic is
monotonic: answering more can never undo a decided criterion, so nothing else can change a
still-possible trial's verdict), or when it has already been answered (answers never vanish
from the screen). No Django here, so the rules are tested with plain tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine import TrialOutcome, Verdict
from engine.validation import IMPLIED_BY_MALE_SEX

# A question that answers another one: shown whenever that one is shown. The date of birth is
# only ever read as the age it gives.
STANDS_IN_FOR: Mapping[str, str] = {"birth_date": "age"}

# The questions that can still settle a concept once it was answered "I don't know": the date
# of birth gives the age, and a man is not pregnant, breastfeeding or of childbearing potential
# (engine.validation.implied). Without them an interview that asked "are you pregnant?" first
# could end undecided for a man who would be eligible.
SETTLED_BY: Mapping[str, tuple[str, ...]] = {
    **{target: (alt,) for alt, target in STANDS_IN_FOR.items()},
    **{code: ("sex",) for code in IMPLIED_BY_MALE_SEX},
}


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
    answered = set(answered)
    relevant = {code for o in still_possible(outcomes) for code in deciding_concepts(o, values)}
    relevant.update(alt for alt, target in stands_in_for.items() if target in relevant)
    # Whatever the interview may still propose is on the long form too.
    relevant.update(alt for code in relevant & answered for alt in SETTLED_BY.get(code, ()))
    return relevant | answered


@dataclass(frozen=True)
class Suggestion:
    """The question worth asking next, and how many trials its answer could settle."""

    concept: str
    decides: int


def askable(code: str, asked: set[str]) -> str | None:
    """The question that can still settle `code`: itself until it is asked, then the first
    unasked question of SETTLED_BY (None when every way to settle it was asked)."""
    if code not in asked:
        return code
    return next((alt for alt in SETTLED_BY.get(code, ()) if alt not in asked), None)


def question_counts(
    outcomes: Iterable[TrialOutcome], values: Mapping[str, object], answered: Iterable[str]
) -> dict[str, int]:
    """For every question that could still change a verdict, how many needs-info trials it
    could settle (each trial counted once per question). Empty exactly when no unasked
    question can change any verdict: eligible and ineligible verdicts are final (Kleene logic
    is monotonic), and a needs-info trial changes only through its missing concepts."""
    asked = set(answered)
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.verdict != Verdict.NEEDS_INFO:
            continue
        questions = {askable(code, asked) for code in deciding_concepts(o, values)}
        questions.discard(None)
        for question in questions:
            counts[question] = counts.get(question, 0) + 1
    return counts


def next_question(
    outcomes: Iterable[TrialOutcome],
    values: Mapping[str, object],
    answered: Iterable[str],
    order: Sequence[str],
) -> Suggestion | None:
    """The question that could settle the most needs-info trials; ties go to the one asked
    first in the questionnaire. Never a question already answered, even "I don't know"; a
    concept answered "I don't know" is asked again through the question that settles it
    (date of birth for the age, sex for pregnancy). None exactly when no unasked question could
    change a verdict.

    Measured against alternatives (benchmarks/bench_interview.py, docs/architecture.md): a
    one-step lookahead over hypothetical answers asked more questions than this rule on the
    seed trials' patients, because the questionnaire order already puts the shared gates
    (age, sex, diagnosis) first and hypothetical exclusions rarely apply."""
    counts = question_counts(outcomes, values, answered)
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
