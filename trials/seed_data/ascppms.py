"""NCT06592703 — ASC-PPMS: intrathecal allogeneic adipose-derived stromal cells in PPMS (Rennes)."""

from trials.seed_data.dsl import all_of, any_of, exclusion, inclusion, leaf, section, visit

FILE = "003_31c4398696ca8648.txt"

TRIAL = {
    "trial_id": "NCT06592703",
    "other_ids": [],
    "registry": "ClinicalTrials.gov",
    "public_title": "Allogenic Adipose Tissue-derived Mesenchymal Stromal Cells for the Treatment of Primary "
    "Progressive Multiple Sclerosis",
    "scientific_title": "Allogenic Adipose Tissue-derived Mesenchymal Stromal Cells for the Treatment of Primary "
    "Progressive Multiple Sclerosis",
    "acronym": "ASC-PPMS",
    "sponsor": "Rennes University Hospital",
    "status": "recruiting",
    "phase": "Phase 1",
    "conditions": ["Multiple Sclerosis", "Primary Progressive Multiple Sclerosis"],
    "target_enrollment": None,
    "source_url": "https://clinicaltrials.gov/study/NCT06592703",
    "eligibility_text": section(FILE, "Inclusion Criteria:", "Study details"),
    "curation_notes": "Captured from a patient-facing trial site (last update 15 October 2025). 'Anticoagulant "
    "or fibrinolytic treatment' is read as a dose in the last 7 days (a current treatment).",
    "sites": [
        {
            "facility": "Rennes University Hospital",
            "city": "Rennes",
            "country": "France",
        }
    ],
    "criteria": [
        inclusion(
            all_of(
                leaf("diagnosis", "in", "multiple_sclerosis"),
                leaf("ms_phenotype", "in", "PPMS"),
                source="Patient with Primary Progressive MS according to the criteria of Mc Donald 2017 (Thompson et "
                "al Lancet neurol, 2017)",
                note="The trial is for primary progressive multiple sclerosis.",
                note_fr="L'essai s'adresse aux personnes atteintes de SEP primaire progressive.",
            )
        ),
        inclusion(
            leaf(
                "age",
                "between",
                18,
                55,
                source="Age between 18 and 55 years",
                note="You must be between 18 and 55 years old.",
                note_fr="Vous devez avoir entre 18 et 55 ans.",
            )
        ),
        inclusion(
            leaf(
                "edss",
                "between",
                3.0,
                6.0,
                source="EDSS score: 3 to 6 at inclusion",
                note="Your disability score (EDSS) must be between 3.0 and 6.0.",
                note_fr="Votre score de handicap (EDSS) doit être compris entre 3,0 et 6,0.",
            )
        ),
        inclusion(
            leaf(
                "progression_independent_of_relapse_24m",
                "is_true",
                source="Documented evidence of disability progression independent of relapse activity at any point "
                "in time over the 2 years prior to the screening visit",
                note="Your disability must have worsened, without relapses, during the last 2 years.",
                note_fr="Votre handicap doit s'être aggravé, sans poussée, au cours des 2 dernières années.",
            )
        ),
        inclusion(
            leaf(
                "csf_oligoclonal_bands",
                "in",
                "positive",
                source="Positive CSF with oligoclonal bands",
                note="A lumbar puncture must have shown oligoclonal bands.",
                note_fr="Une ponction lombaire doit avoir montré des bandes oligoclonales.",
            )
        ),
        inclusion(
            any_of(
                leaf("sex", "in", "male"),
                leaf("childbearing_potential", "is_false"),
                leaf("effective_contraception", "is_true"),
                source="For women of childbearing potential (WOCBP), effective contraception as per the CFTG "
                "recommendations (version 1.1)",
                note="Women who could become pregnant must use effective contraception.",
                note_fr="Les femmes en âge de procréer doivent utiliser une contraception efficace.",
            )
        ),
        inclusion(visit("Having signed a free, informed and written consent")),
        inclusion(
            leaf(
                "social_security",
                "is_true",
                source="Affiliated to social security scheme",
                note="You must be covered by a social security scheme.",
                note_fr="Vous devez être affilié(e) à un régime de sécurité sociale.",
            )
        ),
        exclusion(
            any_of(
                leaf("relapses_12m", "gte", 1),
                leaf("days_since_last_relapse", "within", 12, unit="months"),
                leaf("new_t2_lesions_12m", "is_true"),
                source="Inflammatory activity during the past year (relapses or new T2 MRI lesions)",
                note="No relapse and no new MRI lesion during the last year.",
                note_fr="Ni poussée ni nouvelle lésion à l'IRM au cours de la dernière année.",
            )
        ),
        exclusion(
            leaf(
                "medications",
                "taken_within",
                12,
                unit="months",
                drugs=["ms_disease_modifying", "rituximab"],
                source="Disease Modifying Drugs during the past year",
                note="No MS disease-modifying treatment in the last year (rituximab, used off-label in MS, counts).",
                note_fr="Aucun traitement de fond de la SEP dans l'année écoulée (le rituximab, utilisé hors AMM "
                "dans la SEP, compte).",
            )
        ),
        exclusion(
            leaf(
                "medications",
                "taken_within",
                30,
                unit="days",
                drugs=["corticosteroids_high_dose"],
                source="Treatment with high dose corticosteroids during the 30 days preceding the inclusion",
            )
        ),
        exclusion(
            any_of(
                leaf("lumbar_puncture_contraindication", "is_true"),
                leaf("platelets", "lt", 50, unit="G/L"),
                leaf("medications", "taken_within", 7, unit="days", drugs=["anticoagulant", "fibrinolytic"]),
                source="Contra indication to lumbar puncture/intrathecal infusion: intracranial hypertension, "
                "puncture site infections, severe thrombocytopenia (<50 G/L), anticoagulant or fibrinolytic "
                "treatment",
                note="Anticoagulant or fibrinolytic treatment is read as a dose in the last 7 days.",
                note_fr="Un traitement anticoagulant ou fibrinolytique est lu comme une prise dans les 7 derniers "
                "jours.",
            )
        ),
        exclusion(
            leaf(
                "months_since_other_trial",
                "within",
                6,
                source="Participation in another therapeutic trial in the last 6 months",
            )
        ),
        exclusion(
            any_of(
                leaf("legal_protection", "is_true"),
                leaf("pregnant", "is_true"),
                leaf("breastfeeding", "is_true"),
                leaf("age", "lt", 18),
                leaf("able_to_consent", "is_false"),
                source="Adults under legal protection (safeguard of justice, curatorship, guardianship), persons "
                "deprived of their liberty, pregnant or breastfeeding women, minors, persons unable to express "
                "their consent",
            )
        ),
    ],
}
