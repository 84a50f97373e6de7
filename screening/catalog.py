"""The compiled plan of every published trial, shared by all requests of a process.

Building the plan reads every published trial and criterion, so it is done once and reused
until the database says the published criteria changed: each request runs one cheap
aggregate query (the fingerprint) and rebuilds only when it differs. The fingerprint is
read from the database rather than signalled in memory so that every worker process sees a
publication the moment it is committed.
"""

from __future__ import annotations

import gc
import heapq
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import groupby
from operator import itemgetter

import numpy as np
from django.db import DatabaseError, connection, connections
from django.db.models import Max, QuerySet, TextField
from django.db.models.functions import Cast, Collate
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext

from engine import ConceptSpec, Plan, Validator, Vocabulary, compile_plan, patch_plan
from engine import types as engine
from engine.explain import Explainer
from engine.plan import CompiledTrial
from engine.table import table_of
from trials.models import Concept, Criterion, Drug, DrugClass, Recruitment, Section, Site, Trial, recruitment


@dataclass(frozen=True)
class TrialInfo:
    trial_id: str
    title: str
    acronym: str
    status: str
    is_recruiting: bool
    sites: tuple[str, ...]
    criteria_version: int

    @property
    def recruitment(self) -> Recruitment:
        return recruitment(self.status)


@dataclass
class Catalog:
    fingerprint: tuple
    plan: Plan
    concepts: dict[str, Concept]
    specs: dict[str, ConceptSpec]
    drugs: dict[str, Drug]
    trials: dict[str, TrialInfo]
    _vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    # The trials changed within LATE_COMMIT of the latest change this plan has seen, as they
    # were when it compiled them (`_stamps`): the next patch recompiles only those that moved.
    stamps: dict[int, tuple] = field(default_factory=dict, repr=False)
    # Each trial's API result parts that no answer changes (screening.results.trial_fragments),
    # by trial id, and the distinct bytes of the fragments this catalog built (criteria
    # repeat across trials).
    api_fragments: dict = field(default_factory=dict, repr=False)
    api_shared: dict[bytes, bytes] = field(default_factory=dict, repr=False)

    def visit_texts(self, trial: CompiledTrial) -> tuple[str, ...]:
        """The trial's "confirmed at the visit" texts (worked out when it was compiled)."""
        return trial.visit_texts

    @cached_property
    def closed_mask(self) -> np.ndarray:
        """Per plan position, whether the trial no longer recruits (patients see those apart)."""
        closed = [self.trials[t.trial_id].recruitment == Recruitment.CLOSED for t in self.plan.trials]
        return np.array(closed, dtype=bool)

    @cached_property
    def drug_codes(self) -> frozenset[str]:
        return frozenset(self.drugs)

    @cached_property
    def ordered_concepts(self) -> list[Concept]:
        """Questionnaire order: the sections' declared order, then each concept's position."""
        rank = {code: i for i, code in enumerate(Section.values)}
        return sorted(
            self.concepts.values(), key=lambda c: (rank.get(c.section, len(rank)), c.position, c.code)
        )

    @cached_property
    def question_order(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.ordered_concepts)

    def vocabulary(self) -> Vocabulary:
        """Labels and questions in the active language (the models pick their language)."""
        lang = (get_language() or "en")[:2]
        if lang not in self._vocabularies:
            self._vocabularies[lang] = Vocabulary(
                labels={code: c.label for code, c in self.concepts.items()},
                choice_labels={
                    (code, choice["code"]): c.choice_label(choice["code"])
                    for code, c in self.concepts.items()
                    for choice in c.choices
                },
                drug_labels={code: d.name for code, d in self.drugs.items()},
                questions={code: c.clinician_question for code, c in self.concepts.items()},
            )
        return self._vocabularies[lang]

    def validator(self) -> Validator:
        return Validator(self.specs, self.drug_codes, self.vocabulary(), gettext)

    def explainer(self, display: dict[str, str] | None = None) -> Explainer:
        return Explainer(self.vocabulary(), gettext, display or {})


logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cached: Catalog | None = None


def _fingerprint_sql() -> str:
    trial, criterion, concept = Trial._meta.db_table, Criterion._meta.db_table, Concept._meta.db_table
    members = DrugClass.drugs.through._meta.db_table
    return (
        f"SELECT (SELECT COUNT(*) FROM {trial} WHERE state = %s), (SELECT MAX(updated_at) FROM {trial}), "
        f"(SELECT MAX(updated_at) FROM {criterion}), (SELECT MAX(updated_at) FROM {concept}), "
        f"(SELECT COUNT(*) FROM {concept}), (SELECT COUNT(*) FROM {members})"
    )


