"""Drafting criteria from the seed trials' registry texts, item by item.

The expected drafts below were reviewed against the hand-curated seed trials
(trials/seed_data/): each criterion is what a curator would accept, except those wrapped in
`Partial`, which are drafted but only part of the registry's meaning (the curator must complete
them) and do not count as correct in the drafted share. `Group` is a combination inside an
item ("all"/"any"). Criteria compare in meaning (trials.registry.drafting.evaluation), not in
order or spelling.
"""

import json
from pathlib import Path

import pytest

from trials.registry import ctgov, ictrp
from trials.registry.drafting import (
    EXCLUSION,
    INCLUSION,
    DraftCriterion,
    DraftGroup,
    draft_eligibility,
    draft_item,
    draft_record,
    draft_registry_record,
    normalise,
    seed_vocabulary,
    split_items,
)
from trials.registry.drafting.evaluation import canonical

from .registry_helpers import DRAFT_ITEM_KEYS

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
INC, EXC = INCLUSION, EXCLUSION
VISIT = "VISIT"


class Partial(tuple):
    def __new__(cls, *criterion):
        return super().__new__(cls, criterion)


class Group(tuple):
    """ "all"/"any" of criteria, inside one item."""

    def __new__(cls, combine, *criteria):
        return super().__new__(cls, (combine, *criteria))


def record(name: str):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return ctgov.parse_study(ctgov.load_studies(text)[0])
    return ictrp.parse_export(text.encode("utf-8"))[0]


def as_tuple(criterion: DraftCriterion) -> tuple:
    base = (criterion.concepts, criterion.operator, criterion.values, criterion.unit)
    return base + ((criterion.drugs,) if criterion.drugs else ())


def as_criterion(entry) -> DraftCriterion | DraftGroup:
    if isinstance(entry, Group):
        return DraftGroup(entry[0], tuple(as_criterion(e) for e in entry[1:]))
    concepts, operator, values, unit, *drugs = entry
    return DraftCriterion(tuple(concepts), operator, tuple(values), unit, tuple(drugs[0]) if drugs else ())


def same(item, expected) -> bool:
    """The item's drafts mean what the reviewed entries say."""
    vocabulary = seed_vocabulary()
    return canonical(item.criteria, item.combine, vocabulary) == canonical(
        [as_criterion(e) for e in expected], item.combine, vocabulary
    )


