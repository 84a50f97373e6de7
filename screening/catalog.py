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
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from operator import itemgetter

from django.db import connection, connections
from django.db.models import TextField
from django.db.models.functions import Cast, Collate
from django.utils.translation import get_language, gettext

from engine import ConceptSpec, Plan, Validator, Vocabulary, compile_plan, trial_visit_texts
from engine import types as engine
from engine.explain import Explainer
from engine.plan import CompiledTrial
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
    _visit_texts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def visit_texts(self, trial: CompiledTrial) -> tuple[str, ...]:
        """The trial's "confirmed at the visit" texts, worked out once per plan."""
        found = self._visit_texts.get(trial.trial_id)
        if found is None:
            found = self._visit_texts[trial.trial_id] = trial_visit_texts(trial)
        return found

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


def published_trial_specs(concept_codes: dict[int, str]) -> Iterator[engine.TrialSpec]:
    """The spec of every published trial with at least one criterion, in trial id order
    (Python's), streamed from one query (`Trial.to_spec` builds the same from models)."""
    # Byte order, as Python compares strings (PostgreSQL's default collation differs).
    by_trial = Collate("trial__trial_id", "C") if connection.vendor == "postgresql" else "trial__trial_id"
    rows = (
        Criterion.objects.live()
        .filter(trial__state=Trial.State.PUBLISHED)
        .order_by(by_trial, "position", "pk")
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


def build_catalog(fingerprint: tuple = ()) -> Catalog:
    concepts = {c.code: c for c in Concept.objects.all()}
    specs = {code: c.to_spec() for code, c in concepts.items()}
    codes = {c.pk: code for code, c in concepts.items()}
    drugs = {d.code: d for d in Drug.objects.all()}
    classes = {
        k.code: frozenset(d.code for d in k.drugs.all()) for k in DrugClass.objects.prefetch_related("drugs")
    }
    published = Trial.objects.published()
    sites: dict[int, list[str]] = {}
    for trial_pk, *parts in Site.objects.filter(trial__in=published).values_list(
        "trial_id", "facility", "city", "country"
    ):
        sites.setdefault(trial_pk, []).append(", ".join(part for part in parts if part))
    infos = {
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
    # Trials without criteria are screened too (each is eligible), in trial id order.
    empty = sorted(
        published.exclude(pk__in=Criterion.objects.live().values("trial_id")).values_list(
            "trial_id", flat=True
        )
    )
    every_trial = heapq.merge(
        published_trial_specs(codes), (engine.TrialSpec(trial_id, ()) for trial_id in empty), key=_spec_id
    )
    plan = compile_plan(every_trial, specs, classes, drugs)
    return Catalog(fingerprint, plan, concepts, specs, drugs, infos)


def current_catalog() -> Catalog:
    global _cached
    fingerprint = _fingerprint()
    catalog = _cached
    if catalog is not None and catalog.fingerprint == fingerprint:
        return catalog
    with _lock:
        if _cached is None or _cached.fingerprint != fingerprint:
            _cached = build_catalog(fingerprint)
            # A plan is a few million long-lived objects: left in the collector's generations
            # they are re-scanned whenever requests allocate, which cost seconds per request
            # at 10 000 trials. Frozen, they are skipped (and still freed by reference
            # counting when a newer plan replaces them).
            gc.freeze()
        return _cached
