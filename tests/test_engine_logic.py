"""Three-valued (Kleene) logic, verdicts, ordering and criterion compilation errors.

Pure tests of engine.plan: trees are built from Leaf / Group / VisitCheck, compiled
with compile_plan and evaluated with evaluate_trial / evaluate / detail. No database.
"""

from __future__ import annotations

import itertools

import pytest

from engine.operators import CriterionError
from engine.plan import compile_plan, detail, evaluate, evaluate_trial, missing_concepts
from engine.types import (
    ConceptSpec,
    ConceptType,
    Criterion,
    Group,
    GroupOp,
    Kind,
    Leaf,
    Medication,
    Status,
    TrialSpec,
    Verdict,
    VisitCheck,
)

N, U, M = Status.NOT_MET, Status.UNKNOWN, Status.MET
STATUSES = (N, U, M)

# Boolean concepts a..f: True answers MET, False NOT_MET, no answer UNKNOWN.
BOOLEANS = ("a", "b", "c", "d", "e", "f")
CELL_COUNT_UNITS = ("10^9/L", "G/L", "/mm3", "/uL", "/µL", "cells/uL", "10^3/uL")
CONCEPTS = {
    **{code: ConceptSpec(code, ConceptType.BOOLEAN) for code in BOOLEANS},
    "edss": ConceptSpec("edss", ConceptType.NUMBER, minimum=0, maximum=10, step=0.5),
    "age": ConceptSpec("age", ConceptType.INTEGER, "years", minimum=0, maximum=120, step=1),
    "platelets": ConceptSpec(
        "platelets", ConceptType.QUANTITY, "10^9/L", CELL_COUNT_UNITS, minimum=0, maximum=5000
    ),
    "sex": ConceptSpec("sex", ConceptType.CHOICE, choices=("female", "male")),
    "pregnant": ConceptSpec("pregnant", ConceptType.BOOLEAN),
    "days_since_last_relapse": ConceptSpec("days_since_last_relapse", ConceptType.SINCE, "days", minimum=0),
    "birth_date": ConceptSpec("birth_date", ConceptType.DATE),
    "medications": ConceptSpec("medications", ConceptType.LIST),
}
DRUG_CODES = ("natalizumab", "fingolimod", "interferon_beta", "rituximab", "ocrelizumab")
DRUG_CLASSES = {"b_cell_depleting": frozenset({"rituximab", "ocrelizumab"})}


def leaf(code: str, id: int | None = None, **kwargs) -> Leaf:
    return Leaf(code, "is_true", id=id, **kwargs)


def answer(code: str, status: Status) -> dict:
    """The answers that give boolean concept `code` this status under `is_true`."""
    if status == U:
        return {}
    return {code: status == M}


def answers_for(**statuses: Status) -> dict:
    result: dict = {}
    for code, status in statuses.items():
        result.update(answer(code, status))
    return result


def compile_one(node, kind: Kind = Kind.INCLUSION, concepts=CONCEPTS):
    plan = compile_plan([TrialSpec("T", (Criterion(kind, node),))], concepts, DRUG_CLASSES, DRUG_CODES)
    return plan.trials[0]


def status_of(node, answers) -> Status:
    trial = compile_one(node)
    return detail(trial.screened[0].node, answers).status


def trial(trial_id: str, *criteria: tuple[Kind, object]) -> TrialSpec:
    return TrialSpec(trial_id, tuple(Criterion(kind, node) for kind, node in criteria))


def name(status: Status) -> str:
    return status.name.lower().replace("_", " ")


# --- Kleene truth tables, written out literally (not as min/max) ----------------------------

AND_TABLE = {
    (N, N): N,
    (N, U): N,
    (N, M): N,
    (U, N): N,
    (U, U): U,
    (U, M): U,
    (M, N): N,
    (M, U): U,
    (M, M): M,
}
OR_TABLE = {
    (N, N): N,
    (N, U): U,
    (N, M): M,
    (U, N): U,
    (U, U): U,
    (U, M): M,
    (M, N): M,
    (M, U): M,
    (M, M): M,
}
NOT_TABLE = {N: M, U: U, M: N}


def truth_table(op: GroupOp, table: dict) -> list:
    return [
        pytest.param(
            left, right, expected, id=f"{name(left)} {op.value.upper()} {name(right)} is {name(expected)}"
        )
        for (left, right), expected in table.items()
    ]