# One entry per item: (kind, start of the registry's words, expected drafts or VISIT or None).
EXPECTED = {
    "ctgov_NCT04821596.json": [
        (
            INC,
            "Major Multiple Sclerosis (MS) Patients",
            [(("diagnosis",), "in", ("multiple_sclerosis",), "")],
        ),
        (
            INC,
            "RR MS patients without treatment (early stage disease) Or RR",
            [
                (("diagnosis",), "in", ("multiple_sclerosis",), ""),
                (("ms_phenotype",), "in", ("RRMS", "SPMS", "PPMS"), ""),
            ],
        ),
        (INC, "Patients who have read and understood the information letter", VISIT),
        (INC, "Person affiliated to a social security system", [(("social_security",), "is_true", (), "")]),
        (
            EXC,
            "Patients under 18 years of age or over 65 years of age,",
            [(("age",), "lt", (18,), ""), (("age",), "gt", (65,), "")],
        ),
        (
            EXC,
            "Patients who have benefited from immunosuppressive treatment",
            [(("immunosuppressed_for_other_disease",), "is_true", (), "")],
        ),
        (
            EXC,
            "Patients receiving treatments for multiple sclerosis and par",
            [(("in_ms_interventional_trial",), "is_true", (), "")],
        ),
        (
            EXC,
            "Patients who have been treated for less than 1 year with cla",
            [
                (
                    ("medications",),
                    "taken_within",
                    (12,),
                    "months",
                    ("cladribine", "daclizumab", "ocrelizumab", "rituximab"),
                )
            ],
        ),
        (
            EXC,
            "Patients who have received mitoxantrone or a stem cell trans",
            [
                (("stem_cell_transplant",), "is_true", (), ""),
                (("medications",), "ever_taken", (), "", ("mitoxantrone",)),
            ],
        ),
        (
            EXC,
            "Person deprived of liberty by an administrative or judicial ",
            [(("legal_protection",), "is_true", (), "")],
        ),
        (
            EXC,
            "Person placed under legal protection, sub-tutorship or curat",
            [(("legal_protection",), "is_true", (), "")],
        ),
    ],
    "ctgov_NCT02403947.json": [
        (INC, "Age 18 to 50 years", [(("age",), "between", (18, 50), "")]),
        (
            INC,
            "Disease duration 2 to 10 years (included)",
            [(("disease_duration_years",), "between", (2, 10), "")],
        ),
        (INC, "Diagnosis of MS", [(("diagnosis",), "in", ("multiple_sclerosis",), "")]),
        (
            INC,
            "Relapsing remitting MS (RRMS) not responding to at least a y",
            [
                (("diagnosis",), "in", ("multiple_sclerosis",), ""),
                (("ms_phenotype",), "in", ("RRMS",), ""),
                (
                    ("medications",),
                    "treated_for_at_least",
                    (12,),
                    "months",
                    ("interferon_beta", "glatiramer_acetate", "natalizumab", "mitoxantrone", "fingolimod"),
                ),
            ],
        ),
        (
            INC,
            "more or egal 1 clinically documented relapse in past 12 mont",
            [(("relapses_12m",), "gte", (1,), "")],
        ),
        (
            INC,
            "more or egal 2 clinically documented relapses in last 24 mon",
            [(("relapses_24m",), "gte", (2,), "")],
        ),
        (
            INC,
            "more or egal 1 GEL at MRI performed within the last 12 month",
            [(("gd_lesions_last_mri",), "gte", (1,), ""), (("months_since_last_mri",), "lte", (12,), "")],
        ),
        (
            INC,
            "Secondary progressive MS (SPMS) not responding to at least a",
            [
                (("diagnosis",), "in", ("multiple_sclerosis",), ""),
                (("ms_phenotype",), "in", ("SPMS",), ""),
                (
                    ("medications",),
                    "treated_for_at_least",
                    (12,),
                    "months",
                    ("interferon_beta", "glatiramer_acetate", "natalizumab", "mitoxantrone", "fingolimod"),
                ),
            ],
        ),
        (
            INC,
            "With more or egal 1 clinically documented relapse in the las",
            [(("relapses_12m",), "gte", (1,), "")],
        ),
        (
            INC,
            "Without on-going relapses, but with more or egal 1 GEL at MR",
            [
                (("ongoing_relapse",), "is_false", (), ""),
                (("gd_lesions_last_mri",), "gte", (1,), ""),
                (("months_since_last_mri",), "lte", (12,), ""),
            ],
        ),
        (
            INC,
            "Primary progressive MS (PPMS) patients with all the followin",
            [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("PPMS",), "")],
        ),
        (
            INC,
            "an increase ofmore or egal 1 EDSS point (if at inclusion EDS",
            [
                Group(
                    "any",
                    Group("all", (("edss",), "lte", (5.0,), ""), (("edss_increase_12m",), "gte", (1.0,), "")),
                    Group("all", (("edss",), "gte", (5.5,), ""), (("edss_increase_12m",), "gte", (0.5,), "")),
                )
            ],
        ),
        (
            INC,
            "more or egal 1 GEL at MRI performed within the last 12 month",
            [(("gd_lesions_last_mri",), "gte", (1,), ""), (("months_since_last_mri",), "lte", (12,), "")],
        ),
        (
            INC,
            "Positive cerebrospinal fluid (CSF) (oligoclonal banding).",
            [(("csf_oligoclonal_bands",), "in", ("positive",), "")],
        ),
        (INC, "EDSS (Expanded Disability Status Scale) 3.0 to 6.5", [(("edss",), "between", (3.0, 6.5), "")]),
        (
            INC,
            "Women of childbearing age with an effective contraception.",
            [(("effective_contraception",), "is_true", (), "")],
        ),
        (EXC, "RRMS not fulfilling inclusion criteria", None),
        (EXC, "SPMS not fulfilling inclusion criteria", None),
        (EXC, "PPMS not fulfilling inclusion criteria", None),
        (
            EXC,
            "Inferior to 3 months since treatment with any immunosuppress",
            [(("medications",), "taken_within", (3,), "months", ("immunosuppressive",))],
        ),
        (
            EXC,
            "Inferior or egal to 1 month since last treatment with interf",
            [(("medications",), "taken_within", (1,), "months", ("interferon_beta", "glatiramer_acetate"))],
        ),
        (
            EXC,
            "Corticosteroid treatment Inferior or egal to 30 days",
            [(("medications",), "taken_within", (30,), "days", ("corticosteroids_high_dose",))],
        ),
        (
            EXC,
            "Relapse inferior or egal to 60 days",
            [(("days_since_last_relapse",), "within", (60,), "days")],
        ),
        (
            EXC,
            "Any active or chronic infection including infection with HIV",
            [
                (("hiv",), "is_true", (), ""),
                (("htlv",), "is_true", (), ""),
                (("syphilis",), "is_true", (), ""),
                (("hepatitis_b",), "is_true", (), ""),
                (("hepatitis_c",), "is_true", (), ""),
                (("active_infection",), "is_true", (), ""),
            ],
        ),
        (
            EXC,
            "Previous history of a malignancy other than basal cell carci",
            [(("malignancy",), "in", ("other",), "")],
        ),
        (
            EXC,
            "Severely limited life expectancy by another co-morbid illnes",
            [(("limited_life_expectancy",), "is_true", (), "")],
        ),
        (
            EXC,
            "History of previous diagnosis of myelodysplasia or previous ",
            [(("myelodysplasia",), "is_true", (), ""), (("hematologic_disease",), "is_true", (), "")],
        ),
        (
            EXC,
            "Pregnancy or risk or pregnancy (this includes patients that ",
            [(("pregnant",), "is_true", (), ""), (("effective_contraception",), "is_false", (), "")],
        ),
        (
            EXC,
            "eGFR (estimated Glomerular Filtration Rate ) inferior to 60 ",
            [
                (("mri_contraindication",), "is_true", (), ""),
                (("egfr",), "lt", (60,), "mL/min/1.73m2"),
                (("renal_failure",), "is_true", (), ""),
            ],
        ),
        (
            EXC,
            "Inability to give written informed consent in accordance wit",
            [(("able_to_consent",), "is_false", (), "")],
        ),
    ],
    "ctgov_NCT02424396.json": [
        (
            EXC,
            "Number of lesions enhanced by gadolinium (Gd+) on MRI in T1 ",
            [(("gd_lesions_last_mri",), "gt", (2,), "")],
        ),
        (EXC, "Known intolerance to IL2 (see SPC):", [(("il2_intolerance",), "is_true", (), "")]),
        (
            EXC,
            "Administration of a non-authorized treatment; bolus of corti",
            [
                (("medications",), "taken_within", (2,), "months", ("corticosteroids_high_dose",)),
                (
                    ("medications",),
                    "taken_within",
                    (6,),
                    "months",
                    ("cyclophosphamide", "mitoxantrone", "rituximab"),
                ),
            ],
        ),
        (
            EXC,
            "Heart failure (≥ grade III NYHA), renal insufficiency, or he",
            [
                (("hepatic_insufficiency",), "is_true", (), ""),
                (("heart_failure_nyha",), "gte", (3,), ""),
                (("alt_x_uln", "ast_x_uln"), "gt", (5,), ""),
                (("renal_failure",), "is_true", (), ""),
                (("respiratory_failure",), "is_true", (), ""),
            ],
        ),
        (
            EXC,
            "White blood cell count <3000 /mm3, lymphocytes< 1000 /mm3, p",
            [
                (("wbc",), "lt", (3000,), "/mm3"),
                (("lymphocytes",), "lt", (1000,), "/mm3"),
                (("platelets",), "lt", (150000,), "/mm3"),
            ],
        ),
        (
            EXC,
            "Poor venous access not allowing repeated blood tests",
            [(("poor_venous_access",), "is_true", (), "")],
        ),
        (EXC, "Vaccination with live attenuated virus in the months precedi", None),
        (
            EXC,
            "Surgery with general anaesthesia during the last 2 months or",
            [
                (("months_since_surgery_general_anaesthesia",), "within", (2,), ""),
                (("surgery_planned",), "is_true", (), ""),
            ],
        ),
        (
            EXC,
            "Participation in other biomedical research in the last one m",
            [(("months_since_other_trial",), "within", (1,), "")],
        ),
        (
            EXC,
            "Concomitant psychiatric disease or any other chronic illness",
            [(("severe_psychiatric_disorder",), "is_true", (), "")],
        ),
        (
            EXC,
            "Cancer or history of cancer cured for less than five years (",
            [
                Group(
                    "all",
                    (("malignancy",), "in", ("other",), ""),
                    (("years_since_malignancy_remission",), "lt", (5,), ""),
                )
            ],
        ),
        (
            EXC,
            "Pregnant or lactating women;",
            [(("pregnant",), "is_true", (), ""), (("breastfeeding",), "is_true", (), "")],
        ),
        (
            EXC,
            "Men and women of childbearing potential without effective co",
            [(("effective_contraception",), "is_false", (), "")],
        ),
        (EXC, "Patients under a measure of legal protection", [(("legal_protection",), "is_true", (), "")]),
    ],
    "ctgov_NCT06592703.json": [
        (
            INC,
            "Patient with Primary Progressive MS according to the criteri",
            [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("PPMS",), "")],
        ),
        (INC, "Age between 18 and 55 years", [(("age",), "between", (18, 55), "")]),
        (INC, "EDSS score: 3 to 6 at inclusion", [(("edss",), "between", (3.0, 6.0), "")]),
        (
            INC,
            "Documented evidence of disability progression independent of",
            [(("progression_independent_of_relapse_24m",), "is_true", (), "")],
        ),
        (INC, "Positive CSF with oligoclonal bands", [(("csf_oligoclonal_bands",), "in", ("positive",), "")]),
        (
            INC,
            "For women of childbearing potential (WOCBP), effective contr",
            [(("effective_contraception",), "is_true", (), "")],
        ),
        (INC, "Having signed a free, informed and written consent", VISIT),
        (INC, "Affiliated to social security scheme", [(("social_security",), "is_true", (), "")]),
        (
            EXC,
            "Inflammatory activity during the past year (relapses or new ",
            [(("relapses_12m",), "gte", (1,), ""), (("new_t2_lesions_12m",), "is_true", (), "")],
        ),
        (
            EXC,
            "Disease Modifying Drugs during the past year",
            [(("medications",), "taken_within", (12,), "months", ("ms_disease_modifying",))],
        ),
        (
            EXC,
            "Treatment with high dose corticosteroids during the 30 days ",
            [(("medications",), "taken_within", (30,), "days", ("corticosteroids_high_dose",))],
        ),
        (
            EXC,
            "Contra indication to lumbar puncture/intrathecal infusion: i",
            [
                (("lumbar_puncture_contraindication",), "is_true", (), ""),
                (("platelets",), "lt", (50,), "G/L"),
                (("medications",), "taken_within", (31,), "days", ("anticoagulant", "fibrinolytic")),
            ],
        ),
        (
            EXC,
            "Participation in another therapeutic trial in the last 6 mon",
            [(("months_since_other_trial",), "within", (6,), "")],
        ),
        (
            EXC,
            "Adults under legal protection (safeguard of justice, curator",
            [
                (("age",), "lt", (18,), ""),
                (("pregnant",), "is_true", (), ""),
                (("breastfeeding",), "is_true", (), ""),
                (("able_to_consent",), "is_false", (), ""),
                (("legal_protection",), "is_true", (), ""),
            ],
        ),
    ],
    "ictrp_EUCTR2017-001400-29-FR.xml": [
        (INC, "Pregnancy, breastfeeding or lack of appropriate contraceptio", None),
        (INC, "Presence of: Renal failure: calculated creatinine clearance ", None),
        (INC, "Presence of: Cardiac failure: clinical signs of congestive h", None),
        (INC, "Presence of: Hepatitis defined by abnormal levels of transam", None),
        (INC, "Presence of: Respiratory disease: mean PAP> 50 mmHg (echocar", None),
        (INC, "Severe psychiatric disorders, including severe psychosis rel", None),
        (INC, "Active neoplasia or concomitant myelodysplasia, except for b", None),
        (INC, "Bone marrow failure defined by neutropenia <0.5.109/L, throm", None),
        (INC, "Acute or chronic uncontrolled infection: HIV 1/2, HTLV-1/2, ", None),
        (INC, "Patient having received belimumab within 2 months of belimum", None),
        (INC, "Current substance abuse or recent (within 60 days) history o", None),
        (INC, "Patient in periods of exclusion from the national roster of ", None),
        (INC, "Patient with Linguistic or psychological incapacity to sign ", None),
        (INC, "Patient already included in another study at the same time.", None),
        (INC, "Poor patient compliance.", None),
        (INC, "Patient under legal protection.", None),
        (INC, "Are the trial subjects under 18? no / F.1.2 Adults (18-64 ye", [(("age",), "gte", (18,), "")]),
        (
            EXC,
            "Pregnancy, breastfeeding or lack of appropriate contraceptio",
            [
                (("pregnant",), "is_true", (), ""),
                (("breastfeeding",), "is_true", (), ""),
                (("effective_contraception",), "is_false", (), ""),
            ],
        ),
        (
            EXC,
            "Presence of: Renal failure: calculated creatinine clearance ",
            [(("creatinine_clearance",), "lt", (30,), "mL/min")],
        ),
        (
            EXC,
            "Presence of: Cardiac failure: clinical signs of congestive h",
            [
                (("uncontrolled_ventricular_arrhythmia",), "is_true", (), ""),
                (("heart_failure_nyha",), "gte", (2,), ""),
                (("lvef",), "lt", (40,), "%"),
            ],
        ),
        (
            EXC,
            "Presence of: Hepatitis defined by abnormal levels of transam",
            [(("alt_x_uln", "ast_x_uln"), "gt", (2,), "")],
        ),
        (
            EXC,
            "Presence of: Respiratory disease: mean PAP> 50 mmHg (echocar",
            [
                (("pap_mean",), "gt", (50,), "mmHg"),
                (("pao2",), "lt", (70,), "mmHg"),
                (("paco2",), "gt", (50,), "mmHg"),
            ],
        ),
        (
            EXC,
            "Severe psychiatric disorders, including severe psychosis rel",
            [(("severe_psychiatric_disorder",), "is_true", (), "")],
        ),
        (
            EXC,
            "Active neoplasia or concomitant myelodysplasia, except for b",
            [
                Group(
                    "all",
                    (("malignancy",), "in", ("other",), ""),
                    (("years_since_malignancy_remission",), "eq", (0,), ""),
                ),
                (("myelodysplasia",), "is_true", (), ""),
            ],
        ),
        (
            EXC,
            "Bone marrow failure defined by neutropenia <0.5.109/L, throm",
            [
                (("neutrophils",), "lt", (0.5,), "10^9/L"),
                (("platelets",), "lt", (30,), "10^9/L"),
                (("hemoglobin",), "lt", (8,), "g/dL"),
                (("cd4_count",), "lt", (200,), "10^6/L"),
            ],
        ),
        (
            EXC,
            "Acute or chronic uncontrolled infection: HIV 1/2, HTLV-1/2, ",
            [
                (("hiv",), "is_true", (), ""),
                (("htlv",), "is_true", (), ""),
                (("hepatitis_b",), "is_true", (), ""),
                (("hepatitis_c",), "is_true", (), ""),
                (("active_infection",), "is_true", (), ""),
            ],
        ),
        (
            EXC,
            "Patient having received belimumab within 2 months of belimum",
            [
                (("medications",), "taken_within", (2,), "months", ("belimumab",)),
                (("medications",), "taken_within", (6,), "months", ("b_cell_depleting",)),
            ],
        ),
        (
            EXC,
            "Comorbidities requiring corticosteroid therapy",
            [(("corticosteroid_dependent_comorbidity",), "is_true", (), "")],
        ),
        (
            EXC,
            "Current substance abuse or recent (within 60 days) history o",
            [(("days_since_substance_abuse",), "within", (60,), "")],
        ),
        (EXC, "Patient in periods of exclusion from the national roster of ", VISIT),
        (
            EXC,
            "Patient with Linguistic or psychological incapacity to sign ",
            [(("able_to_consent",), "is_false", (), "")],
        ),
        (
            EXC,
            "Patient who has already been included in this or another stu",
            [(("months_since_other_trial",), "within", (0,), "")],
        ),
        (EXC, "Poor patient compliance.", VISIT),
        (EXC, "Patient under legal protection.", [(("legal_protection",), "is_true", (), "")]),
    ],
}

