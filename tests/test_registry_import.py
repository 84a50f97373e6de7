"""Importing registry records into trials: new drafts, idempotent re-imports, change detection."""

import httpx
import pytest

from engine import compile_plan
from trials.models import EligibilityTextVersion, ImportRun, Trial
from trials.registry import services
from trials.registry.records import RegistryUnavailable

from .registry_helpers import fixture_text, mock_registry, study_json

pytestmark = pytest.mark.django_db

SEED_FILES = [
    ("ctgov_NCT04821596.json", "NCT04821596", 10),
    ("ctgov_NCT02403947.json", "NCT02403947", 27),
    ("ctgov_NCT02424396.json", "NCT02424396", 13),
    ("ctgov_NCT06592703.json", "NCT06592703", 13),
    ("ictrp_EUCTR2017-001400-29-FR.xml", "EUCTR2017-001400-29-FR", 16),
]


def import_file(name: str = "", content: str = "") -> ImportRun:
    run = services.import_run_create(
        trigger=ImportRun.Trigger.COMMAND,
        filename=name or "study.json",
        content=content or fixture_text(name),
        queue=False,
    )
    return services.import_run_execute(run_id=run.pk)


def compiles(trial: Trial) -> None:
    vocabulary = services.vocabulary_for_drafting()
    compile_plan([trial.to_spec()], vocabulary.concepts, vocabulary.classes, vocabulary.drugs)


@pytest.mark.parametrize(("name", "trial_id", "structured"), SEED_FILES)
def test_importing_a_seed_record_builds_a_draft_trial_with_sites_and_drafted_criteria(
    name, trial_id, structured
):
    Trial.objects.filter(trial_id=trial_id).delete()
    run = import_file(name)
    assert (run.state, run.outcome, run.error) == (ImportRun.State.FINISHED, ImportRun.Outcome.OK, "")
    trial = run.trial
    assert run.trial_created and trial.trial_id == trial_id
    assert trial.state == Trial.State.DRAFT
    assert trial.sites.count() == 1
    roots = trial.root_criteria()
    assert sum(1 for root in roots if root.node_type != "visit") == structured
    assert all(root.source_text for root in roots)
    assert "drafted automatically" in trial.curation_notes
    compiles(trial)
    (version,) = trial.eligibility_versions.all()
    assert version.text == trial.eligibility_text and version.drafts["items"]


def test_the_misfiled_msc_les_inclusion_list_is_not_saved_as_inclusion_criteria():
    Trial.objects.filter(trial_id="EUCTR2017-001400-29-FR").delete()
    trial = import_file("ictrp_EUCTR2017-001400-29-FR.xml").trial
    inclusions = trial.criteria.filter(parent__isnull=True, kind="inclusion")
    assert [(c.concept.code, c.operator, c.values) for c in inclusions] == [("age", "gte", [18])]
    assert "reads like exclusions" in trial.curation_notes


def test_contraception_drafts_ask_only_people_who_could_conceive():
    Trial.objects.filter(trial_id="NCT06592703").delete()
    trial = import_file("ctgov_NCT06592703.json").trial
    node = trial.criteria.get(
        parent__isnull=True, source_text__startswith="For women of childbearing potential"
    )
    assert node.node_type == "or"
    assert [(c.concept.code, c.operator) for c in node.children.order_by("position")] == [
        ("sex", "in"),
        ("childbearing_potential", "is_false"),
        ("effective_contraception", "is_true"),
    ]


def test_re_importing_the_same_record_updates_and_never_duplicates():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    first = import_file("ctgov_NCT02403947.json")
    trial = first.trial
    counts = (trial.criteria.count(), trial.sites.count(), trial.eligibility_versions.count())
    second = import_file("ctgov_NCT02403947.json")
    assert second.outcome == ImportRun.Outcome.OK and not second.trial_created
    assert second.trial == trial
    assert Trial.objects.filter(trial_id="NCT02403947").count() == 1
    assert (trial.criteria.count(), trial.sites.count(), trial.eligibility_versions.count()) == counts


