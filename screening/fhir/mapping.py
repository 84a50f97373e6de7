"""From a parsed bundle to concept answers, each with its sources, and what was not used.

Safety first: only resources about the bundle's one Patient are read; a laboratory result is
used only when it is dated, not after the screening date and within its concept's age limit
(`Concept.result_max_age_days`, 90 days by default); a condition answers a "current" concept
only while it is active; every value passes the shared Validator before it becomes an answer.
What cannot be used is listed with its reason, twice worded: `reason` for the API (codes, as
shared/spec/api.md shows) and `text` for the clinician (concept labels, translated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from engine import units
from engine.explain import number, unit_display
from engine.types import ConceptType
from engine.validation import AnswerError
from screening.catalog import Catalog
from screening.fhir.bundle import MEDICATION_USES, Bundle, Entry
from screening.fhir.codes import SYSTEM_NAMES, CodeTable, Row, system_of

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_YEAR = 365.25
RESULT_STATUSES = ("final", "amended", "corrected", "appended")
ACTIVE = ("active", "recurrence", "relapse")
INACTIVE = ("inactive", "remission", "resolved")
UNCONFIRMED = ("unconfirmed", "provisional", "differential")
ORDER_INTENTS = ("order", "original-order", "reflex-order", "filler-order", "instance-order")
NOT_TAKEN = ("entered-in-error", "not-taken", "cancelled", "draft", "intended", "not-done", "stopped-before")


@dataclass
class ImportedValue:
    concept: str
    answer: object
    shown: str
    sources: list[str]

    @property
    def source(self) -> str:
        return ", ".join(self.sources)


@dataclass(frozen=True)
class Unused:
    resource: str
    reason: str  # the API's words: codes, stable English
    text: str  # the clinician's words: labels, active language

    def as_json(self) -> dict:
        return {"resource": self.resource, "reason": self.reason}


@dataclass
class FhirImport:
    patient: str = ""
    values: list[ImportedValue] = field(default_factory=list)
    unused: list[Unused] = field(default_factory=list)

    def answers(self) -> dict[str, object]:
        """Concept answers as the API accepts them; treatments gathered into one list."""
        answers: dict[str, object] = {}
        for value in self.values:
            if value.concept == "medications":
                answers.setdefault("medications", []).append(value.answer)  # type: ignore[union-attr]
            else:
                answers[value.concept] = value.answer
        return answers

    def provenance(self) -> dict[str, list[str]]:
        sources: dict[str, list[str]] = {}
        for value in self.values:
            sources.setdefault(value.concept, []).extend(value.sources)
        return {code: list(dict.fromkeys(refs)) for code, refs in sources.items()}


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None  # a partial date (1992 or 1992-03) says too little to be used as a date


def _codings(concept) -> list:
    return list(getattr(concept, "coding", None) or []) if concept is not None else []


def _text(concept) -> str:
    if concept is None:
        return ""
    if concept.text:
        return concept.text
    for coding in _codings(concept):
        if coding.display:
            return coding.display
    return ", ".join(f"{c.system or ''}|{c.code or ''}" for c in _codings(concept))


def _status(concept, system_part: str) -> str:
    for coding in _codings(concept):
        if coding.code and system_part in (coding.system or ""):
            return coding.code
    return ""


def _describe_code(coding) -> str:
    name = SYSTEM_NAMES.get(system_of(coding.system) or "", coding.system or "code")
    return f"{name} {coding.code}" + (f" ({coding.display})" if coding.display else "")


_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:-|–|to)\s*(\d+(?:[.,]\d+)?)")
_UPPER = re.compile(r"(?:<=?|≤|up to|under|below)\s*(\d+(?:[.,]\d+)?)", re.I)


class Mapper:
    def __init__(self, catalog: Catalog, codes: CodeTable, bundle: Bundle, as_of: date):
        self.catalog = catalog
        self.codes = codes
        self.bundle = bundle
        self.as_of = as_of
        self.validator = catalog.validator()
        self.vocabulary = catalog.vocabulary()
        self.result = FhirImport(patient=bundle.patient.ref)
        self._dated: dict[str, tuple[date, str]] = {}  # lab concept -> (date, source) kept
        self._diagnosis_onsets: list[tuple[date, str]] = []
        self._phenotypes: list[tuple[bool, date, str, str]] = []
        self._malignancies: list[tuple[str, bool, date | None, str]] = []
        self._since: dict[str, list[tuple[float | None, str]]] = {}

    # -- recording
    def label(self, concept: str) -> str:
        return self.vocabulary.label(concept)

    def skip(self, source: str, reason: str, text: str | None = None) -> None:
        self.result.unused.append(Unused(source, reason, text or reason))

    def existing(self, concept: str) -> ImportedValue | None:
        return next((v for v in self.result.values if v.concept == concept), None)

    def add(self, concept: str, answer: object, sources: list[str], shown: str = "") -> bool:
        """Keeps a value only if the shared Validator accepts it; otherwise says why."""
        spec = self.catalog.specs.get(concept)
        if spec is None:
            for source in sources:
                self.skip(source, f"{concept} is not in the vocabulary")
            return False
        try:
            _typed, written = self.validator.one(spec, answer, self.as_of)
        except AnswerError as error:
            for source in sources:
                self.skip(source, str(error), f"{self.label(concept)}: {error}")
            return False
        self.result.values = [
            v for v in self.result.values if v.concept != concept or concept == "medications"
        ]
        self.result.values.append(
            ImportedValue(concept, answer, shown or written or self.show(concept, answer), sources)
        )
        return True

    def show(self, concept: str, answer: object) -> str:
        spec = self.catalog.specs[concept]
        if spec.type == ConceptType.CHOICE:
            return self.vocabulary.choice(concept, str(answer))
        if spec.type == ConceptType.BOOLEAN:
            return _("yes") if answer else _("no")
        if spec.type == ConceptType.LIST and isinstance(answer, dict):
            parts = [self.vocabulary.drug(answer["drug"])]
            days = answer.get("days_since_last_dose")
            if days == 0:
                parts.append(_("current treatment"))
            elif days is not None:
                parts.append(_("last dose %(days)s days ago") % {"days": number(days)})
            if answer.get("months_on_treatment") is not None:
                parts.append(
                    _("%(months)s months of treatment") % {"months": number(answer["months_on_treatment"])}
                )
            return ", ".join(parts)
        if isinstance(answer, dict):
            return f"{number(answer['value'])} {unit_display(answer['unit'])}"
        if isinstance(answer, int | float):
            return f"{number(answer)} {unit_display(spec.canonical_unit)}".strip()
        return str(answer)

    # -- the patient
    def patient(self, entry: Entry) -> None:
        model = entry.model
        if model.birthDate is not None:
            birth = _day(model.birthDate) if len(str(model.birthDate)) == 10 else None
            if birth is None:
                self.skip(
                    entry.ref,
                    f"birthDate {model.birthDate} is only partial",
                    _("Birth date %(date)s is only partial; enter the age") % {"date": model.birthDate},
                )
            else:
                age = (
                    self.as_of.year
                    - birth.year
                    - ((self.as_of.month, self.as_of.day) < (birth.month, birth.day))
                )
                self.add("age", age, [entry.ref])
        if model.gender in ("female", "male"):
            self.add("sex", model.gender, [entry.ref])
        elif model.gender:
            self.skip(
                entry.ref,
                f"gender {model.gender}: the criteria know female and male",
                _("Sex “%(value)s”: the trials' criteria only know female and male")
                % {"value": model.gender},
            )

    def belongs(self, entry: Entry) -> bool:
        """Whether the resource is about this bundle's patient; says why not otherwise."""
        model = entry.model
        subject = getattr(model, "subject", None) or getattr(model, "patient", None)
        reference = getattr(subject, "reference", None) if subject is not None else None
        if self.bundle.about_patient(reference):
            return True
        if reference:
            self.skip(
                entry.ref,
                f"belongs to {reference}, not to {self.bundle.patient.ref}",
                _("belongs to another patient"),
            )
        else:
            self.skip(
                entry.ref,
                "names no patient (no subject reference)",
                _("does not say which patient it is about"),
            )
        return False

    # -- laboratory results
    def observation(self, entry: Entry) -> None:
        model = entry.model
        name = _text(model.code) or "Observation"
        if model.status not in RESULT_STATUSES:
            self.skip(
                entry.ref,
                f"{name}: status {model.status}",
                _("%(name)s: status %(status)s") % {"name": name, "status": model.status},
            )
            return
        loinc = [c for c in _codings(model.code) if system_of(c.system) == "loinc" and c.code]
        rows = [row for c in loinc for row in self.codes.lookup("loinc", c.code) if row.concept]
        if not rows:
            if loinc:
                described = ", ".join(_describe_code(c) for c in loinc)
                self.skip(
                    entry.ref,
                    f"{described} has no concept",
                    _("%(name)s (%(codes)s): not a screening question")
                    % {"name": name, "codes": ", ".join(f"LOINC {c.code}" for c in loinc)},
                )
            else:
                self.skip(entry.ref, f"{name}: no LOINC code", _("%(name)s: no LOINC code") % {"name": name})
            return
        concept = rows[0].concept
        label = self.label(concept)
        when = (
            _day(model.effectiveDateTime)
            or _day(getattr(model.effectivePeriod, "end", None))
            or _day(getattr(model.effectivePeriod, "start", None))
            or _day(model.effectiveInstant)
            or _day(model.issued)
        )
        if when is None:
            self.skip(
                entry.ref,
                f"{concept} has no date",
                _("%(label)s: no date, so it may not be recent") % {"label": label},
            )
            return
        if when > self.as_of:
            self.skip(
                entry.ref,
                f"{concept} from {when}, after the screening date {self.as_of}",
                _("%(label)s, %(date)s: after the screening date") % {"label": label, "date": when},
            )
            return
        window = self.catalog.concepts[concept].result_max_age_days
        if (self.as_of - when).days > window:
            self.skip(
                entry.ref,
                f"{concept} from {when}, older than {window} days",
                _("%(label)s, %(date)s: older than %(days)s days")
                % {"label": label, "date": when, "days": window},
            )
            return
        previous = self._dated.get(concept)
        if previous is not None and previous[0] >= when:
            self.skip(
                entry.ref,
                f"{concept} from {when}: {previous[1]} is more recent",
                _("%(label)s, %(date)s: a more recent result is used") % {"label": label, "date": when},
            )
            return
        quantity = model.valueQuantity
        if quantity is None or quantity.value is None:
            self.skip(
                entry.ref,
                f"{concept}: no numeric value (valueQuantity)",
                _("%(label)s: no numeric value") % {"label": label},
            )
            return
        kept = self.value(
            concept,
            model,
            float(quantity.value),
            units.from_ucum(quantity.code or quantity.unit or ""),
            entry.ref,
        )
        if kept:
            if previous is not None:
                self.skip(
                    previous[1],
                    f"{concept} from {previous[0]}: {entry.ref} is more recent",
                    _("%(label)s, %(date)s: a more recent result is used")
                    % {"label": label, "date": previous[0]},
                )
            self._dated[concept] = (when, entry.ref)

    def value(self, concept: str, model, value: float, written: str, source: str) -> bool:
        spec = self.catalog.specs[concept]
        label = self.label(concept)
        if spec.canonical_unit == "x ULN":
            return self.times_upper_limit(concept, model, value, written, source)
        if spec.type != ConceptType.QUANTITY:
            return self.add(concept, value, [source])
        if not written:
            self.skip(
                source,
                f"{concept}: no unit",
                _("%(label)s: no unit given; expected %(units)s")
                % {"label": label, "units": ", ".join(spec.accepted_units)},
            )
            return False
        accepted = units.is_accepted(written, spec.accepted_units)
        if accepted is not None:
            return self.add(concept, {"value": value, "unit": accepted}, [source])
        try:
            canonical = units.convert(value, written, spec.canonical_unit)
        except units.UnitError:
            self.skip(
                source,
                f"{concept}: {written} cannot be converted to {spec.canonical_unit}",
                _("%(label)s %(value)s %(unit)s: %(unit)s cannot be converted to %(canonical)s")
                % {
                    "label": label,
                    "value": number(value),
                    "unit": written,
                    "canonical": unit_display(spec.canonical_unit),
                },
            )
            return False
        shown = f"{number(value)} {written} (= {number(canonical)} {unit_display(spec.canonical_unit)})"
        return self.add(concept, {"value": canonical, "unit": spec.canonical_unit}, [source], shown)

    def times_upper_limit(self, concept: str, model, value: float, unit: str, source: str) -> bool:
        label = self.label(concept)
        limit = None
        for reference in model.referenceRange or []:
            high = reference.high
            if high is not None and high.value is not None:
                high_unit = units.from_ucum(high.code or high.unit or unit)
                try:
                    limit = units.convert(float(high.value), high_unit, unit) if unit else float(high.value)
                except units.UnitError:
                    continue
                break
            if reference.text:
                found = _RANGE.search(reference.text) or _UPPER.search(reference.text)
                if found:
                    limit = float(found.groups()[-1].replace(",", "."))
                    break
        if not limit:
            self.skip(
                source,
                f"{concept}: no upper limit of normal (referenceRange) to divide by",
                _("%(label)s: the result has no upper limit of normal to divide by") % {"label": label},
            )
            return False
        ratio = round(value / limit, 2)
        shown = f"{number(ratio)} × ULN ({number(value)} {unit}, {_('upper limit')} {number(limit)})"
        return self.add(concept, ratio, [source], shown)

    # -- conditions
    def condition(self, entry: Entry) -> None:
        model = entry.model
        name = _text(model.code) or "Condition"
        verification = _status(model.verificationStatus, "condition-ver-status")
        if verification in ("refuted", "entered-in-error") or verification in UNCONFIRMED:
            self.skip(
                entry.ref,
                f"{name}: verification status {verification}",
                _("%(name)s: not confirmed (%(status)s)") % {"name": name, "status": verification},
            )
            return
        codings = [c for c in _codings(model.code) if c.code and system_of(c.system) in ("snomed", "icd10")]
        rows: list[Row] = []
        for coding in codings:
            rows = [r for r in self.codes.lookup(system_of(coding.system), coding.code) if r.concept]
            if rows:
                break
        if not rows:
            described = ", ".join(_describe_code(c) for c in codings) or name
            self.skip(
                entry.ref,
                f"{described} has no concept",
                _("%(name)s: not a screening question") % {"name": name},
            )
            return
        onset = _day(model.onsetDateTime) or _day(getattr(model.onsetPeriod, "start", None))
        abated = _day(model.abatementDateTime) or _day(getattr(model.abatementPeriod, "end", None))
        if onset is not None and onset > self.as_of:
            self.skip(
                entry.ref,
                f"{name}: onset {onset} is after the screening date",
                _("%(name)s: began after the screening date") % {"name": name},
            )
            return
        clinical = _status(model.clinicalStatus, "condition-clinical")
        active = clinical in ACTIVE if clinical else abated is None
        if abated is not None and abated > self.as_of:
            active = True  # it ended after the screening date: on that date it was still going on
        for row in rows:
            self.condition_row(row, entry.ref, name, active, onset, abated, clinical)

    def condition_row(
        self, row: Row, source: str, name: str, active: bool, onset, abated, clinical: str
    ) -> None:
        concept = row.concept
        if concept == "malignancy":
            self._malignancies.append((str(row.value), active, abated, source))
            return
        if concept == "diagnosis":
            self.diagnosis(str(row.value), source, name, onset)
            return
        if concept == "ms_phenotype":
            self._phenotypes.append((active, onset or date.min, str(row.value), source))
            return
        spec = self.catalog.specs.get(concept)
        if spec is not None and spec.type == ConceptType.SINCE:
            unit_days = 1 if concept.startswith("days_") else DAYS_PER_MONTH
            if active:
                self._since.setdefault(concept, []).append((0, source))
            elif abated is not None:
                self._since.setdefault(concept, []).append(
                    (round((self.as_of - abated).days / unit_days, 1), source)
                )
            else:
                self.skip(
                    source,
                    f"{name}: {clinical or 'inactive'} without an end date",
                    _("%(name)s: ended, but the record does not say when") % {"name": name},
                )
            return
        if row.applies == "active" and not active:
            self.skip(
                source,
                f"{name}: clinical status {clinical or 'inactive'}, not active",
                _("%(name)s: %(status)s, not current") % {"name": name, "status": clinical or _("inactive")},
            )
            return
        current = self.existing(concept)
        if current is not None and current.answer == row.value:
            current.sources.append(source)
            return
        self.add(concept, row.value, [source])

    def diagnosis(self, value: str, source: str, name: str, onset: date | None) -> None:
        current = self.existing("diagnosis")
        if current is not None and current.answer != value:
            self.skip(
                source,
                f"{name}: conflicts with {current.source} ({current.answer}); the first diagnosis is kept",
                _("%(name)s: conflicts with the diagnosis already read (%(diagnosis)s)")
                % {"name": name, "diagnosis": current.shown},
            )
            return
        if current is None:
            self.add("diagnosis", value, [source])
        elif source not in current.sources:
            current.sources.append(source)
        if value == "multiple_sclerosis" and onset is not None:
            self._diagnosis_onsets.append((onset, source))

    def finish_conditions(self) -> None:
        if self._diagnosis_onsets:
            onset, source = min(self._diagnosis_onsets)
            self.add("disease_duration_years", round((self.as_of - onset).days / DAYS_PER_YEAR, 1), [source])
        if (
            self._phenotypes
            and self.existing("diagnosis")
            and self.existing("diagnosis").answer == "multiple_sclerosis"
        ):
            # The course the patient is in now: an active record first, then the latest one.
            _active, _onset, phenotype, source = max(self._phenotypes)
            self.add("ms_phenotype", phenotype, [source])
        for concept, found in self._since.items():
            value, source = min(found)
            self.add(concept, value, [s for v, s in found if v == value] or [source])
        others = [m for m in self._malignancies if m[0] == "other"]
        if others:
            sources = [m[3] for m in others]
            self.add("malignancy", "other", sources)
            if any(active for _v, active, _a, _s in others):
                self.add("years_since_malignancy_remission", 0, [m[3] for m in others if m[1]])
            elif all(abated is not None for _v, _act, abated, _s in others):
                latest = max(abated for _v, _act, abated, _s in others)
                years = round((self.as_of - latest).days / DAYS_PER_YEAR, 1)
                self.add("years_since_malignancy_remission", years, [m[3] for m in others if m[2] == latest])
        elif self._malignancies:
            self.add("malignancy", "excepted_only", [m[3] for m in self._malignancies])

    # -- treatments
    def medication_concepts(self, entry: Entry) -> tuple[list, str] | None:
        model = entry.model
        concepts = []
        if model.medicationCodeableConcept is not None:
            concepts.append(model.medicationCodeableConcept)
        reference = getattr(model.medicationReference, "reference", None)
        if reference:
            medication = None
            if reference.startswith("#"):
                medication = next(
                    (c for c in (model.contained or []) if getattr(c, "id", None) == reference[1:]), None
                )
            else:
                found = self.bundle.resolve(reference)
                medication = found.model if found is not None and found.kind == "Medication" else None
            if medication is None:
                self.skip(
                    entry.ref,
                    f"medicationReference {reference} is not in the bundle",
                    _("the medication it names (%(ref)s) is not in the bundle") % {"ref": reference},
                )
                return None
            if medication.code is not None:
                concepts.append(medication.code)
            for ingredient in getattr(medication, "ingredient", None) or []:
                item = getattr(ingredient, "itemCodeableConcept", None)
                if item is not None:
                    concepts.append(item)
        if not concepts:
            self.skip(entry.ref, "no medication code", _("no medication is named"))
            return None
        return concepts, next((_text(c) for c in concepts if _text(c)), "medication")

    def drug_code(self, concepts: list) -> str | None:
        for concept in concepts:
            for coding in _codings(concept):
                system = system_of(coding.system)
                if system in ("rxnorm", "atc") and coding.code:
                    for row in self.codes.lookup(system, coding.code):
                        if row.drug and row.drug in self.catalog.drug_codes:
                            return row.drug
        words = " ".join(
            [c.text or "" for c in concepts] + [d.display or "" for c in concepts for d in _codings(c)]
        )
        found = self.codes.drug_by_name(words)
        return found if found in self.catalog.drug_codes else None

    def medication(self, entry: Entry) -> None:
        model = entry.model
        kind = entry.kind
        if kind == "MedicationRequest" and model.intent not in ORDER_INTENTS:
            self.skip(
                entry.ref,
                f"intent {model.intent}: not an order",
                _("only a %(intent)s, not an order") % {"intent": model.intent},
            )
            return
        if model.status in NOT_TAKEN:
            self.skip(
                entry.ref,
                f"status {model.status}",
                _("status %(status)s: not taken") % {"status": model.status},
            )
            return
        found = self.medication_concepts(entry)
        if found is None:
            return
        concepts, name = found
        drug = self.drug_code(concepts)
        if drug is None:
            codes = [_describe_code(c) for concept in concepts for c in _codings(concept) if c.code]
            self.skip(
                entry.ref,
                f"{', '.join(codes) or name} is not a drug of the vocabulary",
                _("%(name)s: not a treatment the trials ask about") % {"name": name},
            )
            return
        start, end = self.period(entry)
        if start is not None and start > self.as_of:
            self.skip(
                entry.ref,
                f"{drug} starts {start}, after the screening date",
                _("%(name)s: starts after the screening date") % {"name": name},
            )
            return
        current = model.status in ("active", "in-progress") or (end is not None and end >= self.as_of)
        item: dict[str, object] = {"drug": drug}
        if current:
            item["days_since_last_dose"] = 0
            end = self.as_of
        elif end is not None:
            item["days_since_last_dose"] = (self.as_of - end).days
        if start is not None and end is not None:
            item["months_on_treatment"] = round(max(0, (end - start).days) / DAYS_PER_MONTH, 1)
        try:
            self.validator.one(self.catalog.specs["medications"], [item], self.as_of)
        except AnswerError as error:
            self.skip(entry.ref, str(error), f"{name}: {error}")
            return
        self.result.values.append(
            ImportedValue("medications", item, self.show("medications", item), [entry.ref])
        )

    def period(self, entry: Entry) -> tuple[date | None, date | None]:
        """When the treatment started and when its last dose was, as far as the record says."""
        model = entry.model
        if entry.kind in ("MedicationStatement", "MedicationAdministration"):
            period = model.effectivePeriod
            if period is not None:
                return _day(period.start), _day(period.end)
            when = _day(model.effectiveDateTime)
            return when, when
        start = _day(model.authoredOn)
        end = None
        for dosage in model.dosageInstruction or []:
            repeat = getattr(getattr(dosage, "timing", None), "repeat", None)
            if repeat is None:
                continue
            bounds = repeat.boundsPeriod
            if bounds is not None:
                start = _day(bounds.start) or start
                end = _day(bounds.end) or end
            elif repeat.boundsDuration is not None and start is not None:
                days = _duration_days(repeat.boundsDuration)
                end = start + timedelta(days=days) if days is not None else end
            elif repeat.count and repeat.frequency and repeat.period and start is not None:
                days = _duration_days(
                    repeat, value=float(repeat.count) / float(repeat.frequency) * float(repeat.period)
                )
                end = start + timedelta(days=days) if days is not None else end
        validity = getattr(model.dispenseRequest, "validityPeriod", None)
        if end is None and validity is not None and model.status == "completed":
            end = _day(validity.end)
        return start, end

    def merge_medications(self) -> None:
        """One entry per drug: the most recent dose and the longest treatment of all mentions."""
        merged: dict[str, ImportedValue] = {}
        others = []
        for value in self.result.values:
            if value.concept != "medications":
                others.append(value)
                continue
            drug = value.answer["drug"]  # type: ignore[index]
            if drug not in merged:
                merged[drug] = value
                continue
            kept = merged[drug]
            for key, pick in (("days_since_last_dose", min), ("months_on_treatment", max)):
                found = [v for v in (kept.answer.get(key), value.answer.get(key)) if v is not None]  # type: ignore[union-attr]
                if found:
                    kept.answer[key] = pick(found)  # type: ignore[index]
            kept.sources.extend(value.sources)
            kept.shown = self.show("medications", kept.answer)
        self.result.values = others + list(merged.values())