@pytest.mark.parametrize(("left", "right", "expected"), truth_table(GroupOp.AND, AND_TABLE))
def test_and_follows_kleene_logic(left, right, expected):
    node = Group(GroupOp.AND, (leaf("a"), leaf("b")))
    assert status_of(node, answers_for(a=left, b=right)) == expected


@pytest.mark.parametrize(("left", "right", "expected"), truth_table(GroupOp.OR, OR_TABLE))
def test_or_follows_kleene_logic(left, right, expected):
    node = Group(GroupOp.OR, (leaf("a"), leaf("b")))
    assert status_of(node, answers_for(a=left, b=right)) == expected


@pytest.mark.parametrize(
    ("child", "expected"),
    [pytest.param(c, e, id=f"NOT {name(c)} is {name(e)}") for c, e in NOT_TABLE.items()],
)
def test_not_follows_kleene_logic(child, expected):
    node = Group(GroupOp.NOT, (leaf("a"),))
    assert status_of(node, answer("a", child)) == expected


@pytest.mark.parametrize(
    ("op", "statuses", "expected"),
    [
        pytest.param(GroupOp.AND, (M, M, M), M, id="AND of three met is met"),
        pytest.param(GroupOp.AND, (M, U, M), U, id="AND with one unknown is unknown"),
        pytest.param(GroupOp.AND, (U, U, N), N, id="AND with a not met last is not met"),
        pytest.param(GroupOp.AND, (N, U, U), N, id="AND with a not met first is not met"),
        pytest.param(GroupOp.OR, (N, N, N), N, id="OR of three not met is not met"),
        pytest.param(GroupOp.OR, (N, U, N), U, id="OR with one unknown is unknown"),
        pytest.param(GroupOp.OR, (U, U, M), M, id="OR with a met last is met"),
        pytest.param(GroupOp.OR, (M, N, U), M, id="OR with a met first is met"),
    ],
)
def test_groups_of_three_children_follow_kleene_logic(op, statuses, expected):
    node = Group(op, (leaf("a"), leaf("b"), leaf("c")))
    assert status_of(node, answers_for(a=statuses[0], b=statuses[1], c=statuses[2])) == expected


@pytest.mark.parametrize(
    ("a", "b", "c"),
    [pytest.param(*combo, id=" ".join(map(name, combo))) for combo in itertools.product(STATUSES, repeat=3)],
)
def test_nested_groups_combine_their_children_by_the_truth_tables(a, b, c):
    answers = answers_for(a=a, b=b, c=c)
    # a AND (b OR NOT c)
    nested = Group(GroupOp.AND, (leaf("a"), Group(GroupOp.OR, (leaf("b"), Group(GroupOp.NOT, (leaf("c"),))))))
    expected = AND_TABLE[(a, OR_TABLE[(b, NOT_TABLE[c])])]
    assert status_of(nested, answers) == expected
    # De Morgan holds in Kleene logic: NOT (a AND b) == (NOT a) OR (NOT b)
    left = Group(GroupOp.NOT, (Group(GroupOp.AND, (leaf("a"), leaf("b"))),))
    right = Group(GroupOp.OR, (Group(GroupOp.NOT, (leaf("a"),)), Group(GroupOp.NOT, (leaf("b"),))))
    assert status_of(left, answers) == status_of(right, answers) == NOT_TABLE[AND_TABLE[(a, b)]]


def test_detail_reports_the_status_of_every_node_in_the_tree():
    node = Group(GroupOp.OR, (leaf("a"), Group(GroupOp.AND, (leaf("b"), leaf("c")))))
    compiled = compile_one(node).screened[0].node
    result = detail(compiled, {"a": False, "b": True})
    assert result.status == U
    assert [child.status for child in result.children] == [N, U]
    assert [grandchild.status for grandchild in result.children[1].children] == [M, U]


def test_a_double_negation_gives_back_the_original_status():
    node = Group(GroupOp.NOT, (Group(GroupOp.NOT, (leaf("a"),)),))
    assert [status_of(node, answer("a", s)) for s in STATUSES] == [N, U, M]


# --- Verdicts ------------------------------------------------------------------------------

