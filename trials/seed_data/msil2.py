"""NCT02424396 — MS-IL2: low-dose interleukin-2 in relapsing-remitting MS (AP-HP).

The captured page has no trial id, no age or sex and an empty inclusion section; the
inclusion criteria below come from the public ClinicalTrials.gov facts quoted in the seeds
README, and their source texts are those facts.
"""

from trials.seed_data.dsl import all_of, any_of, exclusion, inclusion, leaf, section, visit

FILE = "002_2ef9cccabb6fb538.txt"

FIRST_LINE_SOURCE = (
    "on a first-line MS treatment — beta-interferon, dimethyl fumarate or teriflunomide for at least 6 months, or "
    "glatiramer acetate for at least 9 months"
)

TRIAL = {
    "trial_id": "NCT02424396",
    "other_ids": [],
    "registry": "ClinicalTrials.gov",
    "public_title": "Low-dose Interleukin-2 in Relapsing-Remitting Multiple Sclerosis (MS-IL2)",
    "scientific_title": "Safety and biological efficacy of low-dose IL-2 as a regulatory T cell inducer in "
    "relapsing-remitting multiple sclerosis: a randomized, double-blind, placebo-controlled trial",
    "acronym": "MS-IL2",
    "sponsor": "Assistance Publique – Hôpitaux de Paris",
    "status": "completed",
    "phase": "Phase 2",
    "conditions": ["Relapsing-Remitting Multiple Sclerosis"],
    "target_enrollment": 30,
    "source_url": "https://clinicaltrials.gov/study/NCT02424396",
    "eligibility_text": section(FILE, "Inclusion criteria", "Primary purpose"),
    "curation_notes": "The captured page (a ClinicalTrials.gov mirror) lacks the trial id, age, sex and the "
    "inclusion list. Inclusion criteria were curated from the public ClinicalTrials.gov record of NCT02424396 "
    "(age 18–65, RRMS by McDonald 2010, MRI activity, EDSS 0–6, no relapse in 2 months, first-line treatment, "
    "contraception, consent, social security). 'Male or female' needs no criterion.",
    "sites": [
        {
            "facility": "Assistance Publique – Hôpitaux de Paris",
            "city": "Paris",
            "country": "France",
        }
    ],
    "criteria": [
        inclusion(
            leaf(
                "age",
                "between",
                18,
                65,
                source="age 18–65",
                note="You must be between 18 and 65 years old.",
                note_fr="Vous devez avoir entre 18 et 65 ans.",
            )
        ),
        inclusion(
            all_of(
                leaf("diagnosis", "in", "multiple_sclerosis"),
                leaf("ms_phenotype", "in", "RRMS"),
                source="relapsing-remitting MS by the revised McDonald 2010 criteria",
                note="The trial is for relapsing-remitting multiple sclerosis.",
                note_fr="L'essai s'adresse aux personnes atteintes de SEP récurrente-rémittente.",
            )
        ),
        inclusion(
            any_of(
                all_of(leaf("gd_lesions_last_mri", "between", 1, 2), leaf("months_since_last_mri", "lte", 6)),
                leaf("new_t2_lesions_12m", "is_true"),
                source="on MRI either 1–2 gadolinium-enhancing T1 lesions without clinical expression at inclusion "
                "or in the 6 months before, or one new T2 lesion",
                note="Read as: 1 or 2 gadolinium-enhancing lesions on an MRI from the last 6 months, or a new T2 "
                "lesion in the last 12 months. 'Without clinical expression' is covered by the no-relapse "
                "criterion.",
                note_fr="Lu comme : 1 ou 2 lésions rehaussées par le gadolinium sur une IRM de moins de 6 mois, ou "
                "une nouvelle lésion T2 dans les 12 derniers mois.",
            )
        ),
        inclusion(
            leaf(
                "edss",
                "between",
                0.0,
                6.0,
                source="EDSS between 0 and 6",
                note="Your disability score (EDSS) must be 6.0 or less.",
                note_fr="Votre score de handicap (EDSS) doit être inférieur ou égal à 6,0.",
            )
        ),
        inclusion(
            leaf(
                "days_since_last_relapse",
                "not_within",
                2,
                unit="months",
                source="no relapse (with or without corticosteroids) in the past 2 months",
                note="No relapse in the last 2 months.",
                note_fr="Pas de poussée dans les 2 derniers mois.",
            )
        ),
        inclusion(
            any_of(
                leaf(
                    "medications",
                    "on_treatment_for_at_least",
                    6,
                    unit="months",
                    drugs=["interferon_beta", "dimethyl_fumarate", "teriflunomide"],
                ),
                leaf(
                    "medications", "on_treatment_for_at_least", 9, unit="months", drugs=["glatiramer_acetate"]
                ),
                source=FIRST_LINE_SOURCE,
                note="You must currently take a first-line MS treatment: interferon beta, dimethyl fumarate or "
                "teriflunomide for at least 6 months, or glatiramer acetate for at least 9 months.",
                note_fr="Vous devez prendre actuellement un traitement de fond de première ligne : interféron bêta, "
                "diméthylfumarate ou tériflunomide depuis au moins 6 mois, ou acétate de glatiramère depuis au "
                "moins 9 mois.",
            )
        ),
        inclusion(
            any_of(
                leaf("sex", "in", "male"),
                leaf("childbearing_potential", "is_false"),
                all_of(
                    leaf("effective_contraception", "is_true"),
                    visit(
                        "contraception for more than 2 weeks and a negative pregnancy test at the inclusion visit"
                    ),
                ),
                source="women of childbearing age on contraception for more than 2 weeks and with a negative "
                "pregnancy test at the inclusion visit",
                note="Women who could become pregnant must use effective contraception; its duration and the "
                "pregnancy test are checked at the inclusion visit.",
                note_fr="Les femmes en âge de procréer doivent utiliser une contraception efficace ; sa durée et le "
                "test de grossesse sont vérifiés à la visite d'inclusion.",
            )
        ),
        inclusion(visit("signed informed consent")),
        inclusion(
            leaf(
                "social_security",
                "is_true",
                source="affiliated to French social security",
                note="You must be covered by French social security.",
                note_fr="Vous devez être affilié(e) à la sécurité sociale française.",
            )
        ),
        exclusion(
            leaf(
                "gd_lesions_last_mri",
                "gt",
                2,
                source="Number of lesions enhanced by gadolinium (Gd+) on MRI in T1 > 2 upon inclusion;",
            )
        ),
        exclusion(leaf("il2_intolerance", "is_true", source="Known intolerance to IL2 (see SPC):")),
        exclusion(
            any_of(
                leaf("medications", "taken_within", 2, unit="months", drugs=["corticosteroids_high_dose"]),
                leaf(
                    "medications",
                    "taken_within",
                    6,
                    unit="months",
                    drugs=["cyclophosphamide", "mitoxantrone", "rituximab"],
                ),
                visit("Administration of a non-authorized treatment"),
                source="Administration of a non-authorized treatment; bolus of corticosteroids in the last 2 "
                "months, or treatment with cyclophosphamide, mitoxantrone, or rituximab in the last 6 months;",
                note="Which treatments the protocol does not authorise is checked by the study team.",
                note_fr="Les traitements non autorisés par le protocole sont vérifiés par l'équipe.",
            )
        ),
        exclusion(
            any_of(
                leaf("heart_failure_nyha", "gte", 3),
                leaf("renal_failure", "is_true"),
                leaf("hepatic_insufficiency", "is_true"),
                leaf("alt_x_uln", "gt", 5),
                leaf("ast_x_uln", "gt", 5),
                leaf("respiratory_failure", "is_true"),
                source="Heart failure (≥ grade III NYHA), renal insufficiency, or hepatic insufficiency "
                "(transaminase>5N), or lung failure",
            )
        ),
        exclusion(
            any_of(
                leaf("wbc", "lt", 3000, unit="/mm3"),
                leaf("lymphocytes", "lt", 1000, unit="/mm3"),
                leaf("platelets", "lt", 150000, unit="/mm3"),
                source="White blood cell count <3000 /mm3, lymphocytes< 1000 /mm3, platelets <150 000 /mm3",
            )
        ),
        exclusion(
            leaf(
                "poor_venous_access", "is_true", source="Poor venous access not allowing repeated blood tests"
            )
        ),
        exclusion(
            any_of(
                leaf("months_since_live_vaccine", "within", 3),
                visit("live attenuated vaccination planned during the study"),
                source="Vaccination with live attenuated virus in the months preceding the inclusion or planned "
                "during the study",
                note='"In the months preceding" is read as the last 3 months; planned vaccinations are discussed '
                "at the visit.",
                note_fr="« Dans les mois précédents » est lu comme les 3 derniers mois ; les vaccinations prévues "
                "sont discutées à la visite.",
            )
        ),
        exclusion(
            any_of(
                leaf("months_since_surgery_general_anaesthesia", "within", 2),
                leaf("surgery_planned", "is_true"),
                source="Surgery with general anaesthesia during the last 2 months or surgery planned during the study",
            )
        ),
        exclusion(
            any_of(
                leaf("months_since_other_trial", "within", 1),
                visit("participation in other biomedical research planned during the study"),
                source="Participation in other biomedical research in the last one month or planned during the study",
            )
        ),
        exclusion(
            any_of(
                leaf("severe_psychiatric_disorder", "is_true"),
                visit("drug-abuse that could interfere with the ability to comply with the protocol"),
                source="Concomitant psychiatric disease or any other chronic illness or drug-abuse that could "
                "interfere with the ability to comply with the protocol or to give informed consent",
                note="Whether drug use would interfere with the protocol is judged by the study team.",
                note_fr="L'impact d'une consommation de drogues sur le protocole est apprécié par l'équipe.",
            )
        ),
        exclusion(
            all_of(
                leaf("malignancy", "in", "other"),
                leaf("years_since_malignancy_remission", "lt", 5),
                source="Cancer or history of cancer cured for less than five years (except in situ carcinoma of the "
                "cervix or basocellular carcinoma)",
            )
        ),
        exclusion(
            any_of(
                leaf("pregnant", "is_true"),
                leaf("breastfeeding", "is_true"),
                source="Pregnant or lactating women;",
            )
        ),
        exclusion(
            all_of(
                any_of(leaf("sex", "in", "male"), leaf("childbearing_potential", "is_true")),
                leaf("effective_contraception", "is_false"),
                source="Men and women of childbearing potential without effective contraception for the duration "
                "of treatment",
            )
        ),
        exclusion(leaf("legal_protection", "is_true", source="Patients under a measure of legal protection")),
    ],
}
