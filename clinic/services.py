"""Writes of the clinician workspace. Keyword-only functions named <entity>_<action>.

A screening is saved with one result row per published trial; when a trial is published or
its criteria change, `on_trial_criteria_changed` queues a re-screening of every patient's
latest screening against it (see clinic/tasks.py), which adds result rows for the new
criteria version and flags matches that were not there before.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from clinic.models import AuditEvent, Patient, Screening, ScreeningResult, Team
from impact.services import impact_refresh_on_commit
from screening.catalog import Catalog, current_catalog
from screening.results import TrialResult, screen
from trials.models import Trial

logger = logging.getLogger(__name__)

RESCREEN_CHUNK_SIZE = 500
_RANK = {"ineligible": 0, "needs_info": 1, "eligible": 2}


class ScreeningInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def canonical_answers(answers: dict) -> dict:
    """The stored form: unknowns left out, keys sorted, so equal answers are equal JSON."""
    kept = {k: v for k, v in answers.items() if v is not None and v != "unknown"}
    return json.loads(json.dumps(kept, sort_keys=True))


def audit_log(
    *,
    user,
    action: str,
    patient: Patient | None = None,
    screening: Screening | None = None,
    target: str = "",
    path: str = "",
) -> AuditEvent:
    if screening is not None and patient is None:
        patient = screening.patient
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        patient=patient,
        screening=screening,
        target=(target or (patient.pseudonym if patient else ""))[:200],
        path=path[:300],
    )


@transaction.atomic
def patient_create(*, by, team: Team, **fields) -> Patient:
    patient = Patient.objects.create(created_by=by, team=team, **fields)
    audit_log(user=by, action=AuditEvent.Action.CREATE, patient=patient)
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, by, **fields) -> Patient:
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.save()
    audit_log(user=by, action=AuditEvent.Action.UPDATE, patient=patient)
    return patient


def _failed_json(result: TrialResult) -> list[dict]:
    return [
        {
            "criterion_id": r.criterion_id,
            "kind": r.kind,
            "source_text": r.source_text,
            "explanation": r.explanation,
        }
        for r in result.failed
    ]


def _result_row(screening: Screening, trial: Trial, version: int, result: TrialResult, **extra):
    return ScreeningResult(
        screening=screening,
        trial=trial,
        criteria_version=version,
        verdict=result.verdict,
        failed=_failed_json(result),
        missing_concepts=list(result.missing_concepts),
        **extra,
    )


def evaluate_answers(catalog: Catalog, answers: dict, as_of: date, trial_ids: Iterable[str] | None = None):
    """Validated with the shared Validator and screened with the API's own `screen`."""
    validated = catalog.validator().validate(answers, as_of)
    if not validated.ok:
        raise ScreeningInvalid(validated.errors)
    return screen(catalog, validated.values, validated.display, trial_ids)


@transaction.atomic
def screening_save(
    *,
    patient: Patient,
    answers: dict,
    as_of: date,
    by,
    source: str = Screening.Source.FORM,
    provenance: dict | None = None,
) -> Screening:
    """Saves the answers and one result per published trial; raises ScreeningInvalid (and
    saves nothing) when the shared Validator refuses an answer."""
    catalog = current_catalog()
    answers = canonical_answers(answers)
    results = evaluate_answers(catalog, answers, as_of)
    screening = Screening.objects.create(
        patient=patient,
        answers=answers,
        as_of=as_of,
        source=source,
        provenance=provenance or {},
        created_by=by,
    )
    trials = Trial.objects.in_bulk([r.info.trial_id for r in results], field_name="trial_id")
    ScreeningResult.objects.bulk_create(
        _result_row(screening, trials[r.info.trial_id], r.info.criteria_version, r) for r in results
    )
    audit_log(user=by, action=AuditEvent.Action.SCREEN, screening=screening)
    impact_refresh_on_commit()  # every trial's attrition counts this patient
    return screening