VERDICT_TABLE = {
    # (inclusion status, exclusion status): verdict
    (M, N): Verdict.ELIGIBLE,
    (M, U): Verdict.NEEDS_INFO,
    (M, M): Verdict.INELIGIBLE,
    (U, N): Verdict.NEEDS_INFO,
    (U, U): Verdict.NEEDS_INFO,
    (U, M): Verdict.INELIGIBLE,
    (N, N): Verdict.INELIGIBLE,
    (N, U): Verdict.INELIGIBLE,
    (N, M): Verdict.INELIGIBLE,
}


@pytest.mark.parametrize(
    ("inclusion", "exclusion", "expected"),
    [
        pytest.param(i, e, v, id=f"inclusion {name(i)}, exclusion {name(e)}: {v.value}")
        for (i, e), v in VERDICT_TABLE.items()
    ],
)
def test_the_verdict_follows_from_inclusions_and_exclusions(inclusion, exclusion, expected):
    spec = trial("T", (Kind.INCLUSION, leaf("a", id=1)), (Kind.EXCLUSION, leaf("b", id=2)))
    compiled = compile_plan([spec], CONCEPTS).trials[0]
    outcome = evaluate_trial(compiled, answers_for(a=inclusion, b=exclusion))
    assert outcome.verdict == expected
    # Only an inclusion NOT_MET or an exclusion MET ever fails.
    expected_failed = [1] * (inclusion == N) + [2] * (exclusion == M)
    assert [c.id for c in outcome.failed] == expected_failed
    expected_undecided = [1] * (inclusion == U) + [2] * (exclusion == U)
    assert [c.id for c in outcome.undecided] == expected_undecided


@pytest.mark.parametrize("kind", [Kind.INCLUSION, Kind.EXCLUSION])
def test_an_unknown_answer_never_makes_a_patient_ineligible_on_its_own(kind):
    compiled = compile_plan([trial("T", (kind, leaf("a", id=1)))], CONCEPTS).trials[0]
    outcome = evaluate_trial(compiled, {})
    assert outcome.verdict == Verdict.NEEDS_INFO
    assert outcome.failed == []
    assert [c.id for c in outcome.undecided] == [1]
    assert outcome.effects == (U,)


@pytest.mark.parametrize(
    "node",
    [
        pytest.param(leaf("a"), id="a leaf"),
        pytest.param(Group(GroupOp.NOT, (leaf("a"),)), id="a negated leaf"),
        pytest.param(Group(GroupOp.AND, (leaf("a"), leaf("b"))), id="an AND"),
        pytest.param(Group(GroupOp.OR, (leaf("a"), leaf("b"))), id="an OR"),
        pytest.param(Group(GroupOp.NOT, (Group(GroupOp.OR, (leaf("a"), leaf("b"))),)), id="a negated OR"),
    ],
)
def test_unknown_answers_never_make_a_criterion_met(node):
    assert status_of(node, {}) == U


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            {"a": True, "b": False, "c": True}, Verdict.ELIGIBLE, id="everything decided favourably"
        ),
        pytest.param({"a": True, "b": False}, Verdict.NEEDS_INFO, id="one inclusion undecided"),
        pytest.param({"a": True, "b": True, "c": True}, Verdict.INELIGIBLE, id="an exclusion applies"),
    ],
)
def test_a_patient_is_eligible_once_every_criterion_is_decided_favourably(answers, expected):
    spec = trial(
        "T",
        (Kind.INCLUSION, leaf("a")),
        (Kind.EXCLUSION, leaf("b")),
        (Kind.INCLUSION, Group(GroupOp.OR, (leaf("c"), leaf("d")))),
    )
    outcome = evaluate_trial(compile_plan([spec], CONCEPTS).trials[0], answers)
    assert outcome.verdict == expected


def test_a_trial_without_screenable_criteria_is_eligible():
    outcome = evaluate_trial(compile_plan([trial("T")], CONCEPTS).trials[0], {})
    assert outcome.verdict == Verdict.ELIGIBLE
    assert outcome.effects == ()


def test_failed_lists_every_failing_criterion_not_only_the_first():
    spec = trial(
        "T",
        (Kind.INCLUSION, leaf("a", id=1)),  # not met: fails
        (Kind.EXCLUSION, leaf("b", id=2)),  # applies: fails
        (Kind.INCLUSION, leaf("c", id=3)),  # met
        (Kind.EXCLUSION, leaf("d", id=4)),  # unknown
        (Kind.INCLUSION, Group(GroupOp.AND, (leaf("e"), leaf("f")), id=5)),  # not met: fails
    )
    outcome = evaluate_trial(
        compile_plan([spec], CONCEPTS).trials[0], {"a": False, "b": True, "c": True, "e": True, "f": False}
    )
    assert outcome.verdict == Verdict.INELIGIBLE
    assert [c.id for c in outcome.failed] == [1, 2, 5]
    assert [c.kind for c in outcome.failed] == [Kind.INCLUSION, Kind.EXCLUSION, Kind.INCLUSION]
    assert [c.id for c in outcome.undecided] == [4]
    assert outcome.effects == (N, N, M, U, N)
    assert outcome.missing_concepts({"a": False}) == ()  # ineligible: nothing left to ask


