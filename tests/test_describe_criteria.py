"""The plain-language rendering of criteria trees, table-driven, without a database."""

import pytest

from engine import (
    ConceptSpec,
    ConceptType,
    Criterion,
    Group,
    GroupOp,
    Kind,
    Leaf,
    VisitCheck,
    Vocabulary,
)
from engine.describe import describe_node, describe_trial

CONCEPTS = {
    spec.code: spec
    for spec in (
        ConceptSpec("age", ConceptType.INTEGER, "years", minimum=0, maximum=120, step=1),
        ConceptSpec("edss", ConceptType.NUMBER, minimum=0, maximum=10, step=0.5),
        ConceptSpec("platelets", ConceptType.QUANTITY, "10^9/L", ("10^9/L", "/mm3")),
        ConceptSpec("ms_phenotype", ConceptType.CHOICE, choices=("RRMS", "SPMS", "PPMS")),
        ConceptSpec("pregnant", ConceptType.BOOLEAN),
        ConceptSpec("relapses_12m", ConceptType.INTEGER, minimum=0),
        ConceptSpec("days_since_last_relapse", ConceptType.SINCE, "days"),
        ConceptSpec("medications", ConceptType.LIST),
    )
}
VOCABULARY = Vocabulary(
    labels={
        "age": "Age",
        "edss": "EDSS",
        "ms_phenotype": "MS type",
        "pregnant": "Pregnancy",
        "relapses_12m": "Relapses in 12 months",
        "platelets": "Platelets",
        "days_since_last_relapse": "Last relapse",
    },
    choice_labels={("ms_phenotype", "RRMS"): "RRMS", ("ms_phenotype", "SPMS"): "SPMS"},
    drug_labels={"natalizumab": "natalizumab", "ms_first_line": "first-line MS drugs"},
)

LEAVES = [
    (Leaf("age", "between", (18, 50)), "Age between 18 and 50 years"),
    (Leaf("age", "gte", (18,)), "Age ≥ 18 years"),
    (Leaf("edss", "lte", (6.5,)), "EDSS ≤ 6.5"),
    (Leaf("edss", "lt", (3,)), "EDSS < 3"),
    (Leaf("edss", "gt", (2,)), "EDSS > 2"),
    (Leaf("edss", "eq", (0,)), "EDSS = 0"),
    (Leaf("platelets", "lt", (150000,), unit="/mm3"), "Platelets < 150000 /mm3"),
    (Leaf("platelets", "lt", (150,)), "Platelets < 150 ×10⁹/L"),
    (Leaf("ms_phenotype", "in", ("RRMS", "SPMS")), "MS type is RRMS or SPMS"),
    (Leaf("ms_phenotype", "not_in", ("PPMS",)), "MS type is not PPMS"),
    (Leaf("pregnant", "is_true"), "Pregnancy: yes"),
    (Leaf("pregnant", "is_false"), "Pregnancy: no"),
    (
        Leaf("days_since_last_relapse", "within", (2,), unit="months"),
        "Last relapse: within the last 2 months",
    ),
    (Leaf("days_since_last_relapse", "within_strict", (30,)), "Last relapse: less than 30 days ago"),
    (
        Leaf("days_since_last_relapse", "not_within", (60,)),
        "Last relapse: not within the last 60 days (or never)",
    ),
    (Leaf("days_since_last_relapse", "never"), "Last relapse: never"),
    (
        Leaf("medications", "taken_within", (3,), unit="months", drugs=("natalizumab",)),
        "taken natalizumab within the last 3 months",
    ),
    (
        Leaf("medications", "ever_taken", drugs=("natalizumab", "ms_first_line")),
        "ever taken natalizumab or first-line MS drugs",
    ),
    (
        Leaf("medications", "on_treatment_for_at_least", (6,), unit="months", drugs=("ms_first_line",)),
        "currently on first-line MS drugs for at least 6 months",
    ),
    (
        Leaf("medications", "treated_for_at_least", (12,), drugs=("natalizumab",)),
        "treated with natalizumab for at least 12 months",
    ),
    (Leaf("pregnant", "is_true", confirmed_at_visit=True), "[confirmed at the visit: Pregnancy: yes]"),
    (VisitCheck(source_text="Signed consent"), "[confirmed at the visit: Signed consent]"),
    # What the compiler would refuse is still shown, flagged, so the curator sees the mistake.
    (Leaf("nonexistent", "gte", (1,)), "⚠ unknown concept nonexistent"),
    (Leaf("age", "in", ("x",)), "Age ⚠ in x"),
    (Leaf("medications", "ever_taken"), "ever taken ⚠ no drugs"),
    (Group(GroupOp.AND, ()), "⚠ empty AND group"),
]


@pytest.mark.parametrize(("node", "expected"), LEAVES, ids=[row[1] for row in LEAVES])
def test_each_node_reads_as_plain_language(node, expected):
    assert describe_node(node, CONCEPTS, VOCABULARY) == expected


RRMS_ACTIVE = Group(
    GroupOp.AND,
    (Leaf("ms_phenotype", "in", ("RRMS",)), Leaf("relapses_12m", "gte", (1,))),
)

GROUPS = [
    (RRMS_ACTIVE, False, "MS type is RRMS AND Relapses in 12 months ≥ 1"),
    (RRMS_ACTIVE, True, "(MS type is RRMS AND Relapses in 12 months ≥ 1)"),
    (
        Group(GroupOp.OR, (RRMS_ACTIVE, Leaf("edss", "gt", (4,)))),
        False,
        "(MS type is RRMS AND Relapses in 12 months ≥ 1) OR EDSS > 4",
    ),
    (Group(GroupOp.NOT, (RRMS_ACTIVE,)), False, "NOT (MS type is RRMS AND Relapses in 12 months ≥ 1)"),
    (
        Group(GroupOp.NOT, (Leaf("pregnant", "is_true"), Leaf("edss", "gt", (4,)))),
        False,
        "NOT (⚠ 2 children: Pregnancy: yes ; EDSS > 4)",
    ),
    (Group(GroupOp.OR, (Leaf("pregnant", "is_true"),)), True, "Pregnancy: yes"),
]


@pytest.mark.parametrize(("node", "nested", "expected"), GROUPS, ids=[row[2] for row in GROUPS])
def test_groups_join_their_children_with_brackets_when_nested(node, nested, expected):
    assert describe_node(node, CONCEPTS, VOCABULARY, nested=nested) == expected


def test_a_trial_reads_inclusions_joined_by_and_exclusions_by_or():
    description = describe_trial(
        [
            Criterion(Kind.INCLUSION, Leaf("age", "between", (18, 50))),
            Criterion(Kind.INCLUSION, RRMS_ACTIVE),
            Criterion(Kind.EXCLUSION, Leaf("pregnant", "is_true")),
            Criterion(Kind.EXCLUSION, Leaf("edss", "gt", (6,))),
        ],
        CONCEPTS,
        VOCABULARY,
    )
    assert description.text == (
        "Inclusion: Age between 18 and 50 years AND (MS type is RRMS AND Relapses in 12 months ≥ 1)\n"
        "Exclusion (any one excludes): Pregnancy: yes OR EDSS > 6"
    )
