"""Shared helpers for the registry import tests (fixtures files, a mocked HTTP transport)."""

import json
from pathlib import Path

import httpx

from trials.registry import ctgov

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
# The keys of a drafted item's JSON, as docs/architecture.md documents them.
DRAFT_ITEM_KEYS = {"kind", "source_text", "combine", "criteria", "confirmed_at_visit", "warnings", "unused"}


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def study_json(name: str, **changes) -> str:
    """A fixture study with some fields changed: nct_id, status, criteria (old → new pairs)."""
    data = json.loads(fixture_text(name))
    protocol = data["protocolSection"]
    if "nct_id" in changes:
        protocol["identificationModule"]["nctId"] = changes["nct_id"]
    if "status" in changes:
        protocol["statusModule"]["overallStatus"] = changes["status"]
    for old, new in changes.get("criteria", ()):
        text = protocol["eligibilityModule"]["eligibilityCriteria"]
        assert old in text
        protocol["eligibilityModule"]["eligibilityCriteria"] = text.replace(old, new)
    if "locations" in changes:
        protocol["contactsLocationsModule"]["locations"] = changes["locations"]
    return json.dumps(data)


def mock_registry(monkeypatch, *responses) -> list:
    """Makes every ClinicalTrials.gov request answer `responses` in turn (the last one repeats);
    an exception instance is raised by the transport. Returns the list of requests made."""
    calls = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(ctgov, "default_client", lambda: httpx.Client(transport=httpx.MockTransport(handler)))
    return calls