def test_re_importing_a_curated_seed_trial_keeps_its_criteria_and_state():
    trial = Trial.objects.get(trial_id="NCT04821596")
    before = list(trial.criteria.values_list("pk", "operator", "values"))
    run = import_file("ctgov_NCT04821596.json")
    trial.refresh_from_db()
    assert run.outcome == ImportRun.Outcome.OK and not run.trial_created
    assert trial.state == Trial.State.PUBLISHED
    assert list(trial.criteria.values_list("pk", "operator", "values")) == before


def test_a_changed_eligibility_text_keeps_both_versions_with_a_diff_and_flags_the_published_trial():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    trial = import_file("ctgov_NCT02403947.json").trial
    trial.publish()
    criteria_before = list(trial.criteria.values_list("pk", "node_type", "operator", "values"))
    version_before = trial.criteria_version

    changed = study_json(
        "ctgov_NCT02403947.json",
        status="COMPLETED",
        criteria=[("EDSS (Expanded Disability Status Scale) 3.0 to 6.5", "EDSS (Expanded Disability Status Scale) 3.0 to 7.0")],
        locations=[{"facility": "Neurology Department of Purpan Hospital", "city": "Toulouse", "country": "France",
                    "contacts": [{"name": "Dr New Contact", "email": "new@example.org"}]},
                   {"facility": "CHU de Bordeaux", "city": "Bordeaux", "country": "France"}],
    )  # fmt: skip
    run = import_file(content=changed)

    trial.refresh_from_db()
    assert run.outcome == ImportRun.Outcome.CHANGED
    assert trial.state == Trial.State.PUBLISHED  # still screenable until a curator acts
    assert trial.status == "completed"
    assert list(trial.sites.values_list("facility", "contact_name")) == [
        ("Neurology Department of Purpan Hospital", "Dr New Contact"),
        ("CHU de Bordeaux", ""),
    ]
    assert list(trial.criteria.values_list("pk", "node_type", "operator", "values")) == criteria_before
    assert trial.criteria_version == version_before
    assert "3.0 to 7.0" in trial.eligibility_text

    old, new = trial.eligibility_versions.order_by("number")
    assert "3.0 to 6.5" in old.text and "3.0 to 7.0" in new.text
    assert new.previous == old and new.import_run == run
    assert new.needs_review and list(EligibilityTextVersion.objects.awaiting_review()) == [new]
    assert "-* EDSS (Expanded Disability Status Scale) 3.0 to 6.5" in new.unified_diff()
    assert "+* EDSS (Expanded Disability Status Scale) 3.0 to 7.0" in new.unified_diff()
    assert 'class="diff_chg"' in new.html_diff()
    assert any("published trial" in w for w in run.warnings)
    if hasattr(trial, "needs_review"):
        assert trial.needs_review

    again = import_file(content=changed)
    assert again.outcome == ImportRun.Outcome.OK
    assert trial.eligibility_versions.count() == 2


def test_bullet_and_spacing_differences_between_mirrors_are_not_a_change():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    import_file("ctgov_NCT02403947.json")
    # the ICTRP mirror wraps the same text at 90 columns with "-" bullets
    run = import_file("ictrp_NCT02403947.xml")
    assert run.outcome == ImportRun.Outcome.OK
    trial = run.trial
    assert trial.eligibility_versions.count() == 1
    # an ICTRP contact without a city keeps the city the API gave
    assert list(trial.sites.values_list("city", flat=True)) == ["Toulouse"]


def test_a_version_stored_with_markdown_escapes_is_not_a_change_once_the_text_is_cleaned():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    escaped = study_json(
        "ctgov_NCT02403947.json", criteria=[("Age 18 to 50 years", "Age \\>= 18 and \\<= 50 years")]
    )
    trial = import_file(content=escaped).trial
    assert "\\" not in trial.eligibility_text and "Age >= 18 and <= 50 years" in trial.eligibility_text
    # a version recorded before the cleaning kept the escapes; the same text again is no change
    trial.eligibility_versions.update(text=trial.eligibility_text.replace(">=", "\\>="))
    run = import_file(content=escaped)
    assert run.outcome == ImportRun.Outcome.OK
    assert trial.eligibility_versions.count() == 1


