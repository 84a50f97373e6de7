"""Where a screening's answers live between requests, and where its pages are.

The questionnaire's views read and write answers only through an `AnswerStore`. This module's
`SessionAnswerStore` keeps the clinician questionnaire's answers in the Django session (the
clinician's own browser; saved screenings are the clinic workspace's business). Apps above
plug in stores of their own: the patient journey keeps a patient's answers behind an
unguessable link (`journey.answers.PatientAnswerStore`) and puts its store on the request
(`request.answer_store`) before calling these views.

Values are the raw JSON-like answers the Validator accepts ("unknown" for "I don't know");
nothing identifying is ever asked, so nothing identifying is stored. Beside them a store may
keep the town the patient lives in (optional, for distances to trial sites only).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from screening.results import TrialResult

MODES = ("clinician", "patient")


class AnswerStore:
    """One screening's answers and the URLs of its pages. Subclasses say where answers are
    kept (`load`, `save`, `clear`) and under which URL names the pages are served
    (`namespace`, `url_kwargs`); they may offer links of their own beside the questionnaire
    and beside a trial's result."""

    namespace = "screening"
    mode: str

    def load(self) -> dict[str, object]:
        raise NotImplementedError

    def save(self, changes: dict[str, object]) -> dict[str, object]:
        """Applies `changes` (None removes an answer) and returns every answer now kept."""
        raise NotImplementedError

    def clear(self) -> None:
        """Forgets every answer, and where the patient lives."""
        raise NotImplementedError

    def load_place(self) -> dict | None:
        """Where the patient lives, `{"town": label, "country": code}`, if they said: kept with
        the answers and for as long, never screened on (only distances to sites use it)."""
        return None

    def save_place(self, place: dict | None) -> None:
        raise NotImplementedError

    def url_kwargs(self) -> dict[str, str]:
        return {"mode": self.mode}

    def url(self, name: str, **kwargs: object) -> str:
        """A page of this screening: "questionnaire", "answer" (code=), "reset", "trial" (trial_id=),
        "place" (where the patient lives)."""
        return reverse(f"{self.namespace}:{name}", kwargs={**self.url_kwargs(), **kwargs})

    def page_links(self) -> list[tuple[str, str]]:
        """(label, url) of what else can be done with these answers, shown by the questionnaire."""
        return []

    def trial_link(self, result: TrialResult) -> tuple[str, str] | None:
        """(label, url) offered beside one trial's result, if any."""
        return None

    def trial_note(self, result: TrialResult) -> str:
        """What this screening already did about one trial (e.g. "request sent on …"), shown
        beside its result; "" when nothing."""
        return ""


class SessionAnswerStore(AnswerStore):
    def __init__(self, request: HttpRequest, mode: str):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.session, self.mode = request.session, mode

    @property
    def _key(self) -> str:
        return f"screening:{self.mode}:answers"

    def load(self) -> dict[str, object]:
        return dict(self.session.get(self._key, {}))

    def save(self, changes: dict[str, object]) -> dict[str, object]:
        answers = self.load()
        for code, value in changes.items():
            if value is None:
                answers.pop(code, None)
            else:
                answers[code] = value
        self.session[self._key] = answers
        return answers

    def clear(self) -> None:
        self.session.pop(self._key, None)
        self.session.pop(self._place_key, None)

    @property
    def _place_key(self) -> str:
        return f"screening:{self.mode}:place"

    def load_place(self) -> dict | None:
        return self.session.get(self._place_key)

    def save_place(self, place: dict | None) -> None:
        if place is None:
            self.session.pop(self._place_key, None)
        else:
            self.session[self._place_key] = dict(place)


def store_for(request: HttpRequest, mode: str) -> AnswerStore:
    """The store an upper app put on the request, or the session's for this mode."""
    return getattr(request, "answer_store", None) or SessionAnswerStore(request, mode)
