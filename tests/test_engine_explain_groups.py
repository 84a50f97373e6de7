"""Explanations of AND / OR / NOT groups name every leaf that makes a criterion fail, not only
the first one found (engine.explain.Explainer.node). Pure: compiled with compile_plan, no
database. Values are canonical (x10^9/L for cell counts) with the display the Validator
gives, as the API and the pages pass them."""

from __future__ import annotations

import pytest

from engine.explain import Explainer, Vocabulary
from engine.plan import compile_plan, detail
from engine.types import ConceptSpec, ConceptType, Criterion, Group, GroupOp, Kind, Leaf, TrialSpec

CELLS = ("10^9/L", "G/L", "/mm3")
CONCEPTS = {
    "wbc": ConceptSpec("wbc", ConceptType.QUANTITY, "10^9/L", CELLS, minimum=0, maximum=500),
    "lymphocytes": ConceptSpec("lymphocytes", ConceptType.QUANTITY, "10^9/L", CELLS, minimum=0, maximum=500),
    "platelets": ConceptSpec("platelets", ConceptType.QUANTITY, "10^9/L", CELLS, minimum=0, maximum=5000),
    "edss": ConceptSpec("edss", ConceptType.NUMBER, minimum=0, maximum=10, step=0.5),
    "age": ConceptSpec("age", ConceptType.INTEGER, "years", minimum=0, maximum=120, step=1),
    "pregnant": ConceptSpec("pregnant", ConceptType.BOOLEAN),
}
VOCABULARY = Vocabulary(
    labels={
        "wbc": "White blood cells",
        "lymphocytes": "Lymphocytes",
        "platelets": "Platelets",
        "edss": "EDSS",
        "age": "Age",
        "pregnant": "Pregnant",
    }
)
# MS-IL2's exclusion, as the registry words it: any one low count excludes.
LOW_COUNTS = Group(
    GroupOp.OR,
    (
        Leaf("wbc", "lt", (3000,), "/mm3"),
        Leaf("lymphocytes", "lt", (1000,), "/mm3"),
        Leaf("platelets", "lt", (150000,), "/mm3"),
    ),
)
WBC_LOW = {"wbc": 2.8}
WBC_AND_PLATELETS_LOW = {"wbc": 2.8, "lymphocytes": 1.5, "platelets": 140.0}
DISPLAY = {"wbc": "2800 /mm3", "platelets": "140 G/L", "lymphocytes": "1500 /mm3"}
WBC_TEXT = "White blood cells 2800 /mm3 is below 3 ×10⁹/L"
PLATELETS_TEXT = "Platelets 140 G/L is below 150 ×10⁹/L"
# An inclusion met through either of two routes.
EDSS_OR_AGE = Group(GroupOp.OR, (Leaf("edss", "gte", (3.0,)), Leaf("age", "gte", (50,))))
BOTH_REQUIRED = Group(GroupOp.AND, (Leaf("edss", "gte", (3.0,)), Leaf("age", "gte", (18,))))
EXCLUDED_UNLESS = Group(
    GroupOp.NOT, (Group(GroupOp.OR, (Leaf("edss", "lt", (2.0,)), Leaf("age", "lt", (18,)))),)
)


def explain(node, kind: Kind, answers: dict) -> str:
    plan = compile_plan([TrialSpec("T", (Criterion(kind, node),))], CONCEPTS, {}, ())
    compiled = plan.trials[0].screened[0].node
    explainer = Explainer(VOCABULARY, display={k: v for k, v in DISPLAY.items() if k in answers})
    return explainer.node(detail(compiled, answers), answers, positive=kind == Kind.INCLUSION)


@pytest.mark.parametrize(
    ("node", "kind", "answers", "named", "not_named"),
    [
        pytest.param(
            LOW_COUNTS, Kind.EXCLUSION, WBC_AND_PLATELETS_LOW, [WBC_TEXT, PLATELETS_TEXT], ["Lymphocytes"],
            id="an exclusion that applies through two low counts names both, not the normal one",
        ),
        pytest.param(
            LOW_COUNTS, Kind.EXCLUSION, {**WBC_AND_PLATELETS_LOW, "lymphocytes": 0.5},
            [WBC_TEXT, "Lymphocytes 1500 /mm3 is below 1 ×10⁹/L", PLATELETS_TEXT], [],
            id="three low counts are three reasons",
        ),
        pytest.param(
            LOW_COUNTS, Kind.EXCLUSION, WBC_LOW, [WBC_TEXT], ["Platelets", "Lymphocytes"],
            id="one low count with the others unknown still excludes, and names only it",
        ),
        pytest.param(
            BOTH_REQUIRED, Kind.INCLUSION, {"edss": 2.0, "age": 16},
            ["EDSS 2.0 is below 3.0", "Age 16 is below 18"], [],
            id="an inclusion failing on both of its required tests names both",
        ),
        pytest.param(
            BOTH_REQUIRED, Kind.INCLUSION, {"edss": 2.0, "age": 40}, ["EDSS 2.0 is below 3.0"], ["Age"],
            id="an inclusion failing on one test names only that one",
        ),
        pytest.param(
            EDSS_OR_AGE, Kind.INCLUSION, {"edss": 2.0, "age": 30},
            ["none of these applies", "EDSS 2.0 is below 3.0", "Age 30 is below 50"], [],
            id="an inclusion with no alternative met names every alternative",
        ),
        pytest.param(
            Group(GroupOp.OR, (Leaf("edss", "gte", (6.0,)), Leaf("age", "gte", (60,)))), Kind.EXCLUSION,
            {"edss": 7.0, "age": 70}, ["EDSS 7.0 is above 6.0", "Age 70 is above 60"], [],
            id="an exclusion met by both of its alternatives names both",
        ),
        pytest.param(
            EXCLUDED_UNLESS, Kind.INCLUSION, {"edss": 1.0, "age": 16}, ["EDSS 1.0 is below 2.0", "Age 16 is below 18"],
            [], id="under a NOT, every alternative that applies is a failing leaf",
        ),
    ],
)  # fmt: skip
def test_every_failing_leaf_is_in_the_explanation(node, kind, answers, named, not_named):
    text = explain(node, kind, answers)
    for words in named:
        assert words in text
    for words in not_named:
        assert words not in text


def test_a_met_alternative_of_a_satisfied_inclusion_is_enough_to_say_why():
    assert explain(EDSS_OR_AGE, Kind.INCLUSION, {"edss": 4.0, "age": 60}) == "EDSS 4.0 is above 3.0"


def test_two_failing_leaves_read_in_the_registry_order_separated_by_semicolons():
    assert explain(LOW_COUNTS, Kind.EXCLUSION, WBC_AND_PLATELETS_LOW) == f"{WBC_TEXT}; {PLATELETS_TEXT}"
