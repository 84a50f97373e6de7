"""Writes that span several models. Keyword-only functions named <entity>_<action>."""

from __future__ import annotations

from django.db import transaction

from trials.checks import TrialCheck
from trials.models import Concept, Criterion, Drug, DrugClass, Site, TerminologyCode, TestPatient, Trial

TRIAL_FIELDS = (
    "other_ids", "registry", "public_title", "scientific_title", "acronym", "sponsor", "status", "phase",
    "conditions", "target_enrollment", "source_url", "eligibility_text", "curation_notes",
)  # fmt: skip
CONCEPT_FIELDS = (
    "type", "section", "canonical_unit", "accepted_units", "choices", "minimum", "maximum", "step",
    "label_en", "label_fr", "clinician_question_en", "clinician_question_fr", "patient_question_en",
    "patient_question_fr", "help_text_en", "help_text_fr",
)  # fmt: skip


@transaction.atomic
def vocabulary_add_missing(*, concepts: list[dict], drugs: list[dict], classes: list[dict]) -> int:
    """Adds the concepts, drugs and classes that do not exist yet; never overwrites what a
    curator may have edited. Returns how many concepts were added."""
    added = 0
    for position, data in enumerate(concepts):
        defaults = {field: data[field] for field in CONCEPT_FIELDS} | {"position": position}
        _, created = Concept.objects.get_or_create(code=data["code"], defaults=defaults)
        added += created
    for data in drugs:
        Drug.objects.get_or_create(
            code=data["code"], defaults={"name_en": data["name_en"], "name_fr": data["name_fr"]}
        )
    for data in classes:
        drug_class, created = DrugClass.objects.get_or_create(
            code=data["code"], defaults={"name_en": data["name_en"], "name_fr": data["name_fr"]}
        )
        if created:
            drug_class.drugs.set(Drug.objects.filter(code__in=data["drugs"]))
    return added


@transaction.atomic
def terminology_add_missing(*, codes: list[dict], drug_names: dict[str, list[str]]) -> int:
    """Adds the code rows that do not exist yet (a curator's edits and deletions of existing
    rows are kept) and the drugs' other names where none are set. Returns how many were added."""
    concepts = {c.code: c for c in Concept.objects.all()}
    drugs = {d.code: d for d in Drug.objects.all()}
    added = 0
    for data in codes:
        concept, drug = concepts.get(data["concept"] or ""), drugs.get(data["drug"] or "")
        if concept is None and drug is None:
            continue
        _, created = TerminologyCode.objects.get_or_create(
            system=data["system"],
            code=data["code"],
            concept=concept,
            drug=drug,
            defaults={
                "display": data["display"],
                "value": data["value"],
                "applies": data["applies"],
                "source": data["source"],
            },
        )
        added += created
    for code, names in drug_names.items():
        if code in drugs and not drugs[code].other_names:
            drugs[code].other_names = names
            drugs[code].save(update_fields=["other_names"])
    return added


def _create_node(trial: Trial, data: dict, parent: Criterion | None, position: int, kind: str) -> None:
    concept = Concept.objects.get(code=data["concept"]) if data.get("concept") else None
    node = Criterion.objects.create(
        trial=trial,
        parent=parent,
        position=position,
        kind=kind,
        node_type=data["node_type"],
        concept=concept,
        operator=data.get("operator", ""),
        values=data.get("values", []),
        unit=data.get("unit", ""),
        drugs=data.get("drugs", []),
        source_text=data.get("source_text", ""),
        explanation_en=data.get("explanation_en", ""),
        explanation_fr=data.get("explanation_fr", ""),
        confirmed_at_visit=data.get("confirmed_at_visit", False),
    )
    for child_position, child in enumerate(data.get("children", [])):
        _create_node(trial, child, node, child_position, kind)


@transaction.atomic
def trial_create(*, data: dict, publish: bool = False, by=None) -> Trial:
    """Creates a trial with its sites and criteria tree from plain data (the seed format)."""
    trial = Trial.objects.create(trial_id=data["trial_id"], **{f: data[f] for f in TRIAL_FIELDS if f in data})
    for position, fields in enumerate(data.get("sites", [])):
        site = Site(trial=trial, position=position, **fields)
        site.locate()
        site.save()
    for position, criterion in enumerate(data.get("criteria", [])):
        _create_node(trial, criterion, None, position, criterion["kind"])
    if publish:
        trial.publish(by=by)
    return trial


@transaction.atomic
def trial_replace_criteria(*, trial: Trial, criteria: list[dict]) -> Trial:
    """Replaces the whole criteria tree and records a new criteria version."""
    trial.criteria.all().delete()
    for position, criterion in enumerate(criteria):
        _create_node(trial, criterion, None, position, criterion["kind"])
    trial_criteria_changed(trial=trial)
    return trial


@transaction.atomic
def trial_criteria_changed(*, trial: Trial, by=None) -> TrialCheck:
    """Call after any write to a trial's criteria tree: records a new criteria version and
    re-runs the checks. A published trial whose tree no longer passes goes back to review in
    the same transaction, so screening never sees a broken or unproven tree."""
    trial.criteria_changed()
    check = trial.check_criteria()
    if trial.is_published and check.blocking_reasons():
        trial.return_to_review(by=by)
        check.returned_to_review = True
    return check


@transaction.atomic
def criterion_move(*, criterion: Criterion, offset: int, by=None) -> TrialCheck:
    """Moves a node up (-1) or down (+1) among its siblings; positions are renumbered 0..n."""
    siblings = list(
        Criterion.objects.filter(trial_id=criterion.trial_id, parent_id=criterion.parent_id).order_by(
            "position", "pk"
        )
    )
    index = next(i for i, node in enumerate(siblings) if node.pk == criterion.pk)
    target = min(max(index + offset, 0), len(siblings) - 1)
    siblings.insert(target, siblings.pop(index))
    for position, node in enumerate(siblings):
        if node.position != position:
            node.position = position
            node.save(update_fields=["position", "updated_at"])
    return trial_criteria_changed(trial=criterion.trial, by=by)


@transaction.atomic
def test_patients_add_missing(*, trial: Trial, patients: list[dict]) -> int:
    """Adds the seed test patients a trial does not have yet (by name); returns how many."""
    added = 0
    for data in patients:
        concept = data.get("expected_excluding_concept")
        _, created = TestPatient.objects.get_or_create(
            trial=trial,
            name=data["name"],
            defaults={
                "answers": data["answers"],
                "expected_verdict": data["expected_verdict"],
                "expected_excluding_concept": Concept.objects.get(code=concept) if concept else None,
                "note": data.get("note", ""),
            },
        )
        added += created
    return added


def trial_flag_needs_review(trial: Trial) -> bool:
    """Marks a trial whose registry criteria changed as needing a curator's review; the trial
    stays published and screenable meanwhile (publishing again clears the flag)."""
    trial.needs_review = True
    trial.save(update_fields=["needs_review", "updated_at"])
    return True
