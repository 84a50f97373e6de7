"""The curated concept vocabulary of shared/spec/concepts.md, as plain data.

`CONCEPTS` lists one dict per concept, in the order of concepts.md; `DRUGS` and
`DRUG_CLASSES` list the drug codes and the four curated drug classes. Codes, types, units
and choice values are a public contract (JSON API, FHIR import, fixtures, exports): keep
them exactly as in concepts.md.

Labels are short noun phrases used inside generated sentences ("EDSS 2.0 is below the range
3.0–6.5", "HIV infection: yes", "Last relapse: 3 months ago"); drug and class names are
lower-case for the same reason ("has never taken interferon beta"). French text is written
with ordinary spaces and `_fr` adds the non-breaking spaces of French typography.
"""

from __future__ import annotations


def _fr(text: str) -> str:
    """French typography: a non-breaking space before ? ! ; : and inside « »."""
    for mark in ("?", "!", ";", ":", "»"):
        text = text.replace(f" {mark}", f"\u00a0{mark}")
    return text.replace("« ", "«\u00a0")


def _unsure(en: str, fr: str) -> tuple[str, str]:
    """Help text ending with the reminder that “I don't know” is an acceptable answer."""
    return (
        f"{en} If you are not sure, answer “I don't know”.",
        f"{fr} En cas de doute, répondez « Je ne sais pas ».",
    )


def _cell_count_units() -> list[str]:
    """Units accepted for cell counts in 10^9/L (concepts.md: wbc, and "as wbc")."""
    return ["10^9/L", "G/L", "/mm3", "/uL", "/µL", "cells/uL", "10^3/uL"]


def _choice(code: str, en: str, fr: str) -> dict:
    return {"code": code, "en": en, "fr": _fr(fr)}


# "Since" durations are bounded like every other number: at most a lifetime (120 years, the
# age's own maximum), so 1e308 days is refused with the concept's name.
LIFETIME_DAYS = 43830
LIFETIME_MONTHS = 1440


def _concept(
    code: str,
    type_: str,
    section: str,
    *,
    label: tuple[str, str],
    clinician: tuple[str, str],
    patient: tuple[str, str],
    help_text: tuple[str, str],
    unit: str = "",
    units: list[str] | None = None,
    choices: list[dict] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    step: float | None = None,
) -> dict:
    return {
        "code": code,
        "type": type_,
        "section": section,
        "canonical_unit": unit,
        "accepted_units": list(units or []),
        "choices": list(choices or []),
        "minimum": minimum,
        "maximum": maximum,
        "step": step,
        "label_en": label[0],
        "label_fr": _fr(label[1]),
        "clinician_question_en": clinician[0],
        "clinician_question_fr": _fr(clinician[1]),
        "patient_question_en": patient[0],
        "patient_question_fr": _fr(patient[1]),
        "help_text_en": help_text[0],
        "help_text_fr": _fr(help_text[1]),
    }