SEED_ITEMS = [
    (name, index, entry) for name, entries in EXPECTED.items() for index, entry in enumerate(entries)
]


@pytest.fixture(scope="module")
def drafts():
    return {name: draft_registry_record(record(name), seed_vocabulary()) for name in EXPECTED}


def test_every_seed_record_splits_into_the_expected_items(drafts):
    for name, entries in EXPECTED.items():
        items = drafts[name].items
        assert [(i.kind, i.source_text[:60]) for i in items] == [
            (kind, start) for kind, start, _ in entries
        ], name


@pytest.mark.parametrize(
    ("name", "index", "entry"), SEED_ITEMS, ids=[f"{n[:-5]}-{i}" for n, i, _ in SEED_ITEMS]
)
def test_it_drafts_each_seed_item_as_reviewed_or_leaves_it_as_text(drafts, name, index, entry):
    kind, start, expected = entry
    item = drafts[name].items[index]
    assert (item.kind, item.source_text[:60]) == (kind, start)
    if expected is None:
        assert item.criteria == [] and not item.confirmed_at_visit
    elif expected == VISIT:
        assert item.criteria == [] and item.confirmed_at_visit
    else:
        assert same(item, expected), [c.as_dict() for c in item.criteria]


def test_every_drafted_criterion_passes_the_engine_check(drafts):
    vocabulary = seed_vocabulary()
    for draft in drafts.values():
        for item in draft.items:
            for criterion in item.leaves():
                for concept in criterion.concepts:
                    assert vocabulary.check(concept, criterion) == {}, (item.source_text, criterion)


