"""manage.py make_synthetic_trials: a published corpus of the real vocabulary, reproducible."""

import pytest
from django.core.management import CommandError, call_command

from screening.catalog import build_catalog
from trials.models import Criterion, Trial

pytestmark = pytest.mark.django_db


def corpus(prefix: str) -> list[str]:
    """Every criterion with its trial, parent and position, whatever its primary key."""
    rows = Criterion.objects.filter(trial__trial_id__startswith=prefix).values_list(
        "trial__trial_id", "parent__position", "parent__node_type", "position", "node_type", "concept__code",
        "operator", "values", "unit", "drugs",
    )  # fmt: skip
    return sorted(map(repr, rows))


def test_it_creates_published_trials_of_about_25_screenable_criteria_that_compile():
    call_command("make_synthetic_trials", 20, "--prefix", "SYN-A-", verbosity=0)
    trials = Trial.objects.filter(trial_id__startswith="SYN-A-")
    assert trials.count() == 20
    assert set(trials.values_list("state", flat=True)) == {Trial.State.PUBLISHED}
    plan = build_catalog().plan
    for trial in trials:
        compiled = plan.by_id[trial.trial_id]
        leaves = Criterion.objects.filter(trial=trial, node_type="leaf", confirmed_at_visit=False).count()
        assert 20 <= leaves <= 32
        assert compiled.screened and (
            compiled.visit or trial.criteria.filter(confirmed_at_visit=True).exists()
        )
    kinds = set(Criterion.objects.filter(trial__in=trials).values_list("node_type", flat=True))
    assert kinds == {"leaf", "and", "or", "not", "visit"}
    units = set(
        Criterion.objects.filter(trial__in=trials, concept__code="platelets").values_list("unit", flat=True)
    )
    assert len(units) > 1, "limits are written in several accepted units"


def test_the_same_seed_gives_the_same_corpus_and_replace_starts_over():
    call_command("make_synthetic_trials", 5, "--prefix", "SYN-B-", "--seed", "7", verbosity=0)
    first = corpus("SYN-B-")
    with pytest.raises(CommandError, match="--replace"):
        call_command("make_synthetic_trials", 5, "--prefix", "SYN-B-", verbosity=0)
    call_command("make_synthetic_trials", 5, "--prefix", "SYN-B-", "--seed", "7", "--replace", verbosity=0)
    assert corpus("SYN-B-") == first
    call_command("make_synthetic_trials", 3, "--prefix", "SYN-B-", "--seed", "8", "--replace", verbosity=0)
    assert Trial.objects.filter(trial_id__startswith="SYN-B-").count() == 3
    assert Trial.objects.filter(trial_id__startswith="NCT").count() == 4, "seed trials are left alone"
