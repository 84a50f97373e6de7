"""Shared setup for the curation admin tests: named users and small builders."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from trials.models import Concept, Criterion, Trial
from trials.seed_data.dsl import exclusion, inclusion, leaf
from trials.services import criterion_explanation_written, revision_draft_open, trial_create

MSIL2 = "NCT02424396"


class CurationTest:
    """A curator (staff, in the Curators group) and a staff user who is not a curator."""

    @pytest.fixture(autouse=True)
    def _users(self, db, client):
        self.curator = User.objects.create_user("cora", password="pw", is_staff=True)
        self.curator.groups.add(Group.objects.get(name="Curators"))
        self.staff = User.objects.create_user("sam", password="pw", is_staff=True)
        self.client = client

    def as_curator(self):
        self.client.force_login(self.curator)
        return self.client

    def as_staff(self):
        self.client.force_login(self.staff)
        return self.client


def draft_trial(trial_id: str = "NCT09999999", criteria: list[dict] | None = None) -> Trial:
    """A small unpublished trial: an age inclusion and an EDSS exclusion by default."""
    if criteria is None:
        criteria = [
            inclusion(leaf("age", "between", 18, 50, source="Age 18 to 50 years")),
            exclusion(leaf("edss", "gt", 6.5, source="EDSS above 6.5")),
        ]
    return trial_create(
        data={
            "trial_id": trial_id,
            "public_title": "A trial under curation",
            "acronym": "CURA",
            "conditions": ["Multiple Sclerosis"],
            "eligibility_text": "Inclusion: age 18 to 50 years.\nExclusion: EDSS above 6.5.",
            "criteria": criteria,
        }
    )


def concept(code: str) -> Concept:
    return Concept.objects.get(code=code)


def criterion_form(trial: Trial, **fields) -> dict:
    """A complete POST for the criterion admin form; `fields` override the defaults."""
    data = {
        "trial": trial.pk,
        "parent": "",
        "position": 5,
        "kind": "inclusion",
        "node_type": "leaf",
        "concept": concept("age").pk,
        "operator": "gte",
        "values": "18",
        "unit": "",
        "drugs": "",
        "source_text": "Aged 18 or over",
        "explanation_en": "",
        "explanation_fr": "",
    }
    data.update(fields)
    if isinstance(data["concept"], str):
        data["concept"] = concept(data["concept"]).pk if data["concept"] else ""
    if isinstance(data["parent"], Criterion):
        data["parent"] = data["parent"].pk
    return data


def page_errors(response) -> dict[str, list[str]]:
    """Field -> error messages of the admin form in a re-rendered page."""
    form = response.context["adminform"].form
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def publish_draft_edit(trial: Trial, edit) -> Trial:
    """Opens a draft revision of a published trial, lets `edit(copies)` change it (`copies`:
    the draft's node for each live node pk), keeps the explanations it made stale as written,
    and publishes it: the way a curator's change reaches screening."""
    draft, copies = revision_draft_open(trial=trial)
    edit(copies)
    for node in draft.stale_overrides():
        criterion_explanation_written(criterion=node)
    trial = Trial.objects.get(pk=trial.pk)
    trial.publish()
    return trial