def test_seed_items_stay_at_least_77_percent_structured_and_right(drafts):
    correct = structured = 0
    for name, index, (_, _, expected) in SEED_ITEMS:
        item = drafts[name].items[index]
        structured += bool(item.criteria)
        if isinstance(expected, list) and not any(isinstance(c, Partial) for c in expected):
            correct += bool(item.criteria) and same(item, expected)
    print(f"seed items: {structured}/{len(SEED_ITEMS)} structured, {correct} drafted right")
    # 79 of 103 (77%) before the drafter was rebuilt; the 24 others are visit or mis-filed items.
    assert structured >= 79
    assert correct == structured


def criteria(kind: str, text: str) -> list[tuple]:
    return [as_tuple(c) for c in draft_item(kind, text).criteria]


def test_it_splits_bullets_numbers_letters_and_joins_wrapped_lines():
    items = split_items(
        [
            "1- Presence of:",
            "a) Renal failure: creatinine clearance of <30 ml / min",
            "b) Cardiac failure",
            "- Any active or chronic infection including infection with HIV1-2 (Human",
            "Immunodeficiency Virus 2) or hepatitis C",
            "• Treated with natalizumab in the last",
            "6 months",
            "Subjects:",
        ]
    )
    assert [i.text for i in items] == [
        "Presence of: Renal failure: creatinine clearance of <30 ml / min",
        "Presence of: Cardiac failure",
        "Any active or chronic infection including infection with HIV1-2 (Human Immunodeficiency Virus 2) or hepatitis C",
        "Treated with natalizumab in the last 6 months",
    ]


def test_it_reads_french_headings():
    draft = draft_eligibility(
        "Critères d'inclusion :\n- Patient âgé de 18 à 65 ans\n"
        "Critères de non-inclusion :\n- Femme enceinte ou allaitante\n- Sous tutelle ou curatelle"
    )
    assert [(i.kind, [as_tuple(c) for c in i.criteria]) for i in draft.items] == [
        (INC, [(("age",), "between", (18, 65), "")]),
        (EXC, [(("pregnant",), "is_true", (), ""), (("breastfeeding",), "is_true", (), "")]),
        (EXC, [(("legal_protection",), "is_true", (), "")]),
    ]
    assert draft_eligibility("Critères d'exclusion:\n- Grossesse").items[0].kind == EXC


def test_it_normalises_egal_typos_and_says_so():
    text, warnings = normalise("EDSS more or egal 3.0 and inferior or egal 6.5")
    assert text == "edss ≥ 3.0 and ≤ 6.5"
    assert len(warnings) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("platelets <150 000 /mm3", [(("platelets",), "lt", (150000,), "/mm3")]),
        ("severe thrombocytopenia (<50 G/L)", [(("platelets",), "lt", (50,), "G/L")]),
        ("thrombocytopenia <30. 109 / L", [(("platelets",), "lt", (30,), "10^9/L")]),
        ("neutropenia <0.5.109/L", [(("neutrophils",), "lt", (0.5,), "10^9/L")]),
        ("lymphopenia CD4 + <200 x 106 / L", [(("cd4_count",), "lt", (200,), "10^6/L")]),
        ("anemia < 8 g / dL", [(("hemoglobin",), "lt", (8,), "g/dL")]),
        ("eGFR inferior to 60 mL/min/1.73m2", [(("egfr",), "lt", (60,), "mL/min/1.73m2")]),
        ("AST, ALT> 2 x normal", [(("alt_x_uln", "ast_x_uln"), "gt", (2,), "")]),
        ("transaminase>5N", [(("alt_x_uln", "ast_x_uln"), "gt", (5,), "")]),
    ],
)
def test_it_reads_laboratory_thresholds_with_their_units(text, expected):
    assert criteria(EXC, text) == expected


def test_it_warns_about_an_unreadable_unit_and_drafts_nothing_for_it():
    item = draft_item(EXC, "platelets < 100 bananas")
    assert item.criteria == []
    assert any("unreadable unit" in w for w in item.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Treatment with rituximab in the last 6 months",
            [(("medications",), "taken_within", (6,), "months", ("rituximab",))],
        ),
        (
            "having received belimumab within 2 months of Baseline",
            [(("medications",), "taken_within", (2,), "months", ("belimumab",))],
        ),
        (
            "Corticosteroid treatment ≤ 30 days",
            [(("medications",), "taken_within", (30,), "days", ("corticosteroids_high_dose",))],
        ),
        (
            "Fingolimod or natalizumab during the past year",
            [(("medications",), "taken_within", (12,), "months", ("fingolimod", "natalizumab"))],
        ),
    ],
)
def test_it_reads_medication_washouts(text, expected):
    assert criteria(EXC, text) == expected


def test_it_reads_a_treatment_duration_in_an_inclusion():
    assert criteria(INC, "On teriflunomide for at least 6 months") == [
        (("medications",), "on_treatment_for_at_least", (6,), "months", ("teriflunomide",))
    ]


def test_consent_is_confirmed_at_the_visit_and_incapacity_is_a_question():
    signed = draft_item(INC, "Signed written informed consent")
    assert signed.criteria == [] and signed.confirmed_at_visit
    assert criteria(EXC, "Inability to give informed consent") == [(("able_to_consent",), "is_false", (), "")]


def test_it_keeps_what_it_does_not_understand_as_text():
    item = draft_item(EXC, "Any condition the investigator considers relevant to the moon phase")
    assert item.criteria == []
    assert item.warnings


def test_it_flags_an_inclusion_section_that_reads_like_exclusions():
    draft = draft_eligibility(
        "Inclusion criteria:\n1- Pregnancy\n2- Renal failure\n3- Active infection\n4- Legal protection\n"
        "Exclusion criteria:\n1- Poor compliance"
    )
    assert any("reads like exclusions" in w for w in draft.warnings)
    inclusions = [i for i in draft.items if i.kind == INC]
    assert inclusions and all(i.misfiled and not i.criteria for i in inclusions)


def test_it_flags_a_missing_section_and_missing_age_limits():
    draft = draft_registry_record(record("ctgov_NCT02424396.json"), seed_vocabulary())
    assert "The inclusion criteria section is empty or missing in the record." in draft.warnings
    assert any("No age limits" in w for w in draft.warnings)


def test_registry_age_and_sex_fields_become_drafts_when_the_text_has_none():
    draft = draft_registry_record(record("ctgov_NCT06592703.json"), seed_vocabulary())
    # the text states 18-55 itself, so no extra registry item
    assert not any("registry age limits" in i.source_text for i in draft.items)

    draft = draft_record(
        eligibility_text="Exclusion Criteria:\n- Pregnancy", minimum_age=18, maximum_age=70, sex="female"
    )
    assert [as_tuple(c) for c in draft.items[0].criteria] == [(("age",), "between", (18, 70), "")]
    assert [as_tuple(c) for c in draft.items[1].criteria] == [(("sex",), "in", ("female",), "")]


def test_draft_json_has_exactly_the_documented_keys():
    (item,) = draft_eligibility("Exclusion Criteria:\n- Pregnant women").as_list()
    assert set(item) == DRAFT_ITEM_KEYS
    assert set(item["criteria"][0]) == {"concepts", "operator", "values", "unit", "rule"}
    assert item["criteria"][0]["rule"] == "reproduction.pregnancy"
    assert json.loads(json.dumps(item)) == item


def test_an_hiv_negative_inclusion_requires_no_hiv():
    assert criteria(INC, "HIV negative serology") == [(("hiv",), "is_false", (), "")]


def test_a_negated_condition_in_an_exclusion_stays_text_with_a_warning():
    item = draft_item(EXC, "HIV negative serology")
    assert item.criteria == []
    assert any("negated condition in an exclusion" in w for w in item.warnings)


