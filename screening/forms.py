"""One question of the questionnaire as a Django form, and the ONE place where what a browser
posts (strings) becomes the JSON-like value the engine's Validator accepts.

A question's inputs are named after its concept (`edss`, `platelets__unit`,
`days_since_last_relapse__never`, `medications__0__drug`...), so one page can hold every
question and one POST can carry any number of them. The form itself accepts any string:
judging an answer is the Validator's job, so the API and the pages refuse the same values with
the same words. Bad text that is not a number is passed through unchanged for that reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from engine.explain import unit_display
from engine.validation import DATE_MAX, DATE_MIN, DateFormatError, DateRangeError, parse_iso_date
from screening import nearby
from trials import gazetteer
from trials.models import Concept, ConceptType, Drug

UNKNOWN = "unknown"
PATIENT = "patient"
CLINICIAN = "clinician"

# Patients say when they last took a drug in words; each choice stands for the longest time
# it can mean (days), so an answer never makes a recent dose look more recent than it was.
# The bounds follow the durations the registry criteria use (7 days, 2, 3, 6 and 12 months).
LAST_DOSE_CHOICES: tuple[tuple[str, object, float | None], ...] = (
    ("now", _("I am taking it now"), 0.0),
    ("7d", _("I stopped less than a week ago"), 7.0),
    ("2m", _("I stopped 1 week to 2 months ago"), 60.0),
    ("3m", _("I stopped 2 to 3 months ago"), 91.0),
    ("6m", _("I stopped 3 to 6 months ago"), 182.0),
    ("12m", _("I stopped 6 to 12 months ago"), 365.0),
    ("old", _("I stopped more than a year ago"), 731.0),
    ("unsure", _("I don't remember when"), None),
)
_DAYS_BY_WHEN = {code: days for code, _label, days in LAST_DOSE_CHOICES}
UNIT_WORDS = {"years": _("years"), "months": _("months"), "days": _("days")}

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_number(text: str) -> object:
    """ "4,5" and "4.5" are 4.5, "150 000" is 150000; anything else goes to the Validator as
    text, which words the error ("EDSS must be a number")."""
    compact = _SPACES.sub("", text)
    if "," in compact and "." not in compact:
        compact = compact.replace(",", ".")
    try:
        number = float(compact)
    except ValueError:
        return text.strip()
    if math.isfinite(number) and number.is_integer() and "." not in compact and "e" not in compact.lower():
        return int(number)
    return number


def format_number(value: object) -> str:
    """A stored number as a person of the active language writes it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if (get_language() or "en").startswith("fr"):
        text = text.replace(".", ",")
    return text


@dataclass(frozen=True)
class Live:
    """What makes an input send itself with htmx: the answer URL and the question's wrapper."""

    url: str
    target: str

    def attrs(self, typing: bool = False) -> dict[str, str]:
        attrs = {
            "hx-post": self.url,
            "hx-target": f"#{self.target}",
            "hx-swap": "outerHTML",
            "hx-include": f"#{self.target}",
            "hx-sync": "closest form:queue all",
        }
        if typing:
            attrs["hx-trigger"] = "input changed delay:600ms, change"
        return attrs


def _text(label, live: Live | None, *, help_text: str = "", decimal: bool = True, **extra) -> forms.CharField:
    attrs = {"autocomplete": "off", **extra}
    if decimal:
        attrs["inputmode"] = "decimal"
    if live:
        attrs.update(live.attrs(typing=True))
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs)
    )


def _radios(label, choices, live: Live | None, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.RadioSelect(choices=choices, attrs=live.attrs() if live else {}),
    )


def _select(label, choices, live: Live | None) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Select(choices=choices, attrs=live.attrs() if live else {})
    )


def _check(label, live: Live | None) -> forms.BooleanField:
    return forms.BooleanField(
        label=label, required=False, widget=forms.CheckboxInput(attrs=live.attrs() if live else {})
    )


