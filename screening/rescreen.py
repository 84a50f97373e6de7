"""Re-screening stored answers against one changed trial, in bulk.

A stored screening keeps the patient's answers as JSON in *canonical* form (what the
Validator produced, so no unit conversion or validation is repeated), with the criteria
version it was screened against. The JSON form of canonical values:

| concept type              | canonical value            | JSON                                  |
|---------------------------|----------------------------|---------------------------------------|
| integer, number, quantity | int / float, canonical unit | number                               |
| boolean                   | bool                       | true / false                          |
| choice                    | str                        | the choice code                       |
| since                     | float, or NEVER (infinity)  | number, or the string "never"        |
| date (birth_date)         | datetime.date              | "YYYY-MM-DD"                          |
| list (medications)        | tuple of Medication        | list of objects (below)               |

A medication is {"drug": code, "days_since_last_dose": number or null, "months_on_treatment":
number or null}; null means not known.

Unknown answers are simply absent. `answers_to_json` and `answers_from_json` are inverse
(tests prove it on random answers). Nothing here imports Django: the caller streams rows
(a server-side cursor) and stores the verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from engine import NEVER, ConceptSpec, ConceptType, Medication, Verdict
from engine.plan import CompiledTrial, evaluate_trial

NEVER_JSON = "never"


def answers_to_json(values: Mapping[str, object]) -> dict[str, object]:
    """Canonical answers as JSON-ready data, in the documented form."""
    stored: dict[str, object] = {}
    for code, value in values.items():
        if value is None:
            continue
        if value == NEVER and isinstance(value, float):
            stored[code] = NEVER_JSON
        elif isinstance(value, date):
            stored[code] = value.isoformat()
        elif isinstance(value, tuple) and all(isinstance(m, Medication) for m in value):
            stored[code] = [
                {
                    "drug": m.drug,
                    "days_since_last_dose": m.days_since_last_dose,
                    "months_on_treatment": m.months_on_treatment,
                }
                for m in value
            ]
        else:
            stored[code] = value
    return stored


def _decoder(spec: ConceptSpec | None):
    kind = spec.type if spec is not None else None
    if kind == ConceptType.SINCE:
        return lambda v: NEVER if v == NEVER_JSON else v
    if kind == ConceptType.LIST:
        return lambda v: tuple(
            Medication(m["drug"], m.get("days_since_last_dose"), m.get("months_on_treatment")) for m in v
        )
    if kind == ConceptType.DATE:
        return date.fromisoformat
    return None


def answers_from_json(stored: Mapping[str, object], concepts: Mapping[str, ConceptSpec]) -> dict[str, object]:
    """The canonical answers back from their stored JSON form."""
    values = {}
    for code, value in stored.items():
        if value is None:
            continue
        decode = _decoder(concepts.get(code))
        values[code] = decode(value) if decode else value
    return values


def rescreen(
    trial: CompiledTrial,
    stored: Iterable[tuple[object, Mapping[str, object]]],
    concepts: Mapping[str, ConceptSpec],
) -> Iterator[tuple[object, Verdict]]:
    """(key, verdict) for every (key, stored answers) pair, in order. Only the concepts the
    trial reads are decoded: a stored screening holds every answer of the questionnaire."""
    decoders = [(code, _decoder(concepts.get(code))) for code in sorted(trial.concepts)]
    for key, answers in stored:
        values = {}
        for code, decode in decoders:
            value = answers.get(code)
            if value is not None:
                values[code] = decode(value) if decode else value
        yield key, evaluate_trial(trial, values).verdict
