"""The interview's next question (screening.relevance.next_question): the table of what it
proposes on a small hand-written plan, a property over made-up patients of the seed trials
(answering every proposed question from the facts ends on the verdicts all of the facts give
at once), and the API and the pages proposing the same question."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import (
    ConceptSpec,
    ConceptType,
    Criterion,
    Group,
    GroupOp,
    Kind,
    Leaf,
    TrialSpec,
    compile_plan,
    evaluate,
)
from screening import interview_sim as sim
from screening.catalog import current_catalog
from screening.questionnaire import build_screening
from screening.relevance import hypothetical_answers, next_question, relevant_concepts
from trials.seed_data.test_patients import ASCPPMS, CLADACTION, MESEMS, MSCLES, MSIL2, TEST_PATIENTS

CONCEPTS = {
    "age": ConceptSpec("age", ConceptType.INTEGER, minimum=0, maximum=120),
    "birth_date": ConceptSpec("birth_date", ConceptType.DATE),
    "sex": ConceptSpec("sex", ConceptType.CHOICE, choices=("female", "male")),
    "pregnant": ConceptSpec("pregnant", ConceptType.BOOLEAN),
    "diagnosis": ConceptSpec("diagnosis", ConceptType.CHOICE, choices=("ms", "sle")),
    "hiv": ConceptSpec("hiv", ConceptType.BOOLEAN),
}
ORDER = list(CONCEPTS)
PLAN = compile_plan(
    [
        TrialSpec(
            "MS",
            (
                Criterion(Kind.INCLUSION, Leaf("diagnosis", "in", ("ms",))),
                Criterion(Kind.INCLUSION, Leaf("age", "gte", (18,))),
                Criterion(Kind.EXCLUSION, Leaf("pregnant", "is_true")),
                Criterion(Kind.EXCLUSION, Leaf("hiv", "is_true")),
            ),
        ),
        TrialSpec(
            "SLE",
            (
                Criterion(Kind.INCLUSION, Leaf("diagnosis", "in", ("sle",))),
                Criterion(
                    Kind.EXCLUSION,
                    Group(GroupOp.AND, (Leaf("age", "lt", (18,)), Leaf("hiv", "is_true"))),
                ),
            ),
        ),
    ],
    CONCEPTS,
)


def proposed(values: dict, answered: list[str]) -> str | None:
    suggestion = next_question(evaluate(PLAN, values), values, answered, ORDER)
    return suggestion.concept if suggestion else None


@pytest.mark.parametrize(
    ("values", "answered", "expected"),
    [
        # Diagnosis, age and HIV are read by both trials; either diagnosis rules one of them out.
        ({}, [], "diagnosis"),
        # Age and date of birth not known: still the diagnosis.
        ({}, ["age", "birth_date"], "diagnosis"),
        # MS, age not known: the date of birth can still give it, so it is asked.
        ({"diagnosis": "ms"}, ["diagnosis", "age"], "birth_date"),
        # An adult with MS: pregnancy and HIV each settle the MS trial; the questionnaire
        # asks pregnancy first.
        ({"age": 40, "diagnosis": "ms"}, ["age", "diagnosis"], "pregnant"),
        # MS, adult, hiv answered: pregnancy is all that is left.
        ({"age": 40, "diagnosis": "ms", "hiv": False}, ["age", "diagnosis", "hiv"], "pregnant"),
        # Pregnancy not known: the sex can settle it (a man is not pregnant).
        ({"age": 40, "diagnosis": "ms", "hiv": False}, ["age", "diagnosis", "hiv", "pregnant"], "sex"),
        # Sex answered female, pregnancy unknown: nothing can settle it any more.
        (
            {"age": 40, "diagnosis": "ms", "hiv": False, "sex": "female"},
            ["age", "diagnosis", "hiv", "pregnant", "sex"],
            None,
        ),
        # Every trial decided (lupus, adult: SLE eligible, MS out): nothing to ask.
        ({"age": 40, "diagnosis": "sle"}, ["age", "diagnosis"], None),
    ],
)
def test_the_next_question_is_the_one_that_could_settle_the_most(values, answered, expected):
    assert proposed(values, answered) == expected


@pytest.mark.parametrize(
    ("values", "answered", "shown"),
    [
        # Pregnancy unknown: the sex question that can settle it is on the long form too.
        (
            {"age": 40, "diagnosis": "ms", "hiv": False},
            ["age", "diagnosis", "hiv", "pregnant"],
            {"age", "diagnosis", "hiv", "pregnant", "sex"},
        ),
        # Pregnancy not asked yet: sex is not needed for it.
        (
            {"age": 40, "diagnosis": "ms", "hiv": False},
            ["age", "diagnosis", "hiv"],
            {"age", "diagnosis", "hiv", "pregnant"},
        ),
    ],
)
def test_the_long_form_shows_what_the_interview_may_still_ask(values, answered, shown):
    assert relevant_concepts(evaluate(PLAN, values), values, answered) == shown


# --- Made-up patients of the seed trials ---------------------------------------------------

AS_OF = date(2026, 11, 21)
SETUP = sim.seed_setup(AS_OF)
BASES = (CLADACTION, MESEMS, MSIL2, ASCPPMS, MSCLES)
SEEDED = [p["answers"] for patients in TEST_PATIENTS.values() for p in patients]


def check_interview(facts: dict) -> None:
    """Following the proposals ends on the facts' verdicts, never proposes a question twice
    (interview_sim refuses it), and stops exactly when the long form has nothing left."""
    transcript = sim.interview(SETUP, facts)
    assert transcript.verdicts == SETUP.verdicts(facts)
    given = {code: sim.answer_from(facts, code) for code in transcript.asked}
    values = SETUP.values(given)
    assert not relevant_concepts(evaluate(SETUP.plan, values), values, given) - set(given)


@pytest.mark.parametrize("facts", SEEDED, ids=[p["name"] for ps in TEST_PATIENTS.values() for p in ps])
def test_every_seed_test_patients_interview_ends_on_the_verdicts_of_all_their_facts(facts):
    check_interview(facts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_any_made_up_patients_interview_ends_on_the_verdicts_of_all_their_facts(seed):
    for facts in sim.extra_patients(SETUP, 3, seed, BASES):
        check_interview(facts)


def test_a_patient_who_gives_only_a_date_of_birth_is_asked_for_it():
    facts = {**CLADACTION, "birth_date": "1984-05-02"}
    facts.pop("age")
    transcript = sim.interview(SETUP, facts)
    assert transcript.asked.index("age") < transcript.asked.index("birth_date")
    assert transcript.verdicts["NCT04821596"] == "eligible"


def test_the_interview_asks_fewer_questions_than_the_long_form_on_the_seed_patients():
    interview = sum(sim.interview(SETUP, facts).questions for facts in SEEDED)
    long_form = sum(sim.long_form(SETUP, facts).questions for facts in SEEDED)
    assert interview < long_form


# --- The API and the pages ------------------------------------------------------------------

ANSWER_SETS = [
    {},
    {"age": 40, "diagnosis": "multiple_sclerosis"},
    {"age": "unknown", "diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS"},
    {"sex": "female", "pregnant": "unknown", "diagnosis": "systemic_lupus_erythematosus"},
    {"age": 10, "diagnosis": "systemic_lupus_erythematosus"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_the_api_and_the_interview_page_propose_the_same_next_question(client, answers):
    today = timezone.localdate()
    body = {"answers": answers, "as_of": today.isoformat()}
    api = client.post("/api/v1/screen", json.dumps(body), content_type="application/json").json()
    page = build_screening(current_catalog(), "patient", dict(answers), today)
    assert (api["next_question"] or {}).get("concept") == page.next_code


def leaf_of(concept: str, operator: str, *values) -> object:
    plan = compile_plan(
        [TrialSpec("T", (Criterion(Kind.INCLUSION, Leaf(concept, operator, values)),))], CONCEPTS
    )
    return plan.trials[0].screened[0].node


@pytest.mark.parametrize(
    ("leaves", "answers"),
    [
        ([("hiv", "is_true")], [True, False]),
        ([("diagnosis", "in", "ms")], ["ms", "sle"]),
        # Below, at and above the threshold.
        ([("age", "gte", 18)], [17, 18, 19]),
        # Two thresholds: also between them.
        ([("age", "gte", 18), ("age", "lte", 50)], [17, 18, 34, 50, 51]),
    ],
)
def test_the_lookahead_imagines_each_answer_that_can_change_a_leaf(leaves, answers):
    assert hypothetical_answers(leaves[0][0], [leaf_of(*leaf) for leaf in leaves]) == answers
