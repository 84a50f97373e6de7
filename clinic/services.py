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
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation

from audit.models import AuditEvent
from clinic import tasks
from clinic.models import Patient, Screening, ScreeningResult, Team
from clinic.signals import patient_erased, screening_saved
from config.queueing import enqueue, enqueue_on_commit
from screening.catalog import Catalog, current_catalog
from screening.results import TrialResult, failure_explanations, screen
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
    user=None,
    action: str,
    patient: Patient | None = None,
    screening: Screening | None = None,
    target: str = "",
    request=None,
) -> AuditEvent:
    """An audit event about a patient (or a screening of theirs): the trail keeps the ids and
    the pseudonym as values, so it outlives the patient's erasure."""
    if screening is not None and patient is None:
        patient = screening.patient
    return AuditEvent.objects.record(
        action,
        request=request,
        user=user,
        patient_id=patient.pk if patient else None,
        screening_id=screening.pk if screening else None,
        target=target or (patient.pseudonym if patient else ""),
    )


@transaction.atomic
def patient_create(*, by, team: Team, **fields) -> Patient:
    patient = Patient.objects.create(created_by=by, team=team, **fields)
    audit_log(user=by, action=AuditEvent.Action.CREATE, patient=patient)
    return patient


@transaction.atomic
def patient_erase(*, patient: Patient, by, request=None) -> None:
    """Erases the patient with every screening and result (what the team typed and what was
    computed from it); the audit trail records who did it and keeps its earlier events."""
    audit_log(user=by, action=AuditEvent.Action.ERASE, patient=patient, request=request)
    pk = patient.pk
    patient.delete()
    patient_erased.send(sender=Patient, patient_id=pk)
    logger.info("clinic patient %s erased", pk)


@transaction.atomic
def patient_update(*, patient: Patient, by, **fields) -> Patient:
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.save()
    audit_log(user=by, action=AuditEvent.Action.UPDATE, patient=patient)
    return patient


Explanations = dict[str, tuple[str, ...]]  # language -> each failed criterion's explanation


def _failed_json(result: TrialResult, explanations: Explanations) -> list[dict]:
    return [
        {
            "criterion_id": r.criterion_id,
            "kind": r.kind,
            "source_text": r.source_text,
            "explanation": r.explanation,
            # Stored in every language: a French coordinator reads a result an English
            # clinician (or the re-screening worker) saved.
            "explanations": {lang: texts[i] for lang, texts in explanations.items()},
        }
        for i, r in enumerate(result.failed)
    ]


def _result_row(
    screening: Screening, trial: Trial, version: int, result: TrialResult, explanations: Explanations, **extra
):
    return ScreeningResult(
        screening=screening,
        trial=trial,
        criteria_version=version,
        revision=trial.revision_number(version),
        verdict=result.verdict,
        failed=_failed_json(result, explanations),
        missing_concepts=list(result.missing_concepts),
        **extra,
    )


def evaluate_answers(catalog: Catalog, answers: dict, as_of: date, trial_ids: Iterable[str] | None = None):
    """Validated with the shared Validator and screened with the API's own `screen`."""
    return _evaluate(catalog, answers, as_of, trial_ids)[0]


def _evaluate(
    catalog: Catalog, answers: dict, as_of: date, trial_ids: Iterable[str] | None = None
) -> tuple[list[TrialResult], list[Explanations]]:
    """`evaluate_answers`, plus each result's failure explanations in every site language."""
    validated = catalog.validator().validate(answers, as_of)
    if not validated.ok:
        raise ScreeningInvalid(validated.errors)
    results = screen(catalog, validated.values, validated.display, trial_ids)
    worded: list[Explanations] = [{} for _ in results]
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            for texts, explained in zip(
                worded,
                failure_explanations(catalog, validated.values, validated.display, results),
                strict=True,
            ):
                texts[lang] = explained
    return results, worded


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
    results, explanations = _evaluate(catalog, answers, as_of)
    screening = Screening.objects.create(
        patient=patient,
        answers=answers,
        as_of=as_of,
        source=source,
        provenance=provenance or {},
        created_by=by,
    )
    trials = Trial.objects.in_bulk([r.info.trial_id for r in results], field_name="trial_id")
    # The coordinator's referral is about the patient and the trial: a new screening keeps it.
    referrals = dict(  # in time order, so the newest result of each trial wins
        ScreeningResult.objects.filter(screening__patient=patient)
        .exclude(screening=screening)
        .order_by("screening__screened_at", "screening__pk", "criteria_version", "pk")
        .values_list("trial_id", "referral_status")
    )
    ScreeningResult.objects.bulk_create(
        _result_row(
            screening,
            trials[r.info.trial_id],
            r.info.criteria_version,
            r,
            worded,
            referral_status=referrals.get(trials[r.info.trial_id].pk, ScreeningResult.Referral.NOT_REFERRED),
        )
        for r, worded in zip(results, explanations, strict=True)
    )
    audit_log(user=by, action=AuditEvent.Action.SCREEN, screening=screening)
    screening_saved.send(sender=Screening, screening=screening)
    return screening


