"""A screening as the pages show it: kept answers in, verdicts, visible questions and the
suggested next question out.

Verdicts come from `screening.results.screen`, the function the JSON API uses, so a page and
the API can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial

from django.utils.translation import get_language, gettext

from engine import ConceptType, Verdict, detail, visit_texts
from engine.types import Kind, Status
from engine.validation import AnswerError, ValidatedAnswers, implied
from screening import nearby, relevance
from screening.answers import AnswerStore
from screening.catalog import Catalog
from screening.forms import UNKNOWN, Live, PlaceForm, QuestionForm
from screening.results import ScreenResults, TrialResult, patient_screen
from trials.gazetteer import Place
from trials.models import Concept, Recruitment, Section, Trial


def question_form(
    catalog: Catalog,
    mode: str,
    concept: Concept,
    *,
    stored: object = None,
    data: Mapping | None = None,
    store: AnswerStore | None = None,
    treatment_rows: int = 1,
    offer_unknown: bool = True,
) -> QuestionForm:
    """`store` makes the inputs send themselves to its answer URL; without one the form is
    posted with its page. `offer_unknown=False`: the page offers "I don't know" itself."""
    live = Live(store.url("answer", code=concept.code), f"q-{concept.code}") if store else None
    drugs = catalog.drugs.values() if concept.type == ConceptType.LIST else ()
    return QuestionForm(
        concept,
        mode,
        data=data,
        stored=stored,
        drugs=drugs,
        live=live,
        treatment_rows=treatment_rows,
        offer_unknown=offer_unknown,
    )


def read_answer(catalog: Catalog, form: QuestionForm, as_of: date) -> tuple[object, str]:
    """The posted answer of a bound question, and why it is refused ("" when it is not); a
    refusal is shown on the form."""
    raw = form.raw()
    message = form.first_error or check_answer(catalog, form.concept, raw, as_of)
    if message and not form.errors:
        form.show_error(message)
    return raw, message


def check_answer(catalog: Catalog, concept: Concept, raw: object, as_of: date) -> str:
    """The Validator's message for one answer, or "" when it is acceptable."""
    if raw is None or raw == UNKNOWN:
        return ""
    try:
        catalog.validator().one(catalog.specs[concept.code], raw, as_of)
    except AnswerError as error:
        return str(error)
    return ""


def screening_values(
    catalog: Catalog, answers: Mapping[str, object], as_of: date
) -> tuple[dict[str, object], ValidatedAnswers]:
    """The values a screening evaluates: validated, without the answers that contradict each
    other (set aside until one is corrected, so a verdict never rests on an impossible
    combination), with what they imply."""
    validated = catalog.validator().validate(dict(answers), as_of)
    values = {k: v for k, v in validated.values.items() if k not in validated.errors}
    implied(values)
    return values, validated


@dataclass
class Question:
    """One question's state; its form is built only if the question is drawn."""

    concept: Concept
    visible: bool
    is_next: bool
    answered: bool
    # The kept answer's problem (a contradiction with another answer), if any.
    problem: str = ""
    posted: QuestionForm | None = None
    make_form: Callable[[], QuestionForm] | None = field(default=None, repr=False)
    # Set when the inputs show nothing of this patient's (not answered, nothing posted, no
    # problem): they are then the same for everyone at this answer URL, in this mode and
    # language, and the page draws them once (CACHES["template_fragments"]). Drawing ~70
    # crispy fields was most of a questionnaire page's time.
    blank_key: str = ""

    @cached_property
    def form(self) -> QuestionForm:
        form = self.posted or self.make_form()
        if self.problem and not form.errors:
            form.show_error(self.problem)
        return form

    @property
    def code(self) -> str:
        return self.concept.code

    @property
    def anchor(self) -> str:
        return f"q-{self.concept.code}"

    @property
    def errors(self) -> tuple[str, ...]:
        if self.posted is not None:
            return tuple(str(e) for errors in self.posted.errors.values() for e in errors)
        return (self.problem,) if self.problem else ()


@dataclass(frozen=True)
class ResultItem:
    result: TrialResult
    status_label: str
    # (concept code, question in this mode's words) of what would settle a needs-info trial
    questions: list[tuple[str, str]]
    # (label, url) the answers' store offers beside this trial (e.g. contacting its team)
    link: tuple[str, str] | None = None
    # Its site nearest to where the patient lives (None: no town given, or no site located).
    nearest_site: nearby.SiteDistance | None = None
    # What the answers' store says was already done about this trial (AnswerStore.trial_note).
    note: str = ""
    verdict_title: str = ""


# The patient's group of trials no longer recruiting, after the three verdicts.
CLOSED_GROUP = "closed"


def verdict_title(verdict: str) -> str:
    return {
        Verdict.ELIGIBLE: gettext("Likely eligible"),
        Verdict.NEEDS_INFO: gettext("Need more information"),
        Verdict.INELIGIBLE: gettext("Not eligible"),
    }[verdict]


