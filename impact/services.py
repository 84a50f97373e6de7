"""Attrition summaries and what-if questions over the stored clinic screenings.

The population: for each patient, their latest screening saved within the date range (a
patient screened three times counts once, with their most recent answers), narrowed by the
audience filters. Stored answers are validated again and evaluated with the trial's CURRENT
criteria tree (published or not), never the verdicts stored at the time, so the numbers
follow the criteria a curator is looking at.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from clinic.models import Screening
from config.queueing import enqueue, enqueue_on_commit
from engine import CompiledTrial, TrialSpec, Verdict, compile_plan, evaluate_trial
from impact import tasks
from impact.analysis import attrition, modified_spec
from impact.models import AttritionSummary
from screening.catalog import Catalog, current_catalog
from trials.models import DrugClass, Trial

logger = logging.getLogger(__name__)

# Saves arrive in bursts (a clinic afternoon, an import): the refresh waits a little so one
# computation covers the whole burst; later duplicates find nothing stale and stop.
REFRESH_DELAY_SECONDS = 10
# Filtered summaries not viewed for this long are dropped rather than recomputed.
FILTERED_SUMMARY_TTL = timedelta(days=30)

AGE_BANDS = {"18-39": (18, 39), "40-59": (40, 59), "60+": (60, 200)}
FILTER_FIELDS = ("date_from", "date_to", "team", "sex", "age_band")


def filter_key(filters: dict) -> str:
    """The canonical form of the filters: equal filters, one summary row."""
    return urlencode([(k, str(filters[k])) for k in FILTER_FIELDS if filters.get(k) not in (None, "")])


def _plain(filters: dict) -> dict:
    plain = {}
    for k in FILTER_FIELDS:
        value = filters.get(k)
        if value in (None, ""):
            continue
        plain[k] = value.isoformat() if isinstance(value, date) else getattr(value, "pk", value)
    return plain


def population(catalog: Catalog, filters: dict) -> list[dict]:
    """Validated answers of each patient's latest screening matching the filters. Answers
    the current vocabulary refuses (a choice removed since) are left out and logged."""
    screenings = Screening.objects.all()
    if filters.get("date_from"):
        screenings = screenings.filter(screened_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        screenings = screenings.filter(screened_at__date__lte=filters["date_to"])
    if filters.get("team"):
        screenings = screenings.filter(patient__team_id=getattr(filters["team"], "pk", filters["team"]))
    if filters.get("sex"):
        screenings = screenings.filter(patient__sex=filters["sex"])
    band = AGE_BANDS.get(filters.get("age_band") or "")
    rows = screenings.order_by("patient_id", "-screened_at", "-pk").values_list(
        "patient_id", "answers", "as_of", "patient__year_of_birth"
    )
    validator = catalog.validator()
    answers, seen = [], set()
    for patient_id, raw, as_of, year_of_birth in rows.iterator(chunk_size=2000):
        if patient_id in seen:
            continue
        seen.add(patient_id)
        if band and (year_of_birth is None or not band[0] <= as_of.year - year_of_birth <= band[1]):
            continue
        validated = validator.validate(raw, as_of)
        if not validated.ok:
            logger.warning("patient %s left out of attrition: %s", patient_id, validated.errors)
            continue
        answers.append(validated.values)
    return answers


def compile_trial(spec: TrialSpec, catalog: Catalog) -> CompiledTrial:
    """Compiles one trial's tree; raises CriterionError naming the node and field."""
    classes = {
        k.code: frozenset(d.code for d in k.drugs.all()) for k in DrugClass.objects.prefetch_related("drugs")
    }
    return compile_plan([spec], catalog.specs, classes, catalog.drug_codes).trials[0]


def trial_spec(trial: Trial) -> TrialSpec:
    return Trial.objects.with_criteria().get(pk=trial.pk).to_spec()


def summary_payload(trial: Trial, catalog: Catalog, answers: list[dict]) -> dict:
    spec = trial_spec(trial)
    compiled = compile_trial(spec, catalog)
    payload = attrition(compiled, answers).as_payload()
    payload["visit"] = [c.node.source_text for c in compiled.visit]
    return payload


def attrition_summary_get_or_request(*, trial: Trial, filters: dict) -> AttritionSummary:
    """The summary for these filters; a missing one is created and its computation queued."""
    key = filter_key(filters)
    summary, created = AttritionSummary.objects.get_or_create(
        trial=trial, filter_key=key, defaults={"filters": _plain(filters)}
    )
    if created:
        _queue_refresh(trial.pk, delay=0)
    else:
        AttritionSummary.objects.filter(pk=summary.pk).update(last_viewed_at=timezone.now())
    return AttritionSummary.objects.get(pk=summary.pk) if created else summary