def _fingerprint() -> tuple:
    """What changes whenever the published criteria change, in one round trip: publishing or
    withdrawing (the count, and updated_at), any save of a trial, criterion or concept
    (updated_at: indexed maxima), and drug class membership. A criterion deleted without
    saving its trial is not seen: every write path (services, admin) saves the trial."""
    with connections[Trial.objects.db].cursor() as cursor:
        cursor.execute(_fingerprint_sql(), [Trial.State.PUBLISHED])
        return tuple(cursor.fetchone())


def _node(row: tuple, children: dict[int, list[tuple]], codes: dict[int, str], intern: dict) -> engine.Node:
    """Criterion.to_node, from a values_list row: the same spec without a model instance per
    row, so 300 000 criteria compile in seconds and little memory (tests compare both)."""
    pk, _parent, _kind, node_type, concept_id, operator, unit, source, note, visit, values, drugs = row
    source = intern.setdefault(source, source)
    note = intern.setdefault(note, note)
    if node_type == Criterion.NodeType.VISIT:
        return engine.VisitCheck(id=pk, source_text=source, note=note)
    if node_type == Criterion.NodeType.LEAF:
        values, drugs = _json(values, intern), _json(drugs, intern)
        return engine.Leaf(
            concept=codes.get(concept_id, ""),
            operator=intern.setdefault(operator, operator),
            values=intern.setdefault(values, values),
            unit=intern.setdefault(unit, unit),
            drugs=intern.setdefault(drugs, drugs),
            id=pk,
            source_text=source,
            note=note,
            confirmed_at_visit=visit,
        )
    return engine.Group(
        op=engine.GroupOp(node_type),
        children=tuple(_node(child, children, codes, intern) for child in children.get(pk, ())),
        id=pk,
        source_text=source,
        note=note,
        confirmed_at_visit=visit,
    )


def _json(text: str, intern: dict) -> tuple:
    """A JSON list column read as text: most are "[]" or a few repeated thresholds, so each
    distinct text is decoded once."""
    found = intern.get(("json", text))
    if found is None:
        found = intern[("json", text)] = tuple(json.loads(text))
    return found


CRITERION_COLUMNS = (
    "trial__trial_id", "pk", "parent_id", "kind", "node_type", "concept_id", "operator", "unit",
    "source_text", "explanation_en", "confirmed_at_visit",
)  # fmt: skip


def published_trial_specs(
    concept_codes: dict[int, str], trial_pks: Iterable[int] | None = None
) -> Iterator[engine.TrialSpec]:
    """The spec of every published trial with at least one criterion (or of those among
    `trial_pks`), in trial id order (Python's), streamed from one query (`Trial.to_spec`
    builds the same from models)."""
    # Byte order, as Python compares strings (PostgreSQL's default collation differs).
    by_trial = Collate("trial__trial_id", "C") if connection.vendor == "postgresql" else "trial__trial_id"
    criteria = Criterion.objects.live().filter(trial__state=Trial.State.PUBLISHED)
    if trial_pks is not None:
        criteria = criteria.filter(trial_id__in=list(trial_pks))
    rows = (
        criteria.order_by(by_trial, "position", "pk")
        .annotate(
            values_text=Cast("values", output_field=TextField()),
            drugs_text=Cast("drugs", output_field=TextField()),
        )
        .values_list(*CRITERION_COLUMNS, "values_text", "drugs_text")
        .iterator(chunk_size=5000)
    )
    intern: dict = {}
    for trial_id, group in groupby(rows, key=itemgetter(0)):
        children: dict[int | None, list[tuple]] = {}
        for row in group:
            children.setdefault(row[2], []).append(row[1:])
        roots = children.pop(None, [])
        yield engine.TrialSpec(
            trial_id,
            tuple(
                engine.Criterion(engine.Kind(row[2]), _node(row, children, concept_codes, intern))
                for row in roots
            ),
        )


def _spec_id(spec: engine.TrialSpec) -> str:
    return spec.trial_id


