"""Every operator of engine.operators.OPERATORS, for every concept type, and the
plain-language explanations of their decisions (engine.explain).

Pure tests: leaves are compiled with compile_plan and evaluated with detail(); no database.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.explain import Explainer, Vocabulary
from engine.operators import CURRENT_TREATMENT_DAYS, OPERATORS
from engine.plan import compile_plan, detail
from engine.types import (
    NEVER,
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
)
from engine.validation import Validator

N, U, M = Status.NOT_MET, Status.UNKNOWN, Status.MET

CELL_COUNT_UNITS = ("10^9/L", "G/L", "/mm3", "/uL", "/µL", "cells/uL", "10^3/uL")
CONCEPTS = {
    c.code: c
    for c in (
        ConceptSpec("age", ConceptType.INTEGER, "years", minimum=0, maximum=120, step=1),
        ConceptSpec("edss", ConceptType.NUMBER, minimum=0, maximum=10, step=0.5),
        ConceptSpec("alt_x_uln", ConceptType.NUMBER, "x ULN", minimum=0, maximum=1000),
        ConceptSpec("platelets", ConceptType.QUANTITY, "10^9/L", CELL_COUNT_UNITS, minimum=0, maximum=5000),
        ConceptSpec(
            "cd4_count",
            ConceptType.QUANTITY,
            "10^6/L",
            ("10^6/L", "cells/uL", "/mm3", "10^9/L"),
            minimum=0,
            maximum=10000,
        ),
        ConceptSpec("hemoglobin", ConceptType.QUANTITY, "g/dL", ("g/dL", "g/L"), minimum=0, maximum=30),
        ConceptSpec(
            "creatinine_clearance", ConceptType.QUANTITY, "mL/min", ("mL/min", "mL/s"), minimum=0, maximum=500
        ),
        ConceptSpec("pao2", ConceptType.QUANTITY, "mmHg", ("mmHg", "kPa"), minimum=0, maximum=800),
        ConceptSpec("pregnant", ConceptType.BOOLEAN),
        ConceptSpec("sex", ConceptType.CHOICE, choices=("female", "male")),
        ConceptSpec("ms_phenotype", ConceptType.CHOICE, choices=("CIS", "RRMS", "SPMS", "PPMS")),
        ConceptSpec("days_since_last_relapse", ConceptType.SINCE, "days", minimum=0),
        ConceptSpec("months_since_live_vaccine", ConceptType.SINCE, "months", minimum=0),
        ConceptSpec("birth_date", ConceptType.DATE),
        ConceptSpec("medications", ConceptType.LIST),
    )
}
DRUG_CODES = (
    "interferon_beta",
    "glatiramer_acetate",
    "teriflunomide",
    "dimethyl_fumarate",
    "natalizumab",
    "fingolimod",
    "ocrelizumab",
    "rituximab",
)
DRUG_CLASSES = {
    "ms_first_line": frozenset(
        {"interferon_beta", "glatiramer_acetate", "teriflunomide", "dimethyl_fumarate"}
    ),
    "b_cell_depleting": frozenset({"rituximab", "ocrelizumab"}),
}
VOCABULARY = Vocabulary(
    labels={
        "edss": "EDSS",
        "age": "Age",
        "platelets": "Platelets",
        "sex": "Sex",
        "pregnant": "Pregnant",
        "days_since_last_relapse": "Last relapse",
        "months_since_live_vaccine": "Live vaccine",
    },
    choice_labels={("sex", "female"): "female", ("sex", "male"): "male"},
    drug_labels={"natalizumab": "Natalizumab", "ms_first_line": "a first-line MS treatment"},
)


def compile_leaf(node, kind: Kind = Kind.INCLUSION):
    plan = compile_plan([TrialSpec("T", (Criterion(kind, node),))], CONCEPTS, DRUG_CLASSES, DRUG_CODES)
    return plan.trials[0].screened[0].node


def status(node, answers) -> Status:
    return detail(compile_leaf(node), answers).status


def meds(*items: tuple) -> tuple[Medication, ...]:
    return tuple(Medication(*item) for item in items)


def row(concept, operator, values, unit, answer, expected, id, drugs=()):
    """One table row: the leaf, the patient's canonical answer, and the expected status."""
    return pytest.param(Leaf(concept, operator, tuple(values), unit, tuple(drugs)), answer, expected, id=id)


