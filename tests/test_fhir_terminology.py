"""The FHIR code tables (trials/seed_data/terminology.py) are data: every code carries its
system's own display name, as a real source file gives it, and every target exists."""

import json
import re
from pathlib import Path

import pytest

from trials.models import CodeSystem, TerminologyCode
from trials.seed_data.terminology import CODES, DRUG_NAMES, SOURCES
from trials.seed_data.vocabulary import CONCEPTS, DRUGS

REFERENCE = json.loads((Path(__file__).parent / "fixtures" / "terminology" / "displays.json").read_text())
CONCEPT_CODES = {c["code"]: c for c in CONCEPTS}
DRUG_CODES = {d["code"] for d in DRUGS}


def normal(text: str) -> str:
    """SNOMED CT names are written with or without their semantic tag; case and spacing vary."""
    text = re.sub(r"\s*\((disorder|finding|situation)\)$", "", text.replace("\u200b", ""))
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize("row", CODES, ids=lambda r: f"{r['system']}-{r['code']}-{r['concept'] or r['drug']}")
def test_every_code_is_named_as_its_code_system_names_it(row):
    key = f"{row['system']}|{row['code']}"
    if row["source"] == "unverified":
        assert REFERENCE["unverified"][key] == row["display"]
        return
    displays = {normal(found["display"]) for found in REFERENCE["displays"][key]}
    assert normal(row["display"]) in displays, REFERENCE["displays"][key]


def test_only_the_listed_codes_wait_for_a_display_from_a_source():
    waiting = {f"{r['system']}|{r['code']}" for r in CODES if r["source"] == "unverified"}
    assert waiting == set(REFERENCE["unverified"])
    assert len(waiting) <= 14  # a new code needs a source, not a place on this list


def test_every_row_names_a_known_source_system_and_target():
    for row in CODES:
        assert row["source"] in SOURCES
        assert row["system"] in CodeSystem.values
        assert (row["concept"] in CONCEPT_CODES) != (row["drug"] in DRUG_CODES), row


def test_condition_values_are_answers_the_concept_accepts():
    for row in CODES:
        concept = CONCEPT_CODES.get(row["concept"])
        if concept is None or concept["type"] in ("quantity", "number", "since"):
            continue
        if concept["type"] == "choice":
            assert row["value"] in {c["code"] for c in concept["choices"]}, row
        else:
            assert row["value"] is True, row


def test_every_laboratory_concept_with_a_loinc_code_in_the_contract_has_one():
    labs = {r["concept"] for r in CODES if r["system"] == "loinc"}
    assert {"wbc", "lymphocytes", "neutrophils", "platelets", "cd4_count", "hemoglobin", "egfr"} <= labs
    assert {"creatinine_clearance", "alt_x_uln", "ast_x_uln", "lvef", "pao2", "paco2"} <= labs
    egfr = {r["code"] for r in CODES if r["concept"] == "egfr"}
    assert {"33914-3", "48642-3", "48643-1", "62238-1", "98979-8"} <= egfr


def test_every_drug_but_the_dose_dependent_one_has_a_drug_code():
    coded = {r["drug"] for r in CODES if r["drug"]}
    assert DRUG_CODES - coded == {"corticosteroids_high_dose"}
    assert set(DRUG_NAMES) <= DRUG_CODES


def test_the_vocabularys_malignancy_exceptions_are_told_apart():
    by_code = {(r["system"], r["code"]): r["value"] for r in CODES if r["concept"] == "malignancy"}
    assert by_code[("snomed", "254701007")] == "excepted_only"  # basal cell carcinoma of skin
    assert by_code[("snomed", "254651007")] == "excepted_only"  # squamous cell carcinoma of skin
    assert by_code[("icd10", "D06")] == "excepted_only"  # carcinoma in situ of cervix uteri
    assert by_code[("snomed", "92691004")] == "other"  # carcinoma in situ of prostate
    assert by_code[("icd10", "C44")] == "other"  # ICD-10 C44 does not say which skin carcinoma


@pytest.mark.django_db
def test_the_seed_loads_every_row_once():
    assert TerminologyCode.objects.count() == len(CODES)