def _trial_infos(published: QuerySet) -> dict[str, TrialInfo]:
    sites: dict[int, list[str]] = {}
    for trial_pk, *parts in Site.objects.filter(trial__in=published).values_list(
        "trial_id", "facility", "city", "country"
    ):
        sites.setdefault(trial_pk, []).append(", ".join(part for part in parts if part))
    return {
        trial_id: TrialInfo(
            trial_id,
            title,
            acronym,
            status,
            status in Trial.RECRUITING_STATUSES,
            tuple(sites.get(pk, ())),
            version,
        )
        for pk, trial_id, title, acronym, status, version in published.values_list(
            "pk", "trial_id", "public_title", "acronym", "status", "criteria_version"
        )
    }


def _specs(published: QuerySet, codes: dict[int, str], trial_pks: Iterable[int] | None = None):
    """Every published trial's spec in trial id order; trials without live criteria are
    screened too (each is eligible)."""
    empty = published.exclude(pk__in=Criterion.objects.live().values("trial_id"))
    if trial_pks is not None:
        trial_pks = list(trial_pks)
        empty = empty.filter(pk__in=trial_pks)
    empty_ids = sorted(empty.values_list("trial_id", flat=True))
    return heapq.merge(
        published_trial_specs(codes, trial_pks),
        (engine.TrialSpec(trial_id, ()) for trial_id in empty_ids),
        key=_spec_id,
    )


def build_catalog(fingerprint: tuple = ()) -> Catalog:
    concepts = {c.code: c for c in Concept.objects.all()}
    specs = {code: c.to_spec() for code, c in concepts.items()}
    codes = {c.pk: code for code, c in concepts.items()}
    drugs = {d.code: d for d in Drug.objects.all()}
    classes = {
        k.code: frozenset(d.code for d in k.drugs.all()) for k in DrugClass.objects.prefetch_related("drugs")
    }
    published = Trial.objects.published()
    # Read before compiling: a change committed in between is then found by the next patch.
    stamps = _stamps(*fingerprint[1:3]) if len(fingerprint) > 2 else {}
    infos = _trial_infos(published)
    plan = compile_plan(_specs(published, codes), specs, classes, drugs)
    return _ready(Catalog(fingerprint, plan, concepts, specs, drugs, infos, stamps=stamps))


def _stamps(trials_seen: datetime | str | None, criteria_seen: datetime | str | None) -> dict[int, tuple]:
    """Each trial changed (itself or a criterion) within LATE_COMMIT of the latest change
    seen, with its own updated_at and its criteria's latest: after a bulk import thousands of
    trials share that window, and a patch must not recompile them all again on every edit."""
    found: dict[int, list] = {}
    if trials_seen is not None:
        since = _moment(trials_seen) - LATE_COMMIT
        for pk, moment in Trial.objects.filter(updated_at__gte=since).values_list("pk", "updated_at"):
            found.setdefault(pk, [None, None])[0] = moment
    if criteria_seen is not None:
        since = _moment(criteria_seen) - LATE_COMMIT
        rows = (
            Criterion.objects.filter(updated_at__gte=since)
            .values("trial_id")
            .annotate(latest=Max("updated_at"))
            .values_list("trial_id", "latest")
        )
        for pk, moment in rows:
            found.setdefault(pk, [None, None])[1] = moment
    return {pk: tuple(moments) for pk, moments in found.items()}


def _ready(catalog: Catalog) -> Catalog:
    """Builds what the first screen would otherwise build (the verdict table, and which
    trials read each concept) before any request sees the catalog."""
    table_of(catalog.plan).reading("")
    return catalog


# A transaction stamps updated_at when it saves, not when it commits: a change committed up to
# this long after a later one was seen is still found by the next patch.
LATE_COMMIT = timedelta(seconds=60)


