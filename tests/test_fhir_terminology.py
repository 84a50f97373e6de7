"""The FHIR code tables (trials/seed_data/terminology.py) are data: every code carries its
system's own display name, as a real source file gives it, and every target exists."""

import json
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

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
    found = REFERENCE["displays"][f"{row['system']}|{row['code']}"]
    assert normal(row["display"]) in {normal(f["display"]) for f in found}, found


@pytest.mark.parametrize("row", CODES, ids=lambda r: f"{r['system']}-{r['code']}-{r['concept'] or r['drug']}")
def test_the_source_a_row_names_is_one_that_gave_its_name(row):
    owner, _, names = SOURCES[row["source"]].partition(",")[0].partition("/")
    repositories = {f"{owner}/{name}" for name in names.split("|")}
    found = REFERENCE["displays"][f"{row['system']}|{row['code']}"]
    given = {normal(f["display"]) for f in found if f["source"].partition("@")[0] in repositories}
    assert normal(row["display"]) in given, (repositories, found)


def test_every_recorded_name_says_which_file_of_which_repository_at_which_commit_gave_it():
    file = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{12}:\S.*$")
    assert set(REFERENCE) == {"displays"}  # no list of codes waiting for a source
    for key, found in REFERENCE["displays"].items():
        assert found, key
        for f in found:
            assert f["display"].strip() and file.match(f["source"]), (key, f)


def test_every_recorded_name_belongs_to_a_row_of_the_table():
    assert set(REFERENCE["displays"]) == {f"{r['system']}|{r['code']}" for r in CODES}


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


@pytest.mark.django_db
def test_rows_seeded_while_they_waited_for_a_source_get_it_and_unconfirmed_ones_leave():
    migration = import_module("trials.migrations.0009_terminology_unverified_rows_sourced")
    natalizumab = TerminologyCode.objects.get(system="rxnorm", code="354770")
    natalizumab.source = "unverified"
    natalizumab.save()
    curated = TerminologyCode.objects.get(system="snomed", code="426373005", concept__code="ms_phenotype")
    curated.source = "checked by hand against the SNOMED CT browser"
    curated.save()
    glatiramer = TerminologyCode.objects.create(
        system="rxnorm",
        code="214582",
        display="glatiramer acetate",
        drug=natalizumab.drug,
        source="unverified",
    )
    migration.source_the_waiting_rows(apps, None)
    natalizumab.refresh_from_db()
    curated.refresh_from_db()
    assert natalizumab.source == "ohdsi-studies"
    assert curated.source == "checked by hand against the SNOMED CT browser"
    assert not TerminologyCode.objects.filter(pk=glatiramer.pk).exists()
