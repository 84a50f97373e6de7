"""The verdict table (`engine.table`) and its incremental updates against the engine's own
`evaluate` and a plain recursive reference, on the seed trials and the synthetic corpus:
a questionnaire answered in any order, with answers changed and withdrawn ("I don't know"),
must end exactly where a fresh screen of the final answers ends."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Verdict, compile_plan, evaluate, patch_plan
from engine.table import Screen, table_of
from tests.test_engine_fast_path import (
    CLASSES,
    DRUG_CODES,
    PLAN,
    SCREENED,
    SEED_SPECS,
    SPECS,
    SYNTHETIC,
    fast,
    patients,
    reference,
    to_spec,
    value_of,
)
from trials.synthetic import synthetic_trial


def table_rows(screen: Screen, answers: dict) -> list[tuple]:
    """What `reference` lists, read from the table: (trial id, verdict, effects, missing)."""
    return [
        (o.trial.trial_id, o.verdict, o.effects, o.missing_concepts(answers))
        for o in screen.outcomes(screen.order())
    ]


def needs_info_concepts(outcomes, answers) -> Counter:
    return Counter(
        code for o in outcomes if o.verdict == Verdict.NEEDS_INFO for code in o.missing_concepts(answers)
    )


def same_screen(one: Screen, other: Screen) -> bool:
    return (
        (one.verdicts == other.verdicts).all()
        and (one.masks == other.masks).all()
        and (one.missing == other.missing).all()
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_the_table_lists_the_reference_verdicts_effects_and_missing_concepts_in_api_order(answers):
    screen = table_of(PLAN).screen(answers)
    assert table_rows(screen, answers) == reference(SEED_SPECS + SYNTHETIC, answers)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_counts_and_concept_counts_are_those_of_every_outcome(answers):
    screen = table_of(PLAN).screen(answers)
    outcomes = evaluate(PLAN, answers)
    assert screen.counts() == dict(Counter(o.verdict.value for o in outcomes)) | {
        v.value: 0 for v in Verdict if v.value not in {o.verdict.value for o in outcomes}
    }
    assert screen.concept_counts() == dict(needs_info_concepts(outcomes, answers))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(), st.data())
def test_a_selection_of_trials_is_counted_and_ordered_like_evaluate_on_those_trials(answers, data):
    ids = [t.trial_id for t in PLAN.trials]
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=20, unique=True))
    table = table_of(PLAN)
    screen = table.screen(answers)
    selection = table.positions(chosen)
    expected = evaluate(PLAN, answers, chosen)
    assert [PLAN.trials[p].trial_id for p in screen.order(selection)] == [o.trial.trial_id for o in expected]
    assert screen.concept_counts(selection) == dict(needs_info_concepts(expected, answers))


def answer_steps():
    """A questionnaire walk: each step answers a concept, changes an answer already given, or
    takes one back ("I don't know" is no value for the engine)."""
    step = st.one_of(
        st.sampled_from(SCREENED).flatmap(lambda code: value_of(SPECS[code]).map(lambda v: (code, v))),
        st.sampled_from(SCREENED).map(lambda code: (code, None)),
    )
    return st.lists(step, min_size=1, max_size=25)


def incremental_screens(table, steps, kept=False):
    """Each step's answers (None forgets the concept) and the screen updated to them from the
    previous one, as the pages update a patient's screen answer by answer. `kept`: each
    previous screen is read back from its stored bytes first, as another worker reads it."""
    answers: dict = {}
    screen = table.screen(answers)
    for code, value in steps:
        answers = dict(answers)
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
        if kept:
            screen = table.load(dict(screen.answers), screen.dump())
        screen = screen.update(answers)
        yield screen, answers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_steps())
def test_answering_one_question_at_a_time_ends_where_a_full_screen_of_the_final_answers_ends(steps):
    table = table_of(PLAN)
    *_, (screen, answers) = incremental_screens(table, steps)
    assert same_screen(screen, table.screen(answers))
    assert table_rows(screen, answers) == reference(SEED_SPECS + SYNTHETIC, answers)


CORPUS = [to_spec(synthetic_trial(random.Random(seed), f"SYN-{seed:06d}")) for seed in range(300)]
CORPUS_PLAN = compile_plan(CORPUS, SPECS, CLASSES, DRUG_CODES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_steps())
def test_on_a_larger_synthetic_corpus_incremental_screens_equal_full_ones_after_every_answer(steps):
    table = table_of(CORPUS_PLAN)
    for screen, answers in incremental_screens(table, steps):
        assert same_screen(screen, table.screen(answers))
    assert table_rows(screen, answers) == reference(CORPUS, answers)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_steps())
def test_screens_read_back_from_their_bytes_update_like_the_screens_themselves(steps):
    """What the cache keeps of a screen (verdicts, and the masks of the trials that need
    information) is all the next answer's update needs, in any worker."""
    table = table_of(CORPUS_PLAN)
    for screen, answers in incremental_screens(table, steps, kept=True):
        assert same_screen(screen, table.screen(answers))
        back = table.load(answers, screen.dump())
        assert same_screen(back, screen)
    assert table_rows(back, answers) == reference(CORPUS, answers)


