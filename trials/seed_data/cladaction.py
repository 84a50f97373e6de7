"""NCT04821596 — Clad'Action: mechanisms of action of cladribine in MS (Rouen)."""

from trials.seed_data.dsl import any_of, exclusion, inclusion, leaf, not_, section, visit

FILE = "000_47e1d4bda416886c.txt"

TRIAL = {
    "trial_id": "NCT04821596",
    "other_ids": ["2018/0408/HP"],
    "registry": "ClinicalTrials.gov",
    "public_title": "Study of the Mechanisms of Action of Cladribine in Multiple Sclerosis (Clad'Action)",
    "scientific_title": "Study of the Mechanisms of Action of Cladribine in Multiple Sclerosis",
    "acronym": "Clad'Action",
    "sponsor": "University Hospital, Rouen",
    "status": "unknown",
    "phase": "N/A (basic science, biological collection)",
    "conditions": ["Multiple Sclerosis"],
    "target_enrollment": 75,
    "source_url": "https://clinicaltrials.gov/study/NCT04821596",
    "eligibility_text": section(FILE, "Inclusion criteria", "Trial design"),
    "curation_notes": "Captured from a ClinicalTrials.gov mirror. The age limit (18 to 65) is stated as an "
    'exclusion. "Regulatory Criteria :" is a heading, not a criterion. "Treated for less than 1 year with '
    'cladribine, daclizumab, ocrelizumab, rituximab" is read as a last dose within the past year.',
    "sites": [
        {
            "facility": "University Hospital, Rouen",
            "city": "Rouen",
            "country": "France",
            "contact_name": "Nell Marty, PhD",
        }
    ],
    "criteria": [
        inclusion(
            leaf(
                "diagnosis",
                "in",
                "multiple_sclerosis",
                source="Major Multiple Sclerosis (MS) Patients",
                note='Adults with multiple sclerosis ("major" is the French "majeur", of age; the age limits are '
                "checked by the exclusion on age).",
                note_fr="Adultes atteints de sclérose en plaques (les limites d'âge sont vérifiées par le critère "
                "d'exclusion sur l'âge).",
            )
        ),
        inclusion(
            leaf(
                "ms_phenotype",
                "in",
                "RRMS",
                "SPMS",
                "PPMS",
                source="RR MS patients without treatment (early stage disease) Or RR MS patients treated with "
                "first-line compounds (IFNβ, glatiramer acetate, teriflunomide and dimethyl fumarate, ...). Or RR "
                "MS patients treated with second-line compounds (natalizumab and fingolimod, ...) RR MS patients "
                "treated with third-line compounds (alemtuzumab, ...) Or Patients with progressive MS",
                note="Relapsing-remitting MS (untreated or on any line of treatment) or progressive MS. Every "
                "treatment line is allowed, so only the form of MS is checked; a clinically isolated syndrome "
                "is not included.",
                note_fr="SEP récurrente-rémittente (traitée ou non, quelle que soit la ligne) ou SEP progressive. "
                "Toutes les lignes de traitement sont admises : seule la forme de SEP est vérifiée ; un syndrome "
                "cliniquement isolé n'est pas inclus.",
            )
        ),
        inclusion(
            visit(
                "Patients who have read and understood the information letter and signed the consent form",
                note="Consent is signed with the study team at the first visit.",
                note_fr="Le consentement est signé avec l'équipe lors de la première visite.",
            )
        ),
        inclusion(
            leaf(
                "social_security",
                "is_true",
                source="Person affiliated to a social security system",
                note="You must be covered by a social security scheme.",
                note_fr="Vous devez être affilié(e) à un régime de sécurité sociale.",
            )
        ),
        exclusion(
            not_(
                leaf("age", "between", 18, 65),
                source="Patients under 18 years of age or over 65 years of age,",
                note="You must be between 18 and 65 years old.",
                note_fr="Vous devez avoir entre 18 et 65 ans.",
            )
        ),
        exclusion(
            leaf(
                "immunosuppressed_for_other_disease",
                "is_true",
                source="Patients who have benefited from immunosuppressive treatments for other autoimmune or "
                "cancerous pathologies,",
            )
        ),
        exclusion(
            leaf(
                "in_ms_interventional_trial",
                "is_true",
                source="Patients receiving treatments for multiple sclerosis and participating in phase 2, 3 or 4 "
                "protocols will be excluded.",
            )
        ),
        exclusion(
            leaf(
                "medications",
                "taken_within",
                12,
                unit="months",
                drugs=["cladribine", "daclizumab", "ocrelizumab", "rituximab"],
                source="Patients who have been treated for less than 1 year with cladribine, daclizumab, "
                "ocrelizumab, rituximab will be excluded.",
                note="Read as: a last dose of cladribine, daclizumab, ocrelizumab or rituximab within the past year.",
                note_fr="Lu comme : une dernière prise de cladribine, daclizumab, ocrélizumab ou rituximab dans "
                "l'année écoulée.",
            )
        ),
        exclusion(
            any_of(
                leaf("medications", "ever_taken", drugs=["mitoxantrone"]),
                leaf("stem_cell_transplant", "is_true"),
                source="Patients who have received mitoxantrone or a stem cell transplant,",
            )
        ),
        exclusion(
            leaf(
                "legal_protection",
                "is_true",
                source="Person deprived of liberty by an administrative or judicial decision",
            )
        ),
        exclusion(
            leaf(
                "legal_protection",
                "is_true",
                source="Person placed under legal protection, sub-tutorship or curatorship",
            )
        ),
    ],
}