def test_it_drafts_a_french_eligibility_section():
    draft = draft_eligibility(
        "Critères d'inclusion :\n1. Sclérose en plaques de forme rémittente\n2. EDSS entre 2 et 5,5\n"
        "Critères de non-inclusion :\n1. Poussée dans les 30 derniers jours\n"
        "2. Traitement par natalizumab dans les 6 derniers mois\n3. Absence de contraception efficace"
    )
    assert [[as_tuple(c) for c in item.criteria] for item in draft.items] == [
        [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("RRMS",), "")],
        [(("edss",), "between", (2.0, 5.5), "")],
        [(("days_since_last_relapse",), "within", (30,), "days")],
        [(("medications",), "taken_within", (6,), "months", ("natalizumab",))],
        [(("effective_contraception",), "is_false", (), "")],
    ]


TEXT = "TEXT"
G = Group


def drafted_as(kind: str, text: str):
    """What the drafter proposes for one item (a nested list is drafted within its section),
    or TEXT when it stays text."""
    if "\n" in text:
        heading = "Inclusion Criteria:" if kind == INC else "Exclusion Criteria:"
        (item,) = draft_eligibility(f"{heading}\n\n* {text}\n").items
    else:
        item = draft_item(kind, text)
    return item, (TEXT if not item.criteria else item.criteria)


