"""Where a screening's answers live between requests: for now the Django session, one set per
mode, so a clinician's and a patient's answers in the same browser never mix.

Everything else reads and writes answers through these functions, so moving patient
screenings to stored, unguessable links later changes only this module. Values are the raw
JSON-like answers the Validator accepts ("unknown" for "I don't know"); nothing identifying
is ever asked, so nothing identifying is stored.
"""

from __future__ import annotations

from django.http import HttpRequest

MODES = ("clinician", "patient")


def _key(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    return f"screening:{mode}:answers"


def load(request: HttpRequest, mode: str) -> dict[str, object]:
    return dict(request.session.get(_key(mode), {}))


def save(request: HttpRequest, mode: str, changes: dict[str, object]) -> dict[str, object]:
    """Applies `changes` (None removes an answer) and returns every answer now kept."""
    answers = load(request, mode)
    for code, value in changes.items():
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
    request.session[_key(mode)] = answers
    return answers


def clear(request: HttpRequest, mode: str) -> None:
    request.session.pop(_key(mode), None)