NUMERIC = [
    # between is inclusive at both ends
    row("edss", "between", (3.0, 6.5), "", 2.5, N, "EDSS 2.5 is not between 3.0 and 6.5"),
    row("edss", "between", (3.0, 6.5), "", 3.0, M, "EDSS 3.0 is between 3.0 and 6.5 (low end included)"),
    row("edss", "between", (3.0, 6.5), "", 4.5, M, "EDSS 4.5 is between 3.0 and 6.5"),
    row("edss", "between", (3.0, 6.5), "", 6.5, M, "EDSS 6.5 is between 3.0 and 6.5 (high end included)"),
    row("edss", "between", (3.0, 6.5), "", 7.0, N, "EDSS 7.0 is not between 3.0 and 6.5"),
    row("edss", "eq", (3.5,), "", 3.5, M, "EDSS 3.5 eq 3.5"),
    row("edss", "eq", (3.5,), "", 4.0, N, "EDSS 4.0 not eq 3.5"),
    row("edss", "lt", (6.5,), "", 6.0, M, "EDSS 6.0 lt 6.5"),
    row("edss", "lt", (6.5,), "", 6.5, N, "EDSS 6.5 not lt 6.5 (exclusive)"),
    row("edss", "lte", (6.5,), "", 6.5, M, "EDSS 6.5 lte 6.5 (inclusive)"),
    row("edss", "lte", (6.5,), "", 7.0, N, "EDSS 7.0 not lte 6.5"),
    row("edss", "gt", (3.0,), "", 3.0, N, "EDSS 3.0 not gt 3.0 (exclusive)"),
    row("edss", "gt", (3.0,), "", 3.5, M, "EDSS 3.5 gt 3.0"),
    row("edss", "gte", (3.0,), "", 3.0, M, "EDSS 3.0 gte 3.0 (inclusive)"),
    row("edss", "gte", (3.0,), "", 2.5, N, "EDSS 2.5 not gte 3.0"),
    row("age", "gte", (18,), "", 18, M, "age 18 gte 18"),
    row("age", "gte", (18,), "", 17, N, "age 17 not gte 18"),
    row("age", "eq", (0,), "", 0, M, "age 0 eq 0"),
    row("age", "eq", (18,), "", 19, N, "age 19 not eq 18"),
    row("age", "lt", (65,), "", 64, M, "age 64 lt 65"),
    row("age", "lt", (65,), "", 65, N, "age 65 not lt 65 (exclusive)"),
    row("age", "lte", (65,), "", 65, M, "age 65 lte 65 (inclusive)"),
    row("age", "lte", (65,), "", 66, N, "age 66 not lte 65"),
    row("age", "gt", (17,), "", 17, N, "age 17 not gt 17 (exclusive)"),
    row("age", "gt", (17,), "", 18, M, "age 18 gt 17"),
    row("age", "between", (18, 55), "", 18, M, "age 18 between 18 and 55"),
    row("age", "between", (18, 55), "", 55, M, "age 55 between 18 and 55"),
    row("age", "between", (18, 55), "", 17, N, "age 17 not between 18 and 55"),
    row("age", "between", (18, 55), "", 56, N, "age 56 not between 18 and 55"),
    row("alt_x_uln", "gt", (2,), "", 2.0, N, "ALT 2 x ULN not gt 2"),
    row("alt_x_uln", "gt", (2,), "x ULN", 2.5, M, "ALT 2.5 x ULN gt 2 x ULN written with its unit"),
    # thresholds written in another unit than the (canonical) answer
    row("platelets", "lt", (150_000,), "/mm3", 150.0, N, "platelets exactly 150 G/L is not lt 150000 /mm3"),
    row("platelets", "lt", (150_000,), "/mm3", 149.0, M, "platelets 149 G/L lt 150000 /mm3"),
    row("platelets", "lt", (150_000,), "/mm3", 149.999, M, "platelets 149.999 G/L lt 150000 /mm3"),
    row("platelets", "lte", (150_000,), "/uL", 150.0, M, "platelets 150 G/L lte 150000 /uL"),
    row("platelets", "eq", (150_000,), "/mm3", 150.0, M, "platelets 150 G/L eq 150000 /mm3"),
    row("platelets", "gte", (150,), "G/L", 150.0, M, "platelets 150 gte 150 G/L"),
    row("platelets", "gt", (150,), "10^3/uL", 150.0, N, "platelets 150 not gt 150 x10^3/uL"),
    row(
        "platelets",
        "between",
        (100_000, 400_000),
        "cells/uL",
        100.0,
        M,
        "platelets 100 in 100000-400000 cells/uL",
    ),
    row(
        "platelets",
        "between",
        (100_000, 400_000),
        "cells/uL",
        400.0,
        M,
        "platelets 400 in 100000-400000 cells/uL",
    ),
    row(
        "platelets",
        "between",
        (100_000, 400_000),
        "cells/uL",
        400.5,
        N,
        "platelets 400.5 not in 100000-400000",
    ),
    row("cd4_count", "lt", (200,), "cells/uL", 199.0, M, "cd4 199 lt 200 cells/uL"),
    row("cd4_count", "lt", (200,), "cells/uL", 200.0, N, "cd4 200 not lt 200 cells/uL"),
    row("cd4_count", "gte", (0.2,), "10^9/L", 200.0, M, "cd4 200 x10^6/L gte 0.2 x10^9/L"),
    row("cd4_count", "gte", (0.2,), "10^9/L", 199.0, N, "cd4 199 x10^6/L not gte 0.2 x10^9/L"),
    row("hemoglobin", "lt", (80,), "g/L", 7.9, M, "haemoglobin 7.9 g/dL lt 80 g/L"),
    row("hemoglobin", "lt", (80,), "g/L", 8.0, N, "haemoglobin 8.0 g/dL not lt 80 g/L"),
    row("creatinine_clearance", "gte", (1,), "mL/s", 60.0, M, "clearance 60 mL/min gte 1 mL/s"),
    row("creatinine_clearance", "gte", (1,), "mL/s", 59.9, N, "clearance 59.9 mL/min not gte 1 mL/s"),
    row("pao2", "lt", (10,), "kPa", 75.0, M, "PaO2 75 mmHg lt 10 kPa (75.006 mmHg)"),
    row("pao2", "lt", (10,), "kPa", 75.1, N, "PaO2 75.1 mmHg not lt 10 kPa"),
]

