"""FHIR R4 bundles from the hospital's EHR turned into concept answers, for a clinician to check.

Every resource is validated with `fhir.resources` (its R4B models, which read R4 Patient,
Condition, Observation, MedicationStatement and MedicationRequest unchanged). A bundle with
any invalid resource is refused as a whole, listing each one. A valid bundle gives
`ImportedValue`s, each naming the resource it came from, and `Unmapped` items saying why a
resource or a value could not become an answer. Nothing is saved here: the clinician sees
both lists and confirms first.

Units: LOINC results carry UCUM codes; `units.from_ucum` spells them as the vocabulary does
and pint converts what the vocabulary does not list (the same units layer as the forms).
The codes in the tables below are the usual ones for each drug or condition; like the
suggested codes of shared/spec/concepts.md, verify them against a terminology server before
relying on them in production.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from engine import units
from engine.explain import number, unit_display
from engine.types import ConceptType
from engine.validation import AnswerError
from screening.catalog import Catalog

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"

SUPPORTED = ("Patient", "Condition", "Observation", "MedicationStatement", "MedicationRequest")

# SNOMED CT diagnoses of shared/spec/concepts.md: a specific course also gives the diagnosis.
DIAGNOSES: dict[str, dict[str, str]] = {
    "24700007": {"diagnosis": "multiple_sclerosis"},
    "426373005": {"diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS"},
    "425500002": {"diagnosis": "multiple_sclerosis", "ms_phenotype": "SPMS"},
    "428700003": {"diagnosis": "multiple_sclerosis", "ms_phenotype": "PPMS"},
    "55464009": {"diagnosis": "systemic_lupus_erythematosus"},
}

# Active conditions that answer a yes/no concept.
CONDITIONS: dict[str, str] = {
    "86406008": "hiv",  # Human immunodeficiency virus infection
    "61977001": "hepatitis_b",  # Chronic type B viral hepatitis
    "50711007": "hepatitis_c",  # Viral hepatitis type C
    "42399005": "renal_failure",  # Renal failure syndrome
    "77386006": "pregnant",  # Pregnancy
}

# drug code -> ATC codes (current and former), RxNorm ingredient codes, names and brands.
DRUGS: dict[str, dict[str, tuple[str, ...]]] = {
    "interferon_beta": {
        "atc": ("L03AB07", "L03AB08", "L03AB13"),
        "rxnorm": ("72257", "152061"),
        "names": ("interferon beta", "avonex", "rebif", "betaferon", "betaseron", "extavia", "plegridy"),
    },
    "glatiramer_acetate": {"atc": ("L03AX13",), "rxnorm": ("214582",), "names": ("glatiramer", "copaxone")},
    "teriflunomide": {"atc": ("L04AA31",), "rxnorm": ("1310520",), "names": ("teriflunomide", "aubagio")},
    "dimethyl_fumarate": {
        "atc": ("L04AX07", "N07XX09"),
        "rxnorm": ("1373478",),
        "names": ("dimethyl fumarate", "tecfidera"),
    },
    "natalizumab": {
        "atc": ("L04AA23", "L04AG03"),
        "rxnorm": ("354770",),
        "names": ("natalizumab", "tysabri"),
    },
    "fingolimod": {"atc": ("L04AA27", "L04AE01"), "rxnorm": ("1012892",), "names": ("fingolimod", "gilenya")},
    "alemtuzumab": {
        "atc": ("L04AA34", "L04AG06", "L01XC04"),
        "rxnorm": ("117055",),
        "names": ("alemtuzumab", "lemtrada", "campath"),
    },
    "cladribine": {"atc": ("L04AA40", "L01BB04"), "rxnorm": ("44157",), "names": ("cladribine", "mavenclad")},
    "daclizumab": {"atc": ("L04AC01",), "rxnorm": ("190353",), "names": ("daclizumab", "zinbryta")},
    "ocrelizumab": {
        "atc": ("L04AA36", "L04AG08"),
        "rxnorm": ("1876366",),
        "names": ("ocrelizumab", "ocrevus"),
    },
    "rituximab": {
        "atc": ("L01XC02", "L01FA01"),
        "rxnorm": ("121191",),
        "names": ("rituximab", "mabthera", "rituxan"),
    },
    "mitoxantrone": {"atc": ("L01DB07",), "rxnorm": ("7005",), "names": ("mitoxantrone", "novantrone")},
    "cyclophosphamide": {"atc": ("L01AA01",), "rxnorm": ("3002",), "names": ("cyclophosphamide", "endoxan")},
    "mycophenolate": {
        "atc": ("L04AA06",),
        "rxnorm": ("68149", "7145"),
        "names": ("mycophenol", "cellcept", "myfortic"),
    },
    "belimumab": {"atc": ("L04AA26", "L04AG04"), "rxnorm": ("1092437",), "names": ("belimumab", "benlysta")},
    "interleukin_2": {
        "atc": ("L03AC01",),
        "rxnorm": ("105585",),
        "names": ("aldesleukin", "interleukin-2", "proleukin"),
    },
}

DAYS_PER_MONTH = 365.25 / 12


class BundleError(ValueError):
    """The bundle cannot be read; `invalid` lists each invalid resource."""

    def __init__(self, message: str, invalid: list[InvalidResource] | None = None):
        super().__init__(message)
        self.message = message
        self.invalid = invalid or []


@dataclass(frozen=True)
class InvalidResource:
    index: int | None  # None: the bundle itself
    resource_type: str
    message: str


@dataclass
class ImportedValue:
    concept: str
    answer: object
    shown: str
    source: str


@dataclass(frozen=True)
class Unmapped:
    source: str
    item: str
    reason: str


@dataclass
class FhirImport:
    values: list[ImportedValue] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    def answers(self) -> dict[str, object]:
        """Concept answers as the API accepts them; treatments gathered into one list."""
        answers: dict[str, object] = {}
        for value in self.values:
            if value.concept == "medications":
                answers.setdefault("medications", []).append(value.answer)  # type: ignore[union-attr]
            else:
                answers[value.concept] = value.answer
        return answers

    def provenance(self) -> dict[str, str]:
        sources: dict[str, list[str]] = {}
        for value in self.values:
            sources.setdefault(value.concept, []).append(value.source)
        return {code: ", ".join(dict.fromkeys(refs)) for code, refs in sources.items()}


def _pydantic_message(error) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ())) or "resource"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


def parse_bundle(raw: bytes | str | dict) -> list[tuple[int, object]]:
    """(index in the bundle, validated resource) pairs; raises BundleError listing every
    invalid resource, so the clinician can fix the export once rather than resource by resource."""
    if isinstance(raw, bytes | str):
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as error:
            raise BundleError(f"The file is not valid JSON ({error}).") from None
    else:
        data = raw
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise BundleError(
            'This is not a FHIR Bundle: the JSON must be an object with "resourceType": "Bundle".'
        )
    entries = data.get("entry")
    entries = [] if entries is None else entries
    if not isinstance(entries, list):
        raise BundleError('The bundle\'s "entry" must be a list.')
    # Imported on first use: the FHIR models weigh ~6 MB, which every web worker would carry.
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    invalid: list[InvalidResource] = []
    shell = {key: value for key, value in data.items() if key != "entry"}
    try:
        get_fhir_model_class("Bundle").model_validate(shell)
    except ValidationError as error:
        invalid.append(InvalidResource(None, "Bundle", _pydantic_message(error)))
    resources = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            invalid.append(InvalidResource(index, "?", 'the entry has no "resource" object'))
            continue
        kind = resource.get("resourceType")
        try:
            model = get_fhir_model_class(str(kind))
        except (ValueError, KeyError):
            invalid.append(InvalidResource(index, str(kind), "unknown resourceType"))
            continue
        try:
            resources.append((index, model.model_validate(resource)))
        except ValidationError as error:
            invalid.append(InvalidResource(index, str(kind), _pydantic_message(error)))
    if invalid:
        raise BundleError(
            f"The bundle has {len(invalid)} invalid resource(s); nothing was imported.", invalid
        )
    return resources


def _ref(resource, index: int) -> str:
    return f"{resource.get_resource_type()}/{resource.id or f'#{index}'}"


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


def _code_in(concept, system_part: str) -> list[str]:
    return [c.code for c in _codings(concept) if c.code and system_part in (c.system or "").lower()]


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _float(value: Decimal | float | int) -> float:
    return float(value)


class _Mapper:
    def __init__(self, catalog: Catalog, as_of: date):
        self.catalog = catalog
        self.as_of = as_of
        self.validator = catalog.validator()
        self.vocabulary = catalog.vocabulary()
        self.result = FhirImport()
        self.by_loinc = {c.loinc: c.code for c in catalog.concepts.values() if c.loinc}
        self._observation_dates: dict[str, date | None] = {}

    # -- recording
    def add(self, concept: str, answer: object, source: str) -> None:
        """Keeps a value only if the shared Validator accepts it; otherwise says why."""
        spec = self.catalog.specs.get(concept)
        if spec is None:
            self.skip(source, concept, "this concept is not in the vocabulary")
            return
        try:
            typed, shown = self.validator.one(spec, answer, self.as_of)
        except AnswerError as error:
            self.skip(source, self.vocabulary.label(concept), str(error))
            return
        self.result.values.append(ImportedValue(concept, answer, shown or self.show(concept, answer), source))

    def replace(self, concept: str, answer: object, source: str) -> None:
        self.result.values = [v for v in self.result.values if v.concept != concept]
        self.add(concept, answer, source)

    def skip(self, source: str, item: str, reason: str) -> None:
        self.result.unmapped.append(Unmapped(source, item, reason))

    def show(self, concept: str, answer: object) -> str:
        spec = self.catalog.specs[concept]
        if spec.type == ConceptType.CHOICE:
            return self.vocabulary.choice(concept, str(answer))
        if spec.type == ConceptType.BOOLEAN:
            return "yes" if answer else "no"
        if spec.type == ConceptType.LIST and isinstance(answer, dict):
            parts = [self.vocabulary.drug(answer["drug"])]
            days = answer.get("days_since_last_dose")
            if days == 0:
                parts.append("current treatment")
            elif days is not None:
                parts.append(f"last dose {number(days)} days ago")
            if answer.get("months_on_treatment") is not None:
                parts.append(f"{number(answer['months_on_treatment'])} months of treatment")
            return ", ".join(parts)
        if isinstance(answer, dict):
            return f"{number(answer['value'])} {unit_display(answer['unit'])}"
        if isinstance(answer, int | float):
            unit = spec.canonical_unit
            return f"{number(answer)} {unit_display(unit)}".strip()
        return str(answer)

    def existing(self, concept: str) -> ImportedValue | None:
        return next((v for v in self.result.values if v.concept == concept), None)

    # -- resources
    def patient(self, resource, source: str) -> None:
        if resource.birthDate is not None:
            birth = str(resource.birthDate)
            if len(birth) == 10:
                self.add("birth_date", birth, source)
            else:
                self.skip(source, f"birthDate {birth}", "only a partial date; enter the age instead")
        if resource.gender in ("female", "male"):
            self.add("sex", resource.gender, source)
        elif resource.gender:
            self.skip(source, f"gender {resource.gender}", "the trials' criteria only know female and male")

    def condition(self, resource, source: str) -> None:
        verification = _code_in(resource.verificationStatus, "condition-ver-status")
        if set(verification) & {"refuted", "entered-in-error"}:
            self.skip(source, _text(resource.code), f"verification status {verification[0]}")
            return
        snomed = _code_in(resource.code, "snomed")
        for code in snomed:
            if code in DIAGNOSES:
                self.diagnosis(DIAGNOSES[code], resource, source)
                return
            if code in CONDITIONS:
                clinical = _code_in(resource.clinicalStatus, "condition-clinical")
                if clinical and clinical[0] not in ("active", "recurrence", "relapse"):
                    self.skip(source, _text(resource.code), f"clinical status {clinical[0]}, not active")
                    return
                self.add(CONDITIONS[code], True, source)
                return
        detail = f"SNOMED CT {', '.join(snomed)}" if snomed else "no SNOMED CT code"
        self.skip(source, _text(resource.code) or "Condition", f"{detail}: no matching concept")

    def diagnosis(self, mapping: dict[str, str], resource, source: str) -> None:
        current = self.existing("diagnosis")
        if current is not None and current.answer != mapping["diagnosis"]:
            self.skip(
                source,
                _text(resource.code),
                f"conflicts with {current.source} ({self.show('diagnosis', current.answer)}); "
                "the first diagnosis is kept",
            )
            return
        if current is None:
            self.add("diagnosis", mapping["diagnosis"], source)
        if "ms_phenotype" in mapping:
            self.replace("ms_phenotype", mapping["ms_phenotype"], source)
        onset = _day(resource.onsetDateTime)
        if (
            onset is not None
            and mapping["diagnosis"] == "multiple_sclerosis"
            and not self.existing("disease_duration_years")
        ):
            years = round((self.as_of - onset).days / 365.25, 1)
            self.add("disease_duration_years", years, source)

    def observation(self, resource, source: str) -> None:
        label = _text(resource.code) or "Observation"
        if resource.status in ("entered-in-error", "cancelled"):
            self.skip(source, label, f"status {resource.status}")
            return
        codes = _code_in(resource.code, "loinc")
        concept = next((self.by_loinc[c] for c in codes if c in self.by_loinc), None)
        if concept is None:
            detail = f"LOINC {', '.join(codes)}" if codes else "no LOINC code"
            self.skip(source, label, f"{detail}: no matching concept")
            return
        quantity = resource.valueQuantity
        if quantity is None or quantity.value is None:
            self.skip(source, label, "no numeric value (valueQuantity)")
            return
        when = _day(resource.effectiveDateTime) or _day(resource.issued)
        previous = self.existing(concept)
        if previous is not None:
            older = self._observation_dates.get(concept)
            if when is None or (older is not None and when <= older):
                self.skip(source, label, f"an older result; {previous.source} is more recent")
                return
            self.skip(previous.source, label, f"an older result; {source} is more recent")
        self._observation_dates[concept] = when
        spec = self.catalog.specs[concept]
        value = _float(quantity.value)
        written = units.from_ucum(quantity.code or quantity.unit or "")
        if spec.canonical_unit == "x ULN":
            self.times_upper_limit(concept, resource, value, written, source, label)
            return
        if spec.type != ConceptType.QUANTITY:
            self.replace(concept, value, source)
            return
        if not written:
            self.skip(source, label, f"no unit given; expected {', '.join(spec.accepted_units)}")
            return
        accepted = units.is_accepted(written, spec.accepted_units)
        if accepted is not None:
            self.replace(concept, {"value": value, "unit": accepted}, source)
            return
        try:
            canonical = units.convert(value, written, spec.canonical_unit)
        except units.UnitError:
            self.skip(
                source,
                f"{label} {number(value)} {written}",
                f"{written} cannot be converted to {unit_display(spec.canonical_unit)}",
            )
            return
        self.replace(concept, {"value": canonical, "unit": spec.canonical_unit}, source)
        imported = self.existing(concept)
        if imported is not None:
            imported.shown = (
                f"{number(value)} {written} (= {number(canonical)} {unit_display(spec.canonical_unit)})"
            )

    def times_upper_limit(self, concept: str, resource, value: float, unit: str, source: str, label: str):
        high = None
        for reference in resource.referenceRange or []:
            if reference.high is not None and reference.high.value is not None:
                high = reference.high
                break
        if high is None or not float(high.value):
            self.skip(source, label, "no upper limit of normal (referenceRange.high) to divide by")
            return
        high_unit = units.from_ucum(high.code or high.unit or unit)
        try:
            limit = units.convert(float(high.value), high_unit, unit) if unit else float(high.value)
        except units.UnitError:
            self.skip(source, label, f"the reference range is in {high_unit}, the result in {unit}")
            return
        ratio = round(value / limit, 2)
        self.replace(concept, ratio, source)
        imported = self.existing(concept)
        if imported is not None:
            imported.shown = f"{number(ratio)} × ULN ({number(value)} {unit}, upper limit {number(limit)})"

    def medication(self, resource, source: str) -> None:
        concept = resource.medicationCodeableConcept
        label = _text(concept) or "medication"
        if concept is None:
            self.skip(source, label, "medicationReference is not followed; use medicationCodeableConcept")
            return
        if resource.status in ("entered-in-error", "not-taken", "cancelled", "draft"):
            self.skip(source, label, f"status {resource.status}")
            return
        drug = self.drug_code(concept)
        if drug is None:
            self.skip(source, label, "no matching drug (by ATC, RxNorm or name)")
            return
        item: dict[str, object] = {"drug": drug}
        start = end = None
        if resource.get_resource_type() == "MedicationStatement":
            if resource.effectivePeriod is not None:
                start, end = _day(resource.effectivePeriod.start), _day(resource.effectivePeriod.end)
            elif resource.effectiveDateTime is not None:
                end = _day(resource.effectiveDateTime)
        if resource.status == "active":
            item["days_since_last_dose"] = 0
            end = None
        elif end is not None:
            item["days_since_last_dose"] = max(0, (self.as_of - end).days)
        if start is not None:
            stop = end or self.as_of
            item["months_on_treatment"] = round(max(0, (stop - start).days) / DAYS_PER_MONTH, 1)
        spec = self.catalog.specs["medications"]
        try:
            self.validator.one(spec, [item], self.as_of)
        except AnswerError as error:
            self.skip(source, label, str(error))
            return
        self.result.values.append(ImportedValue("medications", item, self.show("medications", item), source))

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
            kept.source = f"{kept.source}, {value.source}"
            kept.shown = self.show("medications", kept.answer)
        self.result.values = others + list(merged.values())

    def drug_code(self, concept) -> str | None:
        known = self.catalog.drug_codes
        atc = {c.upper() for c in _code_in(concept, "atc")}
        rxnorm = set(_code_in(concept, "rxnorm"))
        for code, data in DRUGS.items():
            if code in known and (atc & set(data["atc"]) or rxnorm & set(data["rxnorm"])):
                return code
        names = " ".join([concept.text or ""] + [c.display or "" for c in _codings(concept)]).lower()
        for code, data in DRUGS.items():
            if code in known and any(name in names for name in data["names"]):
                return code
        for code, drug in self.catalog.drugs.items():
            if drug.name_en and drug.name_en.lower() in names:
                return code
        return None


def map_bundle(raw: bytes | str | dict, *, catalog: Catalog, as_of: date) -> FhirImport:
    """Raises BundleError for unreadable or invalid bundles."""
    mapper = _Mapper(catalog, as_of)
    patients = 0
    for index, resource in parse_bundle(raw):
        kind = resource.get_resource_type()
        source = _ref(resource, index)
        if kind == "Patient":
            patients += 1
            if patients > 1:
                raise BundleError("The bundle describes more than one patient; export one patient at a time.")
            mapper.patient(resource, source)
        elif kind == "Condition":
            mapper.condition(resource, source)
        elif kind == "Observation":
            mapper.observation(resource, source)
        elif kind in ("MedicationStatement", "MedicationRequest"):
            mapper.medication(resource, source)
        else:
            mapper.skip(source, kind, "this kind of resource is not used for screening")
    mapper.merge_medications()
    return mapper.result