# --- Criteria confirmed at the visit -------------------------------------------------------


def test_top_level_visit_checks_are_listed_but_never_screened():
    consent = VisitCheck(id=7, source_text="Signed informed consent")
    compliance = VisitCheck(id=8, source_text="Poor compliance")
    spec = trial(
        "T", (Kind.INCLUSION, consent), (Kind.EXCLUSION, compliance), (Kind.INCLUSION, leaf("a", id=1))
    )
    compiled = compile_plan([spec], CONCEPTS).trials[0]
    assert [c.node.id for c in compiled.visit] == [7, 8]
    assert [c.id for c in compiled.screened] == [1]
    assert compiled.concepts == ("a",)
    assert evaluate_trial(compiled, {"a": True}).verdict == Verdict.ELIGIBLE
    assert evaluate_trial(compiled, {"a": False}).verdict == Verdict.INELIGIBLE


@pytest.mark.parametrize("kind", [Kind.INCLUSION, Kind.EXCLUSION])
def test_a_trial_of_visit_checks_only_is_eligible_whatever_the_answers(kind):
    spec = trial("T", (kind, VisitCheck(id=1)), (kind, Leaf("a", "is_true", id=2, confirmed_at_visit=True)))
    compiled = compile_plan([spec], CONCEPTS).trials[0]
    assert compiled.screened == ()
    assert len(compiled.visit) == 2
    for answers in ({}, {"a": True}, {"a": False}):
        assert evaluate_trial(compiled, answers).verdict == Verdict.ELIGIBLE


def test_a_leaf_confirmed_at_the_visit_is_never_compiled_so_it_cannot_raise():
    bogus = Leaf("no_such_concept", "no_such_operator", confirmed_at_visit=True)
    compiled = compile_plan([trial("T", (Kind.INCLUSION, bogus))], CONCEPTS).trials[0]
    assert compiled.screened == ()
    assert compiled.visit[0].node is bogus


VISIT_NODES = [
    pytest.param(VisitCheck(source_text="checked at the visit"), id="a VisitCheck"),
    pytest.param(Leaf("b", "is_true", confirmed_at_visit=True), id="a leaf confirmed at the visit"),
    pytest.param(
        Group(GroupOp.OR, (leaf("b"), leaf("c")), confirmed_at_visit=True),
        id="a group confirmed at the visit",
    ),
    pytest.param(Group(GroupOp.AND, (VisitCheck(), VisitCheck())), id="a group of visit checks only"),
]


@pytest.mark.parametrize("visit", VISIT_NODES)
@pytest.mark.parametrize("op", [GroupOp.AND, GroupOp.OR])
@pytest.mark.parametrize("status", STATUSES, ids=name)
@pytest.mark.parametrize("kind", [Kind.INCLUSION, Kind.EXCLUSION])
def test_visit_checks_nested_in_a_group_never_decide_the_verdict(visit, op, status, kind):
    with_visit = Group(op, (leaf("a"), visit))
    without_visit = Group(op, (leaf("a"),))
    # b and c are answered so that, were they evaluated, they would change the group: true
    # would settle an OR, false would sink an AND.
    settles = op == GroupOp.OR
    answers = {**answer("a", status), "b": settles, "c": settles}
    compiled_with = compile_plan([trial("T", (kind, with_visit))], CONCEPTS).trials[0]
    compiled_without = compile_plan([trial("T", (kind, without_visit))], CONCEPTS).trials[0]
    assert detail(compiled_with.screened[0].node, answers).status == status
    assert evaluate_trial(compiled_with, answers).verdict == evaluate_trial(compiled_without, answers).verdict
    assert compiled_with.screened[0].node.visit_children == (visit,)
    assert compiled_with.concepts == ("a",)