def trial_rescreen_patients(*, trial_id: int, screening_ids: Iterable[int] | None = None) -> int:
    """Re-screens the given screenings (default: every patient's latest) against the
    trial's currently published criteria; returns how many results were added.

    Idempotent: a (screening, trial, criteria version) that already has a result is skipped,
    so a retried or duplicated chunk does no harm. A match is flagged new when it is better
    than the screening's previous result for the trial (or there was none)."""
    target = _rescreen_target(trial_id)
    if target is None:
        return 0
    trial, version, catalog = target
    screenings = Screening.objects.latest_per_patient() if screening_ids is None else Screening.objects
    if screening_ids is not None:
        screenings = screenings.filter(pk__in=list(screening_ids))
    screenings = _without_result(screenings, trial, version)
    previous: dict[int, ScreeningResult] = {}
    for row in ScreeningResult.objects.filter(trial=trial, screening__in=screenings).order_by(
        "criteria_version", "pk"
    ):
        previous[row.screening_id] = row
    rows = []
    for screening in screenings.iterator(chunk_size=RESCREEN_CHUNK_SIZE):
        try:
            (result,), (worded,) = _evaluate(catalog, screening.answers, screening.as_of, [trial.trial_id])
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
        rows.append(
            _result_row(screening, trial, version, result, worded, is_new=is_new, referral_status=referral)
        )
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


def _rescreen_target(trial_id: int) -> tuple[Trial, int, Catalog] | None:
    """The published trial, the criteria version screenings are re-screened against, and the
    catalog to do it with; None when there is nothing to screen against."""
    trial = Trial.objects.filter(pk=trial_id).first()
    if trial is None or not trial.is_published:
        return None
    catalog = current_catalog()
    info = catalog.trials.get(trial.trial_id)
    if info is None:
        return None
    return trial, info.criteria_version, catalog


def _without_result(screenings, trial: Trial, version: int):
    done = ScreeningResult.objects.filter(screening=OuterRef("pk"), trial=trial, criteria_version=version)
    return screenings.exclude(Exists(done))


def trial_rescreen_version(*, trial_id: int) -> int | None:
    """The criteria version a re-screening of the trial would use now (None: unpublished)."""
    target = _rescreen_target(trial_id)
    return None if target is None else target[1]


def trial_rescreen_chunks(*, trial_id: int, chunk_size: int | None = None) -> list[list[int]]:
    """The latest screening of every patient still without a result for the trial's current
    criteria, in chunks for separate workers. A repeated fan-out (the sweep, a redelivered
    task) therefore only sends what is still missing."""
    target = _rescreen_target(trial_id)
    if target is None:
        return []
    trial, version, _ = target
    chunk_size = chunk_size or RESCREEN_CHUNK_SIZE
    pending = _without_result(Screening.objects.latest_per_patient(), trial, version)
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + chunk_size] for start in range(0, len(ids), chunk_size)]


def trial_mark_rescreened(*, trial_id: int, version: int) -> bool:
    """Records that the re-screening for `version` was fully queued; never moves backwards,
    so a slow fan-out for an old version cannot hide a newer one still owed."""
    behind = Q(rescreened_version__isnull=True) | Q(rescreened_version__lt=version)
    return bool(Trial.objects.filter(behind, pk=trial_id).update(rescreened_version=version))


def trials_rescreen_stale(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Queues the re-screening of every published trial whose criteria are newer than the
    last fully queued re-screening (the broker was down when it changed, or the fan-out
    died), once the change is `older_than` old so the on-commit task normally gets there
    first. Returns the trial ids queued."""
    owed = (
        Trial.objects.published()
        .filter(Q(rescreened_version__isnull=True) | Q(rescreened_version__lt=F("criteria_version")))
        .filter(updated_at__lt=timezone.now() - older_than)
    )
    trial_ids = list(owed.order_by("pk").values_list("pk", flat=True))
    for trial_id in trial_ids:
        enqueue(tasks.rescreen_trial, trial_id)
    return trial_ids


def on_trial_criteria_changed(trial: Trial) -> None:
    """Call when a trial is published or its criteria change: queues the re-screening once
    the transaction commits (a rolled-back publication re-screens nothing). A broker that is
    down loses nothing: the trial's rescreened_version stays behind and the sweep queues it."""
    if not Screening.objects.exists():
        return
    enqueue_on_commit(tasks.rescreen_trial, trial.pk)


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
