"""Patients' screens live in the cache every worker reads (screening.results.patient_screen),
keyed by the plan's fingerprint and the answers: the next answer, whichever worker takes it,
starts from the screen the previous one made; an entry that is missing, corrupt or another
plan's costs a full screen, never an error."""

import dataclasses
import pickle

import pytest
from django.core.cache import cache

from engine import compile_plan
from engine.table import Table, table_of
from screening.catalog import build_catalog, current_catalog
from screening.results import _screen_key, patient_screen

pytestmark = pytest.mark.django_db

BEFORE = {"age": 42, "sex": "female", "diagnosis": "multiple_sclerosis"}
AFTER = {**BEFORE, "edss": 3.5, "pregnant": False}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def refuse_full_screens(monkeypatch):
    def refuse(self, answers):
        raise AssertionError("a full screen, where the kept one should have been read")

    monkeypatch.setattr(Table, "screen", refuse)


def as_seen(screen) -> tuple:
    """What a patient sees of a screen: counts, order, concept counts, and every outcome."""
    order = screen.order()
    outcomes = [(o.trial.trial_id, o.verdict, o.effects) for o in screen.outcomes(order)]
    return screen.counts(), order.tolist(), screen.concept_counts(), outcomes


def another_worker(catalog):
    """The same published catalogue, compiled again by another process: nothing shared in memory."""
    other = build_catalog(catalog.fingerprint)
    assert table_of(other.plan) is not table_of(catalog.plan)
    return other


def test_a_screen_made_by_one_worker_is_read_from_the_cache_by_another(monkeypatch):
    one = current_catalog()
    made = patient_screen(one, AFTER)
    other = another_worker(one)
    refuse_full_screens(monkeypatch)
    kept = patient_screen(other, AFTER)
    assert kept.table is table_of(other.plan)
    assert as_seen(kept) == as_seen(made)


def test_the_next_answer_taken_by_another_worker_updates_the_previous_screen():
    one = current_catalog()
    patient_screen(one, BEFORE)
    other = another_worker(one)
    table = table_of(other.plan)
    full = table.screen(AFTER)
    updates = []
    real_load = Table.load

    def load(self, answers, data):
        updates.append(answers)
        return real_load(self, answers, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Table, "load", load)
        refuse_full_screens(patch)
        updated = patient_screen(other, AFTER, BEFORE)
    assert updates[-1] == BEFORE  # read from the previous answers' kept screen
    assert as_seen(updated) == as_seen(full)


def test_a_corrupt_or_foreign_entry_is_screened_again():
    catalog = current_catalog()
    table = table_of(catalog.plan)
    expected = as_seen(table.screen(AFTER))
    foreign = table_of(compile_plan([], catalog.plan.concepts)).screen(AFTER).dump()
    key = _screen_key(catalog, table, AFTER)
    for entry in [b"garbage", b"", foreign, "not bytes", 42, table.screen(BEFORE).dump()[:-3]]:
        cache.set(key, entry)
        assert as_seen(patient_screen(catalog, AFTER)) == expected
        # The full screen replaced what could not be read.
        assert table.load(AFTER, cache.get(key)) is not None


@pytest.mark.parametrize("error", [pickle.UnpicklingError("invalid load key"), EOFError("Ran out of input")])
def test_an_entry_the_cache_cannot_unpickle_is_screened_again(monkeypatch, error):
    # Bytes corrupted in Redis fail inside the cache's own get, before Table.load sees them.
    catalog = current_catalog()
    expected = as_seen(table_of(catalog.plan).screen(AFTER))

    def corrupt(key, default=None, version=None):
        raise error

    monkeypatch.setattr(cache, "get", corrupt)
    assert as_seen(patient_screen(catalog, AFTER, BEFORE)) == expected


def test_a_screen_of_another_plan_is_never_used(monkeypatch):
    catalog = current_catalog()
    patient_screen(catalog, BEFORE)
    patient_screen(catalog, AFTER)
    published = dataclasses.replace(catalog, fingerprint=(*catalog.fingerprint[:-1], -1))
    screened = []
    real_screen = Table.screen
    monkeypatch.setattr(
        Table, "screen", lambda self, answers: screened.append(1) or real_screen(self, answers)
    )
    patient_screen(published, AFTER, BEFORE)
    assert screened == [1]
    patient_screen(published, AFTER)
    assert screened == [1]
