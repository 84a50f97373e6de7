"""`evaluate` shares one status per distinct predicate and group between trials. These tests
check it against a plain recursive Kleene evaluation of the specs, written here without the
plan's closures or program, on the seed trials and on random synthetic ones."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import (
    NEVER,
    ConceptSpec,
    ConceptType,
    Criterion,
    GroupOp,
    Kind,
    Leaf,
    Medication,
    TrialSpec,
    Verdict,
    VisitCheck,
    compile_plan,
    evaluate,
    evaluate_trial,
)
from engine.operators import compile_predicate
from screening.interview_sim import concept_specs, trial_spec
from screening.rescreen import answers_from_json, answers_to_json, rescreen
from trials.seed_data import SEED_TRIALS
from trials.seed_data.vocabulary import DRUG_CLASSES, DRUGS
from trials.synthetic import synthetic_trial

# The seed dicts as engine specs, as the interview's simulator reads them.
SPECS = concept_specs()
CLASSES = {k["code"]: frozenset(k["drugs"]) for k in DRUG_CLASSES}
DRUG_CODES = [d["code"] for d in DRUGS]
to_spec = trial_spec


# --- The reference: a direct reading of the rules ----------------------------------------


def screenable(node) -> bool:
    if isinstance(node, VisitCheck) or node.confirmed_at_visit:
        return False
    return isinstance(node, Leaf) or any(screenable(c) for c in node.children)


def status(node, answers) -> int:
    if isinstance(node, Leaf):
        value = answers.get(node.concept)
        if value is None:
            return 1
        predicate, _ = compile_predicate(node, SPECS[node.concept], CLASSES)
        return predicate(value)
    statuses = [status(c, answers) for c in node.children if screenable(c)]
    if node.op == GroupOp.NOT:
        return 2 - statuses[0]
    return min(statuses) if node.op == GroupOp.AND else max(statuses)


def missing(node, answers) -> list[str]:
    if status(node, answers) != 1:
        return []
    if isinstance(node, Leaf):
        return [node.concept]
    return [code for c in node.children if screenable(c) for code in missing(c, answers)]


def reference(trials: list[TrialSpec], answers: dict) -> list[tuple]:
    rows = []
    for trial in trials:
        criteria = [c for c in trial.criteria if screenable(c.node)]
        effects = tuple(
            2 - status(c.node, answers) if c.kind == Kind.EXCLUSION else status(c.node, answers)
            for c in criteria
        )
        verdict = {0: Verdict.INELIGIBLE, 1: Verdict.NEEDS_INFO, 2: Verdict.ELIGIBLE}[min(effects, default=2)]
        wanted = ()
        if verdict == Verdict.NEEDS_INFO:
            codes = [
                code
                for c, e in zip(criteria, effects, strict=True)
                if e == 1
                for code in missing(c.node, answers)
            ]
            wanted = tuple(dict.fromkeys(codes))
        rows.append((trial.trial_id, verdict, effects, wanted))
    order = {Verdict.ELIGIBLE: 0, Verdict.NEEDS_INFO: 1, Verdict.INELIGIBLE: 2}
    return sorted(rows, key=lambda r: (order[r[1]], len(r[3]), r[0]))


def fast(plan, answers: dict, trial_ids=None) -> list[tuple]:
    return [
        (o.trial.trial_id, o.verdict, o.effects, o.missing_concepts(answers))
        for o in evaluate(plan, answers, trial_ids)
    ]


# --- Patients ------------------------------------------------------------------------------

INTERESTING = (0, 0.5, 0.8, 1, 1.5, 2, 3, 3.5, 5, 5.5, 6, 6.5, 7, 10, 12, 16, 18, 20, 30, 45, 50, 55, 60,
               65, 70, 75, 90, 100, 150, 200, 400)  # fmt: skip


def value_of(spec: ConceptSpec):
    lo = spec.minimum if spec.minimum is not None else 0
    hi = spec.maximum if spec.maximum is not None else 1000
    near = [v for v in INTERESTING if lo <= v <= hi]
    if spec.type == ConceptType.BOOLEAN:
        return st.booleans()
    if spec.type == ConceptType.CHOICE:
        return st.sampled_from(spec.choices)
    if spec.type == ConceptType.INTEGER:
        return st.sampled_from([int(v) for v in near if float(v).is_integer()])
    if spec.type == ConceptType.SINCE:
        return st.one_of(st.just(NEVER), st.sampled_from(near), st.floats(lo, hi))
    if spec.type == ConceptType.LIST:
        timing = st.one_of(st.none(), st.sampled_from((0.0, 10.0, 31.0, 40.0, 90.0, 400.0)))
        months = st.one_of(st.none(), st.sampled_from((0.0, 2.0, 6.0, 12.0, 24.0)))
        medication = st.builds(Medication, st.sampled_from(DRUG_CODES), timing, months)
        return st.lists(medication, max_size=3).map(tuple)
    if spec.step:
        return st.sampled_from([v for v in near if float(v / spec.step).is_integer()])
    return st.one_of(st.sampled_from(near), st.floats(lo, hi))


SCREENED = [code for code, spec in SPECS.items() if spec.type != ConceptType.DATE]


@st.composite
def patients(draw) -> dict:
    answers = {}
    for code in SCREENED:
        if draw(st.integers(0, 2)):  # about a third of the questions left unanswered
            answers[code] = draw(value_of(SPECS[code]))
    return answers


def plan_of(trials: list[TrialSpec]):
    return compile_plan(trials, SPECS, CLASSES, DRUG_CODES)


SEED_SPECS = [to_spec(t) for t in SEED_TRIALS]
SYNTHETIC = [to_spec(synthetic_trial(random.Random(seed), f"SYN-{seed:06d}")) for seed in range(40)]
PLAN = plan_of(SEED_SPECS + SYNTHETIC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_the_shared_program_gives_the_reference_verdicts_effects_and_missing_concepts(answers):
    assert fast(PLAN, answers) == reference(SEED_SPECS + SYNTHETIC, answers)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), patients())
def test_random_synthetic_corpora_agree_with_the_reference(seed, answers):
    r = random.Random(seed)
    trials = [to_spec(synthetic_trial(r, f"T-{i:06d}")) for i in range(15)]
    assert fast(plan_of(trials), answers) == reference(trials, answers)


@settings(max_examples=60, deadline=None)
@given(patients())
def test_evaluate_trial_and_evaluate_agree_trial_by_trial(answers):
    by_id = {o.trial.trial_id: o for o in evaluate(PLAN, answers)}
    for trial in PLAN.trials:
        alone = evaluate_trial(trial, answers)
        assert (alone.verdict, alone.effects) == (
            by_id[trial.trial_id].verdict,
            by_id[trial.trial_id].effects,
        )
        assert alone.missing_concepts(answers) == by_id[trial.trial_id].missing_concepts(answers)


def platelets_trial(trial_id: str, value: float, unit: str) -> TrialSpec:
    return TrialSpec(trial_id, (Criterion(Kind.EXCLUSION, Leaf("platelets", "lt", (value,), unit)),))


@pytest.mark.parametrize(
    ("platelets", "verdict"),
    [
        (None, Verdict.NEEDS_INFO),
        (99.0, Verdict.INELIGIBLE),
        (100.0, Verdict.ELIGIBLE),
        (250.0, Verdict.ELIGIBLE),
    ],
)
def test_one_limit_written_in_three_units_is_one_predicate_with_one_verdict(platelets, verdict):
    plan = plan_of(
        [
            platelets_trial("A", 100, "10^9/L"),
            platelets_trial("B", 100000, "/mm3"),
            platelets_trial("C", 100, "G/L"),
        ]
    )
    assert plan.distinct_predicates == 1
    answers = {} if platelets is None else {"platelets": platelets}
    assert {o.verdict for o in evaluate(plan, answers)} == {verdict}


def test_trials_that_share_a_leaf_keep_their_own_criterion_ids_and_texts():
    plan = plan_of(
        [
            TrialSpec(
                "A", (Criterion(Kind.INCLUSION, Leaf("age", "gte", (18,), id=1, source_text="Adults")),)
            ),
            TrialSpec("B", (Criterion(Kind.INCLUSION, Leaf("age", "gte", (18,), id=2, source_text="18+")),)),
        ]
    )
    (a_fail,) = [o for o in evaluate(plan, {"age": 12}) if o.trial.trial_id == "A"][0].failed
    (b_fail,) = [o for o in evaluate(plan, {"age": 12}) if o.trial.trial_id == "B"][0].failed
    assert (a_fail.id, a_fail.source_text) == (1, "Adults")
    assert (b_fail.id, b_fail.source_text) == (2, "18+")


def test_a_trial_with_only_visit_criteria_is_eligible_and_selection_by_id_still_works():
    plan = plan_of(
        [
            TrialSpec("visit-only", (Criterion(Kind.INCLUSION, VisitCheck(source_text="consent")),)),
            platelets_trial("P", 100, "10^9/L"),
        ]
    )
    assert fast(plan, {}, ["visit-only"]) == [("visit-only", Verdict.ELIGIBLE, (), ())]
    assert fast(plan, {}, ["P"]) == [("P", Verdict.NEEDS_INFO, (1,), ("platelets",))]


def test_threads_sharing_one_plan_get_the_same_results_as_one_thread():
    patients_list = [
        {"age": 30, "sex": "female", "pregnant": False, "ms_phenotype": "RRMS"},
        {"age": 70, "edss": 6.5, "platelets": 90.0},
        {"medications": (Medication("natalizumab", 10.0, 24.0),), "hiv": True},
        {},
    ] * 5
    expected = [fast(PLAN, answers) for answers in patients_list]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda a: fast(PLAN, a), patients_list)) == expected


# --- Stored answers (screening/rescreen.py) ------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(patients())
def test_stored_answers_round_trip_through_json_and_rescreen_gives_the_live_verdicts(answers):
    import json

    stored = json.loads(json.dumps(answers_to_json(answers)))
    assert answers_from_json(stored, SPECS) == answers
    live = {o.trial.trial_id: o.verdict for o in evaluate(PLAN, answers)}
    for trial in PLAN.trials[:12]:
        assert list(rescreen(trial, [(1, stored), (2, {})], SPECS)) == [
            (1, live[trial.trial_id]),
            (2, evaluate_trial(trial, {}).verdict),
        ]


def test_never_and_medications_have_a_documented_json_form():
    stored = answers_to_json(
        {"days_since_last_relapse": NEVER, "medications": (Medication("natalizumab", 40.0, None),), "age": 30}
    )
    assert stored == {
        "days_since_last_relapse": "never",
        "medications": [{"drug": "natalizumab", "days_since_last_dose": 40.0, "months_on_treatment": None}],
        "age": 30,
    }