class QuestionForm(forms.Form):
    """The inputs of one concept. `rows` groups bound fields for the layout (one row each)."""

    def __init__(
        self,
        concept: Concept,
        mode: str,
        *,
        data: Mapping | None = None,
        stored: object = None,
        drugs: Iterable[Drug] = (),
        live: Live | None = None,
        treatment_rows: int = 1,
        offer_unknown: bool = True,
    ):
        """`treatment_rows`: at least this many treatment rows for a clinician (one more than
        those filled in, whatever it says): a page without JavaScript cannot add rows.
        `offer_unknown=False` leaves out the patient's "I don't know" inputs, for a page that
        offers "I don't know" as a button of its own (the interview)."""
        self.concept = concept
        self.offer_unknown = offer_unknown
        self.mode = mode
        self.code = concept.code
        self.drugs = list(drugs)
        self.treatment_rows = treatment_rows
        self._layout: list[list[str]] = []
        super().__init__(data=data, initial=self.initial_for(stored) if data is None else None)
        self.build(stored, live)

    # -- building -------------------------------------------------------------------------
    @property
    def patient(self) -> bool:
        return self.mode == PATIENT

    @property
    def is_list(self) -> bool:
        return self.concept.type == ConceptType.LIST

    @property
    def help_text(self) -> str:
        return self.concept.help_text if self.patient else ""

    def question(self) -> str:
        return self.concept.patient_question if self.patient else self.concept.clinician_question

    def _add(self, row: list[str], name: str, field: forms.Field) -> None:
        self.fields[name] = field
        row.append(name)

    def build(self, stored: object, live: Live | None) -> None:
        c, code = self.concept, self.code
        help_text = c.help_text if self.patient else ""
        unknown_label = _("I don't know") if self.patient else _("Not known")
        row: list[str] = []
        self._layout.append(row)
        kind = c.type
        if kind == ConceptType.BOOLEAN:
            choices = [("true", _("Yes")), ("false", _("No"))] + self._unknown_choice(unknown_label)
            self._add(row, code, _radios(self.question(), choices, live, help_text))
        elif kind == ConceptType.CHOICE:
            choices = [(code_, c.choice_label(code_)) for code_ in c.choice_codes]
            choices += self._unknown_choice(unknown_label)
            self._add(row, code, _radios(self.question(), choices, live, help_text))
        elif kind == ConceptType.DATE:
            self._add(
                row, code, _text(self.question(), live, help_text=help_text, decimal=False, type="date")
            )
        elif kind == ConceptType.LIST:
            self.build_medications(stored, live)
        else:
            label = self.question()
            if not self.patient and c.canonical_unit and kind != ConceptType.QUANTITY:
                unit = str(UNIT_WORDS.get(c.canonical_unit, unit_display(c.canonical_unit)))
                # "Age at screening (years)" says it already; the unit in the reader's language.
                if unit not in label and c.canonical_unit not in label:
                    label = f"{label} ({unit})"
            self._add(row, code, _text(label, live, help_text=help_text))
            if kind == ConceptType.QUANTITY:
                units = [(u, unit_display(u)) for u in [c.canonical_unit, *c.accepted_units]]
                self._add(row, f"{code}__unit", _select(_("Unit"), list(dict.fromkeys(units)), live))
            if kind == ConceptType.SINCE:
                self._add(row, f"{code}__never", _check(_("Never"), live))
        if (
            self.patient
            and self.offer_unknown
            and kind
            in (
                ConceptType.INTEGER,
                ConceptType.NUMBER,
                ConceptType.QUANTITY,
                ConceptType.SINCE,
                ConceptType.DATE,
            )
        ):
            self._add(row, f"{code}__unknown", _check(_("I don't know"), live))

    def _unknown_choice(self, label) -> list[tuple[str, object]]:
        return [(UNKNOWN, label)] if self.offer_unknown or not self.patient else []

    def _row_count(self, stored: object) -> int:
        if self.data:
            indexes = [
                int(m.group(1))
                for key in self.data
                if (m := re.fullmatch(rf"{self.code}__(\d+)__drug", key)) and int(m.group(1)) < 50
            ]
            return max(indexes) + 1 if indexes else 0
        return len(stored) if isinstance(stored, list) else 0

    def build_medications(self, stored: object, live: Live | None) -> None:
        code = self.code
        if self.patient:
            when = [("", "—")] + [(w, label) for w, label, _d in LAST_DOSE_CHOICES]
            for drug in self.drugs:
                row: list[str] = []
                self._layout.append(row)
                self._add(row, f"{code}__took__{drug.code}", _check(drug.name.capitalize(), live))
                # The drug's name beside it says what the menu is about; screen readers get it all.
                field = _select("", when, live)
                field.widget.attrs["aria-label"] = _("When did you last take %(drug)s?") % {"drug": drug.name}
                self._add(row, f"{code}__when__{drug.code}", field)
            last = [f"{code}__none"]
            self._layout.append(last)
            self.fields[last[0]] = _check(_("I have never taken any of these"), live)
            if self.offer_unknown:
                last.append(f"{code}__unknown")
                self.fields[last[1]] = _check(_("I don't know"), live)
            return
        drug_choices = [("", _("— choose a treatment —"))] + [(d.code, d.name) for d in self.drugs]
        # One empty row after the filled ones: choosing a drug there adds a treatment.
        for i in range(max(self._row_count(stored) + 1, self.treatment_rows)):
            row = []
            self._layout.append(row)
            self._add(
                row, f"{code}__{i}__drug", _select(_("Treatment %(n)s") % {"n": i + 1}, drug_choices, live)
            )
            self._add(row, f"{code}__{i}__days", _text(_("Days since the last dose"), live))
            self._add(row, f"{code}__{i}__months", _text(_("Months on treatment"), live))
        self._layout.append([f"{code}__none"])
        self.fields[f"{code}__none"] = _check(_("No treatment, current or past"), live)

    @property
    def rows(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in row] for row in self._layout if row]

    @property
    def first_id(self) -> str:
        return self[self._layout[0][0]].id_for_label if self._layout and self._layout[0] else ""

    def clean(self) -> dict:
        """Inputs that contradict each other (a duration and "never"; treatments and "none")
        are refused here: they are no answer the Validator could judge."""
        cleaned = super().clean()
        code, kind = self.code, self.concept.type
        if kind == ConceptType.SINCE and cleaned.get(f"{code}__never") and (cleaned.get(code) or "").strip():
            self.add_error(code, _("Give a duration or tick “never”, not both."))
        if kind == ConceptType.LIST and cleaned.get(f"{code}__none") and self._medications(cleaned):
            self.add_error(f"{code}__none", _("Untick “no treatment” or remove the treatments."))
        return cleaned

    @property
    def first_error(self) -> str:
        """The first message of a bound form's own checks ("" when the inputs agree)."""
        return next((str(e) for errors in self.errors.values() for e in errors), "")

    # -- strings to JSON-like values ----------------------------------------------------
    def raw(self) -> object:
        """The posted answer as the Validator expects it; None means "no answer"."""
        assert self.is_bound
        self.full_clean()
        d, code, kind = self.cleaned_data, self.code, self.concept.type
        if d.get(f"{code}__unknown"):
            return UNKNOWN
        if kind == ConceptType.LIST:
            return self._medications(d)
        text = (d.get(code) or "").strip()
        if kind == ConceptType.BOOLEAN:
            return {"true": True, "false": False, UNKNOWN: UNKNOWN}.get(text, text or None)
        if kind in (ConceptType.CHOICE, ConceptType.DATE):
            return text or None
        if kind == ConceptType.SINCE and d.get(f"{code}__never"):
            return "never"
        if not text:
            return None
        value = parse_number(text)
        if kind == ConceptType.QUANTITY:
            return {"value": value, "unit": d.get(f"{code}__unit") or self.concept.canonical_unit}
        return value

    def _medications(self, d: Mapping) -> object:
        code = self.code
        items = []
        if self.patient:
            for drug in self.drugs:
                if d.get(f"{code}__took__{drug.code}"):
                    item: dict[str, object] = {"drug": drug.code}
                    days = _DAYS_BY_WHEN.get(d.get(f"{code}__when__{drug.code}") or "")
                    if days is not None:
                        item["days_since_last_dose"] = days
                    items.append(item)
        else:
            for i in range(self._row_count(None)):
                drug = d.get(f"{code}__{i}__drug")
                if not drug:
                    continue
                item = {"drug": drug}
                for field, key in (("days", "days_since_last_dose"), ("months", "months_on_treatment")):
                    text = (d.get(f"{code}__{i}__{field}") or "").strip()
                    if text:
                        item[key] = parse_number(text)
                items.append(item)
        if items:
            return items
        if d.get(f"{code}__none"):
            return []
        return None

    # -- JSON-like values back to strings -------------------------------------------------
    def initial_for(self, stored: object) -> dict[str, object]:
        code, kind = self.code, self.concept.type
        if stored is None:
            return {}
        if stored == UNKNOWN:
            if kind in (ConceptType.BOOLEAN, ConceptType.CHOICE):
                return {code: UNKNOWN}
            return {f"{code}__unknown": True}
        if kind == ConceptType.BOOLEAN:
            return {code: "true" if stored is True else "false"}
        if kind in (ConceptType.CHOICE, ConceptType.DATE):
            return {code: stored}
        if kind == ConceptType.SINCE and stored == "never":
            return {f"{code}__never": True}
        if kind == ConceptType.QUANTITY and isinstance(stored, dict):
            return {code: format_number(stored.get("value")), f"{code}__unit": stored.get("unit")}
        if kind == ConceptType.LIST and isinstance(stored, list):
            return self._initial_medications(stored)
        return {code: format_number(stored)}

    def _initial_medications(self, stored: list) -> dict[str, object]:
        code = self.code
        if not stored:
            return {f"{code}__none": True}
        initial: dict[str, object] = {}
        for i, item in enumerate(stored):
            drug = item.get("drug")
            days = item.get("days_since_last_dose")
            if self.patient:
                initial[f"{code}__took__{drug}"] = True
                initial[f"{code}__when__{drug}"] = next(
                    (w for w, _label, d in LAST_DOSE_CHOICES if d == days), "unsure"
                )
            else:
                initial[f"{code}__{i}__drug"] = drug
                if days is not None:
                    initial[f"{code}__{i}__days"] = format_number(days)
                if item.get("months_on_treatment") is not None:
                    initial[f"{code}__{i}__months"] = format_number(item["months_on_treatment"])
        return initial

    def show_error(self, message: str) -> None:
        if not self.is_bound:
            # A kept answer that contradicts another one: the form shows it unbound, with the error.
            self.full_clean()
            self.cleaned_data = {}
        self.add_error(self._layout[0][0] if self._layout and self._layout[0] else None, message)


