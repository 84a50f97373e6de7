"""Registry imports as database writes. Keyword-only functions named <entity>_<action>.

Merge rules: the registry owns titles, status, phase, enrollment, conditions, sites and
contacts, and its eligibility text; a re-import updates them. Curated criteria never change
silently: a new trial gets drafted criteria (state draft), an existing trial only gets a new
eligibility text version with a diff and suggestions, and is flagged for review when published.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from django.db import transaction
from django.utils import timezone

from config.queueing import enqueue
from engine.types import ConceptSpec, ConceptType
from trials import tasks
from trials.models import Concept, Drug, DrugClass, EligibilityTextVersion, ImportRun, Site, Trial
from trials.registry import ctgov, ictrp
from trials.registry.drafting import (
    ALL,
    ANY,
    NOT,
    Draft,
    DraftGroup,
    DraftItem,
    DraftVocabulary,
    clean_registry_text,
    draft_registry_record,
)
from trials.registry.records import RegistryError, RegistryRecord, RegistryUnavailable
from trials.seed_data.vocabulary import CONCEPTS, DRUG_CLASSES, DRUGS
from trials.services import trial_create, trial_flag_needs_review, vocabulary_add_missing

logger = logging.getLogger(__name__)


@dataclass
class RecordResult:
    trial: Trial
    created: bool
    changed: bool
    version: EligibilityTextVersion | None
    warnings: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return ImportRun.Outcome.CHANGED if self.changed else ImportRun.Outcome.OK


# ----------------------------------------------------------------------------- creating runs


def import_source_for(*, filename: str = "", content: str = "") -> str:
    """Which parser reads a file: JSON is ClinicalTrials.gov API v2, XML is WHO ICTRP."""
    head = content.lstrip()[:1]
    if head in "{[" and head:
        return ImportRun.Source.CTGOV_FILE
    if head == "<":
        return ImportRun.Source.ICTRP_FILE
    lowered = filename.lower()
    if lowered.endswith(".json"):
        return ImportRun.Source.CTGOV_FILE
    if lowered.endswith(".xml"):
        return ImportRun.Source.ICTRP_FILE
    raise RegistryError("file: neither ClinicalTrials.gov JSON nor WHO ICTRP XML")


def import_run_create(
    *,
    trigger: str,
    registry_id: str = "",
    filename: str = "",
    content: str = "",
    by=None,
    queue: bool = True,
) -> ImportRun:
    """Records an import (a registry id to fetch, or an uploaded file kept as the payload) and,
    with `queue`, sends it to the worker once the transaction commits."""
    if content:
        run = ImportRun.objects.create(
            source=import_source_for(filename=filename, content=content),
            trigger=trigger,
            filename=filename[:255],
            payload=content,
            created_by=by,
        )
    else:
        run = ImportRun.objects.create(
            source=ImportRun.Source.CTGOV_API,
            trigger=trigger,
            requested_id=ctgov.normalise_nct_id(registry_id),
            created_by=by,
        )
    if queue:
        _queue(run)
    return run


def _queue(run: ImportRun) -> None:

    # A broker that is down must not undo the request that recorded the run; the run stays
    # queued and import_runs_requeue_stale sends it again. robust as well: an inline (eager)
    # import that fails has recorded its failure on the run, the request still succeeds.
    transaction.on_commit(lambda: enqueue(tasks.import_trial, run.pk), robust=True)


def import_runs_requeue_stale(*, older_than: timedelta = timedelta(minutes=10)) -> list[ImportRun]:
    """Sends again the runs still waiting for a worker (the broker was down when they were
    recorded, or the message was lost)."""
    stale = list(
        ImportRun.objects.filter(state=ImportRun.State.QUEUED, created_at__lt=timezone.now() - older_than)
    )
    for run in stale:
        _queue(run)
    return stale


def registry_ids_refresh(*, registry_ids, trigger: str, by=None) -> tuple[list[ImportRun], list[str]]:
    """Queues a refresh from ClinicalTrials.gov for each registry id, skipping ids with a
    refresh already under way and records the API cannot serve (ICTRP-only records). Returns
    the runs and a note per skipped id."""
    runs, skipped = [], []
    pending = set(ImportRun.objects.pending().values_list("requested_id", flat=True))
    for registry_id in dict.fromkeys(registry_ids):
        if not registry_id or not ctgov.NCT_ID.match(registry_id):
            skipped.append(
                f"{registry_id or 'a file import'}: not a ClinicalTrials.gov record; import its file again"
            )
            continue
        if registry_id in pending:
            skipped.append(f"{registry_id}: a refresh is already queued")
            continue
        runs.append(import_run_create(trigger=trigger, registry_id=registry_id, by=by))
        pending.add(registry_id)
    return runs, skipped


def trials_refresh_imported(*, trigger: str = ImportRun.Trigger.SCHEDULE) -> list[ImportRun]:
    """The daily refresh: every trial that was imported from a registry."""
    imported = Trial.objects.filter(import_runs__isnull=False).distinct().values_list("trial_id", flat=True)
    runs, _ = registry_ids_refresh(registry_ids=list(imported), trigger=trigger)
    return runs


# ----------------------------------------------------------------------------- running


def import_run_execute(
    *, run_id: int, final_attempt: bool = True, client: httpx.Client | None = None, retries: int = 0
) -> ImportRun:
    """Runs a recorded import. A transient registry failure is re-raised for the caller (the
    Celery task) to retry, unless this is the final attempt; every other failure is recorded
    on the run. Running a finished run again does nothing (a redelivered task)."""
    run = ImportRun.objects.get(pk=run_id)
    if run.is_finished:
        return run
    run.state = ImportRun.State.RUNNING
    run.attempts += 1
    run.started_at = run.started_at or timezone.now()
    run.save(update_fields=["state", "attempts", "started_at"])
    try:
        records = _records_for(run, client=client, retries=retries)
    except RegistryUnavailable as exc:
        if not final_attempt:
            run.state, run.error = ImportRun.State.RETRYING, str(exc)
            run.save(update_fields=["state", "error"])
            raise
        return _finish(run, ImportRun.Outcome.FAILED, error=f"{exc} (after {run.attempts} attempt(s))")
    except RegistryError as exc:
        return _finish(run, ImportRun.Outcome.FAILED, error=str(exc))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a record shaped unlike its format
        logger.exception("registry import %s: unreadable record", run.pk)
        return _finish(run, ImportRun.Outcome.FAILED, error=f"the record could not be read: {exc!r}")

    results, errors, warnings, outcomes = [], [], [], []
    for record in records:
        try:
            result = trial_import_record(record=record, run=run)
        except Exception as exc:  # one bad record must not lose the others; its transaction rolled back
            logger.exception("registry import %s: %s failed", run.pk, record.trial_id)
            errors.append(f"{record.trial_id}: {exc}")
            results.append(
                {"trial_id": record.trial_id, "outcome": ImportRun.Outcome.FAILED, "created": False}
            )
            continue
        prefix = f"{record.trial_id}: " if len(records) > 1 else ""
        warnings += [prefix + w for w in result.warnings]
        outcomes.append(result.outcome)
        results.append({"trial_id": record.trial_id, "outcome": result.outcome, "created": result.created})
        if len(records) == 1 or run.trial_id is None:
            run.trial, run.trial_created = result.trial, result.created
    if not outcomes:
        outcome = ImportRun.Outcome.FAILED
    elif ImportRun.Outcome.CHANGED in outcomes:
        outcome = ImportRun.Outcome.CHANGED
    else:
        outcome = ImportRun.Outcome.OK
    run.results = results
    return _finish(run, outcome, error="\n".join(errors), warnings=warnings)


def _finish(run: ImportRun, outcome: str, *, error: str = "", warnings: list[str] | None = None) -> ImportRun:
    run.state = ImportRun.State.FINISHED
    run.outcome = outcome
    run.error = error
    run.warnings = warnings or []
    run.finished_at = timezone.now()
    run.save()
    if outcome == ImportRun.Outcome.FAILED:
        logger.warning("registry import %s failed: %s", run.pk, error)
    return run


def _records_for(run: ImportRun, *, client: httpx.Client | None, retries: int) -> list[RegistryRecord]:
    if run.source == ImportRun.Source.CTGOV_API:
        study = ctgov.fetch_study(run.requested_id, client=client, retries=retries)
        run.payload = json.dumps(study, ensure_ascii=False)
        run.save(update_fields=["payload"])
        return [ctgov.parse_study(study)]
    if run.source == ImportRun.Source.CTGOV_FILE:
        return [ctgov.parse_study(study) for study in ctgov.load_studies(run.payload)]
    return ictrp.parse_export(run.payload.encode("utf-8"))


# ----------------------------------------------------------------------------- merging


def vocabulary_for_drafting() -> DraftVocabulary:
    """The vocabulary as curated in the database (curators may have added concepts); on an
    empty database the curated seed vocabulary is loaded first, as `load_seed_trials` does."""
    if not Concept.objects.exists():
        vocabulary_add_missing(concepts=CONCEPTS, drugs=DRUGS, classes=DRUG_CLASSES)
    concepts = {
        c.code: ConceptSpec(
            code=c.code,
            type=ConceptType(c.type),
            canonical_unit=c.canonical_unit,
            accepted_units=tuple(c.accepted_units),
            choices=tuple(c.choice_codes),
            minimum=c.minimum,
            maximum=c.maximum,
            step=c.step,
        )
        for c in Concept.objects.all()
    }
    classes = {
        dc.code: frozenset(d.code for d in dc.drugs.all())
        for dc in DrugClass.objects.prefetch_related("drugs")
    }
    return DraftVocabulary(concepts, frozenset(Drug.objects.values_list("code", flat=True)), classes)


def record_draft(record: RegistryRecord, vocabulary: DraftVocabulary | None = None) -> Draft:
    return draft_registry_record(record, vocabulary or vocabulary_for_drafting())


def _same_text(a: str, b: str) -> bool:
    """Registry texts differ in bullets and spacing between formats and mirrors; a change in
    wording, a number or a comparator is a change."""

    def key(text: str) -> str:
        # Versions stored before markup was cleaned still carry escapes (\>): compare clean texts.
        text = clean_registry_text(text)
        lines = [re.sub(r"^\s*[*•·\-–]\s*", "", line) for line in text.lower().splitlines()]
        return re.sub(r"\s+", " ", " ".join(line.rstrip(" :") for line in lines)).strip()

    return key(a) == key(b)


@transaction.atomic
def trial_import_record(*, record: RegistryRecord, run: ImportRun | None = None) -> RecordResult:
    """Creates or updates one trial from a registry record (idempotent: importing the same
    record twice changes nothing the second time)."""
    vocabulary = vocabulary_for_drafting()
    draft = record_draft(record, vocabulary)
    warnings = list(record.warnings) + list(draft.warnings)
    # Each item's own warnings too: a part left unmapped must not read as "no warnings".
    warnings += [f"“{item.source_text[:70]}”: {w}" for item in draft.items for w in item.warnings]
    draft_json = {"items": draft.as_list(), "warnings": draft.warnings}
    trial = Trial.objects.select_for_update().filter(trial_id=record.trial_id).first()

    if trial is None:
        data = {
            "trial_id": record.trial_id,
            **record.registry_fields(),
            "eligibility_text": record.eligibility_text,
            "curation_notes": _drafting_notes(draft, record),
            "sites": record.sites,
            "criteria": [node for item in draft.items if (node := criterion_from_item(item)) is not None],
        }
        trial = trial_create(data=data)  # state draft: nothing is screenable before a curator publishes
        version = EligibilityTextVersion.objects.create(
            trial=trial, number=1, text=record.eligibility_text, import_run=run, drafts=draft_json
        )
        return RecordResult(trial, True, False, version, warnings)

    updates = {name: value for name, value in record.registry_fields().items() if value not in ("", None, [])}
    for name, value in updates.items():
        setattr(trial, name, value)
    trial.save(update_fields=[*updates, "updated_at"])
    if record.sites:
        sites_sync(trial=trial, sites=record.sites)

    latest = trial.eligibility_versions.order_by("-number").first()
    if latest is None:
        # A curated trial imported for the first time: its current text is version 1.
        latest = EligibilityTextVersion.objects.create(trial=trial, number=1, text=trial.eligibility_text)
    if _same_text(latest.text, record.eligibility_text):
        return RecordResult(trial, False, False, None, warnings)

    version = EligibilityTextVersion.objects.create(
        trial=trial,
        number=latest.number + 1,
        text=record.eligibility_text,
        previous=latest,
        import_run=run,
        drafts=draft_json,
        needs_review=True,
    )
    trial.eligibility_text = record.eligibility_text
    trial.save(update_fields=["eligibility_text", "updated_at"])
    if trial.is_published:
        trial_flag_needs_review(trial)
        warnings.append(
            "The registry changed the eligibility text of this published trial: it stays screenable with its "
            "curated criteria until a curator reviews the change."
        )
    else:
        warnings.append(
            "The registry changed the eligibility text: the curated criteria were left as they are."
        )
    return RecordResult(trial, False, True, version, warnings)


def sites_sync(*, trial: Trial, sites: list[dict]) -> None:
    """The registry's site list replaces the trial's: a site with the same facility keeps its row
    and gets the new details, new ones are added, sites the registry no longer lists are removed.
    Each is located from its city and country (unless a curator set its coordinates)."""
    existing = {s.facility.lower(): s for s in trial.sites.all()}
    keep = set()
    for position, data in enumerate(sites):
        site = existing.get(data["facility"].lower()) or Site(trial=trial)
        for name, value in data.items():
            if value or not getattr(site, name, ""):  # an export without a city keeps the known city
                setattr(site, name, value)
        site.position = position
        site.locate()  # a curator's coordinates are kept
        site.save()
        keep.add(site.pk)
    trial.sites.exclude(pk__in=keep).delete()


_GROUP_NODES = {ALL: "and", ANY: "or", NOT: "not"}


def criterion_from_item(item: DraftItem) -> dict | None:
    """A drafted item as a criterion tree in the seed format (trials.services._create_node).
    Items from a mis-filed section are not saved: they are not what their heading says."""
    if item.misfiled:
        return None
    if not item.criteria:
        note = (
            "Confirmed by the study team at the visit."
            if item.confirmed_at_visit
            else "Not structured by the drafter: structure it, or leave it to the study team at the visit."
        )
        return {"kind": item.kind, "node_type": "visit", "source_text": item.source_text,
                "explanation_en": note, "confirmed_at_visit": True,
                "drafting_notes": list(item.warnings)}  # fmt: skip
    nodes = _nodes(item.criteria, item.combine, item)
    node = nodes[0] if len(nodes) == 1 else {"node_type": _GROUP_NODES[item.combine], "children": nodes}
    # What the drafter could not map stays beside the item until a curator marks it reviewed.
    return {**node, "kind": item.kind, "source_text": item.source_text, "drafting_notes": list(item.warnings)}


def _nodes(criteria, combine: str, item: DraftItem) -> list[dict]:
    """Criteria as nodes; a criterion on several concepts ("AST, ALT ≤ 2.5 × ULN") is one leaf
    per concept, combined like its siblings."""
    nodes = []
    for criterion in criteria:
        if isinstance(criterion, DraftGroup):
            children = _nodes(
                criterion.criteria, criterion.combine if criterion.combine != NOT else ANY, item
            )
            if criterion.combine == NOT and len(children) > 1:
                children = [{"node_type": "or", "children": children}]
            if criterion.combine != NOT and len(children) == 1:
                nodes.append(children[0])
            else:
                nodes.append({"node_type": _GROUP_NODES[criterion.combine], "children": children})
            continue
        leaves = [_leaf(criterion, concept, item) for concept in criterion.concepts]
        if len(leaves) > 1 and combine == NOT:
            nodes.append({"node_type": "or", "children": leaves})
        else:
            nodes += leaves
    return nodes


def _leaf(criterion, concept: str, item: DraftItem) -> dict:
    leaf = {
        "node_type": "leaf",
        "concept": concept,
        "operator": criterion.operator,
        "values": list(criterion.values),
        "unit": criterion.unit,
        "drugs": list(criterion.drugs),
    }
    if item.kind == "inclusion" and concept == "effective_contraception" and criterion.operator == "is_true":
        leaf = {
            "node_type": "or",
            "children": [
                {"node_type": "leaf", "concept": "sex", "operator": "in", "values": ["male"]},
                {"node_type": "leaf", "concept": "childbearing_potential", "operator": "is_false"},
                leaf,
            ],
        }
    if item.kind == "exclusion" and concept == "effective_contraception" and criterion.operator == "is_false":
        # Only people who could conceive a child need contraception.
        could_conceive = {"node_type": "leaf", "concept": "childbearing_potential", "operator": "is_true"}
        if re.search(r"\bmen\b|\bmales?\b", item.source_text, re.I):
            male = {"node_type": "leaf", "concept": "sex", "operator": "in", "values": ["male"]}
            could_conceive = {"node_type": "or", "children": [male, could_conceive]}
        leaf = {"node_type": "and", "children": [could_conceive, leaf]}
    return leaf


def _drafting_notes(draft: Draft, record: RegistryRecord) -> str:
    lines = [
        f"Imported from {record.registry}; criteria drafted automatically: review each before publishing."
    ]
    lines += [f"- {w}" for w in record.warnings + draft.warnings]
    for item in draft.items:
        rules = sorted({leaf.rule for leaf in item.leaves() if leaf.rule})
        if rules:
            lines.append(f"- “{item.source_text[:70]}”: drafted by {', '.join(rules)}.")
        for warning in item.warnings:
            lines.append(f"- “{item.source_text[:70]}”: {warning}")
    return "\n".join(lines)


def text_versions_mark_reviewed(*, versions, by=None) -> int:
    count = 0
    for version in versions:
        if version.reviewed_at is None:
            version.mark_reviewed(by=by)
            count += 1
    return count