def test_a_legacy_v1_file_imports_as_a_draft_trial():
    Trial.objects.filter(trial_id="NCT04779645").delete()
    run = import_file(content=fixture_text("real/NCT04779645.json"), name="full_studies.json")
    assert (run.outcome, run.error) == (ImportRun.Outcome.OK, "")
    assert run.trial.trial_id == "NCT04779645" and run.trial.state == Trial.State.DRAFT
    assert run.trial.root_criteria()
    compiles(run.trial)
    assert "drafted by demographics.age_range" in run.trial.curation_notes


def test_drafted_groups_become_criteria_trees():
    Trial.objects.filter(trial_id="NCT02403947").delete()
    trial = import_file("ctgov_NCT02403947.json").trial
    node = next(r for r in trial.root_criteria() if r.source_text.startswith("an increase of"))
    assert node.node_type == "or"
    assert [child.node_type for child in node.children.all()] == ["and", "and"]
    compiles(trial)


def test_an_api_import_fetches_the_study_and_keeps_the_response(monkeypatch):
    Trial.objects.filter(trial_id="NCT02424396").delete()
    calls = mock_registry(monkeypatch, httpx.Response(200, text=fixture_text("ctgov_NCT02424396.json")))
    run = services.import_run_create(
        trigger=ImportRun.Trigger.COMMAND, registry_id="NCT02424396", queue=False
    )
    run = services.import_run_execute(run_id=run.pk)
    assert len(calls) == 1
    assert run.outcome == ImportRun.Outcome.OK and run.trial.trial_id == "NCT02424396"
    assert '"nctId": "NCT02424396"' in run.payload
    assert "The inclusion criteria section is empty or missing in the record." in run.warnings
    assert any("No age limits" in w for w in run.warnings)


def test_an_unknown_id_fails_with_a_clear_error_and_creates_nothing(monkeypatch):
    mock_registry(monkeypatch, httpx.Response(404))
    run = services.import_run_create(
        trigger=ImportRun.Trigger.COMMAND, registry_id="NCT09999999", queue=False
    )
    run = services.import_run_execute(run_id=run.pk)
    assert run.outcome == ImportRun.Outcome.FAILED
    assert run.error == "ClinicalTrials.gov has no study NCT09999999 (HTTP 404)"
    assert run.trial is None and not Trial.objects.filter(trial_id="NCT09999999").exists()


def test_a_registry_outage_is_left_to_the_task_to_retry_then_recorded(monkeypatch):
    mock_registry(monkeypatch, httpx.ConnectError("connection refused"))
    run = services.import_run_create(
        trigger=ImportRun.Trigger.SCHEDULE, registry_id="NCT02424396", queue=False
    )
    with pytest.raises(RegistryUnavailable):
        services.import_run_execute(run_id=run.pk, final_attempt=False)
    run.refresh_from_db()
    assert run.state == ImportRun.State.RETRYING and "could not be reached" in run.error
    run = services.import_run_execute(run_id=run.pk, final_attempt=True)
    assert run.outcome == ImportRun.Outcome.FAILED
    assert run.error.endswith("(after 2 attempt(s))")


def test_a_malformed_file_fails_and_saves_nothing():
    trials_before = Trial.objects.count()
    run = import_file("broken.json", content='{"protocolSection": {"identificationModule": {}}}')
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "identificationModule.nctId" in run.error
    assert Trial.objects.count() == trials_before


def test_a_finished_run_is_not_run_again():
    Trial.objects.filter(trial_id="NCT02424396").delete()
    run = import_file("ctgov_NCT02424396.json")
    again = services.import_run_execute(run_id=run.pk)
    assert again.attempts == 1 and Trial.objects.filter(trial_id="NCT02424396").count() == 1