# Trials listed per verdict group on the live panel: each answer re-renders it, and with a
# registry-sized catalog listing every trial costs seconds and megabytes per keystroke. The
# rest are one link away (`?all=1`, a full page listing them FULL_PAGE at a time).
RESULTS_PER_GROUP = 10
# Trials per verdict group and page of the full list (`?all=1&page=N`): never 10 000 at once.
FULL_PAGE = 100


@dataclass(frozen=True)
class ResultGroup:
    verdict: str
    title: str
    items: list[ResultItem]
    total: int
    # How many of the group's trials come before `items` (on earlier pages of the full list).
    skipped: int = 0

    @property
    def hidden(self) -> int:
        """The group's trials after `items` (a link shows them)."""
        return max(self.total - self.skipped - len(self.items), 0)


@dataclass
class Screening:
    mode: str
    catalog: Catalog
    answers: dict[str, object]
    values: dict[str, object]
    display: dict[str, str]
    errors: dict[str, str]
    # Every trial's result in the API's order (nearest first within a verdict when the town
    # is known), each worded only when read: use `results.of_verdict` / `results.trial_ids`
    # rather than walking 10 000 of them.
    results: ScreenResults
    relevant: set[str]
    next_code: str | None
    progress: relevance.Progress
    questions: dict[str, Question] = field(default_factory=dict)
    # Where the answers are kept and the pages served (None: not drawn as a page).
    store: AnswerStore | None = None
    # List every trial of every group, FULL_PAGE at a time from `page`, instead of the first
    # RESULTS_PER_GROUP.
    show_all: bool = False
    page: int = 1
    # Where the patient lives, if they said, and each trial's nearest located site from there.
    place: Place | None = None
    nearest: dict[str, nearby.SiteDistance] = field(default_factory=dict)

    @cached_property
    def place_form(self) -> PlaceForm:
        """The town question as kept (a view puts the posted form here to show its error)."""
        kept = self.store.load_place() if self.store else None
        return PlaceForm(mode=self.mode, initial=kept or {})

    def trial_sites(self, trial_id: str) -> list[nearby.SiteDistance]:
        """Every site of the trial, nearest first when the patient's town is known."""
        return nearby.trial_sites(trial_id, self.place.point if self.place else None)

    def question_text(self, code: str) -> str:
        concept = self.catalog.concepts[code]
        return concept.patient_question if self.mode == "patient" else concept.clinician_question

    @cached_property
    def groups(self) -> list[ResultGroup]:
        """One group per verdict; for a patient, trials no longer recruiting are listed apart
        (last), whatever their verdict, since nothing can come of them. Only the trials shown
        are worded: the panel's first RESULTS_PER_GROUP, or one FULL_PAGE of the full list."""
        apart = self.mode == "patient"
        groups = [
            self._group(
                verdict.value,
                verdict_title(verdict.value),
                self.results.positions(verdict.value, closed=False if apart else None),
            )
            for verdict in (Verdict.ELIGIBLE, Verdict.NEEDS_INFO, Verdict.INELIGIBLE)
        ]
        if apart:
            groups.append(
                self._group(CLOSED_GROUP, str(Recruitment.CLOSED.label), self.results.positions(closed=True))
            )
        return groups

    def _group(self, name: str, title: str, positions) -> ResultGroup:
        start = (self.page - 1) * FULL_PAGE if self.show_all else 0
        size = FULL_PAGE if self.show_all else RESULTS_PER_GROUP
        shown = self.results.at(positions[start : start + size])
        return ResultGroup(name, title, [self._item(r) for r in shown], len(positions), start)

    def item(self, trial_id: str) -> ResultItem | None:
        """The result item of one trial, whether or not its group lists it on the panel."""
        result = self.results.find(trial_id)
        return None if result is None else self._item(result)

    def trial_ids(self, verdict: str | None = None) -> list[str]:
        """The ids of one verdict's trials (or all), in the results' order, without wording
        any result: at 10 000 trials, walking `results` words every one of them."""
        return self.results.trial_ids(verdict)

    def _item(self, result: TrialResult) -> ResultItem:
        return ResultItem(
            result,
            str(dict(Trial.RegistryStatus.choices).get(result.info.status, result.info.status)),
            [(code, self.question_text(code)) for code in result.missing_concepts],
            self.store.trial_link(result) if self.store else None,
            self.nearest.get(result.info.trial_id),
            self.store.trial_note(result) if self.store else "",
            verdict_title(result.verdict),
        )

    @property
    def page_links(self) -> list[tuple[str, str]]:
        return self.store.page_links() if self.store else []

    def sections(self) -> list[tuple[str, str, list[Question]]]:
        out: list[tuple[str, str, list[Question]]] = []
        labels = dict(Section.choices)
        for question in self.questions.values():
            section = question.concept.section
            if not out or out[-1][0] != section:
                out.append((section, str(labels.get(section, section)), []))
            out[-1][2].append(question)
        return out

    def visible_sections(self) -> set[str]:
        return {q.concept.section for q in self.questions.values() if q.visible}