class IsoDateField(forms.DateField):
    """A date typed or picked as YYYY-MM-DD (what <input type="date"> sends), between 1900 and
    2100: the engine's own rule for the screening date and birth dates, so a form refuses
    what the API refuses ("2026-W01-1", "0001-01-01", "9999-12-31")."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_iso_date(str(value).strip())
        except DateFormatError:
            raise forms.ValidationError(_("Enter a date written YYYY-MM-DD."), code="invalid") from None
        except DateRangeError:
            raise forms.ValidationError(
                _("Enter a date between %(low)s and %(high)s.")
                % {"low": DATE_MIN.isoformat(), "high": DATE_MAX.isoformat()},
                code="out_of_range",
            ) from None


class PlaceForm(forms.Form):
    """Where the patient lives: optional, for the distance to each trial's sites only. An
    empty town forgets it; a town that cannot be found is refused with close spellings."""

    town = forms.CharField(max_length=gazetteer.MAX_TOWN_LENGTH, required=False)
    country = forms.ChoiceField(label=_("Country"), initial="FR")

    def __init__(self, *args, mode: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions: list[str] = []
        self.fields["town"].label = (
            _("Which town do you live in?") if mode == PATIENT else _("Which town does the patient live in?")
        )
        self.fields["country"].choices = nearby.country_choices((get_language() or "en")[:2])

    def clean(self):
        data = super().clean()
        town = (data.get("town") or "").strip()
        if self.has_error("country") or not town:
            data["place"] = None
            return data
        try:
            place = gazetteer.default().require(town, data["country"])
        except gazetteer.TownNotFound as missing:
            self.suggestions = missing.suggestions
            message = _("We could not find “%(town)s” in this country.") % {"town": town}
            if missing.suggestions:
                message += " " + _("Did you mean one of these?")
            self.add_error("town", message)
            return data
        data["place"] = {"town": place.label, "country": data["country"]}
        return data