# The issue's own examples and MS/lupus phrasings in the registries' styles, each with what a
# curator would structure (or TEXT when the item must stay text).
PHRASINGS = [
    # markup and numbers
    (INC, "Age \\>=18 years", [(("age",), "gte", (18,), "")]),
    (INC, "Age \\>= 18 and =\\< 65 years", [(("age",), "gte", (18,), ""), (("age",), "lte", (65,), "")]),
    (INC, "Platelet count ≥ 100,000/mm3", [(("platelets",), "gte", (100000,), "/mm3")]),
    (INC, "Absolute neutrophil count ≥ 1,500/mm3", [(("neutrophils",), "gte", (1500,), "/mm3")]),
    (EXC, "Plaquettes < 150 000 /mm3", [(("platelets",), "lt", (150000,), "/mm3")]),
    (EXC, "Neutrophils < 1 500/mm3", [(("neutrophils",), "lt", (1500,), "/mm3")]),
    (INC, "Score EDSS ≤ 5,5", [(("edss",), "lte", (5.5,), "")]),
    (INC, "ANC ≥ 1.5 × 10⁹/L", [(("neutrophils",), "gte", (1.5,), "10^9/L")]),
    (INC, "Platelets ≥ 100 ×10^9/L", [(("platelets",), "gte", (100,), "10^9/L")]),
    (INC, "Neutrophils ≥ 1.5 G/L", [(("neutrophils",), "gte", (1.5,), "G/L")]),
    (INC, "WBC > 3 x 10(3)/µL", [(("wbc",), "gt", (3,), "10^3/uL")]),
    (INC, "EDSS 3.0–6.5", [(("edss",), "between", (3.0, 6.5), "")]),
    (INC, "EDSS between 2 and 5.5", [(("edss",), "between", (2.0, 5.5), "")]),
    (INC, "EDSS ≥ 3 and ≤ 6", [(("edss",), "gte", (3.0,), ""), (("edss",), "lte", (6.0,), "")]),
    (INC, "AST and ALT ≤ 2.5 x ULN", [(("alt_x_uln", "ast_x_uln"), "lte", (2.5,), "")]),
    (INC, "Diagnosis of relapsing MS for at least 1 year",
     [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("disease_duration_years",), "gte", (1,), "")]),
    (INC, "MS diagnosed within the last 10 years",
     [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("disease_duration_years",), "lte", (10,), "")]),
    (EXC, "MS diagnosis > 15 years", [(("disease_duration_years",), "gt", (15,), "")]),
    (INC, "Diagnosis of primary or secondary progressive MS",
     [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("SPMS", "PPMS"), "")]),
    (INC, "At least one new T2 lesion in the last 12 months", [(("new_t2_lesions_12m",), "is_true", (), "")]),
    (INC, "At least one new T2 lesion in the last 24 months", TEXT),
    (INC, "Diagnosed with SLE ≥ 24 weeks prior to signing the informed consent",
     [(("diagnosis",), "in", ("systemic_lupus_erythematosus",), "")]),
    (EXC, "Traitement par rituximab dans le mois précédent",
     [(("medications",), "taken_within", (1,), "months", ("rituximab",))]),
    (INC, "Disability progression, defined as an increase in EDSS of ≥ 1.0 point (or ≥ 0.5 for EDSS ≥ 6.0) "
     "in the 2 years prior to screening", TEXT),
    (INC, "Increase in EDSS of ≥ 1.0 point (or ≥ 0.5 for EDSS ≥ 6.0) in the last 12 months", TEXT),
    (INC, "Increase in EDSS of ≥ 1.0 in the last 12 months", [(("edss_increase_12m",), "gte", (1.0,), "")]),
    (INC, "EDSS progression ≥ 1 point in the last year", TEXT),
    (EXC, "Inability to complete an MRI (contraindications for MRI)", [(("mri_contraindication",), "is_true", (), "")]),
    (EXC, "Active systemic bacterial, viral or fungal infections", [(("active_infection",), "is_true", (), "")]),
    (INC, "Presence of gadolinium-enhancing lesions on brain MRI", [(("gd_lesions_last_mri",), "gte", (1,), "")]),
    (INC, "EDSS pyramidal functional system score ≥ 2", TEXT),
    (INC, "EDSS ≤ 6.5 and a score of ≥ 2 in the pyramidal functional system", [(("edss",), "lte", (6.5,), "")]),
    (EXC, "Use of rituximab at any time", [(("medications",), "ever_taken", (), "", ("rituximab",))]),
    (INC, "Hemoglobin between 9 and 15 g/dL", [(("hemoglobin",), "between", (9, 15), "g/dL")]),
    (INC, "Neutrophils from 1.5 to 8 x 10^9/L", [(("neutrophils",), "between", (1.5, 8), "10^9/L")]),
    (INC, "Platelets 100,000 - 400,000/mm3", [(("platelets",), "between", (100000, 400000), "/mm3")]),
    (INC, "Hb 10 g/dL to 16 mmol/L", TEXT),
    (INC, "Lymphocytes between 1 and 5", TEXT),
    (EXC, "ALT > 3 times the upper limit of normal", [(("alt_x_uln",), "gt", (3,), "")]),
    # polarity and scope
    (INC, "No live vaccine within 30 days", [(("months_since_live_vaccine",), "not_within", (30,), "days")]),
    (INC, "Life expectancy ≥ 3 months", TEXT),
    (EXC, "HIV-infected patients with a CD4 count above 350 are eligible", TEXT),
    (EXC, "Any serious medical condition, with the exception of pregnancy", TEXT),
    (INC, "Not pregnant or nursing", [(("pregnant",), "is_false", (), ""), (("breastfeeding",), "is_false", (), "")]),
    (INC, "Negative HIV 1/2 antibody, HBsAg and HCV antibody",
     [(("hiv",), "is_false", (), ""), (("hepatitis_b",), "is_false", (), ""), (("hepatitis_c",), "is_false", (), "")]),
    (EXC, "Subjects must not be pregnant or nursing", [(("pregnant",), "is_true", (), ""), (("breastfeeding",), "is_true", (), "")]),
    (INC, "Blood volume drawn per visit 100 ml (50 ml for < 18 years old)", TEXT),
    (INC, "ALT ≤ 2.5 x ULN (≤ 5 x ULN in patients with liver metastases)", TEXT),
    (INC, "For children aged under 18 months: two positive HIV DNA PCR tests", TEXT),
    (EXC, "Active ABPA on steroids", TEXT),
    # structure
    (INC, "One of the following:\n  * Diagnosis of multiple sclerosis\n  * Healthy volunteer", TEXT),
    (INC, "Patients must have one of the following:\n  * Relapsing-remitting MS\n  * Secondary progressive MS",
     [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("RRMS", "SPMS"), "")]),
    (INC, "Either RRMS or SPMS", [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("RRMS", "SPMS"), "")]),
    (EXC, "All of the following:\n  * HIV infection\n  * CD4 count < 200 cells/µL",
     [G("all", (("hiv",), "is_true", (), ""), (("cd4_count",), "lt", (200,), "/uL"))]),
    (INC, "At least 2 relapses within the last 2 years, or 1 relapse within the last year",
     [G("any", (("relapses_24m",), "gte", (2,), ""), (("relapses_12m",), "gte", (1,), ""))]),
    (INC, "an increase of ≥ 1 EDSS point (if EDSS ≤ 5.0) or 0.5 EDSS point (if EDSS ≥ 5.5) in the last 12 months",
     [G("any",
        G("all", (("edss",), "lte", (5.0,), ""), (("edss_increase_12m",), "gte", (1.0,), "")),
        G("all", (("edss",), "gte", (5.5,), ""), (("edss_increase_12m",), "gte", (0.5,), "")))]),
    (INC, "Creatinine ≤ 1.5 x ULN or creatinine clearance ≥ 60 mL/min", TEXT),
    # vocabulary
    (EXC, "NYHA class III or IV heart failure", [(("heart_failure_nyha",), "gte", (3,), "")]),
    (EXC, "Congestive heart failure (> New York Heart Association Class II)", [(("heart_failure_nyha",), "gte", (3,), "")]),
    (INC, "Kurtzke Extended Disability Status Scale ≤ 6", [(("edss",), "lte", (6.0,), "")]),
    (INC, "Expanded Disability Status Scale (EDSS) score of 0 to 5.5 at screening", [(("edss",), "between", (0.0, 5.5), "")]),
    (EXC, "Systemic corticosteroids for 14 days or more during the 3 months before screening", TEXT),
    (EXC, "Prior treatment with TNF (tumor necrosis factor) antagonists", TEXT),
    (EXC, "Chemotherapy within 2 weeks before the first dose", TEXT),
    (EXC, "Imaging showed that the tumor had invaded the large blood vessels", TEXT),
    (EXC, "History of medullary thyroid carcinoma", TEXT),
    (EXC, "Active hepatitis B or C infection", [(("hepatitis_b",), "is_true", (), ""), (("hepatitis_c",), "is_true", (), "")]),
    (EXC, "Infection active, VIH, hépatite B ou C",
     [(("active_infection",), "is_true", (), ""), (("hiv",), "is_true", (), ""), (("hepatitis_b",), "is_true", (), ""),
      (("hepatitis_c",), "is_true", (), "")]),
    (EXC, "History of malignancy within the past 5 years, except adequately treated basal cell carcinoma",
     [G("all", (("malignancy",), "in", ("other",), ""), (("years_since_malignancy_remission",), "lt", (5,), ""))]),
    (EXC, "History of any malignancy", [(("malignancy",), "in", ("excepted_only", "other"), "")]),
    (EXC, "Second primary malignancy, except localized prostate cancer", TEXT),
    # MS
    (INC, "At least one documented relapse within the 12 months prior to randomization", [(("relapses_12m",), "gte", (1,), "")]),
    (INC, "Au moins une poussée dans les 12 derniers mois", [(("relapses_12m",), "gte", (1,), "")]),
    (INC, "≥1 gadolinium-enhancing T1 lesion on MRI within 6 months prior to randomization",
     [(("gd_lesions_last_mri",), "gte", (1,), ""), (("months_since_last_mri",), "lte", (6,), "")]),
    (INC, "Neurologically stable with no evidence of relapse within 30 days prior to screening",
     [(("days_since_last_relapse",), "not_within", (30,), "days")]),
    (INC, "Disease duration from onset of MS symptoms less than 10 years", [(("disease_duration_years",), "lt", (10,), "")]),
    (INC, "Elevated IgG index and/or one or more IgG oligoclonal bands in CSF", TEXT),
    (EXC, "Treatment with natalizumab within 6 months prior to randomization",
     [(("medications",), "taken_within", (6,), "months", ("natalizumab",))]),
    (EXC, "Systemic corticosteroid therapy within 4 weeks prior to screening",
     [(("medications",), "taken_within", (4,), "weeks", ("corticosteroids_high_dose",))]),
    (EXC, "Contraindications to MRI (e.g., pacemaker, metal implants)", [(("mri_contraindication",), "is_true", (), "")]),
    (EXC, "An MS relapse that has occurred within 30 days of screening", [(("days_since_last_relapse",), "within", (30,), "days")]),
    (EXC, "Receipt of a live vaccine within 6 weeks prior to randomization",
     [(("months_since_live_vaccine",), "within", (6,), "weeks")]),
    # lupus
    (INC, "Diagnosis of SLE according to the 2019 EULAR/ACR classification criteria",
     [(("diagnosis",), "in", ("systemic_lupus_erythematosus",), "")]),
    (INC, "Refractory SLE defined as failure of cyclophosphamide and mycophenolate",
     [(("diagnosis",), "in", ("systemic_lupus_erythematosus",), ""), (("sle_refractory",), "is_true", (), "")]),
    (INC, "Stable standard of care therapy (e.g., hydroxychloroquine, mycophenolate, or corticosteroids) for at least 30 days", TEXT),
    (EXC, "Prior treatment with rituximab or other B cell depleting therapy within 12 months",
     [(("medications",), "taken_within", (12,), "months", ("b_cell_depleting",))]),
    (EXC, "Hemoglobin < 8 g/dL, platelets < 50,000/mm3, or neutrophils < 1,000/mm3",
     [(("hemoglobin",), "lt", (8,), "g/dL"), (("platelets",), "lt", (50000,), "/mm3"), (("neutrophils",), "lt", (1000,), "/mm3")]),
    (EXC, "eGFR < 30 mL/min/1.73 m²", [(("egfr",), "lt", (30,), "mL/min/1.73m2")]),
    (EXC, "Intravenous methylprednisolone pulse therapy within 3 months",
     [(("medications",), "taken_within", (3,), "months", ("corticosteroids_high_dose",))]),
    # MS and lupus phrasings of real registry records (tests/fixtures/registry/real/README.md)
    (INC, "Age 18 or older", [(("age",), "gte", (18,), "")]),
    (INC, "Age >/=18 years at screening", [(("age",), "gte", (18,), "")]),
    (INC, "Children aged 14-17 years old and adults", [(("age",), "gte", (14,), "")]),
    (INC, "Must have documented diagnosis of RMS at screening.", [(("diagnosis",), "in", ("multiple_sclerosis",), "")]),
    (INC, "Have a diagnosis of PPMS or RMS, confirmed per the revised 2017 McDonald criteria",
     [(("diagnosis",), "in", ("multiple_sclerosis",), "")]),
    (INC, "SPMS defined as relapsing-remitting disease with recent progression in neurological deficits",
     [(("diagnosis",), "in", ("multiple_sclerosis",), ""), (("ms_phenotype",), "in", ("SPMS",), "")]),
    (INC, "diagnosis of one of the following: RRMS or CIS, PPMS, or SPMS",
     [(("diagnosis",), "in", ("multiple_sclerosis",), "")]),
    (INC, "Must have received continuous treatment with an approved MS DMT for a minimum of 6 months",
     [(("medications",), "on_treatment_for_at_least", (6,), "months", ("ms_disease_modifying",))]),
    (INC, "Therapy with disease modifying agent (glatiramer acetate or interferon beta 1a) for at least 6 months",
     [(("medications",), "on_treatment_for_at_least", (6,), "months", ("glatiramer_acetate", "interferon_beta"))]),
    (INC, "Naïve to treatment with fingolimod.",
     [G("not", (("medications",), "ever_taken", (), "", ("fingolimod",)))]),
    (INC, "Neurologically stable with no evidence of relapse or corticosteroid treatment within 30 days",
     [(("days_since_last_relapse",), "not_within", (30,), "days"),
      G("not", (("medications",), "taken_within", (30,), "days", ("corticosteroids_high_dose",)))]),
    (INC, "Have score of <=5.5 on the Expanded Disability Status Scale (EDSS)", [(("edss",), "lte", (5.5,), "")]),
    (INC, "Have disease duration for more than 12 months", [(("disease_duration_years",), "gt", (1,), "")]),
    (INC, "In RRMS participants who are already on natalizumab therapy, continued treatment must be indicated", TEXT),
    (INC, "Currently receiving interferon beta for 3 or more months, OR not currently receiving disease "
     "modifying therapies for at least 3 months", TEXT),
    (INC, "In the 12 months prior to commencing natalizumab, 2 or more documented clinical relapses", TEXT),
    (INC, "One single immunosuppressant at a stable dose (mycophenolate mofetil <=2 g/day) for at least 8 weeks", TEXT),
    (INC, "able and willing to undergo clinical evaluation, MRI, lumbar puncture, and skin biopsy",
     [(("mri_contraindication",), "is_false", (), ""), (("lumbar_puncture_contraindication",), "is_false", (), "")]),
    (INC, "able and willing to provide informed consent.", [(("able_to_consent",), "is_true", (), "")]),
    (INC, "Female subjects must be neither pregnant nor breast-feeding",
     [(("pregnant",), "is_false", (), ""), (("breastfeeding",), "is_false", (), "")]),
    (EXC, "Progressive forms of MS", [(("ms_phenotype",), "in", ("SPMS", "PPMS"), "")]),
    (EXC, "History of diagnosis of Primary Progressive Multiple Sclerosis (PPM) and/or Secondary Progressive "
     "Multiple Sclerosis (SPMS).", [(("ms_phenotype",), "in", ("SPMS", "PPMS"), "")]),
    (EXC, "A manifestation of another type of MS than RRMS", [(("ms_phenotype",), "not_in", ("RRMS",), "")]),
    (EXC, "Concomitant treatment with other drugs for treating RRMS", TEXT),
    (EXC, "Treatment with methylprednisolone or any other systemic steroid, for a relapse or otherwise, within 30 "
     "days of screening", [(("medications",), "taken_within", (30,), "days", ("corticosteroids_high_dose",))]),
    (EXC, "Vaccines administered within 6 weeks before the first infusion of ocrelizumab.", TEXT),
    (EXC, "Treatment in the past 6 months with fingolimod, mitoxantrone, azathioprine, or other small molecule "
     "immunosuppressants", [(("medications",), "taken_within", (6,), "months", ("fingolimod", "mitoxantrone"))]),
    (EXC, "Less than 6 months from the use of immunosuppressant agents",
     [(("medications",), "taken_within", (6,), "months", ("immunosuppressive",))]),
    (EXC, "Abnormal hepatic function (a 3-fold increase in alanine aminotransferase level relative to normal)",
     [(("alt_x_uln",), "gte", (3,), "")]),
    (EXC, "HIV or hepatitis infection",
     [(("hiv",), "is_true", (), ""), (("hepatitis_b",), "is_true", (), ""), (("hepatitis_c",), "is_true", (), "")]),
    (EXC, "Current renal replacement therapy.", [(("renal_failure",), "is_true", (), "")]),
    (EXC, "Patients with stage 5 CKD or ESKD on renal replacement therapy", [(("renal_failure",), "is_true", (), "")]),
    (EXC, "Renal failure (glomerular filtration rate < 15 mL/min/1.73 m2).", [(("egfr",), "lt", (15,), "mL/min/1.73m2")]),
    (EXC, "Severe heart and lung failure",
     [(("heart_failure_nyha",), "gte", (3,), ""), (("respiratory_failure",), "is_true", (), "")]),
    (EXC, "Uncontrollable infection.", [(("active_infection",), "is_true", (), "")]),
    (EXC, "Acute COVID-19 infection at the visits (unless they can be delayed), diagnosed by acute infection testing",
     TEXT),
    (EXC, "Patients with a history of anti-phospholipid antibody syndrome AND use of oral anticoagulants", TEXT),
    (EXC, "Active severe SLE involving the central nervous system, including transverse myelitis, psychosis and "
     "seizures", TEXT),
    (EXC, "inability to undergo lumbar puncture due to anticoagulant therapy that cannot be held",
     [(("lumbar_puncture_contraindication",), "is_true", (), "")]),
    (EXC, "History of malignancy (other than localized basal cell carcinoma of the skin) within the past 5 years",
     [G("all", (("malignancy",), "in", ("other",), ""), (("years_since_malignancy_remission",), "lt", (5,), ""))]),
    (INC, "Patients with biopsy-proven Class III or IV or V LN according to the ISN/RPS 2003 classification",
     [(("diagnosis",), "in", ("systemic_lupus_erythematosus",), "")]),
    (INC, "SLE, as defined by meeting at least 4 of 11 ACR criteria, either sequentially or coincidentally",
     [(("diagnosis",), "in", ("systemic_lupus_erythematosus",), "")]),
    (INC, "History of biopsy-proven lupus nephritis classes III, IV, or V or a nephritic lupus flare",
     [(("diagnosis",), "in", ("systemic_lupus_erythematosus",), "")]),
    (INC, "Currently receiving at least one of the SOC SLE medications: oral corticosteroid or antimalarial", TEXT),
    (INC, "Lupus nephritis (LN) group: 24-hour urine protein ≥ 1.0 g", TEXT),
    (INC, "estimated glomerular filtration rate (eGFR) >=60 mL/min (CKD-EPI)",
     [(("egfr",), "gte", (60,), "mL/min/1.73m2")]),
    (EXC, "History of non-SLE disease requiring treatment with oral or parenteral glucocorticosteroids for more "
     "than a total of 2 weeks within the last 24 weeks", [(("corticosteroid_dependent_comorbidity",), "is_true", (), "")]),
    (EXC, "SPMS without ongoing relapses", TEXT),
    (EXC, "History of severe systemic bacterial, fungal, viral, or parasitic infections within 6 months", TEXT),
    (EXC, "Prior exposure to Mavenclad, Lemtrada or Tysabri",
     [(("medications",), "ever_taken", (), "", ("cladribine", "alemtuzumab", "natalizumab"))]),
    (INC, "Disease duration of 10 years or less", [(("disease_duration_years",), "lte", (10,), "")]),
    (EXC, "Estimated GFR < 30 mL/min/1.73 m2", [(("egfr",), "lt", (30,), "mL/min/1.73m2")]),
    (EXC, "<=1 month since last treatment with interferon-B or glatiramer acetate",
     [(("medications",), "taken_within", (1,), "months", ("interferon_beta", "glatiramer_acetate"))]),
    (INC, "Can give informed consent.", [(("able_to_consent",), "is_true", (), "")]),
    (INC, "For women of childbearing potential: agreement to use an acceptable birth control method during the "
     "treatment period and for at least 12 months after the last dose of ocrelizumab",
     [(("effective_contraception",), "is_true", (), "")]),
    (EXC, "Previous exposure to disease modifying drugs such as azathioprine, mycophenolate mofetil, "
     "cyclophosphamide, or cyclosporine.",
     [(("medications",), "ever_taken", (), "", ("mycophenolate", "cyclophosphamide"))]),
]  # fmt: skip


