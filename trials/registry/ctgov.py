"""ClinicalTrials.gov: fetching a study by NCT id (API v2) and reading its JSON, in the API v2
shape (`protocolSection`) or the legacy API v1 shape (`FullStudiesResponse`, retired in 2024 but
still found in saved files). Eligibility text is stored without the API's markdown escapes."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import httpx

from trials.registry.drafting.markup import clean_registry_text
from trials.registry.records import (
    MalformedRecord,
    RecordNotFound,
    RegistryError,
    RegistryRecord,
    RegistryUnavailable,
    parse_age,
)

API_URL = "https://clinicaltrials.gov/api/v2/studies/{nct_id}"
STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
NCT_ID = re.compile(r"^NCT\d{8}$")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
REGISTRY = "ClinicalTrials.gov"

_STATUSES = {
    "NOT_YET_RECRUITING": "not_yet_recruiting",
    "RECRUITING": "recruiting",
    "ENROLLING_BY_INVITATION": "enrolling_by_invitation",
    "ACTIVE_NOT_RECRUITING": "active_not_recruiting",
    "SUSPENDED": "suspended",
    "COMPLETED": "completed",
    "TERMINATED": "terminated",
    "WITHDRAWN": "withdrawn",
    "UNKNOWN": "unknown",
}
_PHASES = {"EARLY_PHASE1": "Early Phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3",
           "PHASE4": "Phase 4", "NA": "N/A"}  # fmt: skip


def normalise_nct_id(raw: str) -> str:
    nct_id = (raw or "").strip().upper()
    if not NCT_ID.match(nct_id):
        raise RegistryError(f"{raw!r} is not a ClinicalTrials.gov id (NCT followed by 8 digits)")
    return nct_id


def default_client() -> httpx.Client:
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=True,
        headers={"Accept": "application/json", "User-Agent": "prescreen-registry-import/1.0"},
    )


def fetch_study(
    nct_id: str,
    *,
    client: httpx.Client | None = None,
    retries: int = 2,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """The study's JSON. Network errors, timeouts, 429 and 5xx are retried `retries` times
    with exponential backoff, then raise RegistryUnavailable; 404 raises RecordNotFound."""
    nct_id = normalise_nct_id(nct_id)
    own_client = client is None
    client = client or default_client()
    try:
        failure: RegistryUnavailable | None = None
        for attempt in range(retries + 1):
            if attempt:
                sleep(backoff * 2 ** (attempt - 1))
            try:
                response = client.get(API_URL.format(nct_id=nct_id), params={"format": "json"})
            except httpx.TimeoutException:
                failure = RegistryUnavailable(f"{REGISTRY} did not answer in time for {nct_id}")
                continue
            except httpx.TransportError as exc:
                failure = RegistryUnavailable(f"{REGISTRY} could not be reached for {nct_id}: {exc}")
                continue
            if response.status_code == 404:
                raise RecordNotFound(f"{REGISTRY} has no study {nct_id} (HTTP 404)")
            if response.status_code == 429 or response.status_code >= 500:
                failure = RegistryUnavailable(f"{REGISTRY} answered HTTP {response.status_code} for {nct_id}")
                continue
            if response.status_code != 200:
                raise RegistryError(
                    f"{REGISTRY} refused the request for {nct_id} (HTTP {response.status_code})"
                )
            try:
                data = response.json()
            except ValueError:
                raise MalformedRecord(
                    f"{REGISTRY} sent a response for {nct_id} that is not valid JSON"
                ) from None
            if not isinstance(data, dict) or "protocolSection" not in data:
                raise MalformedRecord(f"{REGISTRY} sent JSON for {nct_id} without a protocolSection")
            return data
        assert failure is not None
        raise failure
    finally:
        if own_client:
            client.close()


def load_studies(text: str) -> list[dict]:
    """Studies from a saved file: an API v2 study or search page {"studies": [...]}, or a
    legacy API v1 `FullStudiesResponse` (each of its `Study` objects)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedRecord(f"the file is not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("FullStudiesResponse"), dict):
        studies = [
            entry.get("Study")
            for entry in data["FullStudiesResponse"].get("FullStudies") or []
            if isinstance(entry, dict)
        ]
        if not studies or not all(isinstance(s, dict) and "ProtocolSection" in s for s in studies):
            raise MalformedRecord(
                "the file is a legacy ClinicalTrials.gov FullStudiesResponse without any "
                "FullStudies[].Study.ProtocolSection"
            )
        return studies
    if isinstance(data, dict) and "StudyFieldsResponse" in data:
        raise MalformedRecord(
            "the file is a legacy ClinicalTrials.gov StudyFieldsResponse, which holds selected fields only: "
            "save the full study (API v2 /studies/{nctId}, or v1 full_studies) instead"
        )
    studies = data.get("studies") if isinstance(data, dict) and "studies" in data else [data]
    if isinstance(data, dict) and "Study" in data and isinstance(data["Study"], dict):
        studies = [data["Study"]]
    if (
        not isinstance(studies, list)
        or not studies
        or not all(
            isinstance(s, dict) and ("protocolSection" in s or "ProtocolSection" in s) for s in studies
        )
    ):
        keys = ", ".join(sorted(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise MalformedRecord(
            "the file is neither ClinicalTrials.gov API v2 JSON (a study with protocolSection, or "
            f'{{"studies": [...]}}) nor legacy API v1 JSON (FullStudiesResponse); it has: {keys or "nothing"}'
        )
    return studies


def _get(data: dict, path: str, default=None):
    for key in path.split("."):
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def _site(facility: str | None, city: str | None, country: str | None, contacts: list[dict]) -> dict:
    """A site as the trial stores it, with its first contact (name, email, phone)."""
    contact = contacts[0] if contacts else {}
    return {
        "facility": (facility or city or "")[:300],
        "city": (city or "")[:120],
        "country": (country or "")[:120],
        "contact_name": (contact.get("name") or "")[:200],
        "contact_email": contact.get("email") or "",
        "contact_phone": (contact.get("phone") or "")[:64],
    }


def parse_study(study: dict) -> RegistryRecord:
    """A study in either shape, API v2 or legacy API v1."""
    if "protocolSection" not in study and isinstance(study.get("ProtocolSection"), dict):
        return parse_legacy_study(study)
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise MalformedRecord("protocolSection is missing (neither API v2 nor legacy v1 ProtocolSection)")
    nct_id = _get(protocol, "identificationModule.nctId")
    if not isinstance(nct_id, str) or not NCT_ID.match(nct_id):
        raise MalformedRecord(f"identificationModule.nctId is missing or invalid ({nct_id!r})")
    title = _get(protocol, "identificationModule.briefTitle") or _get(
        protocol, "identificationModule.officialTitle"
    )
    if not title:
        raise MalformedRecord(f"{nct_id}: identificationModule.briefTitle is missing")
    warnings: list[str] = []

    raw_status = _get(protocol, "statusModule.overallStatus", "UNKNOWN")
    status = _STATUSES.get(raw_status)
    if status is None:
        warnings.append(
            f"statusModule.overallStatus {raw_status!r} is not a trial status we know; read as unknown."
        )
        status = "unknown"

    phases = [_PHASES.get(p, p) for p in _get(protocol, "designModule.phases", [])]
    enrollment = _get(protocol, "designModule.enrollmentInfo.count")
    other_ids = [_get(protocol, "identificationModule.orgStudyIdInfo.id")] + [
        s.get("id")
        for s in _get(protocol, "identificationModule.secondaryIdInfos", [])
        if isinstance(s, dict)
    ]
    eligibility = _get(protocol, "eligibilityModule", {})
    sex = {"FEMALE": "female", "MALE": "male"}.get(eligibility.get("sex", "ALL"), "")
    text = clean_registry_text(eligibility.get("eligibilityCriteria") or "")
    if not text.strip():
        warnings.append("eligibilityModule.eligibilityCriteria is empty.")

    central = [
        c for c in _get(protocol, "contactsLocationsModule.centralContacts", []) if isinstance(c, dict)
    ]
    sites = []
    for location in _get(protocol, "contactsLocationsModule.locations", []):
        if not isinstance(location, dict) or not (location.get("facility") or location.get("city")):
            continue
        contacts = [c for c in location.get("contacts", []) if isinstance(c, dict)] or central
        sites.append(_site(location.get("facility"), location.get("city"), location.get("country"), contacts))
    if not sites:
        warnings.append("contactsLocationsModule.locations lists no site.")

    return RegistryRecord(
        trial_id=nct_id,
        registry=REGISTRY,
        public_title=title[:500],
        scientific_title=_get(protocol, "identificationModule.officialTitle", ""),
        acronym=_get(protocol, "identificationModule.acronym", "")[:64],
        sponsor=(_get(protocol, "sponsorCollaboratorsModule.leadSponsor.name")
                 or _get(protocol, "identificationModule.organization.fullName", ""))[:300],
        status=status,
        phase="/".join(phases)[:64],
        conditions=list(_get(protocol, "conditionsModule.conditions", [])),
        target_enrollment=enrollment if isinstance(enrollment, int) and enrollment >= 0 else None,
        source_url=STUDY_URL.format(nct_id=nct_id),
        other_ids=[i for i in other_ids if i],
        eligibility_text=text,
        minimum_age=parse_age(eligibility.get("minimumAge"), "eligibilityModule.minimumAge", warnings),
        maximum_age=parse_age(eligibility.get("maximumAge"), "eligibilityModule.maximumAge", warnings),
        sex=sex,
        sites=sites,
        warnings=warnings,
    )  # fmt: skip


# ----------------------------------------------------------------------------- legacy API v1

_LEGACY_STATUSES = {
    "not yet recruiting": "not_yet_recruiting",
    "recruiting": "recruiting",
    "enrolling by invitation": "enrolling_by_invitation",
    "active, not recruiting": "active_not_recruiting",
    "suspended": "suspended",
    "completed": "completed",
    "terminated": "terminated",
    "withdrawn": "withdrawn",
    "unknown status": "unknown",
    "unknown": "unknown",
}


def _list(data: dict, path: str) -> list:
    value = _get(data, path, [])
    return value if isinstance(value, list) else [value]


def parse_legacy_study(study: dict) -> RegistryRecord:
    """A study of the legacy API v1 (`FullStudiesResponse.FullStudies[].Study`): the same
    fields as v2 under capitalised names, lists wrapped in `…List` objects, numbers as text."""
    protocol = study.get("ProtocolSection")
    if not isinstance(protocol, dict):
        raise MalformedRecord("ProtocolSection is missing")
    nct_id = _get(protocol, "IdentificationModule.NCTId")
    if not isinstance(nct_id, str) or not NCT_ID.match(nct_id):
        raise MalformedRecord(f"IdentificationModule.NCTId is missing or invalid ({nct_id!r})")
    title = _get(protocol, "IdentificationModule.BriefTitle") or _get(
        protocol, "IdentificationModule.OfficialTitle"
    )
    if not title:
        raise MalformedRecord(f"{nct_id}: IdentificationModule.BriefTitle is missing")
    warnings: list[str] = []
    raw_status = _get(protocol, "StatusModule.OverallStatus", "Unknown status")
    status = _LEGACY_STATUSES.get(str(raw_status).lower())
    if status is None:
        warnings.append(
            f"StatusModule.OverallStatus {raw_status!r} is not a trial status we know; read as unknown."
        )
        status = "unknown"
    phases = ["N/A" if p == "Not Applicable" else p for p in _list(protocol, "DesignModule.PhaseList.Phase")]
    enrollment = str(_get(protocol, "DesignModule.EnrollmentInfo.EnrollmentCount", "")).strip()
    other_ids = [_get(protocol, "IdentificationModule.OrgStudyIdInfo.OrgStudyId")] + [
        s.get("SecondaryId")
        for s in _list(protocol, "IdentificationModule.SecondaryIdInfoList.SecondaryIdInfo")
        if isinstance(s, dict)
    ]
    conditions = [
        c for c in _list(protocol, "ConditionsModule.ConditionList.Condition") if isinstance(c, str)
    ]
    eligibility = _get(protocol, "EligibilityModule", {})
    sex = {"female": "female", "male": "male"}.get(str(eligibility.get("Gender", "All")).lower(), "")
    text = clean_registry_text(eligibility.get("EligibilityCriteria") or "")
    if not text.strip():
        warnings.append("EligibilityModule.EligibilityCriteria is empty.")
    central = [
        c
        for c in _list(protocol, "ContactsLocationsModule.CentralContactList.CentralContact")
        if isinstance(c, dict)
    ]
    sites = []
    for location in _list(protocol, "ContactsLocationsModule.LocationList.Location"):
        if not isinstance(location, dict) or not (
            location.get("LocationFacility") or location.get("LocationCity")
        ):
            continue
        contacts = [
            {"name": c.get("LocationContactName"), "email": c.get("LocationContactEMail"),
             "phone": c.get("LocationContactPhone")}
            for c in _list(location, "LocationContactList.LocationContact")
            if isinstance(c, dict)
        ] or [
            {"name": c.get("CentralContactName"), "email": c.get("CentralContactEMail"),
             "phone": c.get("CentralContactPhone")}
            for c in central
        ]  # fmt: skip
        sites.append(
            _site(
                location.get("LocationFacility"),
                location.get("LocationCity"),
                location.get("LocationCountry"),
                contacts,
            )
        )
    if not sites:
        warnings.append("ContactsLocationsModule.LocationList lists no site.")
    return RegistryRecord(
        trial_id=nct_id,
        registry=REGISTRY,
        public_title=title[:500],
        scientific_title=_get(protocol, "IdentificationModule.OfficialTitle", ""),
        acronym=_get(protocol, "IdentificationModule.Acronym", "")[:64],
        sponsor=(_get(protocol, "SponsorCollaboratorsModule.LeadSponsor.LeadSponsorName")
                 or _get(protocol, "IdentificationModule.Organization.OrgFullName", ""))[:300],
        status=status,
        phase="/".join(phases)[:64],
        conditions=conditions,
        target_enrollment=int(enrollment) if enrollment.isdigit() else None,
        source_url=STUDY_URL.format(nct_id=nct_id),
        other_ids=[i for i in other_ids if i],
        eligibility_text=text,
        minimum_age=parse_age(eligibility.get("MinimumAge"), "EligibilityModule.MinimumAge", warnings),
        maximum_age=parse_age(eligibility.get("MaximumAge"), "EligibilityModule.MaximumAge", warnings),
        sex=sex,
        sites=sites,
        warnings=warnings,
    )  # fmt: skip
