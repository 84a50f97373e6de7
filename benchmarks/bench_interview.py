"""How many questions the patient interview asks before it ends, against the long form.

Over every seed trial's test patients (and, apart, those of them who are ineligible), and
over made-up patients of three families (screening.interview_sim.extra_patients) so that the
figure does not rest on the curated profiles alone. The interview follows
`relevance.next_question` until it proposes nothing; the long form asks the still-relevant
questions in questionnaire order. Each answer comes from the patient's facts ("unknown" when
they do not hold it), and every interview must end on the verdicts that all of the facts give
at once: a run that does not is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from benchmarks import figures
from screening import interview_sim as sim
from trials.seed_data.test_patients import ASCPPMS, CLADACTION, MESEMS, MSCLES, MSIL2, TEST_PATIENTS

AS_OF = date(2026, 11, 21)
EXTRA = 150
SEED = 13


def _mean_questions(setup: sim.Setup, patients: Sequence[dict], run: Callable, check: bool = True) -> float:
    total = 0
    for facts in patients:
        transcript = run(setup, facts)
        if check and transcript.verdicts != setup.verdicts(facts):
            raise AssertionError(f"an interview ended on other verdicts than the facts give: {facts}")
        total += transcript.questions
    return total / len(patients)


def _figures(setup: sim.Setup, patients: Sequence[dict], prefix: str) -> dict[str, float]:
    interview = _mean_questions(setup, patients, sim.interview)
    # Not checked: the first rule never asks the date of birth after an unknown age, so it can
    # end undecided for a patient who gave only their date of birth.
    baseline = _mean_questions(
        setup, patients, lambda s, f: sim.interview(s, f, sim.baseline_next_question), check=False
    )
    long_form = _mean_questions(setup, patients, sim.long_form)
    found = {
        f"{prefix}interview_questions_mean": round(interview, 2),
        f"{prefix}long_form_questions_mean": round(long_form, 2),
        f"{prefix}interview_ratio_vs_long_form": round(interview / long_form, 3),
        f"{prefix}baseline_ratio_vs_long_form": round(baseline / long_form, 3),
    }
    for name, value in found.items():
        figures.record(name, value)
    return found


FAMILIES = ("knowing_most", "knowing_half", "changed_profiles")


def _family_ratios(setup: sim.Setup, extra: Sequence[dict]) -> str:
    """Each family of made-up patients (`extra_patients` deals them in turn): where the
    chooser gains is not the same for people who know most of their facts and for curated
    profiles."""
    parts = []
    for i, family in enumerate(FAMILIES):
        patients = extra[i :: len(FAMILIES)]
        long_form = _mean_questions(setup, patients, sim.long_form)
        ratio = round(_mean_questions(setup, patients, sim.interview) / long_form, 3)
        baseline = _mean_questions(
            setup, patients, lambda s, f: sim.interview(s, f, sim.baseline_next_question), check=False
        )
        figures.record(f"extra_{family}_interview_ratio_vs_long_form", ratio)
        parts.append(f"{family.replace('_', ' ')} {round(baseline / long_form, 3)} → {ratio}")
    return "by family (first rule → interview): " + ", ".join(parts)


def run() -> list[str]:
    setup = sim.seed_setup(AS_OF)
    seeded = [p["answers"] for patients in TEST_PATIENTS.values() for p in patients]
    # Those a rare answer rules out are where the order matters most.
    ineligible = [
        p["answers"] for ps in TEST_PATIENTS.values() for p in ps if p["expected_verdict"] == "ineligible"
    ]
    extra = sim.extra_patients(setup, EXTRA, SEED, (CLADACTION, MESEMS, MSIL2, ASCPPMS, MSCLES))
    lines = []
    for label, patients, prefix in (
        (f"seed test patients ({len(seeded)})", seeded, ""),
        (f"ineligible seed test patients ({len(ineligible)})", ineligible, "ineligible_"),
        (f"extra made-up patients ({len(extra)}, seed {SEED})", extra, "extra_"),
    ):
        found = _figures(setup, patients, prefix)
        lines.append(
            f"interview, {label}: {found[prefix + 'interview_questions_mean']} questions on average, "
            f"long form {found[prefix + 'long_form_questions_mean']}: "
            f"ratio {found[prefix + 'interview_ratio_vs_long_form']} "
            f"(the first rule, most needs-info trials: {found[prefix + 'baseline_ratio_vs_long_form']})"
        )
    lines.append(_family_ratios(setup, extra))
    return lines