def build_screening(
    catalog: Catalog,
    mode: str,
    answers: dict[str, object],
    as_of: date,
    posted: Mapping[str, QuestionForm] | None = None,
    store: AnswerStore | None = None,
    previous: Mapping[str, object] | None = None,
) -> Screening:
    """`posted` holds forms bound to what was just sent, shown instead of the kept answers
    (so a refused value stays on screen with its error). `previous` are the answers before
    the one just given: when their screen is still kept, only the trials that read a
    changed concept are evaluated again."""
    values, validated = screening_values(catalog, answers, as_of)
    before = screening_values(catalog, previous, as_of)[0] if previous is not None else None
    table_screen = patient_screen(catalog, values, before)
    # Where the patient lives never changes a verdict: it orders each verdict's trials.
    place = nearby.resolve(store.load_place()) if store else None
    nearest = nearby.nearest_sites(place.point) if place else {}
    positions = None
    if place:
        trials = catalog.plan.trials
        positions = nearby.nearest_first(
            table_screen.order().tolist(),
            nearest,
            trial_id=lambda p: trials[p].trial_id,
            verdict=lambda p: table_screen.verdict(p).value,
        )
    results = ScreenResults(catalog, table_screen, values, validated.display, positions)
    answered = list(answers)
    concepts = catalog.ordered_concepts
    concept_counts = table_screen.concept_counts()
    relevant = relevance.relevant_from_counts(concept_counts, answered)
    suggestion = relevance.next_for_screen(table_screen, values, answered, catalog.question_order)
    next_code = suggestion.concept if suggestion else None
    counts = table_screen.counts()
    possible = counts[Verdict.ELIGIBLE.value] + counts[Verdict.NEEDS_INFO.value]
    progress = relevance.Progress(len(set(answered)), possible, table_screen.table.size)
    state = Screening(
        mode=mode,
        catalog=catalog,
        answers=answers,
        values=values,
        display=validated.display,
        errors=validated.errors,
        results=results,
        relevant=relevant,
        next_code=next_code,
        progress=progress,
        store=store,
        place=place,
        nearest=nearest,
    )
    posted = posted or {}
    # The inputs are drawn from the concepts and drug classes, which change only with this
    # part of the fingerprint, in the page's language.
    drawn_from = f"{get_language()}|{catalog.fingerprint[3:]!r}"
    for concept in concepts:
        code = concept.code
        problem = validated.errors.get(code, "")
        blank = not (code in answers or code in posted or problem)
        answer_url = store.url("answer", code=code) if store else ""
        question = Question(
            concept=concept,
            visible=code in relevant,
            is_next=code == next_code,
            answered=code in answers,
            problem=problem,
            posted=posted.get(code),
            make_form=partial(question_form, catalog, mode, concept, stored=answers.get(code), store=store),
            blank_key=f"{drawn_from}|{mode}|{answer_url}" if blank else "",
        )
        question.visible = question.visible or bool(question.errors)
        state.questions[code] = question
    return state


@dataclass(frozen=True)
class CriterionLine:
    kind: str
    source_text: str
    status: str  # met, not_met, unknown, visit
    label: str
    explanation: str = ""
    children: tuple[CriterionLine, ...] = ()


def _status_label(kind: str, status: Status) -> tuple[str, str]:
    if kind == Kind.EXCLUSION:
        labels = {
            Status.MET: ("not_met", gettext("Applies: excludes")),
            Status.NOT_MET: ("met", gettext("Does not apply")),
            Status.UNKNOWN: ("unknown", gettext("Unknown")),
        }
    else:
        labels = {
            Status.MET: ("met", gettext("Met")),
            Status.NOT_MET: ("not_met", gettext("Not met")),
            Status.UNKNOWN: ("unknown", gettext("Unknown")),
        }
    return labels[status]


def trial_criteria(state: Screening, trial_id: str) -> list[CriterionLine]:
    """Every top-level criterion of a trial with its status for this patient, in the
    registry's words; criteria settled at the visit are listed as such."""
    trial = state.catalog.plan.by_id[trial_id]
    explainer = state.catalog.explainer(state.display)
    visit_label = gettext("Confirmed at the visit")
    lines = []
    for criterion in trial.screened:
        result = detail(criterion.node, state.values)
        status, label = _status_label(criterion.kind, result.status)
        explanation = explainer.node(result, state.values, positive=criterion.kind == Kind.INCLUSION)
        visits = tuple(
            CriterionLine(criterion.kind.value, text, "visit", visit_label)
            for text in criterion.node.nested_visit_texts()
        )
        source = criterion.source_text or " ".join(
            child.source_text for child in criterion.node.children if child.source_text
        )
        lines.append(CriterionLine(criterion.kind.value, source, status, label, explanation, visits))
    for criterion in trial.visit:
        for text in visit_texts([criterion.node]):
            lines.append(CriterionLine(criterion.kind.value, text, "visit", visit_label))
    return lines
