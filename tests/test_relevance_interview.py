"""The interview's next question (screening.relevance.next_question): the table of what it
proposes on a small hand-written plan, a property over made-up patients of the seed trials
(answering every proposed question from the facts ends on the verdicts all of the facts give
at once), and the API and the pages proposing the same question."""

from __future__ import annotations

import json
from datetime import date
from itertools import product

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
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
from engine.validation import implied
from screening import interview_sim as sim
from screening import relevance
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


# A trial of this plan can only be met through an OR: once its other inclusion is answered
# "I don't know", only what can still rule it out matters.
OR_PLAN = compile_plan(
    [
        TrialSpec(
            "OR",
            (
                Criterion(Kind.INCLUSION, Leaf("diagnosis", "in", ("ms",))),
                Criterion(
                    Kind.INCLUSION, Group(GroupOp.OR, (Leaf("age", "gte", (18,)), Leaf("hiv", "is_false")))
                ),
            ),
        )
    ],
    CONCEPTS,
)


@pytest.mark.parametrize(
    ("plan", "values", "answered", "expected"),
    [
        # Diagnosis not known: the trial can no longer be met, but under 18 with HIV rules it out.
        (OR_PLAN, {}, ["diagnosis"], "age"),
        # Age not known either: HIV could only meet the OR, which cannot make the trial
        # eligible any more, so nothing is left to ask (the count alone asked about HIV).
        (OR_PLAN, {}, ["diagnosis", "age", "birth_date"], None),
        # An adult: the OR is met, and the unknown diagnosis cannot be settled.
        (OR_PLAN, {"age": 40}, ["diagnosis", "age"], None),
        # Pregnant: the MS trial is out. The lupus trial cannot be met (diagnosis not known) and
        # its exclusion "under 18 and HIV" cannot apply (age not known): HIV cannot change it.
        (PLAN, {"pregnant": True}, ["diagnosis", "age", "birth_date", "pregnant"], None),
        # Not pregnant: HIV still rules the MS trial out.
        (PLAN, {"pregnant": False}, ["diagnosis", "age", "birth_date", "pregnant"], "hiv"),
    ],
)
def test_a_question_no_answer_of_which_can_change_a_verdict_is_never_asked(plan, values, answered, expected):
    suggestion = next_question(evaluate(plan, values), values, answered, ORDER)
    assert (suggestion.concept if suggestion else None) == expected


REFRACTORY = ConceptSpec("refractory", ConceptType.BOOLEAN)
PLATELETS = ConceptSpec("platelets", ConceptType.QUANTITY, "10^9/L", ("10^9/L",), minimum=0, maximum=5000)
NYHA = ConceptSpec("nyha", ConceptType.INTEGER, minimum=0, maximum=4, step=1)
CANCER = ConceptSpec("cancer", ConceptType.CHOICE, choices=("none", "in_remission", "active"))


@pytest.mark.parametrize(
    ("rival", "concepts"),
    [
        # A condition the patient rarely has: HIV excludes them.
        (Criterion(Kind.EXCLUSION, Leaf("hiv", "is_true")), {}),
        # A lab value usually in range: the trial requires adequate platelets.
        (Criterion(Kind.INCLUSION, Leaf("platelets", "gte", (100,), "10^9/L")), {"platelets": PLATELETS}),
        # A number without a unit that only an exclusion reads: few have heart failure NYHA III.
        (Criterion(Kind.EXCLUSION, Leaf("nyha", "gte", (3,))), {"nyha": NYHA}),
        # A choice that only an exclusion reads: few have an active cancer.
        (Criterion(Kind.EXCLUSION, Leaf("cancer", "in", ("active",))), {"cancer": CANCER}),
    ],
)
def test_a_requirement_the_patient_may_lack_is_asked_before_what_rarely_rules_them_out(rival, concepts):
    """One lupus trial the patient can fail by not being refractory or by `rival`, which the
    questionnaire asks first."""
    requirement = Criterion(Kind.INCLUSION, Leaf("refractory", "is_true"))
    trial = TrialSpec(
        "SLE", (Criterion(Kind.INCLUSION, Leaf("diagnosis", "in", ("sle",))), rival, requirement)
    )
    plan = compile_plan([trial], {**CONCEPTS, **concepts, "refractory": REFRACTORY})
    values = {"diagnosis": "sle"}
    order = [*ORDER, *concepts, "refractory"]
    suggestion = next_question(evaluate(plan, values), values, ["diagnosis"], order)
    assert suggestion is not None
    assert suggestion.concept == "refractory"