BOOLEAN = [
    row("pregnant", "is_true", (), "", True, M, "true is_true"),
    row("pregnant", "is_true", (), "", False, N, "false is not is_true"),
    row("pregnant", "is_false", (), "", False, M, "false is_false"),
    row("pregnant", "is_false", (), "", True, N, "true is not is_false"),
]

CHOICE = [
    row("sex", "in", ("female",), "", "female", M, "female in female"),
    row("sex", "in", ("female",), "", "male", N, "male not in female"),
    row("sex", "in", ("female", "male"), "", "male", M, "male in female or male"),
    row("sex", "not_in", ("female",), "", "male", M, "male not_in female"),
    row("sex", "not_in", ("female",), "", "female", N, "female is in female"),
    row("ms_phenotype", "in", ("RRMS", "SPMS"), "", "SPMS", M, "SPMS in RRMS or SPMS"),
    row("ms_phenotype", "in", ("RRMS", "SPMS"), "", "PPMS", N, "PPMS not in RRMS or SPMS"),
    row("ms_phenotype", "not_in", ("PPMS", "CIS"), "", "RRMS", M, "RRMS not_in PPMS or CIS"),
]

SINCE = [
    row("days_since_last_relapse", "within", (30,), "", 0, M, "today is within 30 days"),
    row("days_since_last_relapse", "within", (30,), "", 30, M, "30 days ago is within 30 days (inclusive)"),
    row("days_since_last_relapse", "within", (30,), "", 31, N, "31 days ago is not within 30 days"),
    row("days_since_last_relapse", "within", (30,), "", NEVER, N, "never is not within 30 days"),
    row("days_since_last_relapse", "within_strict", (30,), "", 29, M, "29 days ago is strictly within 30"),
    row(
        "days_since_last_relapse", "within_strict", (30,), "", 30, N, "30 days ago is not strictly within 30"
    ),
    row("days_since_last_relapse", "within_strict", (30,), "", NEVER, N, "never is not strictly within 30"),
    row(
        "days_since_last_relapse", "not_within", (30,), "", 30, N, "30 days ago is within 30, not not_within"
    ),
    row("days_since_last_relapse", "not_within", (30,), "", 31, M, "31 days ago is not_within 30 days"),
    row("days_since_last_relapse", "not_within", (30,), "", NEVER, M, "never is not_within 30 days"),
    row("days_since_last_relapse", "ever", (), "", 0, M, "today is ever"),
    row("days_since_last_relapse", "ever", (), "", 10_000, M, "long ago is ever"),
    row("days_since_last_relapse", "ever", (), "", NEVER, N, "never is not ever"),
    row("days_since_last_relapse", "never", (), "", NEVER, M, "never is never"),
    row("days_since_last_relapse", "never", (), "", 5, N, "5 days ago is not never"),
    # thresholds in another time unit: 3 months = 91.3125 days, 1 year = 365.25 days
    row("days_since_last_relapse", "within", (3,), "months", 91, M, "91 days is within 3 months"),
    row("days_since_last_relapse", "within", (3,), "months", 92, N, "92 days is not within 3 months"),
    row("days_since_last_relapse", "not_within", (1,), "years", 365, N, "365 days is within 1 year"),
    row("days_since_last_relapse", "not_within", (1,), "years", 366, M, "366 days is not within 1 year"),
    row("months_since_live_vaccine", "within", (90,), "days", 2.9, M, "2.9 months is within 90 days"),
    row("months_since_live_vaccine", "within", (90,), "days", 3.0, N, "3 months is not within 90 days"),
    row("months_since_live_vaccine", "within_strict", (6,), "", 5.9, M, "5.9 months is strictly within 6"),
    row(
        "months_since_live_vaccine", "not_within", (6,), "", NEVER, M, "no live vaccine ever is not_within 6"
    ),
]

