"""The registry import pages of the admin: the run log, the import form, the refresh action and
the eligibility text versions with their diffs."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trials import tasks
from trials.models import EligibilityTextVersion, ImportRun, Trial
from trials.registry import services
from trials.services import trial_create

from .registry_helpers import fixture_text, study_json

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/trials/importrun/import/"


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.import_trial, "delay", lambda run_id: sent.append(run_id))
    return sent


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_importrun", "view_importrun", "view_eligibilitytextversion", "change_trial"]
        )
    )
    client.force_login(user)
    return client


@pytest.fixture
def staff_without_rights(client):
    user = User.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(user)
    return client


def run_file(name="", content="") -> ImportRun:
    run = services.import_run_create(
        trigger=ImportRun.Trigger.COMMAND,
        filename=name or "s.json",
        content=content or fixture_text(name),
        queue=False,
    )
    return services.import_run_execute(run_id=run.pk)


def test_the_import_form_queues_an_import_by_id(curator, queued, django_capture_on_commit_callbacks):
    assert curator.get(IMPORT_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(IMPORT_URL, {"registry_id": " nct02424396 "})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "admin:trials_importrun_change", args=[run.pk]
    )
    assert (run.requested_id, run.trigger, run.created_by.username) == (
        "NCT02424396",
        "admin_form",
        "curator",
    )
    assert queued == [run.pk]


def test_the_import_form_queues_an_uploaded_file(curator, queued, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile(
        "msc.xml", fixture_text("ictrp_EUCTR2017-001400-29-FR.xml").encode(), "text/xml"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(IMPORT_URL, {"file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert (run.source, run.filename, queued) == (ImportRun.Source.ICTRP_FILE, "msc.xml", [run.pk])
    assert run.payload.startswith("<?xml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"registry_id": "EUCTR2017-001400-29"}, "is not a ClinicalTrials.gov id"),
        ({}, "Give either a ClinicalTrials.gov id or a file"),
        (
            {"file": SimpleUploadedFile("notes.txt", b"hello")},
            "neither ClinicalTrials.gov JSON nor WHO ICTRP XML",
        ),
        ({"file": SimpleUploadedFile("bad.json", b"\xff\xfe\x00")}, "not UTF-8 text"),
    ],
)
def test_the_import_form_explains_what_is_wrong_and_queues_nothing(curator, queued, data, message):
    response = curator.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists() and queued == []


def test_staff_without_the_import_permission_cannot_import(staff_without_rights):
    assert staff_without_rights.get(IMPORT_URL).status_code == 403
    assert staff_without_rights.post(IMPORT_URL, {"registry_id": "NCT02424396"}).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_add_button_leads_to_the_import_form(curator):
    response = curator.get("/admin/trials/importrun/add/")
    assert response.status_code == 302 and response.url == IMPORT_URL
    assert "Import by id or file" in curator.get("/admin/trials/importrun/").content.decode()


def test_a_run_shows_its_outcome_warnings_and_the_text_diff(curator):
    Trial.objects.filter(trial_id="NCT02403947").delete()
    run_file("ctgov_NCT02403947.json")
    changed = study_json("ctgov_NCT02403947.json", criteria=[("Age 18 to 50 years", "Age 18 to 55 years")])
    run = run_file(content=changed)
    page = curator.get(reverse("admin:trials_importrun_change", args=[run.pk])).content.decode()
    assert "Eligibility text changed" in page
    assert 'class="diff"' in page and "Age 18 to 55 years" in page
    assert "registry_admin.css" in page
    assert ' style="' not in page.split('<table class="diff"')[1].split("</table>")[0]
    version = run.text_versions.get()
    page = curator.get(
        reverse("admin:trials_eligibilitytextversion_change", args=[version.pk])
    ).content.decode()
    assert 'class="diff"' in page and "drafted criteria" in page.lower()


def test_the_drafted_suggestions_show_each_rule_and_every_part_left_undrafted(curator):
    Trial.objects.filter(trial_id="NCT02403947").delete()
    run_file("ctgov_NCT02403947.json")
    changed = study_json(
        "ctgov_NCT02403947.json",
        criteria=[("Pregnancy or risk or pregnancy", "Pregnancy, tuberculosis or risk or pregnancy")],
    )
    version = run_file(content=changed).text_versions.get()
    page = curator.get(
        reverse("admin:trials_eligibilitytextversion_change", args=[version.pk])
    ).content.decode()
    assert "pregnant is_true (reproduction.pregnancy)" in page
    assert "“tuberculosis”: no criterion drafted." in page
    # a conditional EDSS threshold is shown as its combination
    assert (
        "(edss lte 5.0 (disease.edss_increase) AND edss_increase_12m gte 1.0 (disease.edss_increase))" in page
    )


def test_a_failed_run_shows_its_error_in_the_list(curator):
    run = run_file("broken.json", content="{nope")
    page = curator.get("/admin/trials/importrun/").content.decode()
    assert "Failed" in page
    page = curator.get(reverse("admin:trials_importrun_change", args=[run.pk])).content.decode()
    assert "not valid JSON" in page


def test_refresh_from_registry_queues_a_new_import_per_trial(
    curator, queued, django_capture_on_commit_callbacks
):
    Trial.objects.filter(trial_id="NCT02424396").delete()
    first = run_file("ctgov_NCT02424396.json")
    msc = run_file("ictrp_EUCTR2017-001400-29-FR.xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            "/admin/trials/importrun/",
            {"action": "refresh_from_registry", "_selected_action": [first.pk, msc.pk]},
            follow=True,
        )
    refresh = ImportRun.objects.get(trigger=ImportRun.Trigger.ADMIN_ACTION)
    assert (refresh.requested_id, queued) == ("NCT02424396", [refresh.pk])
    page = response.content.decode()
    assert "1 refresh(es) queued: NCT02424396" in page
    assert "EUCTR2017-001400-29-FR: not a ClinicalTrials.gov record" in page


def test_a_curator_marks_a_changed_text_as_reviewed(curator):
    Trial.objects.filter(trial_id="NCT02403947").delete()
    run_file("ctgov_NCT02403947.json")
    run_file(
        content=study_json("ctgov_NCT02403947.json", criteria=[("Age 18 to 50 years", "Age 18 to 55 years")])
    )
    version = EligibilityTextVersion.objects.awaiting_review().get()
    curator.post(
        "/admin/trials/eligibilitytextversion/", {"action": "mark_reviewed", "_selected_action": [version.pk]}
    )
    version.refresh_from_db()
    assert version.reviewed_at is not None and version.reviewed_by.username == "curator"
    assert not EligibilityTextVersion.objects.awaiting_review().exists()


def test_what_the_drafter_left_unmapped_is_said_beside_the_item_until_marked_reviewed(curator):
    Trial.objects.filter(trial_id="NCT02403947").delete()
    changed = study_json(
        "ctgov_NCT02403947.json",
        criteria=[("Pregnancy or risk or pregnancy", "Pregnancy, tuberculosis or risk or pregnancy")],
    )
    run = run_file(content=changed)
    assert any("“tuberculosis”: no criterion drafted." in w for w in run.warnings), "the run says it too"
    trial = Trial.objects.get(trial_id="NCT02403947")
    (item,) = [n for n in trial.unreviewed_drafting_items() if "tuberculosis" in " ".join(n.drafting_notes)]
    assert "“tuberculosis”: no criterion drafted." in item.drafting_notes
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    node = (
        curator.get(url).content.decode().split(f'id="criterion-{item.pk}"')[1].split("node-explanations")[0]
    )
    assert "From the registry import:" in node and "“tuberculosis”: no criterion drafted." in node

    curator.post(reverse("admin:trials_trial_drafting_reviewed", args=[trial.pk, item.pk]))
    assert item not in trial.unreviewed_drafting_items()
    node = (
        curator.get(url).content.decode().split(f'id="criterion-{item.pk}"')[1].split("node-explanations")[0]
    )
    assert "no criterion drafted" not in node


def test_publishing_lists_the_import_notes_nobody_reviewed(curator):
    note = "“hepatitis C”: no criterion drafted."
    trial = trial_create(
        data={
            "trial_id": "NCT09999990",
            "public_title": "Imported, partly drafted",
            "criteria": [
                {
                    "kind": "inclusion",
                    "node_type": "leaf",
                    "concept": "age",
                    "operator": "gte",
                    "values": [18],
                },
                {
                    "kind": "exclusion",
                    "node_type": "leaf",
                    "concept": "hepatitis_b",
                    "operator": "is_true",
                    "source_text": "Active hepatitis B or C infection",
                    "drafting_notes": [note],
                },
            ],
        }
    )
    page = curator.get(reverse("admin:trials_trial_change", args=[trial.pk])).content.decode()
    assert note in page.split('id="unreviewed-drafting"')[1]
    trial.submit_for_review()
    response = curator.post(reverse("admin:trials_trial_workflow", args=[trial.pk, "publish"]), follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert any("nobody marked reviewed" in m and "Active hepatitis B or C infection" in m for m in said)
    trial.refresh_from_db()
    assert trial.is_published, "a warning, not a refusal"