def test_a_disease_with_alternatives_of_its_activity_needs_the_disease_and_one_of_them():
    item = draft_item(
        INC,
        "A relapsing-remitting course of disease with at least 1 documented relapse during the previous year, "
        "or 2 documented relapses during the previous 2 years, or a positive gadolinium (Gd)-enhanced MRI scan "
        "at screening",
    )
    assert item.combine == "all"
    assert same(
        item,
        [
            (("diagnosis",), "in", ("multiple_sclerosis",), ""),
            (("ms_phenotype",), "in", ("RRMS",), ""),
            Group(
                "any",
                (("relapses_12m",), "gte", (1,), ""),
                (("relapses_24m",), "gte", (2,), ""),
                (("gd_lesions_last_mri",), "gte", (1,), ""),
            ),
        ],
    )


def test_ms_measures_in_a_lupus_trial_stay_text_and_say_why():
    draft = draft_eligibility(
        "Inclusion Criteria:\n\n* SLE according to the ACR criteria\n* Disease duration of at least 6 months\n"
        "* No flare or relapse within 30 days\n"
    )
    diagnosis, duration, relapse = draft.items
    assert [c.concepts for c in diagnosis.criteria] == [("diagnosis",)]
    for item in (duration, relapse):
        assert item.criteria == []
        assert any("lupus trial" in w for w in item.warnings)


