"""Writes that span several models. Keyword-only functions named <entity>_<action>."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from trials.checks import TrialCheck
from trials.models import (
    Concept,
    CriteriaRevision,
    Criterion,
    Drug,
    DrugClass,
    Site,
    TerminologyCode,
    TestPatient,
    Trial,
    WorkflowError,
    node_shape,
)

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


def _create_node(
    revision: CriteriaRevision, data: dict, parent: Criterion | None, position: int, kind: str
) -> Criterion:
    concept = Concept.objects.get(code=data["concept"]) if data.get("concept") else None
    node = Criterion.objects.create(
        trial_id=revision.trial_id,
        revision=revision,
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
        drafting_notes=data.get("drafting_notes", []),
    )
    node.tree_children = [
        _create_node(revision, child, node, child_position, kind)
        for child_position, child in enumerate(data.get("children", []))
    ]
    if node.has_override:
        # Explanations given with the data were written for the tree as given.
        node.explanation_basis = node.shape
        node.save(update_fields=["explanation_basis"])
    return node


def _new_revision(trial: Trial, *, by=None, based_on: CriteriaRevision | None = None, note: str = ""):
    number = (trial.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return CriteriaRevision.objects.create(
        trial=trial, number=number, based_on=based_on, created_by=by, note=note
    )


@transaction.atomic
def trial_create(*, data: dict, publish: bool = False, by=None) -> Trial:
    """Creates a trial with its sites and criteria tree (revision 1) from plain data (the
    seed format)."""
    trial = Trial.objects.create(trial_id=data["trial_id"], **{f: data[f] for f in TRIAL_FIELDS if f in data})
    for position, fields in enumerate(data.get("sites", [])):
        site = Site(trial=trial, position=position, **fields)
        site.locate()
        site.save()
    revision = _new_revision(trial, by=by)
    for position, criterion in enumerate(data.get("criteria", [])):
        _create_node(revision, criterion, None, position, criterion["kind"])
    if publish:
        trial.publish(by=by)
    return trial


@transaction.atomic
def trial_replace_criteria(*, trial: Trial, criteria: list[dict], by=None) -> TrialCheck:
    """Replaces the whole criteria tree with a new revision (discarding a draft). A
    published trial puts it live at once when it passes every publication check; otherwise
    it stays the draft and the live revision keeps screening."""
    draft = trial.draft_revision
    if draft is not None:
        draft.delete()
    revision = _new_revision(trial, by=by, based_on=trial.live_revision, note=_("criteria replaced"))
    for position, criterion in enumerate(criteria):
        _create_node(revision, criterion, None, position, criterion["kind"])
    check = trial.check_criteria(revision=revision)
    if trial.is_published and not trial.publication_blockers(revision):
        trial.publish(by=by)
    return check


def _copy_tree(source: CriteriaRevision, target: CriteriaRevision) -> dict[int, Criterion]:
    """Copies every node of `source` into `target`; returns the copies by source pk."""
    copies: dict[int, Criterion] = {}
    level = source.root_criteria()
    while level:
        for node in level:
            copy = Criterion(
                trial_id=target.trial_id,
                revision=target,
                origin=node.lineage,
                parent=copies[node.parent_id] if node.parent_id else None,
                **{
                    field: getattr(node, field)
                    for field in (
                        "position",
                        "kind",
                        "node_type",
                        "concept_id",
                        "operator",
                        "values",
                        "unit",
                        "drugs",
                        "source_text",
                        "explanation_en",
                        "explanation_fr",
                        "explanation_basis",
                        "confirmed_at_visit",
                    )  # fmt: skip
                },
            )
            copy.save()
            copies[node.pk] = copy
        level = [child for node in level for child in node.tree_children]
    return copies


@transaction.atomic
def revision_draft_open(*, trial: Trial, by=None) -> tuple[CriteriaRevision, dict[int, Criterion]]:
    """The draft revision curators edit, made as a copy of the live revision when there is
    none ("edit criteria", or a first edit). Returns it with the draft's node for each
    node of the revision it was copied from (by pk), so an edit aimed at a live node lands
    on its copy. The live revision is never written."""
    locked = Trial.objects.select_for_update().get(pk=trial.pk)
    draft = locked.draft_revision
    if draft is not None:
        copies = {}
        if draft.based_on_id:
            by_lineage = {node.lineage: node for node in draft.criteria.all()}
            for node in Criterion.objects.filter(revision_id=draft.based_on_id):
                if node.lineage in by_lineage:
                    copies[node.pk] = by_lineage[node.lineage]
        return draft, copies
    source = locked.live_revision
    draft = _new_revision(locked, by=by, based_on=source)
    copies = _copy_tree(source, draft) if source is not None else {}
    return draft, copies


@transaction.atomic
def revision_discard(*, revision: CriteriaRevision) -> None:
    """Abandons a draft revision of a published trial (the live revision is untouched)."""
    if not revision.is_editable or revision.trial.live_revision_id is None:
        raise WorkflowError([_("Only the draft of a published trial can be discarded.")])
    revision.delete()


@transaction.atomic
def revision_rollback(*, revision: CriteriaRevision, by=None) -> CriteriaRevision:
    """Publishes a copy of an earlier revision as a new revision (history only grows).
    Raises WorkflowError when a draft is being edited or the copy cannot be published (the
    copy is then not kept)."""
    trial = revision.trial
    if revision.state != CriteriaRevision.State.SUPERSEDED:
        raise WorkflowError([_("Only an earlier revision can be restored.")])
    if trial.draft_revision is not None:
        raise WorkflowError([_("Publish or discard the draft revision first.")])
    if not trial.is_published:
        raise WorkflowError([_("Only a published trial can be rolled back.")])
    copy = _new_revision(
        trial, by=by, based_on=revision, note=_("restores revision %(n)s") % {"n": revision.number}
    )
    _copy_tree(revision, copy)
    trial.publish(by=by)  # raises (and the atomic block drops the copy) when it cannot be
    return copy


def revision_edited(*, revision: CriteriaRevision, by=None) -> TrialCheck:
    """Call after any write to a draft revision's tree: records when it changed and re-runs
    the publication checks against it. Nothing downstream hears of it: the live revision,
    re-screening, notify-me digests and impact wait for publication."""
    revision.save(update_fields=["updated_at"])
    return revision.trial.check_criteria(revision=revision)


def criterion_explanation_written(*, criterion: Criterion) -> None:
    """Records the node's current shape as the one its explanation was written for (a
    curator wrote or confirmed it); an empty explanation needs none."""
    revision = criterion.revision
    nodes = {node.pk: node for root in revision.root_criteria() for node in _walk(root)}
    node = nodes[criterion.pk]
    criterion.explanation_basis = node_shape(node.to_node()) if node.has_override else None
    criterion.save(update_fields=["explanation_basis", "updated_at"])


def _walk(node: Criterion):
    yield node
    for child in node.tree_children:
        yield from _walk(child)


@transaction.atomic
def criterion_move(*, criterion: Criterion, offset: int, by=None) -> TrialCheck:
    """Moves a node up (-1) or down (+1) among its siblings; positions are renumbered 0..n."""
    siblings = list(
        Criterion.objects.filter(revision_id=criterion.revision_id, parent_id=criterion.parent_id).order_by(
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
    return revision_edited(revision=criterion.revision, by=by)


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