NATALIZUMAB = ("natalizumab",)
FIRST_LINE = ("ms_first_line",)
JUST_CURRENT, JUST_STOPPED = CURRENT_TREATMENT_DAYS, CURRENT_TREATMENT_DAYS + 1

MEDICATIONS = [
    # taken_within, by drug: the last dose must be at most N days ago
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("natalizumab", 40)),
        M,
        "natalizumab 40 days ago within 90",
        drugs=NATALIZUMAB,
    ),
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("natalizumab", 90)),
        M,
        "natalizumab 90 days ago within 90 (inclusive)",
        drugs=NATALIZUMAB,
    ),
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("natalizumab", 91)),
        N,
        "natalizumab 91 days ago not within 90",
        drugs=NATALIZUMAB,
    ),
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("natalizumab",)),
        U,
        "natalizumab with unknown last dose is unknown",
        drugs=NATALIZUMAB,
    ),
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("fingolimod", 1)),
        N,
        "another drug is not a match",
        drugs=NATALIZUMAB,
    ),
    row("medications", "taken_within", (90,), "", meds(), N, "no medication at all", drugs=NATALIZUMAB),
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("natalizumab",), ("natalizumab", 10)),
        M,
        "a known recent dose settles it",
        drugs=NATALIZUMAB,
    ),
    row(
        "medications",
        "taken_within",
        (90,),
        "",
        meds(("natalizumab",), ("natalizumab", 100)),
        U,
        "an old dose and an unknown one",
        drugs=NATALIZUMAB,
    ),
    # taken_within, thresholds in months are converted to days (6 months = 182.625 days)
    row(
        "medications",
        "taken_within",
        (6,),
        "months",
        meds(("natalizumab", 182)),
        M,
        "182 days within 6 months",
        drugs=NATALIZUMAB,
    ),
    row(
        "medications",
        "taken_within",
        (6,),
        "months",
        meds(("natalizumab", 183)),
        N,
        "183 days not within 6 months",
        drugs=NATALIZUMAB,
    ),
    # taken_within, by drug class
    row(
        "medications",
        "taken_within",
        (30,),
        "",
        meds(("rituximab", 20)),
        M,
        "rituximab is b-cell depleting",
        drugs=("b_cell_depleting",),
    ),
    row(
        "medications",
        "taken_within",
        (30,),
        "",
        meds(("ocrelizumab", 30)),
        M,
        "ocrelizumab is b-cell depleting",
        drugs=("b_cell_depleting",),
    ),
    row(
        "medications",
        "taken_within",
        (30,),
        "",
        meds(("natalizumab", 1)),
        N,
        "natalizumab is not b-cell depleting",
        drugs=("b_cell_depleting",),
    ),
    row(
        "medications",
        "taken_within",
        (30,),
        "",
        meds(("ocrelizumab",)),
        U,
        "class member with unknown last dose",
        drugs=("b_cell_depleting",),
    ),
    row(
        "medications",
        "taken_within",
        (30,),
        "",
        meds(("fingolimod", 5)),
        M,
        "a class and a drug together",
        drugs=("b_cell_depleting", "fingolimod"),
    ),
    # ever_taken
    row(
        "medications",
        "ever_taken",
        (),
        "",
        meds(("glatiramer_acetate",)),
        M,
        "glatiramer is first line",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "ever_taken",
        (),
        "",
        meds(("interferon_beta", 3000, 48)),
        M,
        "long ago still counts",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "ever_taken",
        (),
        "",
        meds(("natalizumab",)),
        N,
        "natalizumab is not first line",
        drugs=FIRST_LINE,
    ),
    row("medications", "ever_taken", (), "", meds(), N, "empty list means none", drugs=FIRST_LINE),
    # on_treatment_for_at_least: current (last dose <= CURRENT_TREATMENT_DAYS) and long enough
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", 3, 12)),
        M,
        "current for 12 months",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", JUST_CURRENT, 6)),
        M,
        "last dose 31 days ago, exactly 6 months",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", JUST_STOPPED, 24)),
        N,
        "stopped 32 days ago never counts",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", 400, None)),
        N,
        "stopped, unknown duration",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", 3, 5.9)),
        N,
        "current but too short",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", None, 12)),
        U,
        "long enough, unknown if current",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", 3, None)),
        U,
        "current, unknown duration",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", None, 2)),
        N,
        "too short whether current or not",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("natalizumab", 3, 24)),
        N,
        "not in the class",
        drugs=FIRST_LINE,
    ),
    row("medications", "on_treatment_for_at_least", (6,), "", meds(), N, "no treatment", drugs=FIRST_LINE),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", 400, 36), ("teriflunomide", 2, 3)),
        N,
        "long past one, short current one",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (6,),
        "",
        meds(("interferon_beta", 400, 36), ("teriflunomide", 2, 9)),
        M,
        "switched within the class",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (1,),
        "years",
        meds(("interferon_beta", 1, 12)),
        M,
        "12 months is 1 year",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "on_treatment_for_at_least",
        (1,),
        "years",
        meds(("interferon_beta", 1, 11.9)),
        N,
        "11.9 months is not 1 year",
        drugs=FIRST_LINE,
    ),
    # treated_for_at_least: current or past
    row(
        "medications",
        "treated_for_at_least",
        (12,),
        "",
        meds(("interferon_beta", 400, 24)),
        M,
        "past treatment counts",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "treated_for_at_least",
        (12,),
        "",
        meds(("interferon_beta", 3, 12)),
        M,
        "current for exactly 12 months",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "treated_for_at_least",
        (12,),
        "",
        meds(("interferon_beta", 3, 11)),
        N,
        "11 months is too short",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "treated_for_at_least",
        (12,),
        "",
        meds(("interferon_beta",)),
        U,
        "unknown duration",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "treated_for_at_least",
        (12,),
        "",
        meds(("interferon_beta", 400)),
        U,
        "past, unknown duration",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "treated_for_at_least",
        (12,),
        "",
        meds(("natalizumab", 3, 48)),
        N,
        "another drug",
        drugs=FIRST_LINE,
    ),
    row(
        "medications",
        "treated_for_at_least",
        (2,),
        "years",
        meds(("glatiramer_acetate", 900, 24)),
        M,
        "2 years is 24 months",
        drugs=FIRST_LINE,
    ),
]

