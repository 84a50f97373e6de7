"""The one validation layer: raw answers (JSON values) in, typed canonical values out.

The API and the questionnaire forms both call it, so the same answer is accepted or refused
with the same message everywhere. Every error is keyed by the concept it concerns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from engine import units
from engine.explain import Translate, Vocabulary, identity, number, unit_display
from engine.types import NEVER, ConceptSpec, ConceptType, Medication

UNKNOWN_MARKERS = (None, "unknown")


class AnswerError(ValueError):
    pass


@dataclass
class ValidatedAnswers:
    values: dict[str, object] = field(default_factory=dict)
    # How the patient wrote a converted value ("120000 /mm3"), for explanations.
    display: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite(value: int | float) -> bool:
    """math.isfinite, but False for a JSON integer too large for a float (it raises otherwise)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Every date the app accepts (the screening date, a birth date) lies in these bounds
# (shared/spec/api.md): far enough for any living patient, near enough to be a typo otherwise.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)
# Treatment timings have no concept of their own: bounded by the longest a life can last.
MAX_DAYS_SINCE_DOSE = 120 * 366
MAX_MONTHS_ON_TREATMENT = 120 * 12


_TIMING_MAXIMA = {"days_since_last_dose": MAX_DAYS_SINCE_DOSE, "months_on_treatment": MAX_MONTHS_ON_TREATMENT}


class DateFormatError(ValueError):
    """Not a YYYY-MM-DD calendar date."""


class DateRangeError(ValueError):
    """A calendar date outside DATE_MIN..DATE_MAX."""


def parse_iso_date(value: object) -> date:
    """Exactly YYYY-MM-DD, a real calendar day, between DATE_MIN and DATE_MAX. (fromisoformat
    alone would also take ISO week dates, "20200101" and years like 0001 or 9999.)"""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise DateFormatError(value)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise DateFormatError(value) from None
    if not DATE_MIN <= parsed <= DATE_MAX:
        raise DateRangeError(value)
    return parsed


