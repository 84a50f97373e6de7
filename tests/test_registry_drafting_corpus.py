"""Drafting measured on real registry records (tests/fixtures/registry/real/, see its README):
right or silent, never wrong. The labels say what a careful curator would structure."""

from pathlib import Path

import pytest

from trials.registry import ctgov
from trials.registry.drafting import DraftGroup, draft_registry_record, seed_vocabulary
from trials.registry.drafting.evaluation import score_corpus

REAL = Path(__file__).parent / "fixtures" / "registry" / "real"


def drafted_items(path: Path):
    record = ctgov.parse_study(ctgov.load_studies(path.read_text(encoding="utf-8"))[0])
    return draft_registry_record(record, seed_vocabulary()).items


@pytest.fixture(scope="module")
def scores():
    return score_corpus(REAL, drafted_items, seed_vocabulary())


def describe(results) -> str:
    return "\n".join(
        f"{r.record} [{r.label.kind}] {r.label.text}: drafted {[c.as_dict() for c in r.item.criteria]}"
        for r in results
    )


def test_the_corpus_has_at_least_50_real_records_in_both_ctgov_formats():
    records = [p for p in REAL.glob("NCT*.json") if not p.name.endswith(".expected.json")]
    assert len(records) >= 50
    legacy = [p for p in records if '"FullStudiesResponse"' in p.read_text(encoding="utf-8")[:200]]
    assert 3 <= len(legacy) < len(records)
    assert all((REAL / f"{p.stem}.expected.json").exists() for p in records)


def test_every_labelled_item_is_found_in_the_draft(scores):
    assert [r.label.text for r in scores.results if r.item is None] == []
    assert scores.unaligned == []


def test_at_least_95_percent_of_drafted_items_are_right(scores):
    assert scores.precision >= 0.95, describe(scores.wrong())


def test_no_draft_means_the_opposite_of_the_registry(scores):
    assert scores.inverted == 0, describe([r for r in scores.results if r.inverted])


def test_most_structurable_items_are_drafted_right(scores):
    # A floor, not the target: the figure itself is printed by `make bench`.
    assert scores.recall >= 0.85, describe(scores.missed())


def test_most_structurable_items_of_the_ms_and_lupus_records_are_drafted_right_and_none_wrong():
    # The target is measured on MS and lupus trials: the floor of their own subset.
    ms_lupus = score_corpus(REAL, drafted_items, seed_vocabulary(), diseases=frozenset({"ms", "lupus"}))
    assert len({r.record for r in ms_lupus.results}) >= 8
    assert ms_lupus.recall >= 0.85, describe(ms_lupus.missed())
    assert ms_lupus.precision >= 0.95, describe(ms_lupus.wrong())
    assert ms_lupus.inverted == 0


def test_every_drafted_criterion_names_its_rule_and_passes_the_engine_check(scores):
    vocabulary = seed_vocabulary()
    for result in scores.results:
        if result.item is None:
            continue
        for leaf in result.item.leaves():
            assert leaf.rule and "." in leaf.rule, (result.label.text, leaf)
            for concept in leaf.concepts:
                assert vocabulary.check(concept, leaf) == {}, (result.label.text, leaf)


def test_every_unused_part_of_a_drafted_item_is_in_its_warnings(scores):
    for result in scores.results:
        item = result.item
        if item is None or not item.criteria:
            continue
        for part in item.unused:
            assert any(part in warning for warning in item.warnings), (item.source_text, part)
        assert all(isinstance(c, DraftGroup) or c.concepts for c in item.criteria)
