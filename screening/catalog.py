"""The compiled plan of every published trial, shared by all requests of a process.

Building the plan reads every published trial and criterion, so it is done once and reused
until the database says the published criteria changed: each request runs one cheap
aggregate query (the fingerprint) and rebuilds only when it differs. The fingerprint is
read from the database rather than signalled in memory so that every worker process sees a
publication the moment it is committed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Max, Q
from django.utils.translation import get_language, gettext

from screening.engine import ConceptSpec, Plan, Validator, Vocabulary, compile_plan
from screening.engine.explain import Explainer
from trials.models import Concept, Criterion, Drug, DrugClass, Trial


@dataclass(frozen=True)
class TrialInfo:
    trial_id: str
    title: str
    acronym: str
    status: str
    is_recruiting: bool
    sites: tuple[str, ...]
    criteria_version: int


@dataclass
class Catalog:
    fingerprint: tuple
    plan: Plan
    concepts: dict[str, Concept]
    specs: dict[str, ConceptSpec]
    drugs: dict[str, Drug]
    trials: dict[str, TrialInfo]
    _vocabularies: dict[str, Vocabulary] = field(default_factory=dict)

    @cached_property
    def drug_codes(self) -> frozenset[str]:
        return frozenset(self.drugs)

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


def _fingerprint() -> tuple:
    trials = Trial.objects.aggregate(
        published=Count("pk", filter=Q(state=Trial.State.PUBLISHED)), changed=Max("updated_at")
    )
    return (
        trials["published"],
        trials["changed"],
        Criterion.objects.aggregate(changed=Max("updated_at"))["changed"],
        tuple(Concept.objects.aggregate(changed=Max("updated_at"), n=Count("pk")).values()),
        DrugClass.drugs.through.objects.count(),
    )


def build_catalog(fingerprint: tuple = ()) -> Catalog:
    concepts = {c.code: c for c in Concept.objects.all()}
    specs = {code: c.to_spec() for code, c in concepts.items()}
    drugs = {d.code: d for d in Drug.objects.all()}
    classes = {
        k.code: frozenset(d.code for d in k.drugs.all()) for k in DrugClass.objects.prefetch_related("drugs")
    }
    trials = list(Trial.objects.published().with_criteria())
    plan = compile_plan((t.to_spec() for t in trials), specs, classes, drugs)
    infos = {
        t.trial_id: TrialInfo(
            t.trial_id,
            t.public_title,
            t.acronym,
            t.status,
            t.is_recruiting,
            tuple(str(s) for s in t.sites.all()),
            t.criteria_version,
        )
        for t in trials
    }
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
        return _cached