_DAYS = {
    "s": 1 / 86400,
    "min": 1 / 1440,
    "h": 1 / 24,
    "d": 1,
    "wk": 7,
    "mo": DAYS_PER_MONTH,
    "a": DAYS_PER_YEAR,
}


def _duration_days(duration, value: float | None = None) -> int | None:
    unit = (
        getattr(duration, "code", None)
        or getattr(duration, "unit", None)
        or getattr(duration, "periodUnit", None)
    )
    amount = value if value is not None else getattr(duration, "value", None)
    if amount is None or unit not in _DAYS:
        return None
    return round(float(amount) * _DAYS[unit])


def map_parsed(bundle: Bundle, *, catalog: Catalog, codes: CodeTable, as_of: date) -> FhirImport:
    mapper = Mapper(catalog, codes, bundle, as_of)
    mapper.patient(bundle.patient)
    for entry in bundle.entries:
        kind = entry.kind
        if kind in ("Patient", "Medication"):
            continue  # the patient is read above; medications are read through what names them
        if kind == "Observation" or kind == "Condition" or kind in MEDICATION_USES:
            if not mapper.belongs(entry):
                continue
            if kind == "Observation":
                mapper.observation(entry)
            elif kind == "Condition":
                mapper.condition(entry)
            else:
                mapper.medication(entry)
        else:
            mapper.skip(
                entry.ref,
                f"{kind} is not used for screening",
                _("%(kind)s: not used for screening") % {"kind": kind},
            )
    mapper.finish_conditions()
    mapper.merge_medications()
    return mapper.result
