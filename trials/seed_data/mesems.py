"""NCT02403947 — MESEMS: mesenchymal stem cells for multiple sclerosis (Toulouse).

Inclusion is a disjunction by phenotype (RRMS / SPMS / PPMS, each with its own activity
signs) plus shared conditions. The registry's "more or egal" means ≥ and "inferior or egal"
means ≤.
"""

from trials.seed_data.dsl import all_of, any_of, exclusion, inclusion, leaf, not_, section, visit

FILE = "001_53ba1798084f351f.txt"

# The approved therapies the registry names for "not responding to at least a year of therapy".
APPROVED = ("interferon_beta", "glatiramer_acetate", "natalizumab", "mitoxantrone", "fingolimod")


def gel_recent(source: str = "") -> dict:
    """≥ 1 gadolinium-enhancing lesion on an MRI performed within the last 12 months."""
    return all_of(
        leaf("gd_lesions_last_mri", "gte", 1),
        leaf("months_since_last_mri", "lte", 12),
        source=source,
    )


def failed_therapy() -> dict:
    return leaf(
        "medications",
        "treated_for_at_least",
        12,
        unit="months",
        drugs=APPROVED,
        source="not responding to at least a year of attempted therapy with one or more of the approved "
        "therapies (beta-interferon, glatiramer acetate, natalizumab, mitoxantrone, fingolimod)",
        note="Read as: at least 12 months of treatment, current or past, with one of the named therapies; "
        "persisting activity (below) is the evidence of non-response.",
        note_fr="Lu comme : au moins 12 mois de traitement, en cours ou passé, par l'un des traitements "
        "cités ; l'activité persistante (ci-dessous) atteste l'absence de réponse.",
    )


def rrms_branch() -> dict:
    return all_of(
        leaf("ms_phenotype", "in", "RRMS"),
        failed_therapy(),
        any_of(
            leaf(
                "relapses_12m",
                "gte",
                1,
                source="more or egal 1 clinically documented relapse in past 12 months",
            ),
            leaf(
                "relapses_24m",
                "gte",
                2,
                source="more or egal 2 clinically documented relapses in last 24 months",
            ),
            gel_recent("more or egal 1 GEL at MRI performed within the last 12 months"),
            source="as evidenced by one or more of the following",
        ),
        source="Relapsing remitting MS (RRMS) not responding to at least a year of attempted therapy with one or "
        "more of the approved therapies (beta-interferon, glatiramer acetate, natalizumab, mitoxantrone, "
        "fingolimod) as evidenced by one or more of the following",
    )


def spms_branch() -> dict:
    return all_of(
        leaf("ms_phenotype", "in", "SPMS"),
        failed_therapy(),
        leaf(
            "relapses_12m",
            "gte",
            1,
            source="With more or egal 1 clinically documented relapse in the last twelve months",
        ),
        all_of(
            leaf("ongoing_relapse", "is_false"),
            gel_recent(),
            source="Without on-going relapses, but with more or egal 1 GEL at MRI performed within the last 12 months.",
        ),
        source="Secondary progressive MS (SPMS) not responding to at least a year of attempted therapy with one or "
        "more of the approved therapies (beta-interferon, glatiramer acetate, natalizumab, mitoxantrone, "
        "fingolimod) as evidenced by both",
    )


def ppms_branch() -> dict:
    return all_of(
        leaf("ms_phenotype", "in", "PPMS"),
        any_of(
            all_of(leaf("edss", "lte", 5.0), leaf("edss_increase_12m", "gte", 1.0)),
            all_of(leaf("edss", "gte", 5.5), leaf("edss_increase_12m", "gte", 0.5)),
            source="an increase ofmore or egal 1 EDSS point (if at inclusion EDSS inferior or egal 5.0) or 0.5 EDSS "
            "point (if at inclusion EDSS more or egal 5.5), in the last twelve months",
        ),
        gel_recent("more or egal 1 GEL at MRI performed within the last 12 months"),
        leaf(
            "csf_oligoclonal_bands",
            "in",
            "positive",
            source="Positive cerebrospinal fluid (CSF) (oligoclonal banding).",
        ),
        source="Primary progressive MS (PPMS) patients with all the following features",
    )