def test_visit_checks_deep_inside_groups_are_neither_evaluated_nor_asked():
    node = Group(
        GroupOp.AND,
        (
            leaf("a"),
            Group(GroupOp.OR, (VisitCheck(), Leaf("b", "is_true", confirmed_at_visit=True))),
            Group(GroupOp.NOT, (VisitCheck(),)),
        ),
    )
    compiled = compile_plan([trial("T", (Kind.INCLUSION, node))], CONCEPTS).trials[0]
    root = compiled.screened[0].node
    assert len(root.children) == 1
    assert len(root.visit_children) == 2
    assert compiled.concepts == ("a",)
    assert [status_of(node, answer("a", s)) for s in STATUSES] == [N, U, M]
    outcome = evaluate_trial(compiled, {"b": False})
    assert outcome.verdict == Verdict.NEEDS_INFO
    assert outcome.missing_concepts({"b": False}) == ("a",)


def test_a_compiled_tree_gives_back_its_spec_as_written_with_visit_checks_in_place():
    """Compiled nodes keep only their ids and texts (what identical nodes share is kept once):
    the spec explanations and the admin read is rebuilt from them, exactly as the curator
    wrote it, however many trials repeat the same test."""
    written = Group(
        GroupOp.OR,
        (
            VisitCheck(id=2, source_text="signed consent"),
            Leaf("platelets", "lt", (100000,), "/mm3", id=3, source_text="platelets", note="why"),
            Group(GroupOp.NOT, (leaf("a", id=5),), id=4, source_text="not a"),
            Leaf("b", "is_true", id=6, confirmed_at_visit=True),
            Leaf("medications", "ever_taken", drugs=("natalizumab",), id=7),
        ),
        id=1,
        source_text="either",
        note="a note",
    )
    twin = Group(GroupOp.OR, (leaf("a", id=11), leaf("c", id=12)), id=10)
    compiled = compile_plan(
        [trial("T1", (Kind.INCLUSION, written), (Kind.EXCLUSION, twin)), trial("T2", (Kind.EXCLUSION, twin))],
        CONCEPTS,
        drug_codes=DRUG_CODES,
    )
    root = compiled.trials[0].screened[0].node
    assert root.spec == written
    assert (root.id, root.source_text, root.note) == (1, "either", "a note")
    assert [child.spec for child in root.children] == [
        written.children[1],
        written.children[2],
        written.children[4],
    ]
    assert root.visit_children == (written.children[0], written.children[3])
    assert compiled.trials[0].screened[1].node.spec == twin == compiled.trials[1].screened[0].node.spec
    assert compiled.trials[0].screened[1].source_text == ""


# --- Ordering of evaluate() ----------------------------------------------------------------


def ordering_plan():
    unknown_three = Group(GroupOp.AND, (leaf("b"), leaf("c"), leaf("d")))
    return compile_plan(
        [
            trial("ineligible", (Kind.INCLUSION, leaf("a"))),
            trial("needs-three", (Kind.INCLUSION, unknown_three)),
            trial("eligible", (Kind.EXCLUSION, leaf("a"))),
            trial("needs-one", (Kind.INCLUSION, leaf("b"))),
            trial("needs-two", (Kind.INCLUSION, leaf("b")), (Kind.EXCLUSION, leaf("c"))),
            trial("also-eligible", (Kind.INCLUSION, Group(GroupOp.NOT, (leaf("a"),)))),
        ],
        CONCEPTS,
    )


def test_evaluate_orders_eligible_then_needs_info_by_fewest_missing_concepts_then_ineligible():
    outcomes = evaluate(ordering_plan(), {"a": False})
    assert [o.trial.trial_id for o in outcomes] == [
        "also-eligible",
        "eligible",
        "needs-one",
        "needs-two",
        "needs-three",
        "ineligible",
    ]
    assert [o.verdict for o in outcomes] == [Verdict.ELIGIBLE] * 2 + [Verdict.NEEDS_INFO] * 3 + [
        Verdict.INELIGIBLE
    ]
    assert [len(o.missing_concepts({"a": False})) for o in outcomes] == [0, 0, 1, 2, 3, 0]


