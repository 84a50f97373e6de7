"""The code tables of trials.TerminologyCode, read once per bundle, as lookups by coding.

ICD-10 and ATC are hierarchies written as prefixes (C50 is a category, C50.9 one of its
codes; B01AA a group, B01AA03 one of its substances), so a code is looked up with its
ancestors too and the most specific row wins. LOINC, SNOMED CT and RxNorm codes are
looked up exactly: their numbers say nothing about their place in the hierarchy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trials.models import CodeSystem, Drug, TerminologyCode

# FHIR `Coding.system` URIs of each terminology; ICD-10 has national variants (-CM, -GM).
SYSTEM_URIS = {
    CodeSystem.LOINC: ("http://loinc.org",),
    CodeSystem.SNOMED: ("http://snomed.info/sct",),
    CodeSystem.RXNORM: ("http://www.nlm.nih.gov/research/umls/rxnorm",),
    CodeSystem.ATC: ("http://www.whocc.no/atc",),
    CodeSystem.ICD10: ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm"),
}
SYSTEM_NAMES = {system.value: system.label for system in CodeSystem}
HIERARCHICAL = (CodeSystem.ICD10, CodeSystem.ATC)


def system_of(uri: str | None) -> str | None:
    """The terminology a Coding.system names, or None for any other system."""
    uri = (uri or "").strip().lower().rstrip("/")
    for system, uris in SYSTEM_URIS.items():
        if uri in uris:
            return system.value
    if "icd-10" in uri or "icd10" in uri:
        return CodeSystem.ICD10.value
    if uri.endswith("/atc") or "whocc" in uri:
        return CodeSystem.ATC.value
    if "rxnorm" in uri:
        return CodeSystem.RXNORM.value
    return None


def _key(system: str, code: str) -> str:
    code = code.strip().upper()
    return code.replace(".", "") if system in HIERARCHICAL else code


@dataclass(frozen=True)
class Row:
    system: str
    code: str
    concept: str | None
    value: object
    drug: str | None
    applies: str
    display: str


@dataclass(frozen=True)
class DrugNames:
    code: str
    names: tuple[str, ...]
    pattern: re.Pattern


class CodeTable:
    def __init__(self, rows: list[Row], drugs: list[DrugNames]):
        self.rows: dict[tuple[str, str], list[Row]] = {}
        for row in rows:
            self.rows.setdefault((row.system, _key(row.system, row.code)), []).append(row)
        self.drug_names = drugs

    @classmethod
    def load(cls) -> CodeTable:
        rows = [Row(*values) for values in TerminologyCode.objects.for_mapping()]
        drugs = []
        for code, name_en, name_fr, others in Drug.objects.values_list(
            "code", "name_en", "name_fr", "other_names"
        ):
            names = tuple(n.lower() for n in (name_en, name_fr, *(others or [])) if n)
            pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b") if names else None
            if pattern is not None:
                drugs.append(DrugNames(code, names, pattern))
        return cls(rows, drugs)

    def lookup(self, system: str, code: str) -> list[Row]:
        """The rows of this code, or of its nearest ancestor in a hierarchical system."""
        key = _key(system, code)
        if system not in HIERARCHICAL:
            return self.rows.get((system, key), [])
        for length in range(len(key), 0, -1):
            found = self.rows.get((system, key[:length]))
            if found:
                return found
        return []

    def drug_by_name(self, text: str) -> str | None:
        text = text.lower()
        for drug in self.drug_names:
            if drug.pattern.search(text):
                return drug.code
        return None
