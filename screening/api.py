"""The public JSON API (shared/spec/api.md): screen answers, list concepts and trials.

Bad input is always a 400 whose `errors` name the concept or envelope field at fault (413
for oversized bodies); nothing is evaluated or stored unless the whole request is valid.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from config.ratelimit import ratelimit
from screening import nearby
from screening.catalog import current_catalog
from screening.fhir import MAX_BUNDLE_BYTES, BundleError, map_bundle
from screening.jsonbody import REPORTED_DEPTH, JSONTooDeep, loads
from screening.results import VERDICTS, parse_as_of, screen_response
from trials.checks import VocabularyContext
from trials.models import Concept, Criterion, Trial

ENVELOPE = ("answers", "as_of", "trials", "verdicts", "limit", "mode", "near")
MAX_LIMIT = 1000
MODES = ("patient", "clinician")


def _errors(errors: dict[str, str], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _read_body(request: HttpRequest, limit: int, field: str = "body") -> tuple[bytes, JsonResponse | None]:
    """The raw body, read here within `limit` rather than through request.body, whose
    DATA_UPLOAD_MAX_MEMORY_SIZE check would raise instead of answering 413."""
    too_big = _errors({field: f"the request body is larger than {limit} bytes"}, status=413)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return b"", _errors({field: "invalid Content-Length"})
    if declared > limit:
        return b"", too_big
    body = request.read(limit + 1)
    if len(body) > limit:
        return b"", too_big
    return body, None


def _read_json(request: HttpRequest) -> tuple[object, JsonResponse | None]:
    body, problem = _read_body(request, settings.SCREEN_MAX_BODY_BYTES)
    if problem:
        return None, problem
    try:
        return loads(body), None
    except JSONTooDeep as error:
        # The concept (or envelope field) whose value nests too deeply, as for any bad value.
        field = error.path[-1] if error.path else "body"
        return None, _errors({field: f"nested more than {REPORTED_DEPTH} levels deep"})
    except ValueError:  # UnicodeDecodeError included
        return None, _errors({"body": "the request body is not valid JSON"})


@csrf_exempt
@require_POST
@ratelimit("api")
def screen_view(request: HttpRequest) -> HttpResponse:
    payload, problem = _read_json(request)
    if problem:
        return problem
    if not isinstance(payload, dict):
        return _errors({"body": 'the request body must be a JSON object with "answers"'})
    errors: dict[str, str] = {str(key): "unknown field" for key in payload if key not in ENVELOPE}
    if "answers" not in payload:
        errors["answers"] = "answers is required (an object; use {} when nothing is known)"

    as_of = timezone.localdate()
    if payload.get("as_of") is not None:
        try:
            as_of = parse_as_of(payload["as_of"])
        except ValueError as error:
            errors["as_of"] = str(error)

    catalog = current_catalog()
    trial_ids = payload.get("trials")
    if trial_ids is not None:
        if not isinstance(trial_ids, list) or not all(isinstance(t, str) for t in trial_ids):
            errors["trials"] = "trials must be a list of trial ids"
        else:
            unknown = [t for t in trial_ids if t not in catalog.plan.by_id]
            if unknown:
                errors["trials"] = "unknown or unpublished trial id(s): " + ", ".join(unknown)
            trial_ids = list(dict.fromkeys(trial_ids))

    verdicts = payload.get("verdicts")
    if verdicts is not None and (
        not isinstance(verdicts, list) or not all(isinstance(v, str) and v in VERDICTS for v in verdicts)
    ):
        errors["verdicts"] = "verdicts must be a list of " + ", ".join(VERDICTS)
    limit = payload.get("limit")
    if limit is not None and (
        not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT
    ):
        errors["limit"] = f"limit must be a whole number from 1 to {MAX_LIMIT}"
    mode = "patient" if payload.get("mode") is None else payload["mode"]
    if mode not in MODES:
        errors["mode"] = "mode must be patient or clinician"

    # Where the patient lives only orders and annotates the results: it is neither stored nor
    # logged (the request body never is).
    near = None
    if payload.get("near") is not None:
        try:
            near = nearby.point_from_json(payload["near"])
        except ValueError as error:
            errors["near"] = str(error)

    answers = payload.get("answers", {})
    validated = catalog.validator().validate(answers, as_of)
    errors.update(validated.errors)
    if errors:
        return _errors(errors)
    response = screen_response(
        catalog,
        validated.values,
        validated.display,
        # Given, even as "unknown": never proposed again as the next question.
        asked=[code for code, value in answers.items() if value is not None],
        trial_ids=trial_ids,
        verdicts=verdicts,
        limit=limit,
        mode=mode,
        near=near,
    )
    # orjson: at 10 000 trials the body is megabytes, which the json module encodes ~10x slower.
    body = orjson.dumps({"as_of": as_of.isoformat(), **response})
    return HttpResponse(body, content_type="application/json")


FHIR_PARAMETERS = ("as_of", "trials", "verdicts", "limit", "mode")


def _list_parameter(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


@csrf_exempt
@require_POST
@ratelimit("api")
def screen_fhir_view(request: HttpRequest) -> HttpResponse:
    """POST /api/v1/screen/fhir: a FHIR R4 Bundle in, the answers read from it, where each
    came from, what was not used and why, and the same results as /api/v1/screen."""
    errors: dict[str, str] = {
        str(key): "unknown query parameter" for key in request.GET if key not in FHIR_PARAMETERS
    }
    as_of = timezone.localdate()
    if request.GET.get("as_of"):
        try:
            as_of = parse_as_of(request.GET["as_of"])
        except ValueError as error:
            errors["as_of"] = str(error)
    catalog = current_catalog()
    trial_ids = None
    if "trials" in request.GET:
        trial_ids = list(dict.fromkeys(_list_parameter(request.GET["trials"])))
        unknown = [t for t in trial_ids if t not in catalog.plan.by_id]
        if not trial_ids:
            errors["trials"] = "trials must be comma-separated trial ids"
        elif unknown:
            errors["trials"] = "unknown or unpublished trial id(s): " + ", ".join(unknown)
    verdicts = None
    if "verdicts" in request.GET:
        verdicts = _list_parameter(request.GET["verdicts"])
        if not verdicts or any(v not in VERDICTS for v in verdicts):
            errors["verdicts"] = "verdicts must be comma-separated values among " + ", ".join(VERDICTS)
    limit = None
    if "limit" in request.GET:
        raw_limit = request.GET["limit"].strip()
        if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_LIMIT:
            limit = int(raw_limit)
        else:
            errors["limit"] = f"limit must be a whole number from 1 to {MAX_LIMIT}"
    mode = request.GET.get("mode") or "patient"
    if mode not in MODES:
        errors["mode"] = "mode must be patient or clinician"
    body, problem = _read_body(request, MAX_BUNDLE_BYTES, field="bundle")
    if problem:
        return problem
    if errors:
        return _errors(errors)
    try:
        imported = map_bundle(body, catalog=catalog, as_of=as_of)
    except BundleError as error:
        message = error.message
        if error.invalid:
            where = ["(bundle)" if item.index is None else str(item.index) for item in error.invalid]
            message += " " + "; ".join(
                f"entry {at} {item.resource_type}: {item.message}"
                for at, item in zip(where[:20], error.invalid[:20], strict=False)
            )
        return _errors({error.field: message})
    answers = imported.answers()
    validated = catalog.validator().validate(answers, as_of)
    if validated.errors:
        # Each value passed the Validator alone; only a cross-field check can refuse them here.
        return _errors(
            {code: f"read from the bundle: {message}" for code, message in validated.errors.items()}
        )
    response = screen_response(
        catalog,
        validated.values,
        validated.display,
        asked=list(answers),
        trial_ids=trial_ids,
        verdicts=verdicts,
        limit=limit,
        mode=mode,
    )
    body = orjson.dumps(
        {
            "as_of": as_of.isoformat(),
            "answers": answers,
            "provenance": imported.provenance(),
            "unused": [item.as_json() for item in imported.unused],
            **response,
        }
    )
    return HttpResponse(body, content_type="application/json")


def concept_json(concept: Concept) -> dict:
    return {
        "code": concept.code,
        "type": concept.type,
        "section": concept.section,
        "label": concept.label,
        "canonical_unit": concept.canonical_unit,
        "accepted_units": concept.accepted_units,
        "choices": [{"code": c, "label": concept.choice_label(c)} for c in concept.choice_codes],
        "minimum": concept.minimum,
        "maximum": concept.maximum,
        "step": concept.step,
        "clinician_question": concept.clinician_question,
        "patient_question": concept.patient_question,
        "help_text": concept.help_text,
    }


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def concepts_view(request: HttpRequest) -> JsonResponse:
    concepts = Concept.objects.all()
    return JsonResponse({"concepts": [concept_json(c) for c in concepts]})


def criterion_json(node: Criterion, ctx: VocabularyContext) -> dict:
    data = {
        "id": node.pk,
        "kind": node.kind,
        "type": node.node_type,
        "source_text": node.source_text,
        "explanation": node.shown_explanation(ctx),
        "confirmed_at_visit": node.confirmed_at_visit or node.node_type == Criterion.NodeType.VISIT,
    }
    if node.node_type == Criterion.NodeType.LEAF:
        data.update(
            concept=node.concept.code if node.concept else None,
            operator=node.operator,
            values=node.values,
            unit=node.unit,
            drugs=node.drugs,
        )
    else:
        data["children"] = [criterion_json(child, ctx) for child in node.tree_children]
    data["concepts"] = sorted(_concepts(node))
    return data


def _concepts(node: Criterion) -> set[str]:
    if node.node_type == Criterion.NodeType.LEAF:
        return {node.concept.code} if node.concept else set()
    return set().union(*(_concepts(child) for child in node.tree_children))


def trial_json(trial: Trial, ctx: VocabularyContext) -> dict:
    return {
        "trial_id": trial.trial_id,
        "other_ids": trial.other_ids,
        "registry": trial.registry,
        "title": trial.public_title,
        "scientific_title": trial.scientific_title,
        "acronym": trial.acronym,
        "sponsor": trial.sponsor,
        "status": trial.status,
        "phase": trial.phase,
        "conditions": trial.conditions,
        "target_enrollment": trial.target_enrollment,
        "source_url": trial.source_url,
        "criteria_version": trial.criteria_version,
        "revision": trial.live_revision.number if trial.live_revision else None,
        "published_at": trial.published_at.isoformat() if trial.published_at else None,
        "sites": [{"facility": s.facility, "city": s.city, "country": s.country} for s in trial.sites.all()],
        "criteria": [criterion_json(root, ctx) for root in trial.root_criteria()],
    }


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def trials_view(request: HttpRequest) -> JsonResponse:
    trials = Trial.objects.published().with_criteria()
    ctx = Concept.objects.vocabulary()
    return JsonResponse({"trials": [trial_json(t, ctx) for t in trials]})


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def trial_view(request: HttpRequest, trial_id: str) -> JsonResponse:
    trial = Trial.objects.published().with_criteria().filter(trial_id=trial_id).first()
    if trial is None:
        return JsonResponse({"errors": {"trial_id": f"no published trial {trial_id}"}}, status=404)
    return JsonResponse(trial_json(trial, Concept.objects.vocabulary()))


OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def openapi_view(request: HttpRequest) -> JsonResponse:
    """The API's OpenAPI description (screening/openapi.json, kept equal to shared/spec/api.md)."""
    return JsonResponse(_openapi_document())


@lru_cache(maxsize=1)
def _openapi_document() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