DOMAINS = {
    "age": (10, 40),
    "birth_date": (10, 40),  # read as the age it gives
    "sex": ("female", "male"),
    "pregnant": (True, False),
    "diagnosis": ("ms", "sle"),
    "hiv": (True, False),
}


def verdicts_of(values: dict) -> dict | None:
    """The verdicts of `values` as the validator would read them, None when it would refuse
    them (a pregnant man)."""
    values = dict(values)
    if "birth_date" in values:
        values.setdefault("age", values.pop("birth_date"))
    if values.get("sex") == "male" and values.get("pregnant"):
        return None
    implied(values)
    return {o.trial.trial_id: o.verdict for o in evaluate(PLAN, values)}


def futures(values: dict, free: list[str]):
    """Every way the questions not asked yet could be answered ("I don't know" included)."""
    for choice in product(*((None, *DOMAINS[code]) for code in free)):
        yield {**values, **{code: v for code, v in zip(free, choice, strict=True) if v is not None}}


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {code: st.sampled_from(("not asked", "unknown", *DOMAINS[code])) for code in DOMAINS}
    )
)
def test_the_interview_stops_exactly_when_no_answers_left_can_change_a_verdict(state):
    answered = [code for code, v in state.items() if v != "not asked"]
    values = {code: v for code, v in state.items() if v not in ("not asked", "unknown")}
    now = verdicts_of(values)
    assume(now is not None)
    shown = {**values}
    if "birth_date" in shown:
        shown.setdefault("age", shown.pop("birth_date"))
    implied(shown)
    # What the answers already give (the age from a date of birth, a man's pregnancy) is not
    # asked.
    free = [code for code in DOMAINS if code not in answered and code not in shown]
    changes = [f for f in futures(shown, free) if verdicts_of(f) not in (None, now)]
    suggestion = next_question(evaluate(PLAN, shown), shown, answered, ORDER)
    assert (suggestion is None) == (not changes)
    if suggestion is not None:
        # The question proposed matters in some future: leaving it unanswered there gives
        # other verdicts.
        code = suggestion.concept
        assert any(verdicts_of({k: v for k, v in f.items() if k != code}) != verdicts_of(f) for f in changes)


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


def leaves_reading(code: str) -> list:
    return [
        leaf
        for trial in SETUP.plan.trials
        for c in trial.screened
        for leaf in relevance._leaves(c.node, code)
    ]


def check_interview(facts: dict) -> None:
    """Following the proposals ends on the facts' verdicts, never proposes a question twice
    (interview_sim refuses it), and what the long form would still ask when it stops can
    change no verdict, whatever the answer."""
    transcript = sim.interview(SETUP, facts)
    assert transcript.verdicts == SETUP.verdicts(facts)
    given = {code: sim.answer_from(facts, code) for code in transcript.asked}
    values = SETUP.values(given)
    left = relevant_concepts(evaluate(SETUP.plan, values), values, given) - set(given)
    for code in left:
        leaves = leaves_reading(code)
        for answer in hypothetical_answers(code, leaves) if leaves else ():
            imagined = {**values, code: answer}
            implied(imagined)
            verdicts = {o.trial.trial_id: o.verdict.value for o in evaluate(SETUP.plan, imagined)}
            assert verdicts == transcript.verdicts, (code, answer)


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
