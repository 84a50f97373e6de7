"""Reading ClinicalTrials.gov API v2 JSON (fetched over HTTP, mocked at the transport) and
WHO ICTRP XML exports."""

import json
from pathlib import Path

import httpx
import pytest

from trials.registry import ctgov, ictrp
from trials.registry.records import MalformedRecord, RecordNotFound, RegistryError, RegistryUnavailable

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
MESEMS_JSON = (FIXTURES / "ctgov_NCT02403947.json").read_text(encoding="utf-8")


def client_for(*responses):
    """An httpx client whose transport answers with `responses` in turn (an exception is raised)."""
    calls = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler)), calls


def ok(text: str = MESEMS_JSON) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"Content-Type": "application/json"})


def test_it_fetches_a_study_by_nct_id():
    client, calls = client_for(ok())
    study = ctgov.fetch_study("nct02403947", client=client)
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT02403947"
    assert str(calls[0].url) == "https://clinicaltrials.gov/api/v2/studies/NCT02403947?format=json"


def test_an_unknown_id_is_a_clear_error_without_retries():
    client, calls = client_for(httpx.Response(404, json={"message": "not found"}))
    with pytest.raises(RecordNotFound, match="has no study NCT09999999"):
        ctgov.fetch_study("NCT09999999", client=client, retries=3, sleep=lambda s: None)
    assert len(calls) == 1


def test_it_rejects_what_is_not_an_nct_id_before_any_request():
    client, calls = client_for(ok())
    with pytest.raises(RegistryError, match="not a ClinicalTrials.gov id"):
        ctgov.fetch_study("EUCTR2017-001400-29-FR", client=client)
    assert calls == []


def test_malformed_json_is_a_clear_error():
    client, _ = client_for(ok("{not json"))
    with pytest.raises(MalformedRecord, match="not valid JSON"):
        ctgov.fetch_study("NCT02403947", client=client)
    client, _ = client_for(ok('{"studies": []}'))
    with pytest.raises(MalformedRecord, match="without a protocolSection"):
        ctgov.fetch_study("NCT02403947", client=client)


def test_it_retries_server_errors_and_timeouts_with_backoff():
    slept = []
    client, calls = client_for(
        httpx.Response(503), httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), ok()
    )
    study = ctgov.fetch_study("NCT02403947", client=client, retries=3, backoff=0.5, sleep=slept.append)
    assert study["protocolSection"]
    assert len(calls) == 4
    assert slept == [0.5, 1.0, 2.0]


def test_it_gives_up_after_its_retries_with_a_transient_error():
    client, calls = client_for(httpx.ReadTimeout("slow"))
    with pytest.raises(RegistryUnavailable, match="did not answer in time"):
        ctgov.fetch_study("NCT02403947", client=client, retries=2, sleep=lambda s: None)
    assert len(calls) == 3


def test_the_default_client_has_a_timeout():
    with ctgov.default_client() as client:
        assert client.timeout.read == 15.0 and client.timeout.connect == 5.0


def test_it_reads_the_registry_fields_of_a_v2_study():
    record = ctgov.parse_study(json.loads(MESEMS_JSON))
    assert record.trial_id == "NCT02403947"
    assert record.status == "terminated"
    assert record.phase == "Phase 1/Phase 2"
    assert record.target_enrollment == 1
    assert (record.minimum_age, record.maximum_age, record.sex) == (18.0, 50.0, "")
    assert record.other_ids == ["12 394 03"]
    assert record.sites == [
        {
            "facility": "Neurology Department of Purpan Hospital",
            "city": "Toulouse",
            "country": "France",
            "contact_name": "Clanet Michel, MD, PhD",
            "contact_email": "",
            "contact_phone": "",
        }
    ]
    assert record.eligibility_text.startswith("Inclusion Criteria:")


def test_a_study_without_an_nct_id_names_the_missing_field():
    data = json.loads(MESEMS_JSON)
    del data["protocolSection"]["identificationModule"]["nctId"]
    with pytest.raises(MalformedRecord, match="identificationModule.nctId"):
        ctgov.parse_study(data)


def test_an_unknown_status_is_read_as_unknown_with_a_warning():
    data = json.loads(MESEMS_JSON)
    data["protocolSection"]["statusModule"]["overallStatus"] = "WITHHELD"
    record = ctgov.parse_study(data)
    assert record.status == "unknown"
    assert any("WITHHELD" in w for w in record.warnings)


def test_it_reads_an_eu_ctr_record_from_an_ictrp_export():
    (record,) = ictrp.parse_export((FIXTURES / "ictrp_EUCTR2017-001400-29-FR.xml").read_bytes())
    assert record.trial_id == "EUCTR2017-001400-29-FR"
    assert record.registry == "EU Clinical Trials Register"
    assert record.status == "authorised"
    assert record.phase == "Phase 1/Phase 2"
    assert record.target_enrollment == 10
    assert (record.minimum_age, record.maximum_age, record.sex) == (None, None, "")
    assert record.conditions == [
        "Treatment of Systemic Lupus Erythematosus refractory to standard treatments."
    ]
    assert record.other_ids == ["2017-001400-29-FR", "P150302J"]
    # the contact is listed twice in the record: one site
    assert record.sites == [
        {
            "facility": "ASSISTANCE PUBLIQUE - HOPITAUX DE PARIS (AP-HP)",
            "city": "Paris",
            "country": "France",
            "contact_name": "DRCI Hôpital St Louis",
            "contact_email": "karine.seymour@aphp.fr",
            "contact_phone": "",
        }
    ]
    assert record.inclusion_text.startswith("Subjects:")
    assert "Exclusion criteria:" in record.eligibility_text


