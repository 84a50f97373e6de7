"""schemathesis fuzzes the API in-process (WSGI) from its OpenAPI description: no generated
request, valid or not, may get a 500, an undocumented status or a body that breaks the schema."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

ROOT = Path(__file__).resolve().parent.parent
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Bounded so the whole module runs well under a minute; both valid and invalid inputs.
schema.config.generation.update(max_examples=40, modes=["positive", "negative"])


@pytest.fixture
def keep_the_test_transaction():
    """Calling the WSGI app directly fires request_finished, which would close the database
    connection holding the test's transaction; Django's own test client disconnects it too."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def no_rate_limit(settings):
    # Every generated request comes from one address: the limit would answer most with 429.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "100000/m"}


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_transaction", "no_rate_limit")
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_openapi_description(case):
    # Schema-valid is not always acceptable: the contract answers 400 for unknown trial ids,
    # out-of-range or inconsistent answers, which no JSON schema can express. Every other
    # check (no 500, documented status codes, response schemas, invalid data rejected) applies.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_the_served_description_is_the_file_in_the_repository(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads((ROOT / "screening" / "openapi.json").read_text())


def test_the_description_covers_every_route_of_the_contract():
    paths = json.loads((ROOT / "screening" / "openapi.json").read_text())["paths"]
    assert set(paths) == {
        "/api/v1/screen",
        "/api/v1/screen/fhir",
        "/api/v1/concepts",
        "/api/v1/trials",
        "/api/v1/trials/{trial_id}",
    }
    assert set(paths["/api/v1/screen"]["post"]["responses"]) >= {"200", "400", "413"}
    assert set(paths["/api/v1/screen/fhir"]["post"]["responses"]) >= {"200", "400", "413"}
    verdicts = json.loads((ROOT / "screening" / "openapi.json").read_text())["components"]["schemas"]
    assert verdicts["ScreenResult"]["properties"]["verdict"]["enum"] == [
        "eligible",
        "ineligible",
        "needs_info",
    ]