TRIAL = {
    "trial_id": "NCT02403947",
    "other_ids": ["12 394 03"],
    "registry": "ClinicalTrials.gov",
    "public_title": "MEsenchymal StEm Cells for Multiple Sclerosis MESEMS",
    "scientific_title": "Treatment of Multiple Sclerosis With Mesenchymal Stem Cells: Phase I/II Study",
    "acronym": "MESEMS",
    "sponsor": "University Hospital, Toulouse",
    "status": "terminated",
    "phase": "Phase 1/Phase 2",
    "conditions": ["Multiple Sclerosis"],
    "target_enrollment": 1,
    "source_url": "https://clinicaltrials.gov/show/NCT02403947",
    "eligibility_text": section(FILE, "Inclusion Criteria:", "Age minimum:"),
    "curation_notes": "Captured from the WHO ICTRP mirror (last refreshed 12 December 2020). The registry's "
    '"more or egal" is read as ≥ and "inferior or egal" as ≤. The three exclusions "RRMS/SPMS/PPMS not '
    'fulfilling inclusion criteria" restate the phenotype inclusion; they are curated as the same tests '
    "so that a patient sees both the registry's inclusion and exclusion wording.",
    "sites": [
        {
            "facility": "University Hospital, Toulouse — Neurology Department of Purpan Hospital",
            "city": "Toulouse",
            "country": "France",
            "contact_name": "Clanet Michel, MD, PhD",
        }
    ],
    "criteria": [
        inclusion(
            leaf(
                "age",
                "between",
                18,
                50,
                source="Age 18 to 50 years",
                note="You must be between 18 and 50 years old.",
                note_fr="Vous devez avoir entre 18 et 50 ans.",
            )
        ),
        inclusion(
            leaf(
                "disease_duration_years",
                "between",
                2,
                10,
                source="Disease duration 2 to 10 years (included)",
                note="Multiple sclerosis diagnosed between 2 and 10 years ago (both included).",
                note_fr="Sclérose en plaques diagnostiquée il y a 2 à 10 ans (bornes incluses).",
            )
        ),
        inclusion(
            leaf(
                "diagnosis",
                "in",
                "multiple_sclerosis",
                source="Diagnosis of MS",
                note="The trial is for people with multiple sclerosis.",
                note_fr="L'essai s'adresse aux personnes atteintes de sclérose en plaques.",
            )
        ),
        inclusion(
            any_of(
                rrms_branch(),
                spms_branch(),
                ppms_branch(),
                source="Relapsing remitting MS (RRMS) … as evidenced by one or more of the following / Secondary "
                "progressive MS (SPMS) … as evidenced by both / Primary progressive MS (PPMS) patients with all "
                "the following features",
                note="Your form of MS must show recent activity: for relapsing-remitting or secondary progressive "
                "MS despite at least a year of treatment; for primary progressive MS a recent worsening, an "
                "active lesion on MRI and oligoclonal bands in the spinal fluid.",
                note_fr="Votre forme de SEP doit montrer une activité récente : pour une SEP récurrente-rémittente "
                "ou secondairement progressive, malgré au moins un an de traitement ; pour une SEP primaire "
                "progressive, une aggravation récente, une lésion active à l'IRM et des bandes oligoclonales "
                "dans le liquide céphalo-rachidien.",
            )
        ),
        inclusion(
            leaf(
                "edss",
                "between",
                3.0,
                6.5,
                source="EDSS (Expanded Disability Status Scale) 3.0 to 6.5",
                note="Your disability score (EDSS) must be between 3.0 and 6.5.",
                note_fr="Votre score de handicap (EDSS) doit être compris entre 3,0 et 6,5.",
            )
        ),
        inclusion(
            any_of(
                leaf("sex", "in", "male"),
                leaf("childbearing_potential", "is_false"),
                leaf("effective_contraception", "is_true"),
                source="Women of childbearing age with an effective contraception.",
                note="Women who could become pregnant must use effective contraception.",
                note_fr="Les femmes en âge de procréer doivent utiliser une contraception efficace.",
            )
        ),
        exclusion(
            all_of(
                leaf("ms_phenotype", "in", "RRMS"),
                not_(rrms_branch()),
                source="RRMS not fulfilling inclusion criteria",
                note="Restates the RRMS inclusion branch.",
                note_fr="Reprend la branche d'inclusion SEP-RR.",
            )
        ),
        exclusion(
            all_of(
                leaf("ms_phenotype", "in", "SPMS"),
                not_(spms_branch()),
                source="SPMS not fulfilling inclusion criteria",
                note="Restates the SPMS inclusion branch.",
                note_fr="Reprend la branche d'inclusion SEP-SP.",
            )
        ),
        exclusion(
            all_of(
                leaf("ms_phenotype", "in", "PPMS"),
                not_(ppms_branch()),
                source="PPMS not fulfilling inclusion criteria",
                note="Restates the PPMS inclusion branch.",
                note_fr="Reprend la branche d'inclusion SEP-PP.",
            )
        ),
        exclusion(
            leaf(
                "medications",
                "taken_within",
                3,
                unit="months",
                drugs=["immunosuppressive"],
                source="Inferior to 3 months since treatment with any immunosuppressive therapy including "
                "natalizumab and fingolimod",
                note="No immunosuppressive treatment (including natalizumab and fingolimod) in the last 3 months.",
                note_fr="Aucun traitement immunosuppresseur (dont natalizumab et fingolimod) dans les 3 derniers mois.",
            )
        ),
        exclusion(
            leaf(
                "medications",
                "taken_within",
                1,
                unit="months",
                drugs=["interferon_beta", "glatiramer_acetate"],
                source="Inferior or egal to 1 month since last treatment with interferon-beta or glatiramer acetate",
                note="No interferon beta or glatiramer acetate in the last month.",
                note_fr="Pas d'interféron bêta ni d'acétate de glatiramère depuis un mois.",
            )
        ),
        exclusion(
            leaf(
                "medications",
                "taken_within",
                30,
                unit="days",
                drugs=["corticosteroids_high_dose"],
                source="Corticosteroid treatment Inferior or egal to 30 days",
                note="No corticosteroid treatment in the last 30 days. Read as the high-dose courses used for "
                "MS relapses, the only corticosteroid treatment the vocabulary records.",
                note_fr="Pas de corticothérapie dans les 30 derniers jours (lue comme les bolus de corticoïdes "
                "utilisés pour les poussées).",
            )
        ),
        exclusion(
            any_of(
                leaf("ongoing_relapse", "is_true"),
                leaf("days_since_last_relapse", "within", 60),
                source="Relapse inferior or egal to 60 days",
                note="No relapse in the last 60 days (an ongoing relapse counts).",
                note_fr="Pas de poussée dans les 60 derniers jours (une poussée en cours compte).",
            )
        ),
        exclusion(
            any_of(
                leaf("active_infection", "is_true"),
                leaf("hiv", "is_true"),
                leaf("htlv", "is_true"),
                leaf("syphilis", "is_true"),
                leaf("hepatitis_b", "is_true"),
                leaf("hepatitis_c", "is_true"),
                source="Any active or chronic infection including infection with HIV1-2 (Human Immunodeficiency "
                "Virus 2) or HTLV I-II (Human T-lymphotropic virus I-II) or Syphilis or chronic Hepatitis B or "
                "Hepatitis C inferior to 1 month",
                note="No active or chronic infection (HIV, HTLV, syphilis, hepatitis B or C, or other).",
                note_fr="Pas d'infection active ou chronique (VIH, HTLV, syphilis, hépatite B ou C, ou autre).",
            )
        ),
        exclusion(
            leaf(
                "malignancy",
                "in",
                "other",
                source="Previous history of a malignancy other than basal cell carcinoma of the skin or carcinoma "
                "in situ that has been in remission for more than one year",
                note="Read as: any past cancer other than basal-cell skin carcinoma or carcinoma in situ excludes; "
                "the remission clause qualifies those two exceptions.",
                note_fr="Lu comme : tout antécédent de cancer autre qu'un carcinome basocellulaire cutané ou un "
                "carcinome in situ exclut.",
            )
        ),
        exclusion(
            leaf(
                "limited_life_expectancy",
                "is_true",
                source="Severely limited life expectancy by another co-morbid illness",
            )
        ),
        exclusion(
            any_of(
                leaf("myelodysplasia", "is_true"),
                leaf("hematologic_disease", "is_true"),
                visit("current clinically relevant abnormalities of white blood cell counts"),
                source="History of previous diagnosis of myelodysplasia or previous hematologic disease or current "
                "clinically relevant abnormalities of white blood cell counts",
                note="The registry gives no threshold for a 'clinically relevant' white-cell abnormality, so that "
                "part is left to the study team.",
                note_fr="Le registre ne donne pas de seuil pour une anomalie « cliniquement pertinente » des "
                "globules blancs : cette partie est vérifiée par l'équipe.",
            )
        ),
        exclusion(
            any_of(
                leaf("pregnant", "is_true"),
                all_of(
                    leaf("childbearing_potential", "is_true"), leaf("effective_contraception", "is_false")
                ),
                source="Pregnancy or risk or pregnancy (this includes patients that are unwilling to practice active "
                "contraception during the duration of the study)**",
            )
        ),
        exclusion(
            any_of(
                leaf("egfr", "lt", 60, unit="mL/min/1.73m2"),
                leaf("renal_failure", "is_true"),
                leaf("mri_contraindication", "is_true"),
                source="eGFR (estimated Glomerular Filtration Rate ) inferior to 60 mL/min/1.73m2 or known renal "
                "failure or inability to undergo MRI examination.",
            )
        ),
        exclusion(
            leaf(
                "able_to_consent",
                "is_false",
                source="Inability to give written informed consent in accordance with research ethics board "
                "guidelines.",
            )
        ),
    ],
}