ALL_ROWS = NUMERIC + BOOLEAN + CHOICE + SINCE + MEDICATIONS


@pytest.mark.parametrize(("node", "answer", "expected"), NUMERIC)
def test_numeric_operators_compare_with_the_right_boundaries(node, answer, expected):
    assert status(node, {node.concept: answer}) == expected


@pytest.mark.parametrize(("node", "answer", "expected"), BOOLEAN)
def test_boolean_operators(node, answer, expected):
    assert status(node, {node.concept: answer}) == expected


@pytest.mark.parametrize(("node", "answer", "expected"), CHOICE)
def test_choice_operators(node, answer, expected):
    assert status(node, {node.concept: answer}) == expected


@pytest.mark.parametrize(("node", "answer", "expected"), SINCE)
def test_since_operators_including_never(node, answer, expected):
    assert status(node, {node.concept: answer}) == expected


@pytest.mark.parametrize(("node", "answer", "expected"), MEDICATIONS)
def test_medication_operators(node, answer, expected):
    assert status(node, {"medications": answer}) == expected


def test_the_tables_cover_every_operator_of_every_type():
    covered = {(CONCEPTS[p.values[0].concept].type, p.values[0].operator) for p in ALL_ROWS}
    expected = {(concept_type, op) for concept_type, ops in OPERATORS.items() for op in ops}
    assert covered == expected