def patch_catalog(catalog: Catalog, fingerprint: tuple) -> Catalog:
    """`catalog` with the trials changed since it was built compiled again (published,
    withdrawn, criteria edited), every other trial shared as it is: publishing one trial
    costs one trial's compilation, not the catalogue's. A change to concepts or drug
    classes needs `build_catalog`."""
    trials_seen, criteria_seen = catalog.fingerprint[1:3] if len(catalog.fingerprint) > 2 else (None, None)
    published = Trial.objects.published()
    stamps: dict[int, tuple] = {}
    if trials_seen is not None:
        stamps = _stamps(trials_seen, criteria_seen)
        pks = {pk for pk, stamp in stamps.items() if catalog.stamps.get(pk) != stamp}
        rows = Trial.objects.filter(pk__in=pks).values_list("pk", "trial_id", "state")
    else:  # nothing was published when the catalog was built
        rows = published.values_list("pk", "trial_id", "state")
    changed = {pk: trial_id for pk, trial_id, state in rows if state == Trial.State.PUBLISHED}
    removed = {trial_id for _pk, trial_id, state in rows if state != Trial.State.PUBLISHED}
    known = catalog.plan.by_id
    after = (known.keys() - removed) | set(changed.values())
    if len(after) != fingerprint[0]:
        # Deleted, or changed longer ago than LATE_COMMIT: compare every published id.
        every = dict(published.values_list("pk", "trial_id"))
        ids = set(every.values())
        removed |= known.keys() - ids
        changed.update((pk, trial_id) for pk, trial_id in every.items() if trial_id not in known)
    codes = {c.pk: code for code, c in catalog.concepts.items()}
    plan = patch_plan(catalog.plan, _specs(published, codes, changed), removed)
    infos = {trial_id: info for trial_id, info in catalog.trials.items() if trial_id not in removed}
    infos.update(_trial_infos(published.filter(pk__in=list(changed))))
    fresh = set(changed.values()) | removed
    return _ready(
        Catalog(
            fingerprint,
            plan,
            catalog.concepts,
            catalog.specs,
            catalog.drugs,
            infos,
            _vocabularies=catalog._vocabularies,
            stamps=stamps,
            api_fragments={k: v for k, v in catalog.api_fragments.items() if k not in fresh},
        )
    )


def _moment(stamp: datetime | str) -> datetime:
    """A maximum of updated_at as the fingerprint read it (SQLite's cursor gives text)."""
    if isinstance(stamp, datetime):
        return stamp
    moment = parse_datetime(stamp)
    if moment is None:
        raise ValueError(f"not a timestamp: {stamp!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def _patchable(catalog: Catalog, fingerprint: tuple) -> bool:
    """Only trials and criteria changed (concepts and drug class membership did not)."""
    return catalog.fingerprint[3:] == fingerprint[3:] and catalog.plan._compiler is not None


def current_catalog() -> Catalog:
    """The catalog as committed. Every request pays one indexed query; after a publication
    the first request of each worker patches the changed trials in (a few milliseconds per
    trial). A full build happens before a worker takes traffic (`warm_up`), or, when
    concepts or drug classes change, in a background thread while requests keep the
    previous catalog."""
    global _cached
    fingerprint = _fingerprint()
    catalog = _cached
    if catalog is not None and catalog.fingerprint == fingerprint:
        return catalog
    if catalog is not None and not _patchable(catalog, fingerprint) and not connection.in_atomic_block:
        _rebuild_in_background(fingerprint)
        return catalog
    with _lock:
        catalog = _cached
        if catalog is None or catalog.fingerprint != fingerprint:
            if catalog is not None and _patchable(catalog, fingerprint):
                _cached = patch_catalog(catalog, fingerprint)
            else:
                # Nothing to patch, or inside a transaction another thread could not see.
                _cached = _frozen(build_catalog(fingerprint))
        return _cached


def _frozen(catalog: Catalog) -> Catalog:
    # A plan is a few million long-lived objects: left in the collector's generations they are
    # re-scanned whenever requests allocate, which cost seconds per request at 10 000 trials.
    # Frozen, they are skipped (and still freed by reference counting when a newer plan
    # replaces them).
    gc.freeze()
    return catalog


_rebuilding: set[tuple] = set()


def _rebuild_in_background(fingerprint: tuple) -> None:
    with _lock:
        if fingerprint in _rebuilding:
            return
        _rebuilding.add(fingerprint)
    threading.Thread(target=_rebuild, args=(fingerprint,), name="catalog-rebuild", daemon=True).start()


def _rebuild(fingerprint: tuple) -> None:
    global _cached
    try:
        catalog = _frozen(build_catalog(fingerprint))
        with _lock:
            if _cached is None or _cached.fingerprint != _fingerprint():
                _cached = catalog
    finally:
        with _lock:
            _rebuilding.discard(fingerprint)
        connections.close_all()


def warm_up() -> Catalog | None:
    """Compiles the catalog before the process takes traffic (gunicorn.conf.py calls it in
    the master, so every worker starts with it), then closes the database connections a
    forked worker must not share. None when the database cannot be read yet (not migrated,
    or down): the first request builds the catalog instead."""
    try:
        return current_catalog()
    except DatabaseError:
        logger.warning("trial catalog not compiled before traffic: the database cannot be read yet")
        return None
    finally:
        connections.close_all()
