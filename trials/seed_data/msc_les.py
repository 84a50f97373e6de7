"""EUCTR2017-001400-29-FR — MSC-LES: umbilical-cord mesenchymal stem cells in severe refractory
systemic lupus erythematosus (AP-HP, Hôpital Saint-Louis).

The register's "Inclusion criteria" field holds a copy of the exclusion list (an error in
the source record): it is not curated as inclusion criteria. The inclusion criteria below
are the population the record states elsewhere (adults, both sexes, severe SLE refractory
to standard treatments).
"""

from trials.seed_data.dsl import all_of, any_of, exclusion, inclusion, leaf, section, visit

FILE = "004_25381bd40820c99d.txt"

TRIAL = {
    "trial_id": "EUCTR2017-001400-29-FR",
    "other_ids": ["2017-001400-29", "P150302J", "P150302"],
    "registry": "EU Clinical Trials Register",
    "public_title": "Treatment of systemic lupus erythematosus by injection iv of mesenchymal stem cells (MSC-LES)",
    "scientific_title": "Treatment of severe refractory systemic lupus erythematosus by injection of allogeneic "
    "mesenchymal stem cells derived from the umbilical cord - MSC SLE - MSC-LES",
    "acronym": "MSC-LES",
    "sponsor": "Assistance Publique - Hôpitaux de Paris (AP-HP)",
    "status": "authorised",
    "phase": "Phase 1/Phase 2",
    "conditions": ["Severe refractory systemic lupus erythematosus"],
    "target_enrollment": 10,
    "source_url": "https://www.clinicaltrialsregister.eu/ctr-search/search?query=eudract_number:2017-001400-29",
    "eligibility_text": section(FILE, "Key inclusion & exclusion criteria", "Health Condition(s)"),
    "curation_notes": "Captured from the WHO ICTRP mirror of the EU CTR record. The 'Inclusion criteria' field "
    "is a copy of the exclusion list (a source-record error) and is NOT curated as inclusion criteria. Real "
    "population: adults (18–64 and ≥65 ticked, no under-18s), both sexes, severe SLE refractory to "
    "cyclophosphamide, mycophenolate and corticosteroids. Exclusion 2 ('Presence of:') is curated as its four "
    "sub-items so that each reason is specific.",
    "sites": [
        {
            "facility": "AP-HP, Hôpital Saint-Louis (DRCI)",
            "city": "Paris",
            "country": "France",
            "contact_name": "DRCI Hôpital St Louis",
            "contact_email": "karine.seymour@aphp.fr",
        }
    ],
    "criteria": [
        inclusion(
            leaf(
                "age",
                "gte",
                18,
                source="Are the trial subjects under 18? no / F.1.2 Adults (18-64 years) yes / F.1.3 Elderly "
                "(>=65 years) yes",
                note="Adults of any age (18 or older).",
                note_fr="Adultes de tout âge (18 ans ou plus).",
            )
        ),
        inclusion(
            all_of(
                leaf("diagnosis", "in", "systemic_lupus_erythematosus"),
                leaf("sle_refractory", "is_true"),
                source="Treatment of Systemic Lupus Erythematosus refractory to standard treatments.",
                note="Severe lupus that has not responded to standard treatments (cyclophosphamide, "
                "mycophenolate, corticosteroids).",
                note_fr="Lupus sévère n'ayant pas répondu aux traitements standard (cyclophosphamide, "
                "mycophénolate, corticoïdes).",
            )
        ),
        exclusion(
            any_of(
                leaf("pregnant", "is_true"),
                leaf("breastfeeding", "is_true"),
                all_of(
                    leaf("childbearing_potential", "is_true"), leaf("effective_contraception", "is_false")
                ),
                source="1- Pregnancy, breastfeeding or lack of appropriate contraception during study duration",
            )
        ),
        exclusion(
            leaf(
                "creatinine_clearance",
                "lt",
                30,
                unit="mL/min",
                source="2- Presence of: a) Renal failure: calculated creatinine clearance of <30 ml / min",
            )
        ),
        exclusion(
            any_of(
                leaf("heart_failure_nyha", "gte", 2),
                leaf("lvef", "lt", 40, unit="%"),
                leaf("uncontrolled_ventricular_arrhythmia", "is_true"),
                source="2- Presence of: b) Cardiac failure: clinical signs of congestive heart failure; left "
                "ventricular ejection fraction <40% on echocardiography; uncontrolled ventricular arrhythmia;",
                note="'Clinical signs of congestive heart failure' is read as NYHA class II or above (class I has "
                "no symptoms).",
                note_fr="« Signes cliniques d'insuffisance cardiaque » est lu comme une classe NYHA II ou plus.",
            )
        ),
        exclusion(
            any_of(
                leaf("alt_x_uln", "gt", 2),
                leaf("ast_x_uln", "gt", 2),
                visit("transaminase elevation not related to disease activity"),
                source="2- Presence of: c) Hepatitis defined by abnormal levels of transaminases (AST, ALT> 2 x "
                "normal) not related to disease activity.",
                note="Whether a raised transaminase level is due to lupus activity is judged by the study team.",
                note_fr="Le lien entre une élévation des transaminases et l'activité du lupus est apprécié par "
                "l'équipe.",
            )
        ),
        exclusion(
            any_of(
                leaf("pap_mean", "gt", 50, unit="mmHg"),
                leaf("respiratory_failure", "is_true"),
                leaf("pao2", "lt", 70, unit="mmHg"),
                leaf("paco2", "gt", 50, unit="mmHg"),
                source="2- Presence of: d) Respiratory disease: mean PAP> 50 mmHg (echocardiography), respiratory "
                "failure defined by a resting blood pressure of oxygen at PaO 2 < 70 mmHg and / or PaCO2 > 50 mmHg "
                "without oxygen",
            )
        ),
        exclusion(
            leaf(
                "severe_psychiatric_disorder",
                "is_true",
                source="3- Severe psychiatric disorders, including severe psychosis related to SLE, which would "
                "prevent to give informed consent or to undergo the procedure.",
            )
        ),
        exclusion(
            any_of(
                all_of(leaf("malignancy", "in", "other"), leaf("years_since_malignancy_remission", "eq", 0)),
                leaf("myelodysplasia", "is_true"),
                source="4- Active neoplasia or concomitant myelodysplasia, except for basal cell carcinoma or "
                "squamous cell carcinoma or in situ cervix carcinoma.",
                note="Active cancer means no remission yet (0 years in remission).",
                note_fr="Un cancer actif signifie aucune rémission (0 an de rémission).",
            )
        ),
        exclusion(
            any_of(
                leaf("neutrophils", "lt", 0.5, unit="10^9/L"),
                leaf("platelets", "lt", 30, unit="10^9/L"),
                leaf("hemoglobin", "lt", 8, unit="g/dL"),
                leaf("cd4_count", "lt", 200, unit="10^6/L"),
                visit("bone marrow failure caused by another disease than SLE"),
                source="5- Bone marrow failure defined by neutropenia <0.5.109/L, thrombocytopenia <30. 109 / L, "
                "anemia < 8 g / dL, lymphopenia CD4 + <200 x 106 / L caused by another disease than SLE.",
                note="'0.5.109/L' and '30. 109 / L' are read as 0.5 and 30 × 10⁹/L. Whether low counts are caused "
                "by a disease other than lupus is judged by the study team.",
                note_fr="« 0.5.109/L » et « 30. 109 / L » sont lus 0,5 et 30 × 10⁹/L. L'origine (autre que le "
                "lupus) d'une cytopénie est appréciée par l'équipe.",
            )
        ),
        exclusion(
            any_of(
                leaf("active_infection", "is_true"),
                leaf("hiv", "is_true"),
                leaf("htlv", "is_true"),
                leaf("hepatitis_b", "is_true"),
                leaf("hepatitis_c", "is_true"),
                source="6- Acute or chronic uncontrolled infection: HIV 1/2, HTLV-1/2, Hepatitis B (HBsAg surface "
                "antigen), Hepatitis C with positive PCR",
            )
        ),
        exclusion(
            any_of(
                leaf("medications", "taken_within", 2, unit="months", drugs=["belimumab"]),
                leaf("medications", "taken_within", 6, unit="months", drugs=["b_cell_depleting"]),
                source="7- Patient having received belimumab within 2 months of belimumab within 2 months of "
                "Baseline, or having received rituximab or other B cell depleting biologic therapy within 6 months "
                "of Baseline",
            )
        ),
        exclusion(
            leaf(
                "corticosteroid_dependent_comorbidity",
                "is_true",
                source="8- Comorbidities requiring corticosteroid therapy",
            )
        ),
        exclusion(
            leaf(
                "days_since_substance_abuse",
                "within",
                60,
                source="9- Current substance abuse or recent (within 60 days) history of substance abuse",
            )
        ),
        exclusion(visit("10- Patient in periods of exclusion from the national roster of researchers")),
        exclusion(
            leaf(
                "able_to_consent",
                "is_false",
                source="11- Patient with Linguistic or psychological incapacity to sign informed consent",
            )
        ),
        exclusion(
            leaf(
                "months_since_other_trial",
                "within",
                0,
                source="12- Patient who has already been included in this or another study at the same time.",
                note="Read as currently taking part in another interventional study (0 months since).",
                note_fr="Lu comme une participation en cours à une autre étude interventionnelle.",
            )
        ),
        exclusion(visit("13- Poor patient compliance.")),
        exclusion(leaf("legal_protection", "is_true", source="14- Patient under legal protection.")),
    ],
}
