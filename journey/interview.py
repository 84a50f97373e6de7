"""The patient interview: one question at a time, the one the chooser says matters next.

Everything here reads the screening the questionnaire pages read (`build_screening`): the
verdicts, the counts on the summary bar and the next question (`Screening.next_code`, from
`screening.relevance.next_question`, the function behind the API's `next_question`). The
interview adds only what a page of one question needs: the card (a `QuestionForm` without its
own "I don't know" inputs, since the card offers "I don't know" as a button), the question
before it (for "Back"), and the earlier answers in words, in the order they were given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext

from engine.explain import unit_display
from engine.validation import DateFormatError, DateRangeError, parse_iso_date
from journey.answers import PatientAnswerStore
from screening.catalog import Catalog, current_catalog
from screening.forms import LAST_DOSE_CHOICES, UNIT_WORDS, UNKNOWN, QuestionForm, format_number
from screening.questionnaire import Screening, build_screening, question_form
from trials.models import Concept, ConceptType, Verdict


@dataclass(frozen=True)
class EarlierAnswer:
    code: str
    question: str
    answer: str
    # Why the kept answer is set aside (it contradicts another one), if it is.
    problem: str = ""


@dataclass(frozen=True)
class Card:
    """The question on screen."""

    concept: Concept
    form: QuestionForm
    # The question asked before this one ("Back"), None for the first.
    back: str | None
    # An earlier answer being changed (the card shows it as kept).
    changing: bool
    # Its place in the interview, counting from 1.
    number: int

    @property
    def code(self) -> str:
        return self.concept.code


@dataclass(frozen=True)
class Interview:
    state: Screening
    # None: no answer left can change any verdict, and the interview is over.
    card: Card | None
    earlier: list[EarlierAnswer]

    @property
    def over(self) -> bool:
        return self.card is None

    # The summary bar counts only trials the patient could still join: one that no longer
    # recruits is listed apart with its verdict, but nothing can come of it.
    @property
    def still_possible(self) -> int:
        results = self.state.results
        return sum(
            len(results.positions(v.value, closed=False)) for v in (Verdict.ELIGIBLE, Verdict.NEEDS_INFO)
        )

    @property
    def likely_eligible(self) -> int:
        return len(self.state.results.positions(Verdict.ELIGIBLE.value, closed=False))


def card_form(catalog: Catalog, concept: Concept, **kwargs) -> QuestionForm:
    """The card's inputs: the questionnaire's own question form, posted with the card."""
    return question_form(catalog, "patient", concept, offer_unknown=False, **kwargs)


def build_interview(
    store: PatientAnswerStore,
    as_of: date,
    *,
    code: str | None = None,
    posted: QuestionForm | None = None,
) -> Interview:
    """The interview as it stands: the card for `code` (an earlier answer being changed, or
    a question refused and shown again with `posted`, its error on it) or else the chooser's
    next question, and the answers given so far."""
    catalog = current_catalog()
    state = build_screening(catalog, "patient", store.load(), as_of, store=store)
    asked = store.asked()
    code = code or state.next_code
    card = None
    if code is not None:
        concept = catalog.concepts[code]
        form = posted or card_form(catalog, concept, stored=state.answers.get(code))
        problem = state.errors.get(code, "")
        if problem and not form.errors:
            form.show_error(problem)
        if code in asked:
            at = asked.index(code)
            back, number = (asked[at - 1] if at else None), at + 1
        else:
            back, number = (asked[-1] if asked else None), len(asked) + 1
        card = Card(concept, form, back, changing=code in state.answers, number=number)
    earlier = [
        EarlierAnswer(
            code=answered,
            question=catalog.concepts[answered].patient_question,
            answer=answer_words(catalog, catalog.concepts[answered], state.answers[answered]),
            problem=state.errors.get(answered, ""),
        )
        for answered in asked
        if answered in catalog.concepts
    ]
    return Interview(state, card, earlier)


_WHEN = {days: label for _code, label, days in LAST_DOSE_CHOICES if days is not None}


def answer_words(catalog: Catalog, concept: Concept, value: object) -> str:
    """A kept answer in the words the patient chose it in ("Yes", "Relapsing-remitting MS",
    "4,5", "Fingolimod (I stopped 2 to 3 months ago)")."""
    kind = concept.type
    if value == UNKNOWN:
        return gettext("I don't know")
    if kind == ConceptType.BOOLEAN:
        return gettext("Yes") if value is True else gettext("No")
    if kind == ConceptType.CHOICE:
        return concept.choice_label(str(value))
    if kind == ConceptType.LIST and isinstance(value, list):
        if not value:
            return gettext("I have never taken any of these")
        return "; ".join(_treatment_words(catalog, item) for item in value if isinstance(item, dict))
    if kind == ConceptType.SINCE and value == "never":
        return gettext("Never")
    if kind == ConceptType.QUANTITY and isinstance(value, dict):
        return f"{format_number(value.get('value'))} {unit_display(str(value.get('unit') or ''))}".strip()
    if kind == ConceptType.DATE and isinstance(value, str):
        try:
            return formats.date_format(parse_iso_date(value), "DATE_FORMAT")
        except (DateFormatError, DateRangeError):
            return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        unit = UNIT_WORDS.get(concept.canonical_unit)
        return f"{format_number(value)} {unit}" if unit else format_number(value)
    return str(value)


def _treatment_words(catalog: Catalog, item: dict) -> str:
    drug = catalog.drugs.get(str(item.get("drug")))
    name = drug.name.capitalize() if drug else str(item.get("drug"))
    days = item.get("days_since_last_dose")
    if days is None:
        return name
    when = _WHEN.get(days) or gettext("last dose %(n)s days ago") % {"n": format_number(days)}
    return f"{name} ({when})"