def test_evaluate_reorders_as_answers_arrive():
    # Answering b and c: needs-three now misses only d; needs-two fails on c.
    answers = {"a": False, "b": True, "c": True}
    outcomes = evaluate(ordering_plan(), answers)
    assert [(o.trial.trial_id, o.verdict) for o in outcomes] == [
        ("also-eligible", Verdict.ELIGIBLE),
        ("eligible", Verdict.ELIGIBLE),
        ("needs-one", Verdict.ELIGIBLE),
        ("needs-three", Verdict.NEEDS_INFO),
        ("ineligible", Verdict.INELIGIBLE),
        ("needs-two", Verdict.INELIGIBLE),
    ]


def test_evaluate_can_be_restricted_to_some_trials():
    outcomes = evaluate(ordering_plan(), {"a": False}, ["ineligible", "needs-one"])
    assert [o.trial.trial_id for o in outcomes] == ["needs-one", "ineligible"]


# --- missing_concepts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "answers", "expected"),
    [
        pytest.param(
            Group(GroupOp.OR, (leaf("a"), leaf("b"), leaf("c"))),
            {"a": False},
            ("b", "c"),
            id="undecided OR omits its not met child",
        ),
        pytest.param(
            Group(GroupOp.AND, (leaf("a"), leaf("b"), leaf("c"))),
            {"a": True},
            ("b", "c"),
            id="undecided AND omits its met child",
        ),
        pytest.param(
            Group(GroupOp.OR, (leaf("a"), leaf("b"))), {"a": True}, (), id="OR decided by a met child"
        ),
        pytest.param(
            Group(GroupOp.AND, (leaf("a"), leaf("b"))), {"a": False}, (), id="AND decided by a not met child"
        ),
        pytest.param(Group(GroupOp.NOT, (leaf("a"),)), {}, ("a",), id="undecided NOT"),
        pytest.param(
            Group(
                GroupOp.AND,
                (
                    Group(GroupOp.OR, (leaf("a"), leaf("b"))),
                    leaf("c"),
                    Group(GroupOp.NOT, (leaf("d"),)),
                ),
            ),
            {"a": False, "c": True},
            ("b", "d"),
            id="nested groups list only the concepts still able to decide",
        ),
        pytest.param(
            Group(GroupOp.AND, (leaf("b"), Group(GroupOp.OR, (leaf("b"), leaf("c"))))),
            {},
            ("b", "c"),
            id="each concept listed once",
        ),
        pytest.param(
            Group(GroupOp.OR, (Group(GroupOp.AND, (leaf("a"), leaf("b"))), leaf("c"))),
            {"a": False},
            ("c",),
            id="an OR branch already failed is not asked about",
        ),
    ],
)
def test_missing_concepts_of_an_undecided_group_lists_only_concepts_that_could_still_decide_it(
    node, answers, expected
):
    compiled = compile_one(node).screened[0].node
    assert missing_concepts(compiled, answers) == expected


def test_missing_concepts_of_a_trial_cover_every_undecided_criterion_and_nothing_else():
    spec = trial(
        "T",
        (Kind.INCLUSION, Group(GroupOp.OR, (leaf("a"), leaf("b")))),
        (Kind.EXCLUSION, leaf("c")),
        (Kind.INCLUSION, leaf("d")),
    )
    compiled = compile_plan([spec], CONCEPTS).trials[0]
    answers = {"a": False, "d": True}
    outcome = evaluate_trial(compiled, answers)
    assert outcome.verdict == Verdict.NEEDS_INFO
    assert outcome.missing_concepts(answers) == ("b", "c")
    decided = {"a": True, "c": False, "d": True}
    assert evaluate_trial(compiled, decided).missing_concepts(decided) == ()


# --- Compilation errors --------------------------------------------------------------------