def test_a_treatment_is_current_up_to_31_days_after_the_last_dose():
    assert CURRENT_TREATMENT_DAYS == 31


@pytest.mark.parametrize("threshold", [0, 1, 30, 365, 3650, 1_000_000])
@pytest.mark.parametrize("unit", ["", "days", "months", "years"])
@pytest.mark.parametrize("concept", ["days_since_last_relapse", "months_since_live_vaccine"])
def test_never_satisfies_every_not_within_and_fails_every_within(concept, unit, threshold):
    answers = {concept: NEVER}
    assert status(Leaf(concept, "not_within", (threshold,), unit), answers) == M
    assert status(Leaf(concept, "within", (threshold,), unit), answers) == N
    assert status(Leaf(concept, "within_strict", (threshold,), unit), answers) == N


def first_row_per_operator() -> list:
    """One leaf per (concept type, operator), taken from the tables above."""
    seen: dict = {}
    for p in ALL_ROWS:
        node = p.values[0]
        seen.setdefault((CONCEPTS[node.concept].type, node.operator), node)
    return [pytest.param(node, id=f"{t.value} {op}") for (t, op), node in seen.items()]


UNANSWERED = first_row_per_operator()


@pytest.mark.parametrize("node", UNANSWERED)
@pytest.mark.parametrize("answers", [{}, {"other": 1}], ids=["no answers", "only other answers"])
def test_an_unanswered_concept_is_unknown_for_every_operator(node, answers):
    assert status(node, answers) == U
    assert status(node, {node.concept: None}) == U


def test_the_unanswered_table_has_one_row_per_operator():
    assert len(UNANSWERED) == sum(len(ops) for ops in OPERATORS.values())


