"""The whole job, as the demo curator does it: a new trial from its registry text to
published, proven by test patients, through the admin pages only."""

import json

import pytest
from django.core.management import call_command

from tests.curation import criterion_form
from trials.models import Concept, Trial

pytestmark = pytest.mark.django_db

REGISTRY_TEXT = "Inclusion: adults 18 to 60 years with relapsing-remitting MS.\nExclusion: pregnancy."


def inline_management(**counts) -> dict:
    data = {}
    for prefix in ("sites", "test_patients"):
        data[f"{prefix}-TOTAL_FORMS"] = counts.get(prefix, 0)
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return data


def test_the_demo_curator_builds_proves_and_publishes_a_new_trial(client, local_development):
    call_command("create_demo_accounts", verbosity=0)
    assert client.login(username="curator", password="curate-demo-2026")

    response = client.post(
        "/admin/trials/trial/add/",
        {
            "trial_id": "NCT05555555",
            "acronym": "NEW",
            "public_title": "A new RRMS trial",
            "status": "recruiting",
            "other_ids": "[]",
            "conditions": '["Multiple Sclerosis"]',
            "eligibility_text": REGISTRY_TEXT,
            **inline_management(sites=1),
            "sites-0-facility": "CHU de Rouen",
            "sites-0-city": "Rouen",
            "sites-0-position": 0,
        },
    )
    assert response.status_code == 302
    trial = Trial.objects.get(trial_id="NCT05555555")
    assert trial.state == Trial.State.DRAFT and trial.sites.count() == 1

    page = client.get(f"/admin/trials/trial/{trial.pk}/change/").content.decode()
    assert "adults 18 to 60 years" in page

    add = "/admin/trials/criterion/add/"
    client.post(add, criterion_form(trial, concept="age", operator="between", values="18, 60", position=0))
    client.post(add, criterion_form(trial, node_type="and", concept="", operator="", values="", position=1))
    group = trial.criteria.get(node_type="and")
    client.post(
        add,
        criterion_form(trial, parent=group, concept="diagnosis", operator="in", values="multiple_sclerosis"),
    )
    client.post(
        add, criterion_form(trial, parent=group, concept="ms_phenotype", operator="in", values="RRMS")
    )
    client.post(
        add,
        criterion_form(
            trial, kind="exclusion", concept="pregnant", operator="is_true", values="", position=2
        ),
    )
    assert trial.criteria.count() == 5

    patients = [
        (
            "Eligible",
            {"age": 30, "diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS", "sex": "male"},
            "eligible",
            "",
        ),
        ("Unknown course", {"age": 30, "diagnosis": "multiple_sclerosis", "sex": "male"}, "needs_info", ""),
        (
            "Too old",
            {"age": 61, "diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS", "sex": "male"},
            "ineligible",
            "age",
        ),
        (
            "Pregnant",
            {"age": 30, "diagnosis": "multiple_sclerosis", "ms_phenotype": "RRMS", "pregnant": True},
            "ineligible",
            "pregnant",
        ),
    ]
    for name, answers, verdict, excluded_by in patients:
        response = client.post(
            "/admin/trials/testpatient/add/",
            {
                "trial": trial.pk,
                "name": name,
                "answers": json.dumps(answers),
                "expected_verdict": verdict,
                "expected_excluding_concept": Concept.objects.get(code=excluded_by).pk if excluded_by else "",
                "note": "",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors

    client.post(f"/admin/trials/trial/{trial.pk}/workflow/submit/")
    response = client.post(f"/admin/trials/trial/{trial.pk}/workflow/publish/", follow=True)
    assert "NCT05555555 is now published." in [str(m) for m in response.context["messages"]]
    page = response.content.decode()
    assert page.count("agrees</td>") == 4
    assert "Inclusion:</strong> Age between 18 and 60 years AND (Diagnosis is " in page

    screened = client.post(
        "/api/v1/screen",
        {"answers": patients[0][1], "trials": ["NCT05555555"]},
        content_type="application/json",
    ).json()
    assert screened["results"][0]["verdict"] == "eligible"