INVALID = [
    # (node, field, words the message must contain)
    pytest.param(
        Leaf("edss", "is_true"),
        "operator",
        "allowed: eq, lt, lte, gt, gte, between",
        id="boolean op on a number",
    ),
    pytest.param(
        Leaf("pregnant", "gt", (1,)), "operator", "allowed: is_true, is_false", id="comparison on a boolean"
    ),
    pytest.param(
        Leaf("sex", "between", ("female", "male")),
        "operator",
        "allowed: in, not_in",
        id="between on a choice",
    ),
    pytest.param(Leaf("days_since_last_relapse", "gt", (30,)), "operator", "within", id="gt on a since"),
    pytest.param(
        Leaf("medications", "in", ("natalizumab",)), "operator", "taken_within", id="in on medications"
    ),
    pytest.param(
        Leaf("birth_date", "eq", ("2000-01-01",)), "operator", "allowed: none", id="any op on a date"
    ),
    pytest.param(
        Leaf("edss", "between", (3.0,)),
        "values",
        "between takes 2 value(s), got 1",
        id="between with one value",
    ),
    pytest.param(Leaf("edss", "gt", ()), "values", "gt takes 1 value(s), got 0", id="gt with no value"),
    pytest.param(
        Leaf("edss", "gt", (3.0, 4.0)), "values", "gt takes 1 value(s), got 2", id="gt with two values"
    ),
    pytest.param(
        Leaf("pregnant", "is_true", (True,)),
        "values",
        "is_true takes 0 value(s), got 1",
        id="is_true with a value",
    ),
    pytest.param(Leaf("days_since_last_relapse", "ever", (30,)), "values", "takes 0", id="ever with a value"),
    pytest.param(Leaf("sex", "in", ()), "values", "at least one choice", id="in with no choice"),
    pytest.param(
        Leaf("edss", "gt", (11,)), "values", "11 is outside the range of edss (0–10)", id="above the range"
    ),
    pytest.param(Leaf("edss", "gte", (-0.5,)), "values", "outside the range", id="below the range"),
    pytest.param(Leaf("age", "gte", (121,)), "values", "outside the range of age", id="age above 120"),
    pytest.param(
        Leaf("platelets", "lt", (6_000_000,), "/mm3"),
        "values",
        "6000 10^9/L is outside",
        id="range checked after conversion",
    ),
    pytest.param(
        Leaf("edss", "eq", (3.2,)), "values", "3.2 is not a multiple of 0.5", id="EDSS 3.2 is off the step"
    ),
    pytest.param(Leaf("age", "gte", (17.5,)), "values", "not a multiple of 1", id="half a year of age"),
    pytest.param(Leaf("edss", "gt", ("3",)), "values", "finite numbers", id="value written as text"),
    pytest.param(Leaf("edss", "gt", (True,)), "values", "finite numbers", id="value written as a boolean"),
    pytest.param(Leaf("edss", "gt", (float("nan"),)), "values", "finite numbers", id="NaN value"),
    pytest.param(Leaf("edss", "lt", (float("inf"),)), "values", "finite numbers", id="infinite value"),
    pytest.param(
        Leaf("edss", "lt", (10**400,)), "values", "finite numbers", id="integer too large for a float"
    ),
    pytest.param(
        Leaf("platelets", "lt", (150,), "g/dL"),
        "unit",
        "g/dL cannot be converted to 10^9/L",
        id="grams per dL for a count",
    ),
    pytest.param(
        Leaf("platelets", "lt", (150,), "g/L"), "unit", "g/L cannot be converted", id="g/L is not G/L"
    ),
    pytest.param(Leaf("platelets", "lt", (150,), "bogus"), "unit", "bogus", id="unknown unit"),
    pytest.param(
        Leaf("days_since_last_relapse", "within", (3,), "mmHg"),
        "unit",
        "mmHg cannot be converted to days",
        id="pressure for a duration",
    ),
    pytest.param(
        Leaf("edss", "gt", (3.0,), "mg"), "unit", "edss takes no unit", id="unit on a unitless score"
    ),
    pytest.param(
        Leaf("sex", "in", ("F",)),
        "values",
        "unknown choice(s) F; expected one of female, male",
        id="unknown choice",
    ),
    pytest.param(
        Leaf("sex", "not_in", ("female", "other")),
        "values",
        "unknown choice(s) other",
        id="one unknown choice among two",
    ),
    pytest.param(
        Leaf("edss", "between", (6.5, 3.0)),
        "values",
        "lower bound is greater than the upper bound",
        id="between low above high",
    ),
    pytest.param(
        Leaf("platelets", "between", (400_000, 150_000), "/mm3"),
        "values",
        "lower bound",
        id="between low above high in another unit",
    ),
    pytest.param(
        Leaf("days_since_last_relapse", "within", (-1,)),
        "values",
        "cannot be negative",
        id="negative duration",
    ),
    pytest.param(Group(GroupOp.AND, ()), "children", "AND group needs children", id="empty AND"),
    pytest.param(Group(GroupOp.OR, ()), "children", "OR group needs children", id="empty OR"),
    pytest.param(Group(GroupOp.NOT, ()), "children", "needs children", id="empty NOT"),
    pytest.param(
        Group(GroupOp.NOT, (leaf("a"), leaf("b"))),
        "children",
        "exactly one child",
        id="NOT with two children",
    ),
    pytest.param(
        Leaf("medications", "taken_within", (90,), drugs=("aspirin",)),
        "drugs",
        "unknown drug or class code(s): aspirin",
        id="unknown drug code",
    ),
    pytest.param(
        Leaf("medications", "ever_taken", drugs=("natalizumab", "ms_nonsense")),
        "drugs",
        "ms_nonsense",
        id="unknown class code",
    ),
    pytest.param(
        Leaf("medications", "ever_taken"), "drugs", "at least one drug", id="medication op without drugs"
    ),
    pytest.param(
        Leaf("edss", "gt", (3.0,), drugs=("natalizumab",)),
        "drugs",
        "gt takes no drugs",
        id="drugs on a number",
    ),
    pytest.param(
        Leaf("medications", "taken_within", (90,), "mmHg", drugs=("natalizumab",)),
        "unit",
        "cannot be converted to days",
        id="pressure for a dose delay",
    ),
    pytest.param(
        Leaf("no_such_concept", "is_true"),
        "concept",
        "unknown concept 'no_such_concept'",
        id="unknown concept",
    ),
]