@pytest.mark.parametrize(
    ("node", "thresholds"),
    [
        pytest.param(
            Leaf("platelets", "lt", (150_000,), "/mm3"), (150.0,), id="150000 /mm3 compiles to exactly 150"
        ),
        pytest.param(
            Leaf("cd4_count", "gte", (0.2,), "10^9/L"), (200.0,), id="0.2 x10^9/L compiles to 200 x10^6/L"
        ),
        pytest.param(Leaf("hemoglobin", "lt", (80,), "g/L"), (8.0,), id="80 g/L compiles to 8 g/dL"),
        pytest.param(
            Leaf("days_since_last_relapse", "within", (3,), "months"), (91.3125,), id="3 months in days"
        ),
        pytest.param(
            Leaf("medications", "taken_within", (6,), "months", ("natalizumab",)),
            (182.625,),
            id="6 months in days",
        ),
        pytest.param(
            Leaf("medications", "treated_for_at_least", (1,), "years", ("natalizumab",)),
            (12.0,),
            id="1 year in months",
        ),
        pytest.param(Leaf("edss", "between", (3.0, 6.5)), (3.0, 6.5), id="unitless thresholds unchanged"),
    ],
)
def test_thresholds_are_converted_once_to_canonical_units_at_compile_time(node, thresholds):
    assert compile_leaf(node).thresholds == thresholds


# --- Explanations --------------------------------------------------------------------------


def explain(node, answers, kind: Kind = Kind.INCLUSION, display=None) -> str:
    compiled = compile_leaf(node, kind)
    explainer = Explainer(VOCABULARY, display=display or {})
    return explainer.node(detail(compiled, answers), answers, positive=kind == Kind.INCLUSION)


EDSS_RANGE = Leaf("edss", "between", (3.0, 6.5))


@pytest.mark.parametrize(
    ("node", "answers", "kind", "expected"),
    [
        pytest.param(
            EDSS_RANGE,
            {"edss": 2.0},
            Kind.INCLUSION,
            "EDSS 2.0 is below the required range 3.0–6.5",
            id="below a required range",
        ),
        pytest.param(
            EDSS_RANGE,
            {"edss": 7.0},
            Kind.INCLUSION,
            "EDSS 7.0 is above the required range 3.0–6.5",
            id="above a required range",
        ),
        pytest.param(
            EDSS_RANGE,
            {"edss": 3.0},
            Kind.INCLUSION,
            "EDSS 3.0 is within the range 3.0–6.5",
            id="within a range",
        ),
        pytest.param(
            EDSS_RANGE,
            {"edss": 2.0},
            Kind.EXCLUSION,
            "EDSS 2.0 is below the range 3.0–6.5",
            id="below an excluding range",
        ),
        pytest.param(EDSS_RANGE, {}, Kind.INCLUSION, "EDSS: not known", id="unknown"),
        pytest.param(
            Leaf("age", "gte", (18,)),
            {"age": 16},
            Kind.INCLUSION,
            "Age 16 is below 18 (required: at least 18)",
            id="age below a minimum",
        ),
        pytest.param(
            Leaf("age", "lt", (65,)),
            {"age": 65},
            Kind.INCLUSION,
            "Age 65 is equal to 65 (required: below 65)",
            id="age equal to an exclusive maximum",
        ),
        pytest.param(
            Leaf("age", "gte", (18,)), {"age": 40}, Kind.INCLUSION, "Age 40 is above 18", id="age met"
        ),
        pytest.param(
            Leaf("edss", "gt", (6.5,)),
            {"edss": 7.0},
            Kind.EXCLUSION,
            "EDSS 7.0 is above 6.5",
            id="exclusion applies",
        ),
        pytest.param(
            Leaf("sex", "in", ("female",)),
            {"sex": "male"},
            Kind.INCLUSION,
            "Sex: male, but the trial requires female",
            id="choice required",
        ),
        pytest.param(
            Leaf("pregnant", "is_true"), {"pregnant": True}, Kind.EXCLUSION, "Pregnant: yes", id="boolean yes"
        ),
        pytest.param(
            Leaf("pregnant", "is_true"), {"pregnant": False}, Kind.EXCLUSION, "Pregnant: no", id="boolean no"
        ),
        pytest.param(
            Leaf("days_since_last_relapse", "not_within", (30,)),
            {"days_since_last_relapse": NEVER},
            Kind.INCLUSION,
            "Last relapse: never, not within the last 30 days",
            id="never is worded never",
        ),
        pytest.param(
            Leaf("days_since_last_relapse", "within", (3,), "months"),
            {"days_since_last_relapse": 20},
            Kind.EXCLUSION,
            "Last relapse: 20 days ago, within the last 3 months",
            id="duration threshold in months shown in months",
        ),
        pytest.param(
            Leaf("days_since_last_relapse", "within", (1,), "months"),
            {"days_since_last_relapse": 45},
            Kind.EXCLUSION,
            "Last relapse: 45 days ago, not within the last 1 month",
            id="one month in the singular",
        ),
        pytest.param(
            Leaf("months_since_live_vaccine", "within", (6,)),
            {"months_since_live_vaccine": 2},
            Kind.EXCLUSION,
            "Live vaccine: 2 months ago, within the last 6 months",
            id="canonical months",
        ),
        pytest.param(
            Leaf("medications", "taken_within", (6,), "months", ("natalizumab",)),
            {"medications": meds(("natalizumab", 40))},
            Kind.EXCLUSION,
            "Natalizumab last taken 40 days ago, within 6 months",
            id="medication threshold in months shown in months",
        ),
        pytest.param(
            Leaf("medications", "taken_within", (6,), "months", ("natalizumab",)),
            {"medications": meds()},
            Kind.EXCLUSION,
            "no Natalizumab in the last 6 months",
            id="no medication",
        ),
        pytest.param(
            Leaf("medications", "on_treatment_for_at_least", (6,), "months", FIRST_LINE),
            {"medications": meds(("interferon_beta", 40, 24))},
            Kind.INCLUSION,
            "not currently on a first-line MS treatment for at least 6 months",
            id="stopped treatment",
        ),
    ],
)
def test_explanations_state_the_patients_value_and_what_was_required(node, answers, kind, expected):
    assert explain(node, answers, kind) == expected


