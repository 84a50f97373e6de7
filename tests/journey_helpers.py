"""Helpers shared by the patient journey tests."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.utils import timezone

from config.celery import app
from journey.interview import card_form
from journey.models import PatientScreening, token_hash
from screening.catalog import current_catalog
from screening.forms import UNKNOWN
from screening.questionnaire import build_screening
from trials.models import TestPatient


@pytest.fixture
def inline_delivery(settings):
    """Outbox messages are sent as soon as their transaction commits (no broker), even when
    the suite runs with REDIS_URL set."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def start(client, lang: str = "en") -> str:
    """Starts a patient screening; returns its questionnaire URL (/<lang>/patient/<token>/)."""
    response = client.get(f"/{lang}/patient/")
    assert response.status_code == 302
    return response["Location"]


def token_of(url: str) -> str:
    return re.search(r"/patient/([A-Za-z0-9_-]{43})/", url).group(1)


def screening_of(url: str) -> PatientScreening:
    return PatientScreening.objects.get(token_hash=token_hash(token_of(url)))


def eligible_answers(trial_id: str = "NCT06592703") -> dict:
    """A curated test patient's answers that the trial finds likely eligible."""
    return dict(
        TestPatient.objects.get(
            trial__trial_id=trial_id, expected_verdict=TestPatient.Expected.ELIGIBLE
        ).answers
    )


def with_answers(client, answers: dict, lang: str = "en") -> str:
    url = start(client, lang)
    # In the order given, as if answered one after the other.
    PatientScreening.objects.filter(pk=screening_of(url).pk).update(answers=answers, asked=list(answers))
    return url


def contact_data(**overrides) -> dict:
    return {
        "name": "Jeanne Testpatient",
        "email": "jeanne.testpatient@example.org",
        "phone": "+33 6 12 34 56 78",
        "language": "fr",
        "consent": "on",
        **overrides,
    }


@contextmanager
def celery_broker(url: str):
    """Points the Celery app at another broker (and off inline execution) for a while."""

    def reset_pool() -> None:
        # Celery caches the connection pool and the producer pool built on it. They live in
        # kombu's global registry (per broker URL), so they are dropped here, never closed: a
        # closed pool would be handed back to the next user of that broker.
        app._pool = None
        app.amqp._producer_pool = None

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=url, task_always_eager=False)
    reset_pool()
    try:
        yield app
    finally:
        app.conf.update(**saved)
        reset_pool()


@pytest.fixture
def reseeded_afterwards(django_db_blocker):
    """A transactional test empties every table when it ends; the other tests expect the
    seed trials. Requested before the database fixture, so this teardown runs after the flush."""
    from django.core.management import call_command

    yield
    with django_db_blocker.unblock():
        call_command("load_seed_trials", verbosity=0)


# --- The interview ---------------------------------------------------------------------------

# The patient's words for "when did you last take it", as days (screening.forms.LAST_DOSE_CHOICES).
LAST_DOSE_BY_DAYS = ((0, "now"), (7, "7d"), (60, "2m"), (91, "3m"), (182, "6m"), (365, "12m"), (731, "old"))


def last_dose_choice(days: float | None) -> str:
    """The first choice of the patient form whose span holds `days` ("unsure" for None)."""
    if days is None:
        return "unsure"
    return next((code for bound, code in LAST_DOSE_BY_DAYS if days <= bound), "old")


def card_data(concept, value) -> dict:
    """What a patient posts on a concept's interview card to give `value` (an answer as the
    API and the test patients write it); "I don't know" when the value is None."""
    code, kind = concept.code, concept.type
    if value is None or value == "unknown":
        return {"dont_know": "1"}
    if kind == "boolean":
        return {code: "true" if value else "false"}
    if kind == "quantity" and isinstance(value, dict):
        return {code: str(value["value"]), f"{code}__unit": value["unit"]}
    if kind == "since" and value == "never":
        return {f"{code}__never": "on"}
    if kind == "list":
        if not value:
            return {f"{code}__none": "on"}
        data = {}
        for item in value:
            data[f"{code}__took__{item['drug']}"] = "on"
            data[f"{code}__when__{item['drug']}"] = last_dose_choice(item.get("days_since_last_dose"))
        return data
    return {code: str(value)}


def next_card(html: str) -> str | None:
    """The concept of the card on an interview page (None: the interview is over)."""
    match = re.search(r'<section class="interview-card[^"]*"[^>]*data-concept="([^"]+)"', html)
    return match.group(1) if match else None


def verdicts_of(answers: dict) -> dict[str, str]:
    state = build_screening(current_catalog(), "patient", answers, timezone.localdate())
    return {r.info.trial_id: r.verdict for r in state.results}


def as_the_card_takes_them(facts: dict) -> dict:
    """The facts as the patient's cards can give them (the card has no "months on treatment"
    and words the last dose in spans): the answers the interview ends with, were it to ask
    every question."""
    catalog, answers = current_catalog(), {}
    for code, value in facts.items():
        concept = catalog.concepts[code]
        data = card_data(concept, value)
        if "dont_know" in data:
            answers[code] = UNKNOWN
            continue
        raw = card_form(catalog, concept, data=data).raw()
        if raw is not None:
            answers[code] = raw
    return answers