@pytest.mark.parametrize(("kind", "text", "expected"), PHRASINGS, ids=[t[:40] for _, t, _ in PHRASINGS])
def test_it_drafts_registry_phrasings_right_or_leaves_them_as_text(kind, text, expected):
    item, drafted = drafted_as(kind, text)
    if expected == TEXT:
        assert drafted == TEXT, [c.as_dict() for c in item.criteria]
        assert item.warnings
    else:
        assert drafted != TEXT, item.warnings
        assert same(item, expected), [c.as_dict() for c in item.criteria]


def test_every_drafted_criterion_names_the_rule_that_drafted_it():
    item = draft_item(
        EXC, "Pregnant women, HIV infection, platelets < 100,000/mm3 or rituximab in the last 6 months"
    )
    assert sorted(c.rule for c in item.criteria) == [
        "conditions.infection", "labs.threshold", "medications.washout", "reproduction.pregnancy",
    ]  # fmt: skip


@pytest.mark.parametrize("text", ["Signed informed consent", "Consentement éclairé signé"])
def test_a_signed_consent_is_confirmed_at_the_visit(text):
    item = draft_item(INC, text)
    assert item.confirmed_at_visit and not item.criteria


def test_gd_lesions_on_a_dated_mri_hold_together_among_alternatives():
    item = draft_item(
        INC,
        "At least one relapse in the previous year, or two relapses in the previous two years, or a positive "
        "Gd-enhancing MRI scan during the year before randomization",
    )
    assert item.combine == "any"
    assert same(
        item,
        [
            (("relapses_12m",), "gte", (1,), ""),
            (("relapses_24m",), "gte", (2,), ""),
            Group(
                "all",
                (("gd_lesions_last_mri",), "gte", (1,), ""),
                (("months_since_last_mri",), "lte", (12,), ""),
            ),
        ],
    )


def test_relapse_counts_over_two_periods_are_alternatives():
    item = draft_item(
        INC, "At least 2 relapses in the last 2 years, or one relapse in the year prior to screening"
    )
    assert item.combine == "any"
    assert same(item, [(("relapses_24m",), "gte", (2,), ""), (("relapses_12m",), "gte", (1,), "")])


@pytest.mark.parametrize(
    ("kind", "text", "unused"),
    [
        (EXC, "Hepatitis B infection within the past 6 months", ["within the past 6 months"]),
        (INC, "Diagnosis of SLE at least 6 months prior to screening", ["at least 6 months"]),
        (INC, "Diagnosis of SLE for > 1 year", ["for > 1 year"]),
    ],
)
def test_a_period_no_rule_read_is_listed_with_the_words_that_tie_it(kind, text, unused):
    # Numbers and units alone carry no criterion, yet a period limits what it qualifies.
    item = draft_item(kind, text)
    assert item.criteria
    assert item.unused == unused
    assert f"“{unused[0]}”: no criterion drafted." in item.warnings


@pytest.mark.parametrize(
    "text",
    [
        "Treatment with natalizumab within 6 months prior to screening",
        "Relapse of MS within 60 days prior to randomization",
    ],
)
def test_words_a_rule_read_are_not_listed(text):
    item = draft_item(EXC, text)
    assert item.criteria
    assert item.unused == []


def test_every_part_no_rule_used_is_listed_in_the_warnings():
    item = draft_item(EXC, "HIV infection, hepatitis B, tuberculosis or sarcoidosis")
    assert [c.concepts for c in item.criteria] == [("hiv",), ("hepatitis_b",)]
    assert item.unused == ["tuberculosis", "sarcoidosis"]
    assert "“tuberculosis”: no criterion drafted." in item.warnings
    assert "“sarcoidosis”: no criterion drafted." in item.warnings


def test_an_item_left_as_text_says_why():
    item = draft_item(INC, "Age ≥ 18 years or an emancipated minor")
    assert item.criteria == []
    assert any("emancipated minor" in w and "alternative" in w for w in item.warnings)


def test_the_stored_source_text_has_no_markdown_escapes():
    draft = draft_eligibility("Inclusion Criteria:\n\n* Age \\>= 18 years\n* Platelets \\> 100,000/mm3\n")
    assert [i.source_text for i in draft.items] == ["Age >= 18 years", "Platelets > 100,000/mm3"]


def test_an_except_list_stays_with_its_item():
    draft = draft_eligibility(
        "Exclusion Criteria:\n\n* Malignancy within 5 years, except:\n  * basal cell carcinoma of the skin\n"
        "  * cervical carcinoma in situ\n* Pregnancy\n"
    )
    assert [i.source_text for i in draft.items] == [
        "Malignancy within 5 years, except: basal cell carcinoma of the skin; cervical carcinoma in situ",
        "Pregnancy",
    ]
    assert same(
        draft.items[0],
        [
            G(
                "all",
                (("malignancy",), "in", ("other",), ""),
                (("years_since_malignancy_remission",), "lt", (5,), ""),
            )
        ],
    )


def test_a_plain_introduction_is_folded_into_each_of_its_sub_items():
    draft = draft_eligibility(
        "Inclusion Criteria:\n\n* Adequate bone marrow function defined as:\n  * ANC ≥ 1,500/mm3\n"
        "  * Platelets ≥ 100,000/mm3\n"
    )
    assert [i.source_text for i in draft.items] == [
        "Adequate bone marrow function defined as: ANC ≥ 1,500/mm3",
        "Adequate bone marrow function defined as: Platelets ≥ 100,000/mm3",
    ]


def test_criteria_of_a_second_randomisation_are_not_drafted_as_entry_criteria():
    draft = draft_eligibility(
        "Exclusion Criteria:\n\n* Pregnancy\n* Eligibility criteria for the secondary randomisation Inclusion criteria\n"
        "* Aged at least 3 years\n"
    )
    assert draft.items[0].criteria
    assert all(i.misfiled and not i.criteria for i in draft.items[1:])