def test_a_converted_answer_is_explained_as_the_patient_wrote_it():
    validated = Validator(CONCEPTS).validate(
        {"platelets": {"value": 120000, "unit": "/mm3"}}, date(2026, 11, 21)
    )
    assert validated.ok
    assert validated.values == {"platelets": 120.0}
    node = Leaf("platelets", "lt", (150_000,), "/mm3")
    excluded = explain(node, validated.values, Kind.EXCLUSION, validated.display)
    assert "120000 /mm3" in excluded
    assert excluded.startswith("Platelets 120000 /mm3")
    assert "is below 150" in excluded
    required = explain(
        Leaf("platelets", "gte", (150,), "G/L"), validated.values, Kind.INCLUSION, validated.display
    )
    assert "120000 /mm3" in required
    assert "(required: at least 150" in required


def test_explanations_without_a_display_use_the_canonical_unit():
    text = explain(Leaf("platelets", "gte", (150,)), {"platelets": 120.0})
    assert text == "Platelets 120 ×10⁹/L is below 150 ×10⁹/L (required: at least 150 ×10⁹/L)"


def test_a_negated_criterion_is_explained_from_the_inner_test():
    node = Group(GroupOp.NOT, (Leaf("edss", "gt", (6.5,)),))
    assert explain(node, {"edss": 7.0}) == "EDSS 7.0 is above 6.5"


def test_an_or_that_fails_lists_every_alternative():
    node = Group(GroupOp.OR, (Leaf("edss", "gte", (3.0,)), Leaf("age", "gte", (50,))))
    assert explain(node, {"edss": 2.0, "age": 30}) == (
        "none of these applies: EDSS 2.0 is below 3.0 (required: at least 3.0) / "
        "Age 30 is below 50 (required: at least 50)"
    )


def test_an_undecided_group_explains_only_what_is_missing():
    node = Group(GroupOp.AND, (Leaf("edss", "gte", (3.0,)), Leaf("age", "gte", (18,))))
    assert explain(node, {"edss": 4.0}) == "Age: not known"
