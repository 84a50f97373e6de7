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
from screening.catalog import current_catalog
from screening.jsonbody import REPORTED_DEPTH, JSONTooDeep, loads
from screening.results import VERDICTS, parse_as_of, screen_response
from trials.models import Concept, Criterion, Trial

ENVELOPE = ("answers", "as_of", "trials", "verdicts", "limit", "mode")
MAX_LIMIT = 1000
MODES = ("patient", "clinician")


def _errors(errors: dict[str, str], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _read_json(request: HttpRequest) -> tuple[object, JsonResponse | None]:
    limit = settings.SCREEN_MAX_BODY_BYTES
    too_big = _errors({"body": f"the request body is larger than {limit} bytes"}, status=413)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None, _errors({"body": "invalid Content-Length"})
    if declared > limit:
        return None, too_big
    body = request.read(limit + 1)
    if len(body) > limit:
        return None, too_big
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
    )
    # orjson: at 10 000 trials the body is megabytes, which the json module encodes ~10x slower.
    body = orjson.dumps({"as_of": as_of.isoformat(), **response})
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


def criterion_json(node: Criterion) -> dict:
    data = {
        "id": node.pk,
        "kind": node.kind,
        "type": node.node_type,
        "source_text": node.source_text,
        "explanation": node.explanation,
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
        data["children"] = [criterion_json(child) for child in node.tree_children]
    data["concepts"] = sorted(_concepts(node))
    return data


def _concepts(node: Criterion) -> set[str]:
    if node.node_type == Criterion.NodeType.LEAF:
        return {node.concept.code} if node.concept else set()
    return set().union(*(_concepts(child) for child in node.tree_children))


def trial_json(trial: Trial) -> dict:
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
        "sites": [{"facility": s.facility, "city": s.city, "country": s.country} for s in trial.sites.all()],
        "criteria": [criterion_json(root) for root in trial.root_criteria()],
    }


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def trials_view(request: HttpRequest) -> JsonResponse:
    trials = Trial.objects.published().with_criteria()
    return JsonResponse({"trials": [trial_json(t) for t in trials]})


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def trial_view(request: HttpRequest, trial_id: str) -> JsonResponse:
    trial = Trial.objects.published().with_criteria().filter(trial_id=trial_id).first()
    if trial is None:
        return JsonResponse({"errors": {"trial_id": f"no published trial {trial_id}"}}, status=404)
    return JsonResponse(trial_json(trial))


OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@csrf_exempt  # read-only: other methods get 405, not a CSRF 403
@require_GET
def openapi_view(request: HttpRequest) -> JsonResponse:
    """The API's OpenAPI description (screening/openapi.json, kept equal to shared/spec/api.md)."""
    return JsonResponse(_openapi_document())


@lru_cache(maxsize=1)
def _openapi_document() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