def test_it_reads_flat_ictrp_contact_fields_and_several_trials():
    one = (FIXTURES / "ictrp_NCT02403947.xml").read_text(encoding="utf-8").split("<Trials_central>")[1]
    two = (
        (FIXTURES / "ictrp_EUCTR2017-001400-29-FR.xml")
        .read_text(encoding="utf-8")
        .split("<Trials_central>")[1]
    )
    export = (
        "<Trials_downloaded_from_ICTRP>"
        + one.replace("</Trials_central>", "")
        + two.replace("</Trials_central>", "")
        + "</Trials_downloaded_from_ICTRP>"
    )
    records = ictrp.parse_export(export)
    assert [r.trial_id for r in records] == ["NCT02403947", "EUCTR2017-001400-29-FR"]
    assert records[0].sites[0]["facility"] == "Neurology Department of Purpan Hospital"
    assert (records[0].minimum_age, records[0].maximum_age) == (18.0, 50.0)


def test_it_refuses_xml_entity_expansion():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<Trials_central><Trial><TrialID>&lol2;</TrialID></Trial></Trials_central>"
    )
    with pytest.raises(MalformedRecord, match="entities"):
        ictrp.parse_export(bomb)


def test_broken_xml_and_missing_ids_are_clear_errors():
    with pytest.raises(MalformedRecord, match="not well-formed"):
        ictrp.parse_export("<Trials_central><Trial>")
    with pytest.raises(MalformedRecord, match="TrialID is missing"):
        ictrp.parse_export("<Trials_central><Trial><Public_title>x</Public_title></Trial></Trials_central>")
    with pytest.raises(MalformedRecord, match="no Trial element"):
        ictrp.parse_export("<Something/>")


REAL = FIXTURES / "real"


def test_a_legacy_v1_full_studies_response_is_read_like_api_v2():
    (study,) = ctgov.load_studies((REAL / "NCT04780347.json").read_text(encoding="utf-8"))
    record = ctgov.parse_study(study)
    assert (record.trial_id, record.registry, record.status) == (
        "NCT04780347",
        "ClinicalTrials.gov",
        "recruiting",
    )
    assert record.public_title.startswith("Albumin-bound Paclitaxel Combination With Capecitabine")
    assert (record.minimum_age, record.maximum_age, record.sex) == (18.0, 70.0, "female")
    assert record.conditions == ["Breast Cancer"]
    assert record.source_url == "https://clinicaltrials.gov/study/NCT04780347"
    assert record.eligibility_text.startswith("Inclusion Criteria:")
    assert record.sites[0] == {
        "facility": "Fudan University Shanghai Cancer center",
        "city": "Shanghai",
        "country": "China",
        "contact_name": "Jian Zhang, MD,PhD",
        "contact_email": "syner2000@163.com",
        "contact_phone": "+8618121299359",
    }


def test_a_legacy_search_page_gives_every_study():
    text = (REAL / "NCT04497298.json").read_text(encoding="utf-8")
    page = json.loads(text)
    page["FullStudiesResponse"]["FullStudies"] *= 2
    assert len(ctgov.load_studies(json.dumps(page))) == 2


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"StudyFieldsResponse": {"StudyFields": []}},
            "StudyFieldsResponse, which holds selected fields only",
        ),
        ({"FullStudiesResponse": {"FullStudies": []}}, "FullStudiesResponse without any"),
        (
            {"resultsSection": {}},
            "neither ClinicalTrials.gov API v2 JSON .* nor legacy API v1 JSON .*resultsSection",
        ),
        ([1, 2], "neither ClinicalTrials.gov API v2 JSON"),
    ],
)
def test_a_file_in_neither_format_says_what_it_is_and_what_was_expected(payload, message):
    with pytest.raises(MalformedRecord, match=message):
        ctgov.load_studies(json.dumps(payload))


def test_the_eligibility_text_is_kept_without_the_apis_markdown_escapes():
    record = ctgov.parse_study(json.loads((REAL / "NCT02552212.json").read_text(encoding="utf-8")))
    assert "\\" not in record.eligibility_text
    assert "Bath Ankylosing Spondylitis Disease Activity Index (BASDAI) score >= 4" in record.eligibility_text


def test_ictrp_criteria_are_kept_without_entities_tags_or_escapes():
    export = (
        "<Trials_downloaded_from_ICTRP><Trial><TrialID>ISRCTN123</TrialID><Public_title>A trial</Public_title>"
        "<Inclusion_Criteria>Age &amp;gt;= 18&lt;br&gt;EDSS \\&lt; 6</Inclusion_Criteria>"
        "<Exclusion_Criteria>Pregnancy</Exclusion_Criteria></Trial></Trials_downloaded_from_ICTRP>"
    )
    (record,) = ictrp.parse_export(export.encode("utf-8"))
    assert record.inclusion_text == "Age >= 18\nEDSS < 6"
