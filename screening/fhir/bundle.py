"""Reading a FHIR R4 Bundle: JSON, the one Patient, references, validated resources.

Only the kinds of resource the mapping reads are validated with the `fhir.resources` models
(their R4B edition reads R4 Patient, Condition, Observation and Medication* unchanged); the
others are only checked to be FHIR resource types and are listed as not used. Validating the
claims and encounters of a long export would cost most of the time and tell nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

# The resources the mapping reads; everything else is listed in `unused`.
READ = (
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "Medication",
)
MEDICATION_USES = ("MedicationStatement", "MedicationRequest", "MedicationAdministration")


class BundleError(ValueError):
    """The bundle cannot be screened. `field` is what the API names (`bundle` or
    `Patient.deceased`); `invalid` lists each invalid resource."""

    def __init__(self, message: str, invalid: list[InvalidResource] | None = None, field: str = "bundle"):
        super().__init__(message)
        self.message = message
        self.invalid = invalid or []
        self.field = field


@dataclass(frozen=True)
class InvalidResource:
    index: int | None  # None: the bundle itself
    resource_type: str
    message: str


@dataclass
class Entry:
    index: int
    kind: str
    ref: str  # "Observation/abc", how the resource is named in answers and `unused`
    full_url: str
    data: dict
    model: object | None = None


@dataclass
class Bundle:
    entries: list[Entry]
    patient: Entry
    by_reference: dict[str, Entry] = field(default_factory=dict)
    patient_aliases: frozenset[str] = frozenset()

    def about_patient(self, reference: str | None) -> bool:
        return bool(reference) and _normal(reference) in self.patient_aliases

    def resolve(self, reference: str | None) -> Entry | None:
        return self.by_reference.get(_normal(reference or ""))


def _normal(reference: str) -> str:
    """ "https://x/fhir/Patient/p1/_history/2" and "Patient/p1" name the same resource."""
    reference = reference.strip()
    if "/_history/" in reference:
        reference = reference.split("/_history/")[0]
    if reference.startswith("urn:"):
        return reference
    parts = reference.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else reference


def _pydantic_message(error) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "resource"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


def load_json(raw: bytes | str | dict) -> object:
    if isinstance(raw, bytes | str):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise BundleError(f"The file is not valid JSON ({error}).") from None
    return raw


def parse_bundle(raw: bytes | str | dict) -> Bundle:
    """Raises BundleError for anything that is not one readable bundle about one living patient."""
    data = load_json(raw)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise BundleError(
            'This is not a FHIR Bundle: the JSON must be an object with "resourceType": "Bundle".'
        )
    raw_entries = data.get("entry")
    raw_entries = [] if raw_entries is None else raw_entries
    if not isinstance(raw_entries, list):
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
    entries: list[Entry] = []
    for index, item in enumerate(raw_entries):
        resource = item.get("resource") if isinstance(item, dict) else None
        if not isinstance(resource, dict):
            invalid.append(InvalidResource(index, "?", 'the entry has no "resource" object'))
            continue
        kind = str(resource.get("resourceType"))
        try:
            model_class = get_fhir_model_class(kind)
        except (ValueError, KeyError):
            invalid.append(InvalidResource(index, kind, "unknown resourceType"))
            continue
        model = None
        if kind in READ:
            try:
                model = model_class.model_validate(resource)
            except ValidationError as error:
                invalid.append(InvalidResource(index, kind, _pydantic_message(error)))
                continue
        rid = resource.get("id")
        full_url = item.get("fullUrl") if isinstance(item.get("fullUrl"), str) else ""
        ref = f"{kind}/{rid}" if isinstance(rid, str) and rid else f"{kind}/#{index}"
        entries.append(Entry(index, kind, ref, full_url, resource, model))
    if invalid:
        raise BundleError(f"The bundle has {len(invalid)} invalid resource(s); nothing was read.", invalid)
    patients = [e for e in entries if e.kind == "Patient"]
    if not patients:
        raise BundleError("The bundle has no Patient: export the patient with their records.")
    if len(patients) > 1:
        raise BundleError(f"The bundle describes {len(patients)} patients; export one patient at a time.")
    patient = patients[0]
    model = patient.model
    if model.deceasedBoolean or model.deceasedDateTime is not None:
        when = f" (died {str(model.deceasedDateTime)[:10]})" if model.deceasedDateTime is not None else ""
        raise BundleError(
            f"{patient.ref} is recorded as deceased{when}; a deceased patient is not screened.",
            field="Patient.deceased",
        )
    by_reference: dict[str, Entry] = {}
    for entry in entries:
        by_reference.setdefault(_normal(entry.ref), entry)
        if entry.full_url:
            by_reference.setdefault(_normal(entry.full_url), entry)
    aliases = {_normal(patient.ref)}
    if patient.full_url:
        aliases.add(_normal(patient.full_url))
    return Bundle(entries, patient, by_reference, frozenset(aliases))