CONCEPTS: list[dict] = [
    # ------------------------------------------------ Demographics, reproduction, consent
    _concept(
        "age", "integer", "about_you", unit="years", minimum=0, maximum=120, step=1,
        label=("Age", "Âge"),
        clinician=("Age at screening (years)", "Âge à la présélection (ans)"),
        patient=("How old are you?", "Quel âge avez-vous ?"),
        help_text=(
            "Your age in full years today. You can give your date of birth instead if you prefer.",
            "Votre âge en années révolues aujourd'hui. Vous pouvez indiquer votre date de "
            "naissance à la place si vous préférez.",
        ),
    ),
    _concept(
        "birth_date", "date", "about_you",
        label=("Date of birth", "Date de naissance"),
        clinician=("Date of birth", "Date de naissance"),
        patient=("What is your date of birth?", "Quelle est votre date de naissance ?"),
        help_text=(
            "It is used to calculate your age on the day of screening. You can give your age "
            "instead if you prefer.",
            "Elle sert à calculer votre âge le jour de la présélection. Vous pouvez indiquer votre "
            "âge à la place si vous préférez.",
        ),
    ),
    _concept(
        "sex", "choice", "about_you",
        choices=[
            _choice("female", "Female", "Femme"),
            _choice("male", "Male", "Homme"),
        ],
        label=("Sex", "Sexe"),
        clinician=("Sex", "Sexe"),
        patient=("What is your sex?", "Quel est votre sexe ?"),
        help_text=(
            "Some trials include only women or only men, or have extra conditions for people who "
            "could become pregnant.",
            "Certains essais n'incluent que des femmes ou que des hommes, ou prévoient des "
            "conditions particulières en cas de grossesse possible.",
        ),
    ),
    _concept(
        "pregnant", "boolean", "about_you",
        label=("Pregnancy", "Grossesse"),
        clinician=("Current pregnancy", "Grossesse en cours"),
        patient=("Are you pregnant at the moment?", "Êtes-vous enceinte actuellement ?"),
        help_text=_unsure(
            "Many treatments tested in trials must not be taken during pregnancy.",
            "De nombreux traitements étudiés dans les essais sont contre-indiqués pendant la "
            "grossesse.",
        ),
    ),
    _concept(
        "breastfeeding", "boolean", "about_you",
        label=("Breastfeeding", "Allaitement"),
        clinician=("Currently breastfeeding", "Allaitement en cours"),
        patient=("Are you breastfeeding at the moment?", "Allaitez-vous actuellement ?"),
        help_text=(
            "Many treatments can pass into breast milk, so breastfeeding often matters for "
            "taking part in a trial.",
            "De nombreux traitements peuvent passer dans le lait maternel : l'allaitement compte "
            "donc souvent pour participer à un essai.",
        ),
    ),
    _concept(
        "childbearing_potential", "boolean", "about_you",
        label=("Woman of childbearing potential", "Femme en âge de procréer"),
        clinician=(
            "Woman of childbearing potential (neither post-menopausal nor permanently sterile)",
            "Femme en âge de procréer (ni ménopausée, ni définitivement stérile)",
        ),
        patient=("Could you become pregnant?", "Pourriez-vous tomber enceinte ?"),
        help_text=(
            "Answer no if you have been through the menopause (no periods for at least 12 months) "
            "or had an operation that makes pregnancy impossible, such as removal of the womb, of "
            "both ovaries or of both fallopian tubes.",
            "Répondez non si vous êtes ménopausée (plus de règles depuis au moins 12 mois) ou si "
            "vous avez eu une opération qui rend toute grossesse impossible, comme l'ablation de "
            "l'utérus, des deux ovaires ou des deux trompes.",
        ),
    ),
    _concept(
        "effective_contraception", "boolean", "about_you",
        label=("Effective contraception", "Contraception efficace"),
        clinician=(
            "Uses effective contraception and agrees to continue it throughout the study",
            "Contraception efficace en cours, poursuivie pendant toute la durée de l'étude",
        ),
        patient=(
            "Do you use effective contraception, and would you keep using it during the study?",
            "Utilisez-vous une contraception efficace, et accepteriez-vous de la poursuivre "
            "pendant toute l'étude ?",
        ),
        help_text=(
            "For example the pill, a contraceptive implant or injection, an intrauterine device "
            "(coil) or sterilisation. The study team will tell you which methods are accepted.",
            "Par exemple la pilule, un implant ou une injection contraceptive, un stérilet "
            "(dispositif intra-utérin) ou une stérilisation. L'équipe de l'étude vous précisera "
            "les méthodes acceptées.",
        ),
    ),
    _concept(
        "able_to_consent", "boolean", "about_you",
        label=("Ability to give informed consent", "Capacité à donner un consentement éclairé"),
        clinician=(
            "Able to understand the study and give written informed consent",
            "Capable de comprendre l'étude et de donner un consentement éclairé écrit",
        ),
        patient=(
            "Are you able to read and understand information about a study and decide for "
            "yourself whether to take part?",
            "Êtes-vous en mesure de lire et de comprendre les informations sur une étude, et de "
            "décider vous-même d'y participer ?",
        ),
        help_text=(
            "Taking part in a trial requires your informed consent: you sign a form after the "
            "study has been explained to you. A relative may help you fill in this questionnaire.",
            "Participer à un essai nécessite votre consentement éclairé : vous signez un "
            "formulaire après qu'on vous a expliqué l'étude. Un proche peut vous aider à remplir "
            "ce questionnaire.",
        ),
    ),
    _concept(
        "legal_protection", "boolean", "about_you",
        label=("Legal protection measure", "Mesure de protection juridique"),
        clinician=(
            "Under a legal protection measure (guardianship, curatorship, safeguard of justice) "
            "or deprived of liberty",
            "Sous mesure de protection juridique (tutelle, curatelle, sauvegarde de justice) ou "
            "privé(e) de liberté",
        ),
        patient=(
            "Are you under a legal protection measure (such as guardianship or curatorship), or "
            "deprived of your liberty?",
            "Faites-vous l'objet d'une mesure de protection juridique (tutelle, curatelle, "
            "sauvegarde de justice) ou êtes-vous privé(e) de liberté ?",
        ),
        help_text=(
            "A legal protection measure is decided by a judge when someone needs help to manage "
            "their affairs. Deprivation of liberty includes imprisonment and compulsory admission "
            "to hospital.",
            "Une mesure de protection juridique est décidée par un juge lorsqu'une personne a "
            "besoin d'aide pour gérer ses affaires. La privation de liberté comprend notamment "
            "l'incarcération et l'hospitalisation sans consentement.",
        ),
    ),
    _concept(
        "social_security", "boolean", "about_you",
        label=("Affiliated to social security", "Affiliation à la sécurité sociale"),
        clinician=(
            "Affiliated to, or beneficiary of, a social security scheme",
            "Affilié(e) ou bénéficiaire d'un régime de sécurité sociale",
        ),
        patient=(
            "Are you covered by a social security scheme (national health insurance)?",
            "Êtes-vous affilié(e) à la sécurité sociale (assurance maladie) ?",
        ),
        help_text=_unsure(
            "In France, this is usually the case if you have a Carte Vitale.",
            "En France, c'est généralement le cas si vous avez une carte Vitale.",
        ),
    ),
    _concept(
        "months_since_other_trial", "since", "treatments", unit="months", minimum=0, maximum=LIFETIME_MONTHS,
        label=(
            "Last participation in an interventional study",
            "Dernière participation à une étude interventionnelle",
        ),
        clinician=(
            "Time since last participation in another interventional study (months)",
            "Délai depuis la dernière participation à une autre étude interventionnelle (mois)",
        ),
        patient=(
            "How many months ago did you last take part in a study testing a treatment or "
            "procedure?",
            "Combien de mois se sont écoulés depuis votre dernière participation à une étude "
            "testant un traitement ou une intervention ?",
        ),
        help_text=(
            "Count from the end of your participation; studies with questionnaires only do not "
            "count. Choose “never” if you have never taken part in such a study.",
            "Comptez à partir de la fin de votre participation ; les études par simple "
            "questionnaire ne comptent pas. Choisissez « jamais » si vous n'avez jamais participé "
            "à une telle étude.",
        ),
    ),
    # ------------------------------------------------ Diagnosis and disease course
    _concept(
        "diagnosis", "choice", "diagnosis",
        choices=[
            _choice("multiple_sclerosis", "Multiple sclerosis", "Sclérose en plaques"),
            _choice(
                "systemic_lupus_erythematosus", "Systemic lupus erythematosus",
                "Lupus érythémateux systémique",
            ),
            _choice("other", "Other condition", "Autre maladie"),
        ],
        label=("Diagnosis", "Diagnostic"),
        clinician=("Condition being screened for", "Pathologie concernée par la présélection"),
        patient=(
            "Which condition have you been diagnosed with?",
            "Quelle maladie vous a-t-on diagnostiquée ?",
        ),
        help_text=(
            "Choose the condition for which you are looking for a trial. If it is not listed, "
            "choose “Other condition”.",
            "Choisissez la maladie pour laquelle vous cherchez un essai. Si elle ne figure pas "
            "dans la liste, choisissez « Autre maladie ».",
        ),
    ),
    _concept(
        "ms_phenotype", "choice", "diagnosis",
        choices=[
            _choice(
                "CIS", "Clinically isolated syndrome (CIS)",
                "Syndrome cliniquement isolé (SCI)",
            ),
            _choice("RRMS", "Relapsing-remitting MS (RRMS)", "SEP récurrente-rémittente (SEP-RR)"),
            _choice(
                "SPMS", "Secondary progressive MS (SPMS)",
                "SEP secondairement progressive (SEP-SP)",
            ),
            _choice("PPMS", "Primary progressive MS (PPMS)", "SEP primaire progressive (SEP-PP)"),
        ],
        label=("MS type", "Forme de SEP"),
        clinician=("MS phenotype (disease course)", "Forme évolutive de la SEP"),
        patient=(
            "Which form of multiple sclerosis do you have?",
            "Quelle forme de sclérose en plaques avez-vous ?",
        ),
        help_text=_unsure(
            "Your neurologist's letters usually state it: for example relapsing-remitting "
            "(attacks followed by recovery) or progressive (gradual worsening).",
            "Elle figure en général dans les courriers de votre neurologue : par exemple "
            "récurrente-rémittente (poussées suivies de récupération) ou progressive (aggravation "
            "lente).",
        ),
    ),
    _concept(
        "disease_duration_years", "number", "diagnosis", unit="years", minimum=0, maximum=80,
        label=("Time since MS diagnosis (years)", "Ancienneté du diagnostic de SEP (années)"),
        clinician=("Time since MS diagnosis (years)", "Délai depuis le diagnostic de SEP (années)"),
        patient=(
            "How many years ago were you diagnosed with MS?",
            "Depuis combien d'années votre SEP a-t-elle été diagnostiquée ?",
        ),
        help_text=_unsure(
            "An approximate number of years is fine.",
            "Un nombre d'années approximatif suffit.",
        ),
    ),
    _concept(
        "edss", "number", "disease_course", minimum=0, maximum=10, step=0.5,
        label=("EDSS", "EDSS"),
        clinician=("EDSS score at screening", "Score EDSS à la présélection"),
        patient=(
            "What is your most recent EDSS score?",
            "Quel est votre score EDSS le plus récent ?",
        ),
        help_text=(
            "The EDSS measures disability in MS from 0 (normal examination) to 10; your "
            "neurologist usually writes it in consultation reports. If you do not know it, "
            "answer “I don't know”.",
            "L'EDSS mesure le handicap lié à la SEP de 0 (examen normal) à 10 ; votre neurologue "
            "l'indique généralement dans ses comptes rendus de consultation. Si vous ne le "
            "connaissez pas, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "edss_increase_12m", "number", "disease_course", minimum=0, maximum=10, step=0.5,
        label=("EDSS increase over 12 months", "Augmentation de l'EDSS sur 12 mois"),
        clinician=(
            "EDSS increase over the past 12 months (points)",
            "Augmentation de l'EDSS au cours des 12 derniers mois (points)",
        ),
        patient=(
            "By how many points has your EDSS score increased over the past 12 months?",
            "De combien de points votre score EDSS a-t-il augmenté au cours des 12 derniers mois ?",
        ),
        help_text=(
            "Compare your latest EDSS score with the one from about a year ago, and enter 0 if it "
            "has not increased. If you do not have both scores, answer “I don't know”.",
            "Comparez votre dernier score EDSS à celui d'il y a environ un an, et indiquez 0 s'il "
            "n'a pas augmenté. Si vous n'avez pas les deux scores, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "progression_independent_of_relapse_24m", "boolean", "disease_course",
        label=(
            "Progression independent of relapses (past 24 months)",
            "Progression indépendante des poussées (24 derniers mois)",
        ),
        clinician=(
            "Documented disability progression independent of relapse activity in the past 24 "
            "months",
            "Progression documentée du handicap indépendante des poussées au cours des 24 "
            "derniers mois",
        ),
        patient=(
            "Over the past 2 years, has your neurologist noted that your disability has gradually "
            "worsened, outside of any relapse?",
            "Au cours des 2 dernières années, votre neurologue a-t-il constaté une aggravation "
            "progressive de votre handicap, en dehors de toute poussée ?",
        ),
        help_text=(
            "This is a slow worsening (of walking, for example) that is not caused by a relapse, "
            "sometimes called PIRA. If your neurologist has not discussed it with you, answer "
            "“I don't know”.",
            "Il s'agit d'une aggravation lente (de la marche, par exemple) qui n'est pas due à une "
            "poussée, parfois appelée PIRA. Si votre neurologue ne vous en a pas parlé, répondez "
            "« Je ne sais pas ».",
        ),
    ),
    _concept(
        "relapses_12m", "integer", "disease_course", minimum=0, maximum=50, step=1,
        label=("Relapses in the past 12 months", "Poussées au cours des 12 derniers mois"),
        clinician=(
            "Number of clinically documented relapses in the past 12 months",
            "Nombre de poussées cliniquement documentées au cours des 12 derniers mois",
        ),
        patient=(
            "How many MS relapses have you had in the past 12 months?",
            "Combien de poussées de SEP avez-vous eues au cours des 12 derniers mois ?",
        ),
        help_text=(
            "A relapse (or attack) means new symptoms, or old ones coming back, for more than 24 "
            "hours without fever or infection. Count only relapses seen or confirmed by a doctor, "
            "and enter 0 if there were none.",
            "Une poussée correspond à l'apparition de nouveaux symptômes, ou à la réapparition "
            "d'anciens, pendant plus de 24 heures, en dehors de toute fièvre ou infection. Ne "
            "comptez que les poussées constatées ou confirmées par un médecin, et indiquez 0 s'il "
            "n'y en a eu aucune.",
        ),
    ),
    _concept(
        "relapses_24m", "integer", "disease_course", minimum=0, maximum=100, step=1,
        label=("Relapses in the past 24 months", "Poussées au cours des 24 derniers mois"),
        clinician=(
            "Number of clinically documented relapses in the past 24 months",
            "Nombre de poussées cliniquement documentées au cours des 24 derniers mois",
        ),
        patient=(
            "How many MS relapses have you had in the past 24 months?",
            "Combien de poussées de SEP avez-vous eues au cours des 24 derniers mois ?",
        ),
        help_text=(
            "Include the relapses of the past 12 months. Count only relapses seen or confirmed by "
            "a doctor, and enter 0 if there were none.",
            "Incluez les poussées des 12 derniers mois. Ne comptez que les poussées constatées ou "
            "confirmées par un médecin, et indiquez 0 s'il n'y en a eu aucune.",
        ),
    ),
    _concept(
        "days_since_last_relapse", "since", "disease_course", unit="days", minimum=0, maximum=LIFETIME_DAYS,
        label=("Last relapse", "Dernière poussée"),
        clinician=(
            "Time since onset of the last relapse (days)",
            "Délai depuis le début de la dernière poussée (jours)",
        ),
        patient=(
            "How many days ago did your last relapse start?",
            "Combien de jours se sont écoulés depuis le début de votre dernière poussée ?",
        ),
        help_text=(
            "An estimate is fine (about 90 days for 3 months). Choose “never” if you have never "
            "had a relapse.",
            "Une estimation suffit (environ 90 jours pour 3 mois). Choisissez « jamais » si vous "
            "n'avez jamais eu de poussée.",
        ),
    ),
    _concept(
        "ongoing_relapse", "boolean", "disease_course",
        label=("Ongoing relapse", "Poussée en cours"),
        clinician=("Currently in relapse", "Poussée en cours"),
        patient=("Are you having a relapse at the moment?", "Êtes-vous en poussée actuellement ?"),
        help_text=_unsure(
            "Answer yes if new or worsening symptoms started recently and have not yet settled.",
            "Répondez oui si des symptômes nouveaux, ou qui s'aggravent, sont apparus récemment et "
            "n'ont pas encore régressé.",
        ),
    ),
    _concept(
        "gd_lesions_last_mri", "integer", "disease_course", minimum=0, maximum=200, step=1,
        label=(
            "Gadolinium-enhancing lesions on the last MRI",
            "Lésions prenant le gadolinium sur la dernière IRM",
        ),
        clinician=(
            "Number of gadolinium-enhancing T1 lesions on the most recent MRI",
            "Nombre de lésions T1 prenant le gadolinium sur l'IRM la plus récente",
        ),
        patient=(
            "On your most recent MRI, how many lesions lit up after the contrast injection "
            "(gadolinium)?",
            "Sur votre IRM la plus récente, combien de lésions prenaient le contraste "
            "(gadolinium) ?",
        ),
        help_text=(
            "The radiology report may call them “gadolinium-enhancing” or “active” lesions; enter "
            "0 if it says there are none. If no contrast was injected, or you do not know, answer "
            "“I don't know”.",
            "Le compte rendu de radiologie peut parler de lésions « prenant le contraste », "
            "« rehaussées » ou « actives » ; indiquez 0 s'il n'y en a aucune. Si aucun produit de "
            "contraste n'a été injecté, ou si vous ne savez pas, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "months_since_last_mri", "number", "disease_course", unit="months", minimum=0, maximum=600,
        label=("Time since last MRI (months)", "Ancienneté de la dernière IRM (mois)"),
        clinician=(
            "Time since the most recent MRI (months)",
            "Délai depuis la dernière IRM (mois)",
        ),
        patient=(
            "How many months ago was your most recent MRI of the brain or spinal cord?",
            "Combien de mois se sont écoulés depuis votre dernière IRM du cerveau ou de la moelle "
            "épinière ?",
        ),
        help_text=(
            "The date is on the radiology report. An approximate number of months is fine.",
            "La date figure sur le compte rendu de radiologie. Un nombre de mois approximatif "
            "suffit.",
        ),
    ),
    _concept(
        "new_t2_lesions_12m", "boolean", "disease_course",
        label=(
            "New T2 lesions in the past 12 months",
            "Nouvelles lésions T2 au cours des 12 derniers mois",
        ),
        clinician=(
            "New T2 lesions on MRI in the past 12 months",
            "Nouvelles lésions T2 à l'IRM au cours des 12 derniers mois",
        ),
        patient=(
            "Did an MRI in the past 12 months show new lesions compared with the previous one?",
            "Une IRM réalisée au cours des 12 derniers mois a-t-elle montré de nouvelles lésions "
            "par rapport à la précédente ?",
        ),
        help_text=_unsure(
            "The radiology report usually says whether there are new T2 (or FLAIR) lesions "
            "compared with the previous MRI.",
            "Le compte rendu de radiologie indique généralement s'il existe de nouvelles lésions "
            "T2 (ou FLAIR) par rapport à l'IRM précédente.",
        ),
    ),
    _concept(
        "csf_oligoclonal_bands", "choice", "diagnosis",
        choices=[
            _choice("positive", "Positive (bands present)", "Positives (bandes présentes)"),
            _choice("negative", "Negative (no bands)", "Négatives (absence de bandes)"),
        ],
        label=("CSF oligoclonal bands", "Bandes oligoclonales dans le LCR"),
        clinician=(
            "Cerebrospinal fluid oligoclonal bands",
            "Bandes oligoclonales dans le liquide céphalorachidien",
        ),
        patient=(
            "What was the result for oligoclonal bands in your spinal fluid (lumbar puncture)?",
            "Quel était le résultat de la recherche de bandes oligoclonales dans votre liquide "
            "céphalorachidien (ponction lombaire) ?",
        ),
        help_text=(
            "This test is done on fluid taken by lumbar puncture, often at diagnosis. If you have "
            "never had a lumbar puncture or do not know the result, answer “I don't know”.",
            "Cette analyse est réalisée sur le liquide prélevé par ponction lombaire, souvent au "
            "moment du diagnostic. Si vous n'avez jamais eu de ponction lombaire ou si vous ne "
            "connaissez pas le résultat, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "sle_refractory", "boolean", "diagnosis",
        label=("Refractory lupus", "Lupus réfractaire"),
        clinician=(
            "SLE refractory to standard treatments (cyclophosphamide, mycophenolate, "
            "corticosteroids)",
            "Lupus réfractaire aux traitements standards (cyclophosphamide, mycophénolate, "
            "corticoïdes)",
        ),
        patient=(
            "Has your lupus stayed active despite standard treatments such as cyclophosphamide, "
            "mycophenolate or corticosteroids?",
            "Votre lupus est-il resté actif malgré les traitements habituels, comme le "
            "cyclophosphamide, le mycophénolate ou les corticoïdes ?",
        ),
        help_text=_unsure(
            "Answer yes if your doctors consider that these treatments have not controlled your "
            "lupus well enough.",
            "Répondez oui si vos médecins estiment que ces traitements n'ont pas suffisamment "
            "contrôlé votre lupus.",
        ),
    ),
    _concept(
        "corticosteroid_dependent_comorbidity", "boolean", "other_conditions",
        label=(
            "Other condition requiring corticosteroids",
            "Autre maladie nécessitant une corticothérapie",
        ),
        clinician=(
            "Another condition requiring corticosteroid therapy",
            "Autre pathologie nécessitant une corticothérapie",
        ),
        patient=(
            "Do you have another illness that needs treatment with corticosteroids (such as "
            "prednisone or prednisolone)?",
            "Avez-vous une autre maladie qui nécessite un traitement par corticoïdes (comme la "
            "prednisone ou la prednisolone) ?",
        ),
        help_text=(
            "For example severe asthma or another inflammatory disease treated with corticosteroid "
            "tablets or injections. Do not count the condition you are being screened for.",
            "Par exemple un asthme sévère ou une autre maladie inflammatoire traitée par "
            "corticoïdes en comprimés ou en injections. Ne tenez pas compte de la maladie pour "
            "laquelle vous cherchez un essai.",
        ),
    ),
    # ------------------------------------------------ Treatments
    _concept(
        "medications", "list", "treatments",
        label=("Treatments", "Traitements"),
        clinician=(
            "Current and past treatments: drug, time since last dose (days) and treatment "
            "duration (months)",
            "Traitements actuels et antérieurs : médicament, délai depuis la dernière prise "
            "(jours) et durée du traitement (mois)",
        ),
        patient=(
            "Which of these treatments do you take, or have you taken in the past? For each, when "
            "was your last dose and for how long were you treated?",
            "Parmi ces traitements, lesquels prenez-vous ou avez-vous pris par le passé ? Pour "
            "chacun, quand a eu lieu la dernière prise et pendant combien de temps avez-vous été "
            "traité(e) ?",
        ),
        help_text=(
            "Your prescriptions and doctors' letters list your treatments; approximate dates are "
            "fine. If you have never taken any of them, say so: that is a useful answer too.",
            "Vos ordonnances et les courriers de vos médecins mentionnent vos traitements ; des "
            "dates approximatives suffisent. Si vous n'en avez jamais pris aucun, indiquez-le : "
            "c'est aussi une réponse utile.",
        ),
    ),
    _concept(
        "stem_cell_transplant", "boolean", "treatments",
        label=(
            "Haematopoietic stem cell transplant",
            "Greffe de cellules souches hématopoïétiques",
        ),
        clinician=(
            "History of haematopoietic stem cell transplantation",
            "Antécédent de greffe de cellules souches hématopoïétiques",
        ),
        patient=(
            "Have you ever had a stem cell transplant (bone marrow transplant)?",
            "Avez-vous déjà eu une greffe de cellules souches (greffe de moelle osseuse) ?",
        ),
        help_text=_unsure(
            "This includes a transplant of your own cells (autologous transplant), sometimes used "
            "in severe MS.",
            "Cela comprend la greffe de vos propres cellules (autogreffe), parfois proposée dans "
            "les formes sévères de SEP.",
        ),
    ),
    _concept(
        "il2_intolerance", "boolean", "treatments",
        label=("Interleukin-2 intolerance", "Intolérance à l'interleukine-2"),
        clinician=("Known intolerance to interleukin-2", "Intolérance connue à l'interleukine-2"),
        patient=(
            "Have you ever reacted badly to interleukin-2 (IL-2, aldesleukin)?",
            "Avez-vous déjà mal toléré l'interleukine-2 (IL-2, aldesleukine) ?",
        ),
        help_text=(
            "Interleukin-2 is a treatment given by injection. Answer no if you have never "
            "received it.",
            "L'interleukine-2 est un traitement administré par injection. Répondez non si vous "
            "n'en avez jamais reçu.",
        ),
    ),
    _concept(
        "months_since_live_vaccine", "since", "treatments", unit="months", minimum=0, maximum=LIFETIME_MONTHS,
        label=("Last live vaccine", "Dernier vaccin vivant atténué"),
        clinician=(
            "Time since last live attenuated vaccine (months)",
            "Délai depuis le dernier vaccin vivant atténué (mois)",
        ),
        patient=(
            "How many months ago did you last receive a live vaccine?",
            "Combien de mois se sont écoulés depuis votre dernier vaccin vivant ?",
        ),
        help_text=(
            "Live vaccines include MMR (measles, mumps, rubella), yellow fever, chickenpox, BCG "
            "(tuberculosis) and the older shingles vaccine Zostavax; your vaccination record "
            "lists them. Choose “never” if you have never had one.",
            "Les vaccins vivants comprennent notamment le ROR (rougeole, oreillons, rubéole), la "
            "fièvre jaune, la varicelle, le BCG (tuberculose) et l'ancien vaccin contre le zona "
            "(Zostavax) ; ils figurent dans votre carnet de vaccination. Choisissez « jamais » si "
            "vous n'en avez jamais reçu.",
        ),
    ),
    _concept(
        "months_since_surgery_general_anaesthesia", "since", "treatments", unit="months",
        minimum=0, maximum=LIFETIME_MONTHS,
        label=(
            "Last surgery under general anaesthesia",
            "Dernière opération sous anesthésie générale",
        ),
        clinician=(
            "Time since last surgery under general anaesthesia (months)",
            "Délai depuis la dernière intervention chirurgicale sous anesthésie générale (mois)",
        ),
        patient=(
            "How many months ago did you last have an operation under general anaesthesia?",
            "Combien de mois se sont écoulés depuis votre dernière opération sous anesthésie "
            "générale ?",
        ),
        help_text=(
            "General anaesthesia means you were put fully to sleep. Choose “never” if you have "
            "never had one.",
            "L'anesthésie générale signifie que vous avez été complètement endormi(e). Choisissez "
            "« jamais » si vous n'en avez jamais eu.",
        ),
    ),
    _concept(
        "surgery_planned", "boolean", "treatments",
        label=("Planned surgery", "Opération prévue"),
        clinician=(
            "Surgery planned in the coming months",
            "Intervention chirurgicale programmée dans les prochains mois",
        ),
        patient=(
            "Do you have an operation planned in the coming months?",
            "Une opération est-elle prévue pour vous dans les prochains mois ?",
        ),
        help_text=_unsure(
            "Answer yes if a surgeon has already scheduled or proposed an operation.",
            "Répondez oui si un chirurgien a déjà programmé ou proposé une opération.",
        ),
    ),
    # ------------------------------------------------ Laboratory and physiological values
    _concept(
        "wbc", "quantity", "laboratory", unit="10^9/L", units=_cell_count_units(),
        minimum=0, maximum=500,
        label=("White blood cells", "Globules blancs"),
        clinician=("White blood cell count", "Numération des leucocytes"),
        patient=(
            "What is your white blood cell count?",
            "Quel est votre taux de globules blancs (leucocytes) ?",
        ),
        help_text=(
            "The default unit is 10⁹/L (the same as G/L); a result per mm³ is also accepted "
            "(6,000/mm³ = 6 × 10⁹/L). You will find it on a recent blood count report; if you do "
            "not have one, answer “I don't know”.",
            "L'unité par défaut est 10⁹/L (identique à G/L) ; un résultat par mm³ est aussi "
            "accepté (6 000/mm³ = 6 × 10⁹/L). Il figure sur une prise de sang récente "
            "(numération formule sanguine, NFS) ; si vous n'en avez pas, répondez « Je ne sais "
            "pas ».",
        ),
    ),
    _concept(
        "lymphocytes", "quantity", "laboratory", unit="10^9/L", units=_cell_count_units(),
        minimum=0, maximum=500,
        label=("Lymphocytes", "Lymphocytes"),
        clinician=("Absolute lymphocyte count", "Nombre absolu de lymphocytes"),
        patient=("What is your lymphocyte count?", "Quel est votre taux de lymphocytes ?"),
        help_text=(
            "Give the absolute count, not the percentage. The default unit is 10⁹/L (= G/L); you "
            "will find it on a recent blood count report, otherwise answer “I don't know”.",
            "Indiquez la valeur absolue, pas le pourcentage. L'unité par défaut est 10⁹/L "
            "(= G/L) ; ce résultat figure sur une prise de sang récente (NFS), sinon répondez "
            "« Je ne sais pas ».",
        ),
    ),
    _concept(
        "neutrophils", "quantity", "laboratory", unit="10^9/L", units=_cell_count_units(),
        minimum=0, maximum=500,
        label=("Neutrophils", "Polynucléaires neutrophiles"),
        clinician=("Absolute neutrophil count", "Nombre absolu de polynucléaires neutrophiles"),
        patient=(
            "What is your neutrophil count?",
            "Quel est votre taux de polynucléaires neutrophiles ?",
        ),
        help_text=(
            "Give the absolute count, not the percentage. The default unit is 10⁹/L (= G/L); you "
            "will find it on a recent blood count report, otherwise answer “I don't know”.",
            "Indiquez la valeur absolue, pas le pourcentage. L'unité par défaut est 10⁹/L "
            "(= G/L) ; ce résultat figure sur une prise de sang récente (NFS), sinon répondez "
            "« Je ne sais pas ».",
        ),
    ),
    _concept(
        "platelets", "quantity", "laboratory", unit="10^9/L", units=_cell_count_units(),
        minimum=0, maximum=5000,
        label=("Platelets", "Plaquettes"),
        clinician=("Platelet count", "Numération plaquettaire"),
        patient=("What is your platelet count?", "Quel est votre taux de plaquettes ?"),
        help_text=(
            "The default unit is 10⁹/L (= G/L); a result of 250,000/mm³ is 250 × 10⁹/L. You will "
            "find it on a recent blood count report; if you do not have one, answer “I don't "
            "know”.",
            "L'unité par défaut est 10⁹/L (= G/L) ; un résultat de 250 000/mm³ correspond à "
            "250 × 10⁹/L. Il figure sur une prise de sang récente (NFS) ; si vous n'en avez pas, "
            "répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "cd4_count", "quantity", "laboratory", unit="10^6/L",
        units=["10^6/L", "cells/uL", "/mm3", "10^9/L"], minimum=0, maximum=10000,
        label=("CD4 count", "Lymphocytes CD4"),
        clinician=("CD4+ T-lymphocyte count", "Nombre de lymphocytes T CD4+"),
        patient=("What is your CD4 count?", "Quel est votre taux de lymphocytes CD4 ?"),
        help_text=(
            "The default unit is 10⁶/L, which is the same as cells per µL or per mm³. It is on a "
            "recent blood test report (lymphocyte typing, not the routine blood count); if you "
            "have not had this test, answer “I don't know”.",
            "L'unité par défaut est 10⁶/L, soit le nombre de cellules par µL ou par mm³. Ce "
            "résultat figure sur une prise de sang récente (immunophénotypage lymphocytaire, "
            "distinct de la NFS) ; si vous n'avez pas eu cet examen, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "hemoglobin", "quantity", "laboratory", unit="g/dL", units=["g/dL", "g/L"],
        minimum=0, maximum=30,
        label=("Haemoglobin", "Hémoglobine"),
        clinician=("Haemoglobin concentration", "Taux d'hémoglobine"),
        patient=("What is your haemoglobin level?", "Quel est votre taux d'hémoglobine ?"),
        help_text=(
            "The default unit is g/dL (for example 13.5 g/dL); g/L is also accepted (135 g/L). "
            "You will find it on a recent blood count report; if you do not have one, answer "
            "“I don't know”.",
            "L'unité par défaut est le g/dL (par exemple 13,5 g/dL) ; le g/L est aussi accepté "
            "(135 g/L). Ce résultat figure sur une prise de sang récente (NFS) ; si vous n'en "
            "avez pas, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "egfr", "quantity", "laboratory", unit="mL/min/1.73m2", units=["mL/min/1.73m2"],
        minimum=0, maximum=250,
        label=("eGFR", "DFG estimé"),
        clinician=(
            "Estimated glomerular filtration rate (eGFR)",
            "Débit de filtration glomérulaire estimé (DFGe)",
        ),
        patient=(
            "What is your estimated glomerular filtration rate (eGFR, a measure of kidney "
            "function)?",
            "Quel est votre débit de filtration glomérulaire estimé (DFG, qui mesure le "
            "fonctionnement des reins) ?",
        ),
        help_text=(
            "The default unit is mL/min/1.73 m². It appears next to the creatinine result on a "
            "recent blood test report (often labelled CKD-EPI or MDRD); if you do not have it, "
            "answer “I don't know”.",
            "L'unité par défaut est le mL/min/1,73 m². Il figure à côté du résultat de créatinine "
            "sur une prise de sang récente (souvent sous le nom CKD-EPI ou MDRD) ; si vous ne "
            "l'avez pas, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "creatinine_clearance", "quantity", "laboratory", unit="mL/min", units=["mL/min", "mL/s"],
        minimum=0, maximum=300,
        label=("Creatinine clearance", "Clairance de la créatinine"),
        clinician=("Creatinine clearance", "Clairance de la créatinine"),
        patient=(
            "What is your creatinine clearance?",
            "Quelle est votre clairance de la créatinine ?",
        ),
        help_text=(
            "The default unit is mL/min (mL/s is also accepted). Some blood test reports give it "
            "next to the creatinine result (often as Cockcroft-Gault); if you do not have it, "
            "answer “I don't know”.",
            "L'unité par défaut est le mL/min (le mL/s est aussi accepté). Certaines prises de "
            "sang l'indiquent à côté du résultat de créatinine (souvent sous le nom "
            "Cockcroft-Gault) ; si vous ne l'avez pas, répondez « Je ne sais pas ».",
        ),
    ),
    # ALT/AST are stored as multiples of the upper limit of normal; the FHIR import divides the
    # U/L result by its Observation's reference range (terminology.py lists the LOINC codes).
    _concept(
        "alt_x_uln", "number", "laboratory", unit="x ULN", minimum=0, maximum=1000,
        label=("ALT (× ULN)", "ALAT (× LSN)"),
        clinician=(
            "ALT as a multiple of the upper limit of normal",
            "ALAT en multiple de la limite supérieure de la normale",
        ),
        patient=(
            "What is your ALT level (a liver test), as a multiple of the upper limit of normal?",
            "Quel est votre taux d'ALAT (bilan hépatique), exprimé en nombre de fois la limite "
            "supérieure de la normale ?",
        ),
        help_text=(
            "Divide your result by the upper limit of the normal range printed next to it: 60 U/L "
            "with a normal range up to 40 U/L gives 1.5. ALT (also called SGPT) is on a recent "
            "liver blood test; if you do not have one, answer “I don't know”.",
            "Divisez votre résultat par la limite supérieure de la normale indiquée à côté : "
            "60 UI/L pour une normale allant jusqu'à 40 UI/L donne 1,5. L'ALAT (aussi appelée ALT "
            "ou SGPT) figure sur un bilan hépatique récent ; si vous n'en avez pas, répondez « Je "
            "ne sais pas ».",
        ),
    ),
    _concept(
        "ast_x_uln", "number", "laboratory", unit="x ULN", minimum=0, maximum=1000,
        label=("AST (× ULN)", "ASAT (× LSN)"),
        clinician=(
            "AST as a multiple of the upper limit of normal",
            "ASAT en multiple de la limite supérieure de la normale",
        ),
        patient=(
            "What is your AST level (a liver test), as a multiple of the upper limit of normal?",
            "Quel est votre taux d'ASAT (bilan hépatique), exprimé en nombre de fois la limite "
            "supérieure de la normale ?",
        ),
        help_text=(
            "Divide your result by the upper limit of the normal range printed next to it: 60 U/L "
            "with a normal range up to 40 U/L gives 1.5. AST (also called SGOT) is on a recent "
            "liver blood test; if you do not have one, answer “I don't know”.",
            "Divisez votre résultat par la limite supérieure de la normale indiquée à côté : "
            "60 UI/L pour une normale allant jusqu'à 40 UI/L donne 1,5. L'ASAT (aussi appelée AST "
            "ou SGOT) figure sur un bilan hépatique récent ; si vous n'en avez pas, répondez « Je "
            "ne sais pas ».",
        ),
    ),
    _concept(
        "lvef", "quantity", "laboratory", unit="%", units=["%"], minimum=0, maximum=100,
        label=("Left ventricular ejection fraction", "Fraction d'éjection ventriculaire gauche"),
        clinician=(
            "Left ventricular ejection fraction (LVEF)",
            "Fraction d'éjection du ventricule gauche (FEVG)",
        ),
        patient=(
            "What is your heart's ejection fraction (LVEF)?",
            "Quelle est la fraction d'éjection de votre cœur (FEVG) ?",
        ),
        help_text=(
            "The default unit is % (for example 60%). It is measured by a heart ultrasound "
            "(echocardiogram), not a blood test: look on that report, or answer “I don't know”.",
            "L'unité par défaut est le % (par exemple 60 %). Elle est mesurée par une échographie "
            "cardiaque, et non par une prise de sang : elle figure sur ce compte rendu ; sinon, "
            "répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "pap_mean", "quantity", "laboratory", unit="mmHg", units=["mmHg", "kPa"],
        minimum=0, maximum=150,
        label=("Mean pulmonary artery pressure", "Pression artérielle pulmonaire moyenne"),
        clinician=(
            "Mean pulmonary artery pressure (mPAP)",
            "Pression artérielle pulmonaire moyenne (PAPm)",
        ),
        patient=(
            "What is your mean pulmonary artery pressure?",
            "Quelle est votre pression artérielle pulmonaire moyenne ?",
        ),
        help_text=(
            "The default unit is mmHg (kPa is also accepted). It is measured during a right heart "
            "catheterisation, not a blood test: look on that report, or answer “I don't know”.",
            "L'unité par défaut est le mmHg (le kPa est aussi accepté). Elle est mesurée lors d'un "
            "cathétérisme cardiaque droit, et non par une prise de sang : elle figure sur ce "
            "compte rendu ; sinon, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "pao2", "quantity", "laboratory", unit="mmHg", units=["mmHg", "kPa"],
        minimum=0, maximum=700,
        label=("PaO₂", "PaO₂"),
        clinician=(
            "Arterial partial pressure of oxygen (PaO₂)",
            "Pression partielle artérielle en oxygène (PaO₂)",
        ),
        patient=(
            "What is the oxygen level (PaO₂) in your arterial blood gas test?",
            "Quelle est la pression en oxygène (PaO₂) mesurée lors de votre gazométrie "
            "artérielle ?",
        ),
        help_text=(
            "The default unit is mmHg (kPa is also accepted). It is on the report of an arterial "
            "blood gas test, a blood test usually taken at the wrist; if you do not have one, "
            "answer “I don't know”.",
            "L'unité par défaut est le mmHg (le kPa est aussi accepté). Elle figure sur le compte "
            "rendu d'une gazométrie artérielle (gaz du sang), une prise de sang généralement "
            "faite au poignet ; si vous n'en avez pas, répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "paco2", "quantity", "laboratory", unit="mmHg", units=["mmHg", "kPa"],
        minimum=0, maximum=200,
        label=("PaCO₂", "PaCO₂"),
        clinician=(
            "Arterial partial pressure of carbon dioxide (PaCO₂)",
            "Pression partielle artérielle en dioxyde de carbone (PaCO₂)",
        ),
        patient=(
            "What is the carbon dioxide level (PaCO₂) in your arterial blood gas test?",
            "Quelle est la pression en dioxyde de carbone (PaCO₂) mesurée lors de votre "
            "gazométrie artérielle ?",
        ),
        help_text=(
            "The default unit is mmHg (kPa is also accepted). It is on the report of an arterial "
            "blood gas test, a blood test usually taken at the wrist; if you do not have one, "
            "answer “I don't know”.",
            "L'unité par défaut est le mmHg (le kPa est aussi accepté). Elle figure sur le compte "
            "rendu d'une gazométrie artérielle (gaz du sang), une prise de sang généralement "
            "faite au poignet ; si vous n'en avez pas, répondez « Je ne sais pas ».",
        ),
    ),
    # ------------------------------------------------ Comorbidities and history
    _concept(
        "hiv", "boolean", "other_conditions",
        label=("HIV infection", "Infection par le VIH"),
        clinician=("HIV-1 or HIV-2 infection", "Infection par le VIH-1 ou le VIH-2"),
        patient=("Do you have HIV infection?", "Êtes-vous infecté(e) par le VIH ?"),
        help_text=(
            "HIV is the virus that causes AIDS. If you have never been tested, answer “I don't "
            "know”.",
            "Le VIH est le virus responsable du sida. Si vous n'avez jamais fait de test, "
            "répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "htlv", "boolean", "other_conditions",
        label=("HTLV infection", "Infection par le HTLV"),
        clinician=("HTLV-I or HTLV-II infection", "Infection par le HTLV-1 ou le HTLV-2"),
        patient=(
            "Do you have HTLV infection (human T-lymphotropic virus)?",
            "Êtes-vous infecté(e) par le HTLV (virus T-lymphotrope humain) ?",
        ),
        help_text=(
            "HTLV is a rare virus, more common in the Caribbean, Japan, South America and parts "
            "of Africa. If you have never been tested, answer “I don't know”.",
            "Le HTLV est un virus rare, plus fréquent aux Antilles, au Japon, en Amérique du Sud "
            "et dans certaines régions d'Afrique. Si vous n'avez jamais été testé(e), répondez "
            "« Je ne sais pas ».",
        ),
    ),
    _concept(
        "hepatitis_b", "boolean", "other_conditions",
        label=("Hepatitis B", "Hépatite B"),
        clinician=(
            "Chronic or active hepatitis B (HBsAg positive)",
            "Hépatite B chronique ou active (AgHBs positif)",
        ),
        patient=(
            "Do you have hepatitis B (a current or long-term infection)?",
            "Avez-vous une hépatite B (infection actuelle ou chronique) ?",
        ),
        help_text=_unsure(
            "Answer yes if a blood test found the HBs antigen (HBsAg). Being vaccinated, or having "
            "recovered from hepatitis B, is not the same.",
            "Répondez oui si une prise de sang a détecté l'antigène HBs (AgHBs). Être vacciné(e), "
            "ou avoir guéri d'une hépatite B, ce n'est pas la même chose.",
        ),
    ),
    _concept(
        "hepatitis_c", "boolean", "other_conditions",
        label=("Hepatitis C", "Hépatite C"),
        clinician=(
            "Chronic or active hepatitis C (positive HCV RNA PCR)",
            "Hépatite C chronique ou active (PCR ARN du VHC positive)",
        ),
        patient=(
            "Do you have hepatitis C (a current or long-term infection)?",
            "Avez-vous une hépatite C (infection actuelle ou chronique) ?",
        ),
        help_text=_unsure(
            "Answer yes if a blood test (PCR or viral load) shows the virus is present. Antibodies "
            "alone, or hepatitis C that has been cured, mean no.",
            "Répondez oui si une prise de sang (PCR ou charge virale) montre la présence du virus. "
            "Des anticorps seuls, ou une hépatite C guérie, correspondent à « non ».",
        ),
    ),
    _concept(
        "syphilis", "boolean", "other_conditions",
        label=("Syphilis", "Syphilis"),
        clinician=("Syphilis", "Syphilis"),
        patient=("Do you have syphilis?", "Avez-vous la syphilis ?"),
        help_text=(
            "Syphilis is a sexually transmitted infection detected by a blood test. If you have "
            "never been tested, answer “I don't know”.",
            "La syphilis est une infection sexuellement transmissible dépistée par une prise de "
            "sang. Si vous n'avez jamais été testé(e), répondez « Je ne sais pas ».",
        ),
    ),
    _concept(
        "active_infection", "boolean", "other_conditions",
        label=("Other active infection", "Autre infection active"),
        clinician=(
            "Other active, or chronic uncontrolled, infection",
            "Autre infection active, ou chronique non contrôlée",
        ),
        patient=(
            "Do you currently have any other infection that is active or not under control (for "
            "example tuberculosis)?",
            "Avez-vous actuellement une autre infection active ou non contrôlée (par exemple une "
            "tuberculose) ?",
        ),
        help_text=(
            "Include long-lasting infections that treatment has not yet brought under control. A "
            "cold that is getting better does not count.",
            "Incluez les infections de longue durée qu'un traitement n'a pas encore maîtrisées. Un "
            "rhume en voie de guérison ne compte pas.",
        ),
    ),
    _concept(
        "malignancy", "choice", "other_conditions",
        choices=[
            _choice("none", "No cancer, ever", "Aucun cancer"),
            _choice(
                "excepted_only",
                "Only basal-cell or squamous-cell skin carcinoma, or carcinoma in situ of the "
                "cervix",
                "Uniquement un carcinome basocellulaire ou épidermoïde de la peau, ou un carcinome "
                "in situ du col de l'utérus",
            ),
            _choice("other", "Another cancer", "Un autre cancer"),
        ],
        label=("Cancer history", "Antécédent de cancer"),
        clinician=("History of malignancy", "Antécédent de cancer"),
        patient=("Have you ever had cancer?", "Avez-vous déjà eu un cancer ?"),
        help_text=(
            "Some skin cancers (basal-cell or squamous-cell carcinoma) and carcinoma in situ of "
            "the cervix are counted separately. Choose the answer that fits best.",
            "Certains cancers de la peau (carcinome basocellulaire ou épidermoïde) et le carcinome "
            "in situ du col de l'utérus sont comptés à part. Choisissez la réponse qui vous "
            "correspond le mieux.",
        ),
    ),
    _concept(
        "years_since_malignancy_remission", "number", "other_conditions", unit="years",
        minimum=0, maximum=100,
        label=("Time in remission from cancer (years)", "Durée de rémission du cancer (années)"),
        clinician=(
            "Time in remission from cancer (years; 0 = active cancer)",
            "Durée de rémission du cancer (années ; 0 = cancer actif)",
        ),
        patient=(
            "How many years have you been in remission from your cancer?",
            "Depuis combien d'années êtes-vous en rémission de votre cancer ?",
        ),
        help_text=(
            "Count from the end of treatment, or from when your doctors found no more sign of the "
            "disease. Enter 0 if the cancer is still active or being treated.",
            "Comptez à partir de la fin du traitement, ou du moment où vos médecins n'ont plus "
            "trouvé de signe de la maladie. Indiquez 0 si le cancer est toujours actif ou en cours "
            "de traitement.",
        ),
    ),
    _concept(
        "myelodysplasia", "boolean", "other_conditions",
        label=("Myelodysplasia", "Myélodysplasie"),
        clinician=(
            "Myelodysplastic syndrome, current or past",
            "Syndrome myélodysplasique, actuel ou passé",
        ),
        patient=(
            "Have you ever been diagnosed with myelodysplasia (myelodysplastic syndrome)?",
            "Vous a-t-on déjà diagnostiqué une myélodysplasie (syndrome myélodysplasique) ?",
        ),
        help_text=_unsure(
            "It is a bone marrow disease that disturbs the production of blood cells; it is "
            "usually managed by a haematologist.",
            "C'est une maladie de la moelle osseuse qui perturbe la fabrication des cellules du "
            "sang ; elle est généralement prise en charge par un hématologue.",
        ),
    ),
    _concept(
        "hematologic_disease", "boolean", "other_conditions",
        label=("Other blood disease", "Autre maladie du sang"),
        clinician=(
            "Other haematological disease, current or past",
            "Autre hémopathie, actuelle ou passée",
        ),
        patient=(
            "Have you ever had another disease of the blood or bone marrow?",
            "Avez-vous déjà eu une autre maladie du sang ou de la moelle osseuse ?",
        ),
        help_text=_unsure(
            "This means diseases managed by a haematologist, such as leukaemia, lymphoma or "
            "myeloma.",
            "Il s'agit des maladies suivies par un hématologue, comme une leucémie, un lymphome "
            "ou un myélome.",
        ),
    ),
    _concept(
        "heart_failure_nyha", "integer", "other_conditions", minimum=0, maximum=4, step=1,
        label=("Heart failure (NYHA class)", "Insuffisance cardiaque (classe NYHA)"),
        clinician=(
            "Heart failure NYHA functional class (0 = no heart failure)",
            "Classe fonctionnelle NYHA de l'insuffisance cardiaque (0 = pas d'insuffisance "
            "cardiaque)",
        ),
        patient=(
            "Do you have heart failure and, if so, what is its NYHA class?",
            "Avez-vous une insuffisance cardiaque et, si oui, quelle est sa classe NYHA ?",
        ),
        help_text=(
            "Enter 0 if you do not have heart failure. Otherwise the class (1 to 4) is in your "
            "cardiologist's reports: 1 = no limitation in everyday activities, 4 = symptoms even "
            "at rest.",
            "Indiquez 0 si vous n'avez pas d'insuffisance cardiaque. Sinon, la classe (de 1 à 4) "
            "figure dans les comptes rendus de votre cardiologue : 1 = aucune gêne dans les "
            "activités courantes, 4 = symptômes même au repos.",
        ),
    ),
    _concept(
        "uncontrolled_ventricular_arrhythmia", "boolean", "other_conditions",
        label=(
            "Uncontrolled ventricular arrhythmia",
            "Trouble du rythme ventriculaire non contrôlé",
        ),
        clinician=(
            "Uncontrolled ventricular arrhythmia",
            "Trouble du rythme ventriculaire non contrôlé",
        ),
        patient=(
            "Do you have a heart rhythm disorder of the ventricles that treatment does not "
            "control?",
            "Avez-vous un trouble du rythme cardiaque ventriculaire qui n'est pas contrôlé par un "
            "traitement ?",
        ),
        help_text=_unsure(
            "For example ventricular tachycardia; your cardiologist would have told you.",
            "Par exemple une tachycardie ventriculaire ; votre cardiologue vous l'aurait signalé.",
        ),
    ),
    _concept(
        "renal_failure", "boolean", "other_conditions",
        label=("Renal failure", "Insuffisance rénale"),
        clinician=("Known renal failure or renal insufficiency", "Insuffisance rénale connue"),
        patient=(
            "Have you been told that your kidneys do not work well enough (kidney failure)?",
            "Vous a-t-on dit que vos reins ne fonctionnaient pas assez bien (insuffisance "
            "rénale) ?",
        ),
        help_text=_unsure(
            "Answer yes if a doctor has diagnosed kidney failure (renal insufficiency) or if you "
            "are on dialysis.",
            "Répondez oui si un médecin a diagnostiqué une insuffisance rénale ou si vous êtes "
            "dialysé(e).",
        ),
    ),
    _concept(
        "hepatic_insufficiency", "boolean", "other_conditions",
        label=("Hepatic insufficiency", "Insuffisance hépatique"),
        clinician=("Hepatic insufficiency", "Insuffisance hépatique"),
        patient=(
            "Have you been told that your liver does not work well enough (liver failure)?",
            "Vous a-t-on dit que votre foie ne fonctionnait pas assez bien (insuffisance "
            "hépatique) ?",
        ),
        help_text=_unsure(
            "For example because of cirrhosis. Slightly abnormal liver tests alone are not liver "
            "failure.",
            "Par exemple à cause d'une cirrhose. Un bilan hépatique légèrement perturbé ne suffit "
            "pas à parler d'insuffisance hépatique.",
        ),
    ),
    _concept(
        "respiratory_failure", "boolean", "other_conditions",
        label=("Respiratory failure", "Insuffisance respiratoire"),
        clinician=("Respiratory failure", "Insuffisance respiratoire"),
        patient=(
            "Have you been told that you have respiratory failure (your lungs do not supply "
            "enough oxygen)?",
            "Vous a-t-on diagnostiqué une insuffisance respiratoire (vos poumons n'apportent pas "
            "assez d'oxygène) ?",
        ),
        help_text=_unsure(
            "For example if you need oxygen at home or a breathing machine at night.",
            "Par exemple si vous avez besoin d'oxygène à domicile ou d'une assistance respiratoire "
            "la nuit.",
        ),
    ),
    _concept(
        "severe_psychiatric_disorder", "boolean", "other_conditions",
        label=(
            "Psychiatric or chronic illness preventing participation",
            "Trouble psychiatrique ou maladie chronique empêchant la participation",
        ),
        clinician=(
            "Psychiatric or other chronic illness that would prevent informed consent or "
            "compliance",
            "Trouble psychiatrique ou autre maladie chronique empêchant le consentement éclairé ou "
            "l'observance",
        ),
        patient=(
            "Do you have a mental health condition or another long-term illness that would make "
            "it hard to agree to a study or to follow its visits and treatments?",
            "Avez-vous un trouble psychique ou une autre maladie chronique qui vous empêcherait "
            "de consentir à une étude ou d'en suivre les visites et les traitements ?",
        ),
        help_text=_unsure(
            "This is about conditions that would stop you from understanding the study or keeping "
            "to its schedule.",
            "Il s'agit des troubles qui vous empêcheraient de comprendre l'étude ou d'en respecter "
            "le calendrier.",
        ),
    ),
    _concept(
        "days_since_substance_abuse", "since", "other_conditions", unit="days",
        minimum=0, maximum=LIFETIME_DAYS,
        label=("Last substance abuse", "Dernière consommation abusive de substances"),
        clinician=(
            "Time since last substance abuse (days)",
            "Délai depuis le dernier abus de substances (jours)",
        ),
        patient=(
            "How many days ago did you last misuse alcohol or drugs?",
            "Combien de jours se sont écoulés depuis votre dernière consommation abusive d'alcool "
            "ou de drogues ?",
        ),
        help_text=(
            "This includes alcohol, drugs, and medicines not taken as prescribed; an estimate is "
            "fine. Choose “never” if this has never applied to you.",
            "Cela comprend l'alcool, les drogues et les médicaments pris en dehors de la "
            "prescription ; une estimation suffit. Choisissez « jamais » si cela ne vous a jamais "
            "concerné(e).",
        ),
    ),
    _concept(
        "limited_life_expectancy", "boolean", "other_conditions",
        label=("Severely limited life expectancy", "Espérance de vie fortement réduite"),
        clinician=(
            "Life expectancy severely limited by another illness",
            "Espérance de vie fortement réduite par une autre maladie",
        ),
        patient=(
            "Has a doctor told you that another serious illness severely shortens your life "
            "expectancy?",
            "Un médecin vous a-t-il dit qu'une autre maladie grave réduisait fortement votre "
            "espérance de vie ?",
        ),
        help_text=_unsure(
            "This is about another serious illness, not the condition you are being screened for.",
            "Cette question concerne une autre maladie grave, et non celle pour laquelle vous "
            "cherchez un essai.",
        ),
    ),
    _concept(
        "poor_venous_access", "boolean", "other_conditions",
        label=("Poor venous access", "Capital veineux insuffisant"),
        clinician=(
            "Venous access inadequate for repeated blood sampling",
            "Capital veineux insuffisant pour des prélèvements sanguins répétés",
        ),
        patient=(
            "Is it usually very difficult to take blood from your veins?",
            "Est-il habituellement très difficile de vous faire une prise de sang ?",
        ),
        help_text=(
            "The study may need repeated blood tests. Answer yes if nurses often struggle to find "
            "a vein or need several attempts.",
            "L'étude peut nécessiter des prises de sang répétées. Répondez oui si les infirmiers "
            "ont souvent du mal à trouver une veine ou doivent s'y reprendre à plusieurs fois.",
        ),
    ),
    _concept(
        "mri_contraindication", "boolean", "other_conditions",
        label=("MRI contraindication", "Contre-indication à l'IRM"),
        clinician=(
            "Unable to undergo MRI (contraindication or intolerance)",
            "Impossibilité de réaliser une IRM (contre-indication ou intolérance)",
        ),
        patient=(
            "Is there any reason you cannot have an MRI scan?",
            "Y a-t-il une raison pour laquelle vous ne pouvez pas passer d'IRM ?",
        ),
        help_text=(
            "For example some pacemakers or metal implants, metal fragments in the body, or "
            "severe claustrophobia. If you have had MRI scans before without problems, the answer "
            "is usually no.",
            "Par exemple certains stimulateurs cardiaques ou implants métalliques, des éclats de "
            "métal dans le corps, ou une claustrophobie sévère. Si vous avez déjà passé des IRM "
            "sans problème, la réponse est en général non.",
        ),
    ),
    _concept(
        "lumbar_puncture_contraindication", "boolean", "other_conditions",
        label=("Lumbar puncture contraindication", "Contre-indication à la ponction lombaire"),
        clinician=(
            "Contraindication to lumbar puncture (intracranial hypertension, infection at the "
            "puncture site, or other)",
            "Contre-indication à la ponction lombaire (hypertension intracrânienne, infection au "
            "point de ponction ou autre)",
        ),
        patient=(
            "Has a doctor told you that a lumbar puncture (spinal tap) would be unsafe for you?",
            "Un médecin vous a-t-il dit qu'une ponction lombaire serait dangereuse pour vous ?",
        ),
        help_text=_unsure(
            "Reasons include raised pressure inside the skull, a skin infection in the lower back, "
            "or some blood-thinning treatments.",
            "Par exemple une hypertension intracrânienne (pression trop élevée dans le crâne), une "
            "infection de la peau dans le bas du dos, ou certains traitements anticoagulants.",
        ),
    ),
    _concept(
        "immunosuppressed_for_other_disease", "boolean", "other_conditions",
        label=(
            "Immunosuppressive treatment for another disease",
            "Traitement immunosuppresseur pour une autre maladie",
        ),
        clinician=(
            "Prior immunosuppressive therapy for another autoimmune disease or a cancer",
            "Traitement immunosuppresseur antérieur pour une autre maladie auto-immune ou un "
            "cancer",
        ),
        patient=(
            "Have you ever received a treatment that weakens the immune system for another "
            "autoimmune disease or for cancer?",
            "Avez-vous déjà reçu un traitement qui affaiblit le système immunitaire pour une autre "
            "maladie auto-immune ou pour un cancer ?",
        ),
        help_text=(
            "For example chemotherapy, methotrexate, azathioprine, or a biological treatment for "
            "rheumatoid arthritis or Crohn's disease. Do not count treatments for the condition "
            "you are being screened for.",
            "Par exemple une chimiothérapie, du méthotrexate, de l'azathioprine, ou une "
            "biothérapie pour une polyarthrite rhumatoïde ou une maladie de Crohn. Ne tenez pas "
            "compte des traitements de la maladie pour laquelle vous cherchez un essai.",
        ),
    ),
    _concept(
        "in_ms_interventional_trial", "boolean", "other_conditions",
        label=("Current MS treatment trial", "Essai thérapeutique sur la SEP en cours"),
        clinician=(
            "Currently receiving an MS treatment within a phase 2, 3 or 4 trial",
            "Reçoit actuellement un traitement de la SEP dans le cadre d'un essai de phase 2, 3 "
            "ou 4",
        ),
        patient=(
            "Are you currently receiving an MS treatment as part of a clinical trial?",
            "Recevez-vous actuellement un traitement de la SEP dans le cadre d'un essai clinique ?",
        ),
        help_text=_unsure(
            "Phase 2, 3 and 4 trials count; the phase is stated in your study documents.",
            "Les essais de phase 2, 3 ou 4 sont concernés ; la phase figure dans les documents de "
            "l'étude.",
        ),
    ),
]  # fmt: skip


# Names are lower-case: they are used inside sentences ("has never taken interferon beta").
DRUGS: list[dict] = [
    {"code": "interferon_beta", "name_en": "interferon beta", "name_fr": "interféron bêta"},
    {
        "code": "glatiramer_acetate",
        "name_en": "glatiramer acetate",
        "name_fr": "acétate de glatiramère",
    },
    {"code": "teriflunomide", "name_en": "teriflunomide", "name_fr": "tériflunomide"},
    {
        "code": "dimethyl_fumarate",
        "name_en": "dimethyl fumarate",
        "name_fr": "fumarate de diméthyle",
    },
    {"code": "natalizumab", "name_en": "natalizumab", "name_fr": "natalizumab"},
    {"code": "fingolimod", "name_en": "fingolimod", "name_fr": "fingolimod"},
    {"code": "alemtuzumab", "name_en": "alemtuzumab", "name_fr": "alemtuzumab"},
    {"code": "cladribine", "name_en": "cladribine", "name_fr": "cladribine"},
    {"code": "daclizumab", "name_en": "daclizumab", "name_fr": "daclizumab"},
    {"code": "ocrelizumab", "name_en": "ocrelizumab", "name_fr": "ocrélizumab"},
    {"code": "rituximab", "name_en": "rituximab", "name_fr": "rituximab"},
    {"code": "mitoxantrone", "name_en": "mitoxantrone", "name_fr": "mitoxantrone"},
    {"code": "cyclophosphamide", "name_en": "cyclophosphamide", "name_fr": "cyclophosphamide"},
    {"code": "mycophenolate", "name_en": "mycophenolate", "name_fr": "mycophénolate"},
    {"code": "belimumab", "name_en": "belimumab", "name_fr": "bélimumab"},
    {
        "code": "corticosteroids_high_dose",
        "name_en": "high-dose corticosteroids",
        "name_fr": "corticoïdes à forte dose",
    },
    {"code": "interleukin_2", "name_en": "interleukin-2", "name_fr": "interleukine-2"},
    {"code": "anticoagulant", "name_en": "anticoagulants", "name_fr": "anticoagulants"},
    {"code": "fibrinolytic", "name_en": "fibrinolytic drugs", "name_fr": "fibrinolytiques"},
]


DRUG_CLASSES: list[dict] = [
    {
        "code": "ms_disease_modifying",
        "name_en": "MS disease-modifying therapy",
        "name_fr": "traitement de fond de la SEP",
        "drugs": [
            "interferon_beta", "glatiramer_acetate", "teriflunomide", "dimethyl_fumarate",
            "natalizumab", "fingolimod", "alemtuzumab", "cladribine", "daclizumab", "ocrelizumab",
            "mitoxantrone",
        ],
    },
    {
        "code": "ms_first_line",
        "name_en": "first-line MS therapy",
        "name_fr": "traitement de fond de première ligne de la SEP",
        "drugs": ["interferon_beta", "glatiramer_acetate", "teriflunomide", "dimethyl_fumarate"],
    },
    {
        "code": "immunosuppressive",
        "name_en": "immunosuppressive therapy",
        "name_fr": "traitement immunosuppresseur",
        "drugs": [
            "natalizumab", "fingolimod", "alemtuzumab", "cladribine", "daclizumab", "ocrelizumab",
            "rituximab", "mitoxantrone", "cyclophosphamide", "mycophenolate",
        ],
    },
    {
        "code": "b_cell_depleting",
        "name_en": "B-cell-depleting therapy",
        "name_fr": "traitement déplétant les lymphocytes B",
        "drugs": ["rituximab", "ocrelizumab"],
    },
]  # fmt: skip