@pytest.mark.parametrize(("node", "field", "words"), INVALID)
def test_invalid_criteria_raise_criterion_error_keyed_by_the_field_to_fix(node, field, words):
    with pytest.raises(CriterionError) as caught:
        compile_one(node)
    assert list(caught.value.errors) == [field]
    assert words in caught.value.errors[field]
    assert words in str(caught.value)


@pytest.mark.parametrize("kind", [Kind.INCLUSION, Kind.EXCLUSION])
def test_an_invalid_leaf_deep_in_a_tree_is_reported_with_its_id(kind):
    node = Group(
        GroupOp.AND,
        (leaf("a", id=1), Group(GroupOp.OR, (leaf("b", id=3), Leaf("edss", "eq", (3.2,), id=42)), id=2)),
        id=9,
    )
    with pytest.raises(CriterionError) as caught:
        compile_one(node, kind)
    assert caught.value.node_id == 42
    assert str(caught.value).startswith("criterion 42: values: 3.2 is not a multiple of 0.5")


def test_an_invalid_group_is_reported_with_its_id():
    with pytest.raises(CriterionError) as caught:
        compile_one(Group(GroupOp.AND, (leaf("a"), Group(GroupOp.OR, (), id=5))))
    assert caught.value.node_id == 5
    assert caught.value.errors == {"children": "an OR group needs children"}


def test_criterion_error_is_a_value_error():
    assert issubclass(CriterionError, ValueError)


@pytest.mark.parametrize(
    "node",
    [
        pytest.param(Leaf("edss", "eq", (3.5,)), id="EDSS on the step"),
        pytest.param(Leaf("edss", "between", (3.0, 6.5)), id="EDSS range"),
        pytest.param(Leaf("edss", "between", (3.0, 3.0)), id="between a single point"),
        pytest.param(Leaf("edss", "gte", (0,)), id="the lowest score"),
        pytest.param(Leaf("edss", "lte", (10,)), id="the highest score"),
        pytest.param(Leaf("platelets", "lt", (150_000,), "/mm3"), id="threshold in another unit"),
        pytest.param(Leaf("platelets", "lt", (150,), "G/L"), id="threshold in G/L"),
        pytest.param(Leaf("sex", "in", ("female", "male")), id="every choice"),
        pytest.param(Leaf("days_since_last_relapse", "within", (3,), "months"), id="duration in months"),
        pytest.param(Leaf("days_since_last_relapse", "never"), id="never"),
        pytest.param(Leaf("medications", "ever_taken", drugs=("b_cell_depleting",)), id="a drug class"),
        pytest.param(
            Leaf("medications", "taken_within", (6,), "months", drugs=("natalizumab",)), id="months ago"
        ),
        pytest.param(Group(GroupOp.NOT, (leaf("a"),)), id="NOT with one child"),
    ],
)
def test_valid_criteria_compile(node):
    compiled = compile_one(node)
    assert len(compiled.screened) == 1


def test_a_drug_class_expands_to_its_members():
    node = Leaf("medications", "ever_taken", drugs=("b_cell_depleting",))
    assert status_of(node, {"medications": (Medication("ocrelizumab"),)}) == M
    assert status_of(node, {"medications": (Medication("natalizumab"),)}) == N