@dataclass(frozen=True)
class Validator:
    concepts: Mapping[str, ConceptSpec]
    drug_codes: frozenset[str] = frozenset()
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    _: Translate = identity

    def validate(self, raw: object, as_of: date) -> ValidatedAnswers:
        _ = self._
        result = ValidatedAnswers()
        if not isinstance(raw, dict):
            result.errors["answers"] = _("answers must be an object mapping concept codes to values")
            return result
        for code, value in raw.items():
            concept = self.concepts.get(code) if isinstance(code, str) else None
            if concept is None:
                result.errors[str(code)] = _("unknown concept")
                continue
            if value in UNKNOWN_MARKERS or (isinstance(value, str) and value == "unknown"):
                continue
            try:
                typed, shown = self.one(concept, value, as_of)
            except AnswerError as error:
                result.errors[code] = str(error)
                continue
            if concept.type == ConceptType.DATE:
                # birth_date is only ever read as the age it gives on the screening date.
                age = _age_on(typed, as_of)  # type: ignore[arg-type]
                if "age" in raw and raw["age"] not in UNKNOWN_MARKERS and raw["age"] != age:
                    result.errors["age"] = _("age does not match birth_date (%(age)s on %(as_of)s)") % {
                        "age": age,
                        "as_of": as_of.isoformat(),
                    }
                result.values.setdefault("age", age)
                result.values[code] = typed
                continue
            result.values[code] = typed
            if shown:
                result.display[code] = shown
        if not result.errors:
            result.errors.update(self.consistency(result.values))
            implied(result.values)
        return result

    def one(self, concept: ConceptSpec, value: object, as_of: date | None = None) -> tuple[object, str]:
        """Returns the canonical value and, when a unit was converted, how it was written."""
        _ = self._
        label = self.vocabulary.label(concept.code)
        kind = concept.type
        if kind == ConceptType.BOOLEAN:
            if not isinstance(value, bool):
                raise AnswerError(_("%(label)s must be true or false") % {"label": label})
            return value, ""
        if kind == ConceptType.CHOICE:
            if not isinstance(value, str) or value not in concept.choices:
                raise AnswerError(
                    _("%(label)s must be one of: %(choices)s")
                    % {"label": label, "choices": ", ".join(concept.choices)}
                )
            return value, ""
        if kind == ConceptType.DATE:
            return self.date(concept, value, as_of or date.today()), ""
        if kind == ConceptType.LIST:
            return self.medications(value), ""
        if kind == ConceptType.SINCE:
            return self.since(concept, value), ""
        if kind == ConceptType.QUANTITY:
            return self.quantity(concept, value)
        return self.number(concept, value), ""

    def _finite(self, label: str, value: object) -> float:
        if not _is_number(value):
            raise AnswerError(self._("%(label)s must be a number") % {"label": label})
        if not _is_finite(value):  # type: ignore[arg-type]
            raise AnswerError(self._("%(label)s must be a finite number") % {"label": label})
        return value  # type: ignore[return-value]

    def number(self, concept: ConceptSpec, value: object) -> float | int:
        _ = self._
        label = self.vocabulary.label(concept.code)
        number_value = self._finite(label, value)
        if concept.type == ConceptType.INTEGER:
            if not float(number_value).is_integer():
                raise AnswerError(_("%(label)s must be a whole number") % {"label": label})
            number_value = int(number_value)
        self.check_range(concept, number_value, label)
        return number_value

    def check_range(self, concept: ConceptSpec, value: float, label: str) -> None:
        _ = self._
        lo, hi, step = concept.minimum, concept.maximum, concept.step
        unit = f" {unit_display(concept.canonical_unit)}" if concept.type == ConceptType.QUANTITY else ""
        params = {
            "label": label,
            "low": number(lo if lo is not None else 0),
            "high": number(hi) if hi is not None else "",
            "unit": unit,
            "step": number(step) if step else "",
        }
        out_of_range = (lo is not None and value < lo) or (hi is not None and value > hi)
        off_step = (
            bool(step)
            and step != 1
            and abs(((value - (lo or 0)) / step) % 1) > 1e-9
            and abs(((value - (lo or 0)) / step) % 1 - 1) > 1e-9
        )
        if out_of_range or off_step:
            if step and step != 1 and hi is not None:
                raise AnswerError(
                    _("%(label)s must be between %(low)s and %(high)s in steps of %(step)s") % params
                )
            if hi is not None:
                raise AnswerError(_("%(label)s must be between %(low)s and %(high)s%(unit)s") % params)
            raise AnswerError(_("%(label)s must be at least %(low)s%(unit)s") % params)

    def quantity(self, concept: ConceptSpec, value: object) -> tuple[float, str]:
        _ = self._
        label = self.vocabulary.label(concept.code)
        if isinstance(value, dict):
            if set(value) != {"value", "unit"}:
                raise AnswerError(
                    _('%(label)s must be a number or {"value": number, "unit": text}') % {"label": label}
                )
            amount, unit = value["value"], value["unit"]
            amount = self._finite(label, amount)
            if not isinstance(unit, str) or not unit.strip():
                raise AnswerError(_("%(label)s needs a unit") % {"label": label})
            accepted = units.is_accepted(unit, concept.accepted_units)
            if accepted is None:
                try:
                    units.factor(unit, concept.canonical_unit)
                    problem = _("unit %(unit)s is not accepted for %(label)s")
                except units.DimensionError:
                    problem = _("unit %(unit)s cannot be converted to %(canonical)s for %(label)s")
                except units.UnitError:
                    problem = _("unknown unit %(unit)s for %(label)s")
                raise AnswerError(
                    (problem + "; " + _("use one of: %(accepted)s"))
                    % {
                        "unit": unit,
                        "label": label,
                        "canonical": concept.canonical_unit,
                        "accepted": ", ".join(concept.accepted_units),
                    }
                )
            canonical = units.convert(amount, accepted, concept.canonical_unit)
            shown = ""
            if units.normalise(accepted) != units.normalise(concept.canonical_unit):
                shown = (
                    f"{number(amount)} {accepted} (= {number(canonical)} "
                    f"{unit_display(concept.canonical_unit)})"
                )
        else:
            canonical = self._finite(label, value)
            shown = ""
        self.check_range(concept, canonical, label)
        return float(canonical), shown

    def since(self, concept: ConceptSpec, value: object) -> float:
        _ = self._
        label = self.vocabulary.label(concept.code)
        if value == "never":
            return NEVER
        if isinstance(value, str) or not _is_number(value) or not _is_finite(value) or value < 0:  # type: ignore[arg-type,operator]
            raise AnswerError(
                _('%(label)s must be a number of %(unit)s (0 or more) or "never"')
                % {"label": label, "unit": concept.canonical_unit}
            )
        lo, hi = concept.minimum, concept.maximum
        if (lo is not None and value < lo) or (hi is not None and value > hi):  # type: ignore[operator]
            raise AnswerError(
                _('%(label)s must be a number of %(unit)s from %(low)s to %(high)s, or "never"')
                % {
                    "label": label,
                    "unit": concept.canonical_unit,
                    "low": number(lo if lo is not None else 0),
                    "high": number(hi) if hi is not None else "∞",
                }
            )
        return float(value)  # type: ignore[arg-type]

    def date(self, concept: ConceptSpec, value: object, as_of: date) -> date:
        _ = self._
        label = self.vocabulary.label(concept.code)
        try:
            parsed = parse_iso_date(value)
        except DateFormatError:
            raise AnswerError(_("%(label)s must be a date written YYYY-MM-DD") % {"label": label}) from None
        except DateRangeError:
            raise AnswerError(
                _("%(label)s must be a date between %(low)s and %(high)s")
                % {"label": label, "low": DATE_MIN.isoformat(), "high": DATE_MAX.isoformat()}
            ) from None
        if parsed > as_of:
            raise AnswerError(_("%(label)s is after the screening date") % {"label": label})
        if _age_on(parsed, as_of) > 120:
            raise AnswerError(_("%(label)s gives an age over 120") % {"label": label})
        return parsed

    def medications(self, value: object) -> tuple[Medication, ...]:
        _ = self._
        if not isinstance(value, list):
            raise AnswerError(_("medications must be a list of treatments (an empty list means none)"))
        items = []
        for position, item in enumerate(value, start=1):
            where = {"n": position}
            if not isinstance(item, dict) or "drug" not in item:
                raise AnswerError(_('medication %(n)s must be an object with a "drug" code') % where)
            extra = set(item) - {"drug", "days_since_last_dose", "months_on_treatment"}
            if extra:
                where["fields"] = ", ".join(sorted(map(str, extra)))
                raise AnswerError(_("medication %(n)s has unknown fields: %(fields)s") % where)
            drug = item["drug"]
            if not isinstance(drug, str) or drug not in self.drug_codes:
                where["drug"] = str(drug)
                raise AnswerError(_("medication %(n)s: unknown drug code %(drug)s") % where)
            timing = {}
            for key in ("days_since_last_dose", "months_on_treatment"):
                raw = item.get(key)
                if raw in UNKNOWN_MARKERS:
                    timing[key] = None
                    continue
                if not _is_number(raw) or not _is_finite(raw) or raw < 0:  # type: ignore[arg-type,operator]
                    where["field"] = key
                    raise AnswerError(_("medication %(n)s: %(field)s must be a number, 0 or more") % where)
                if raw > _TIMING_MAXIMA[key]:  # type: ignore[operator]
                    where.update(field=key, high=_TIMING_MAXIMA[key])
                    raise AnswerError(_("medication %(n)s: %(field)s must be at most %(high)s") % where)
                timing[key] = float(raw)  # type: ignore[arg-type]
            items.append(Medication(drug, **timing))
        return tuple(items)

    def consistency(self, values: Mapping[str, object]) -> dict[str, str]:
        """Answers that are each valid but cannot all be true; the error goes on the later one."""
        _ = self._
        errors: dict[str, str] = {}
        r12, r24 = values.get("relapses_12m"), values.get("relapses_24m")
        if r12 is not None and r24 is not None and r24 < r12:  # type: ignore[operator]
            errors["relapses_24m"] = _("relapses in 24 months cannot be fewer than relapses in 12 months")
        last = values.get("days_since_last_relapse")
        if r12 and last is not None and last > 366:  # type: ignore[operator]
            errors["days_since_last_relapse"] = _(
                "the last relapse cannot be more than a year ago if there was a relapse in the past 12 months"
            )
        if values.get("ongoing_relapse") is True and last == NEVER:
            errors["days_since_last_relapse"] = _("a relapse is ongoing, so the last relapse cannot be never")
        if values.get("sex") == "male":
            # Every answer a man's sex implies, so that no answer order gives other verdicts.
            for code in IMPLIED_BY_MALE_SEX:
                if values.get(code) is True:
                    errors[code] = _("this answer only applies to women")
        age, duration = values.get("age"), values.get("disease_duration_years")
        if age is not None and duration is not None and duration > age:  # type: ignore[operator]
            errors["disease_duration_years"] = _("disease duration cannot be longer than the age")
        edss, increase = values.get("edss"), values.get("edss_increase_12m")
        if edss is not None and increase is not None and increase > edss:  # type: ignore[operator]
            errors["edss_increase_12m"] = _("the EDSS increase cannot be larger than the current EDSS")
        if values.get("diagnosis") not in (None, "multiple_sclerosis") and "ms_phenotype" in values:
            errors["ms_phenotype"] = _("the MS course only applies when the diagnosis is multiple sclerosis")
        return errors


# Answers that follow from another one: nobody should be asked whether a man is pregnant.
IMPLIED_BY_MALE_SEX = ("pregnant", "breastfeeding", "childbearing_potential")


def implied(values: dict[str, object]) -> None:
    if values.get("sex") == "male":
        for code in IMPLIED_BY_MALE_SEX:
            values.setdefault(code, False)


def _age_on(birth: date, as_of: date) -> int:
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