def _queue_refresh(trial_id: int | None, delay: int = REFRESH_DELAY_SECONDS) -> None:

    # The rows are marked stale first: a broker that is down costs a sweep's delay, not the refresh.
    enqueue_on_commit(tasks.refresh_attrition, trial_id, countdown=delay)


def impact_refresh_on_commit(trial_id: int | None = None, *, delay: int = REFRESH_DELAY_SECONDS) -> None:
    """Call when a trial's criteria change (trial_id) or a screening is saved (None: every
    trial counts the patient); the summaries are recomputed once the transaction commits.

    A criteria change marks its trial's summaries stale inside the caller's transaction, so
    the request survives a lost task. A screening save marks them only after its commit: saves
    are frequent and concurrent, and holding locks on every summary row until each clinician's
    save commits would serialise them; a save whose marking is lost is counted at the next."""
    if trial_id is None:
        transaction.on_commit(lambda: _mark_stale_and_queue(None, delay))
        return
    if AttritionSummary.objects.filter(trial_id=trial_id).update(requested_at=timezone.now()):
        _queue_refresh(trial_id, delay)


def _mark_stale_and_queue(trial_id: int | None, delay: int) -> None:

    if AttritionSummary.objects.update(requested_at=timezone.now()):
        enqueue(tasks.refresh_attrition, trial_id, countdown=delay)


def attrition_summaries_requeue_stale(*, older_than: timedelta = timedelta(minutes=1)) -> bool:
    """Queues one refresh when some summary has been stale for longer than `older_than` (its
    task was lost with the broker, or died with its worker); True when one was queued."""

    owed = AttritionSummary.objects.stale().filter(requested_at__lt=timezone.now() - older_than)
    if not owed.exists():
        return False
    # One refresh of every stale row: it computes each filter's population once for all trials.
    return enqueue(tasks.refresh_attrition, None)


def attrition_summaries_refresh(*, trial_id: int | None = None) -> int:
    """Recomputes every stale summary (of one trial, or all); returns how many were computed.
    Idempotent: a summary computed after its last request is left alone."""
    started = timezone.now()
    rows = AttritionSummary.objects.stale().select_related("trial")
    if trial_id is not None:
        rows = rows.filter(trial_id=trial_id)
    forgotten = rows.exclude(filter_key="").filter(last_viewed_at__lt=started - FILTERED_SUMMARY_TTL)
    forgotten.delete()
    by_key: dict[str, list[AttritionSummary]] = {}
    for summary in rows:
        by_key.setdefault(summary.filter_key, []).append(summary)
    if not by_key:
        return 0
    catalog = current_catalog()
    done = 0
    for summaries in by_key.values():
        answers = population(catalog, _filters_from_plain(summaries[0].filters))
        for summary in summaries:
            trial = summary.trial
            version = trial.criteria_version
            try:
                payload = summary_payload(trial, catalog, answers)
            except ValueError as error:  # a draft tree that does not compile
                payload = {"error": str(error)}
            AttritionSummary.objects.filter(pk=summary.pk).update(
                payload=payload, criteria_version=version, computed_at=started
            )
            done += 1
    return done


def _filters_from_plain(plain: dict) -> dict:
    filters = dict(plain)
    for name in ("date_from", "date_to"):
        if filters.get(name):
            filters[name] = date.fromisoformat(filters[name])
    return filters


@dataclass
class WhatIf:
    before: dict[str, int]
    after: dict[str, int]
    # Patients whose verdict got better (e.g. ineligible -> eligible or needs information).
    gained: int
    screened: int


_RANK = {"ineligible": 0, "needs_info": 1, "eligible": 2}


def whatif_run(
    *,
    trial: Trial,
    filters: dict,
    switched_off: Iterable[int] = (),
    values: dict[int, tuple] | None = None,
) -> WhatIf:
    """Evaluates the same population with the current and the modified criteria. Raises
    CriterionError (with the offending node id and field) when the change does not compile."""
    catalog = current_catalog()
    spec = trial_spec(trial)
    current = compile_trial(spec, catalog)
    modified = compile_trial(modified_spec(spec, switched_off=switched_off, values=values), catalog)
    answers = population(catalog, filters)
    before_counts = {v.value: 0 for v in Verdict}
    after_counts = dict(before_counts)
    gained = 0
    for patient in answers:
        before = evaluate_trial(current, patient).verdict.value
        after = evaluate_trial(modified, patient).verdict.value
        before_counts[before] += 1
        after_counts[after] += 1
        gained += _RANK[after] > _RANK[before]
    return WhatIf(before_counts, after_counts, gained, len(answers))
