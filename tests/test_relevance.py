"""Which questions still matter and which one to ask next (screening.relevance), on a small
hand-written plan so every row of the tables can be checked by reading it."""

import pytest

from engine import (
    ConceptSpec,
    ConceptType,
    Criterion,
    Kind,
    Leaf,
    TrialSpec,
    compile_plan,
    evaluate,
)
from screening.relevance import next_question, progress, relevant_concepts

CONCEPTS = {
    "age": ConceptSpec("age", ConceptType.INTEGER, minimum=0, maximum=120),
    "birth_date": ConceptSpec("birth_date", ConceptType.DATE),
    "diagnosis": ConceptSpec("diagnosis", ConceptType.CHOICE, choices=("ms", "sle")),
    "ms_phenotype": ConceptSpec("ms_phenotype", ConceptType.CHOICE, choices=("RRMS", "PPMS")),
    "edss": ConceptSpec("edss", ConceptType.NUMBER, minimum=0, maximum=10, step=0.5),
    "sle_refractory": ConceptSpec("sle_refractory", ConceptType.BOOLEAN),
    "hiv": ConceptSpec("hiv", ConceptType.BOOLEAN),
}
ORDER = list(CONCEPTS)


def inclusion(concept, operator, *values):
    return Criterion(Kind.INCLUSION, Leaf(concept, operator, tuple(values)))


def exclusion(concept, operator, *values):
    return Criterion(Kind.EXCLUSION, Leaf(concept, operator, tuple(values)))


PLAN = compile_plan(
    [
        TrialSpec(
            "MS-PP",
            (
                inclusion("diagnosis", "in", "ms"),
                inclusion("ms_phenotype", "in", "PPMS"),
                inclusion("edss", "between", 3, 6.5),
                exclusion("hiv", "is_true"),
            ),
        ),
        TrialSpec(
            "MS-RR",
            (
                inclusion("diagnosis", "in", "ms"),
                inclusion("ms_phenotype", "in", "RRMS"),
                exclusion("hiv", "is_true"),
            ),
        ),
        TrialSpec("SLE", (inclusion("diagnosis", "in", "sle"), inclusion("sle_refractory", "is_true"))),
        TrialSpec("ADULTS", (inclusion("age", "gte", 18),)),
    ],
    CONCEPTS,
)


def outcomes(values):
    return evaluate(PLAN, values)


@pytest.mark.parametrize(
    ("values", "answered", "relevant"),
    [
        # Nothing known: every concept of every trial, and birth_date because age is asked.
        ({}, [], {"age", "birth_date", "diagnosis", "ms_phenotype", "edss", "hiv", "sle_refractory"}),
        # Lupus rules out both MS trials: their questions go, the diagnosis stays (answered).
        ({"diagnosis": "sle"}, ["diagnosis"], {"diagnosis", "sle_refractory", "age", "birth_date"}),
        # MS: the lupus question goes.
        (
            {"diagnosis": "ms"},
            ["diagnosis"],
            {"diagnosis", "ms_phenotype", "edss", "hiv", "age", "birth_date"},
        ),
        # RRMS rules out MS-PP, so the EDSS no longer matters.
        (
            {"diagnosis": "ms", "ms_phenotype": "RRMS"},
            ["diagnosis", "ms_phenotype"],
            {"diagnosis", "ms_phenotype", "hiv", "age", "birth_date"},
        ),
        # An answered question stays on screen even when it no longer matters.
        (
            {"diagnosis": "sle", "edss": 4.0},
            ["diagnosis", "edss"],
            {"diagnosis", "edss", "sle_refractory", "age", "birth_date"},
        ),
        # "I don't know" is an answer kept on screen, though its value is unknown.
        (
            {"diagnosis": "sle"},
            ["diagnosis", "hiv"],
            {"diagnosis", "hiv", "sle_refractory", "age", "birth_date"},
        ),
        # Age settled: neither age nor birth_date are needed any more.
        ({"age": 40, "diagnosis": "sle"}, ["age", "diagnosis"], {"age", "diagnosis", "sle_refractory"}),
    ],
)
def test_relevant_concepts(values, answered, relevant):
    assert relevant_concepts(outcomes(values), values, answered) == relevant


@pytest.mark.parametrize(
    ("values", "answered", "expected"),
    [
        # diagnosis and hiv decide 3 and 2 trials; diagnosis wins.
        ({}, [], "diagnosis"),
        # MS: ms_phenotype and hiv each decide both MS trials; ms_phenotype is asked first.
        ({"diagnosis": "ms"}, ["diagnosis"], "ms_phenotype"),
        # The patient does not know the phenotype: do not ask it again.
        ({"diagnosis": "ms"}, ["diagnosis", "ms_phenotype"], "hiv"),
        # Lupus: sle_refractory and age decide one trial each; age comes first in the order.
        ({"diagnosis": "sle"}, ["diagnosis"], "age"),
        # Everything decided: nothing left to ask.
        (
            {"diagnosis": "sle", "sle_refractory": False, "age": 10},
            ["diagnosis", "sle_refractory", "age"],
            None,
        ),
    ],
)
def test_next_question(values, answered, expected):
    suggestion = next_question(outcomes(values), values, answered, ORDER)
    assert (suggestion.concept if suggestion else None) == expected


@pytest.mark.parametrize(
    ("values", "answered", "possible"),
    [
        ({}, [], 4),
        ({"diagnosis": "sle"}, ["diagnosis"], 2),
        ({"diagnosis": "sle", "age": 10}, ["diagnosis", "age"], 1),
    ],
)
def test_progress_counts_answers_and_still_possible_trials(values, answered, possible):
    counted = progress(outcomes(values), answered)
    assert (counted.answered, counted.possible, counted.total) == (len(answered), possible, 4)