def test_bytes_that_are_not_a_screen_of_this_table_are_refused():
    table = table_of(CORPUS_PLAN)
    answers = {"age": 40, "edss": 3.0}
    data = table.load(answers, table.screen(answers).dump()).dump()
    other = table_of(compile_plan(CORPUS[1:], SPECS, CLASSES, DRUG_CODES))
    reordered = table_of(compile_plan(CORPUS[::-1], SPECS, CLASSES, DRUG_CODES))
    bad_verdict = bytearray(data)
    bad_verdict[28] = 7  # the first trial's verdict, after a 12-byte header and a 16-byte layout
    for table_, wrong in [
        (other, data),
        (reordered, data),
        (table, data[:-1]),
        (table, data + b"\0"),
        (table, b"scr1"),
        (table, b""),
        (table, bytes(bad_verdict)),
        (table, b"xxxx" + data[4:]),
    ]:
        with pytest.raises(ValueError):
            table_.load(answers, wrong)


def test_a_trial_without_screened_criteria_is_eligible_and_reads_no_concept():
    plan = compile_plan([to_spec({"trial_id": "EMPTY", "criteria": []})], SPECS, CLASSES, DRUG_CODES)
    screen = table_of(plan).screen({})
    assert screen.verdict(0) == Verdict.ELIGIBLE
    assert screen.concept_counts() == {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.lists(st.integers(0, 39), max_size=6), patients())
def test_a_patched_plan_screens_like_the_whole_catalogue_compiled_again(seed, replaced, answers):
    """Publishing trials one by one (new ones, new versions, withdrawals) into a plan gives
    the verdicts of a plan compiled from scratch with the same trials."""
    r = random.Random(seed)
    # In trial id order, as the catalog compiles them.
    catalogue = {t.trial_id: t for t in sorted(SEED_SPECS + SYNTHETIC, key=lambda t: t.trial_id)}
    plan = compile_plan(list(catalogue.values()), SPECS, CLASSES, DRUG_CODES)
    for n, index in enumerate(replaced):
        trial_id = f"SYN-{index:06d}"
        if n % 3 == 2:
            plan = patch_plan(plan, [], [trial_id])
            catalogue.pop(trial_id, None)
        else:
            new_id = trial_id if n % 3 == 0 else f"NEW-{seed}-{n}"
            spec = to_spec(synthetic_trial(r, new_id))
            plan = patch_plan(plan, [spec])
            catalogue[new_id] = spec
    fresh = compile_plan(sorted(catalogue.values(), key=lambda t: t.trial_id), SPECS, CLASSES, DRUG_CODES)
    assert [t.trial_id for t in plan.trials] == [t.trial_id for t in fresh.trials]
    assert table_rows(table_of(plan).screen(answers), answers) == table_rows(
        table_of(fresh).screen(answers), answers
    )
    assert fast(plan, answers) == fast(fresh, answers)
