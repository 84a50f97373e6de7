"""Where a screening's answers live between requests.

- clinician: the Django session (the clinician's own browser; saved screenings are the
  clinic workspace's business);
- patient: a stored PatientScreening reached through an unguessable link (journey app);
  the view is wrapped by `journey.views.patient_screening_required`, which resolves the
  link's token into `request.patient_screening` or answers 404.

Everything else reads and writes answers through these functions. Values are the raw
JSON-like answers the Validator accepts ("unknown" for "I don't know"); nothing identifying
is ever asked, so nothing identifying is stored.
"""

from __future__ import annotations

from django.http import HttpRequest

from journey import services as journey

MODES = ("clinician", "patient")


def _key(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    return f"screening:{mode}:answers"


def _patient_screening(request: HttpRequest):
    screening = getattr(request, "patient_screening", None)
    if screening is None:
        raise LookupError("patient answers are reached through patient_screening_required")
    return screening


def load(request: HttpRequest, mode: str) -> dict[str, object]:
    if mode == "patient":
        return dict(_patient_screening(request).answers)
    return dict(request.session.get(_key(mode), {}))


def save(request: HttpRequest, mode: str, changes: dict[str, object]) -> dict[str, object]:
    """Applies `changes` (None removes an answer) and returns every answer now kept."""
    if mode == "patient":
        return journey.patient_screening_save_answers(screening=_patient_screening(request), changes=changes)
    answers = load(request, mode)
    for code, value in changes.items():
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
    request.session[_key(mode)] = answers
    return answers


def clear(request: HttpRequest, mode: str) -> None:
    if mode == "patient":
        journey.patient_screening_clear(screening=_patient_screening(request))
        return
    request.session.pop(_key(mode), None)


def url_kwargs(request: HttpRequest, mode: str) -> dict[str, str]:
    """The URL arguments of this screening's pages: the mode, and a patient's link token."""
    if mode == "patient":
        return {"mode": mode, "token": request.patient_token}
    return {"mode": mode}