def trial_rescreen_patients(*, trial_id: int, screening_ids: Iterable[int] | None = None) -> int:
    """Re-screens the given screenings (default: every patient's latest) against the
    trial's currently published criteria; returns how many results were added.

    Idempotent: a (screening, trial, criteria version) that already has a result is skipped,
    so a retried or duplicated chunk does no harm. A match is flagged new when it is better
    than the screening's previous result for the trial (or there was none)."""
    trial = Trial.objects.filter(pk=trial_id).first()
    if trial is None or not trial.is_published:
        return 0
    catalog = current_catalog()
    info = catalog.trials.get(trial.trial_id)
    if info is None:
        return 0
    version = info.criteria_version
    screenings = Screening.objects.latest_per_patient() if screening_ids is None else Screening.objects
    if screening_ids is not None:
        screenings = screenings.filter(pk__in=list(screening_ids))
    done = ScreeningResult.objects.filter(screening=OuterRef("pk"), trial=trial, criteria_version=version)
    screenings = screenings.exclude(Exists(done))
    previous: dict[int, ScreeningResult] = {}
    for row in ScreeningResult.objects.filter(trial=trial, screening__in=screenings).order_by(
        "criteria_version", "pk"
    ):
        previous[row.screening_id] = row
    rows = []
    for screening in screenings.iterator(chunk_size=RESCREEN_CHUNK_SIZE):
        try:
            (result,) = evaluate_answers(catalog, screening.answers, screening.as_of, [trial.trial_id])
        except ScreeningInvalid as error:
            # Answers valid when saved can fail a vocabulary changed since (a removed choice):
            # skipped and logged, never a half-done chunk.
            logger.warning("screening %s not re-screened: %s", screening.pk, error)
            continue
        before = previous.get(screening.pk)
        rank_before = _RANK.get(before.verdict, 0) if before else 0
        is_new = result.verdict in ("eligible", "needs_info") and _RANK[result.verdict] > rank_before
        # The coordinator's referral follows the patient from one criteria version to the next.
        referral = before.referral_status if before else ScreeningResult.Referral.NOT_REFERRED
        rows.append(_result_row(screening, trial, version, result, is_new=is_new, referral_status=referral))
    try:
        with transaction.atomic():
            created = ScreeningResult.objects.bulk_create(rows)
    except IntegrityError:
        # Another worker wrote some of the same results meanwhile: insert what is missing.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                created.append(row)
            except IntegrityError:
                continue
    return len(created)


def trial_rescreen_chunks(*, trial_id: int, chunk_size: int | None = None) -> list[list[int]]:
    """The latest screening of every patient, in chunks for separate workers."""
    chunk_size = chunk_size or RESCREEN_CHUNK_SIZE
    ids = list(Screening.objects.latest_per_patient().order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]


def on_trial_criteria_changed(trial: Trial) -> None:
    """Call when a trial is published or its criteria change: queues the re-screening once
    the transaction commits (a rolled-back publication re-screens nothing)."""
    from clinic import tasks  # the tasks module imports these services

    if not Screening.objects.exists():
        return
    trial_pk = trial.pk
    transaction.on_commit(lambda: tasks.rescreen_trial.delay(trial_pk))


@transaction.atomic
def results_mark_seen(*, patient: Patient, by) -> int:
    count = ScreeningResult.objects.filter(screening__patient=patient, is_new=True).update(is_new=False)
    if count:
        audit_log(user=by, action=AuditEvent.Action.UPDATE, patient=patient, target="new matches seen")
    return count


@transaction.atomic
def result_set_referral(*, result: ScreeningResult, status: str, by) -> ScreeningResult:
    if status not in ScreeningResult.Referral.values:
        raise ValueError(f"unknown referral status {status!r}")
    result.referral_status = status
    result.referral_updated_at = timezone.now()
    result.referral_updated_by = by
    result.save(update_fields=["referral_status", "referral_updated_at", "referral_updated_by"])
    audit_log(
        user=by,
        action=AuditEvent.Action.REFERRAL,
        screening=result.screening,
        target=f"{result.trial.trial_id}: {status}",
    )
    return result
