"""`manage.py import_trial` and `manage.py draft_criteria`."""

import json
from io import StringIO

import httpx
import pytest
from django.core.management import CommandError, call_command

from trials.models import ImportRun, Trial

from .registry_helpers import DRAFT_ITEM_KEYS, FIXTURES, fixture_text, mock_registry


def run_command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "trial_id"),
    [
        ("ictrp_EUCTR2017-001400-29-FR.xml", "EUCTR2017-001400-29-FR"),
        ("ctgov_NCT06592703.json", "NCT06592703"),
    ],
)
def test_import_trial_from_a_file_builds_a_draft_trial_and_says_so(name, trial_id):
    Trial.objects.filter(trial_id=trial_id).delete()
    out = run_command("import_trial", "--file", str(FIXTURES / name))
    trial = Trial.objects.get(trial_id=trial_id)
    assert trial.state == Trial.State.DRAFT
    assert f"{trial_id}: created as a draft trial — 1 site(s)" in out
    assert "import run #" in out
    assert ImportRun.objects.get(trial=trial).trigger == ImportRun.Trigger.COMMAND


@pytest.mark.django_db
def test_import_trial_by_id_fetches_from_the_registry(monkeypatch):
    Trial.objects.filter(trial_id="NCT02424396").delete()
    mock_registry(monkeypatch, httpx.Response(200, text=fixture_text("ctgov_NCT02424396.json")))
    out = run_command("import_trial", "NCT02424396")
    assert "NCT02424396: created as a draft trial" in out
    assert "warning: The inclusion criteria section is empty or missing in the record." in out


@pytest.mark.django_db
def test_import_trial_reports_an_unknown_id_as_an_error(monkeypatch):
    mock_registry(monkeypatch, httpx.Response(404))
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 import"):
        call_command("import_trial", "NCT09999999", stdout=StringIO(), stderr=err)
    assert "has no study NCT09999999" in err.getvalue()


@pytest.mark.django_db
def test_import_trial_needs_ids_or_a_file():
    with pytest.raises(CommandError, match="NCT ids or --file"):
        call_command("import_trial")
    with pytest.raises(CommandError, match="not a ClinicalTrials.gov id"):
        call_command("import_trial", "12345")
    with pytest.raises(CommandError, match="--file: cannot read"):
        call_command("import_trial", "--file", "/nonexistent.json")


def test_draft_criteria_prints_json_items_with_exactly_the_documented_keys(tmp_path):
    text = json.loads(fixture_text("ctgov_NCT06592703.json"))["protocolSection"]["eligibilityModule"]
    path = tmp_path / "eligibility.txt"
    path.write_text(text["eligibilityCriteria"], encoding="utf-8")
    items = json.loads(run_command("draft_criteria", str(path), "--json"))
    assert len(items) == 14
    for item in items:
        assert set(item) == DRAFT_ITEM_KEYS
        for criterion in item["criteria"]:
            assert {"concepts", "operator", "values", "unit", "rule"} <= set(criterion) <= {
                "concepts", "operator", "values", "unit", "drugs", "rule"
            } or set(criterion) == {"group", "criteria"}  # fmt: skip
    assert items[1] == {
        "kind": "inclusion",
        "source_text": "Age between 18 and 55 years",
        "combine": "all",
        "criteria": [
            {
                "concepts": ["age"],
                "operator": "between",
                "values": [18, 55],
                "unit": "",
                "rule": "demographics.age_range",
            }
        ],
        "confirmed_at_visit": False,
        "warnings": [],
        "unused": [],
    }
    assert items[6]["confirmed_at_visit"] is True


def test_draft_criteria_prints_a_readable_summary(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("Exclusion criteria:\n- Platelets <150 000 /mm3\n- Poor compliance\n", encoding="utf-8")
    out = run_command("draft_criteria", str(path))
    assert "→ platelets lt 150000 /mm3  (labs.threshold)" in out
    assert "→ confirmed at the visit" in out
    assert "1 of 2 item(s) drafted as structured criteria." in out
