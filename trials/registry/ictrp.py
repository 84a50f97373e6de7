"""WHO ICTRP XML exports: `Trial` elements (under `Trials_central`, or the portal's
`Trials_downloaded_from_ICTRP`), which also carry EU CTR records such as EUCTR…-FR.

Parsed with defusedxml: an uploaded export is untrusted, and entity declarations (billion
laughs) or external entities are refused rather than expanded.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from trials.registry.drafting.markup import clean_registry_text
from trials.registry.records import MalformedRecord, RegistryRecord, parse_age

_REGISTERS = {
    "euctr": "EU Clinical Trials Register",
    "clinicaltrials.gov": "ClinicalTrials.gov",
    "ctgov": "ClinicalTrials.gov",
    "isrctn": "ISRCTN",
    "ctis": "EU CTIS",
}
_STATUSES = [
    (r"^authori[sz]ed", "authorised"),
    (r"^not yet recruiting|^pending", "not_yet_recruiting"),
    (r"^not recruiting|^active, not recruiting|^closed", "active_not_recruiting"),
    (r"^recruiting", "recruiting"),
    (r"^enrolling by invitation", "enrolling_by_invitation"),
    (r"^suspended|^temporarily", "suspended"),
    (r"^completed|^ended", "completed"),
    (r"^terminated|^stopped", "terminated"),
    (r"^withdrawn", "withdrawn"),
    (r"^unknown", "unknown"),
]
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def parse_export(content: str | bytes) -> list[RegistryRecord]:
    try:
        root = fromstring(content)
    except DefusedXmlException as exc:
        raise MalformedRecord(f"the XML file declares entities, which are refused: {exc}") from None
    except ET.ParseError as exc:
        raise MalformedRecord(f"the file is not well-formed XML: {exc}") from None
    trials = [root] if root.tag == "Trial" else list(root.iter("Trial"))
    if not trials:
        raise MalformedRecord(f"no Trial element in the XML file (root element <{root.tag}>)")
    return [parse_trial(element, index) for index, element in enumerate(trials, start=1)]


def _text(element: ET.Element, name: str) -> str:
    child = element.find(name)
    if child is None or child.text is None:
        return ""
    text = html.unescape(child.text)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    return text.replace("\r\n", "\n").strip()


def parse_trial(element: ET.Element, index: int = 1) -> RegistryRecord:
    trial_id = _text(element, "TrialID")
    if not trial_id:
        raise MalformedRecord(f"Trial #{index}: TrialID is missing")
    title = _text(element, "Public_title") or _text(element, "Scientific_title")
    if not title:
        raise MalformedRecord(f"{trial_id}: Public_title is missing")
    warnings: list[str] = []

    raw_status = _text(element, "Recruitment_Status")
    status = next((code for pattern, code in _STATUSES if re.search(pattern, raw_status, re.I)), None)
    if status is None:
        if raw_status:
            warnings.append(f"Recruitment_Status {raw_status!r} is not a status we know; read as unknown.")
        status = "unknown"

    inclusion = clean_registry_text(_text(element, "Inclusion_Criteria"))
    exclusion = clean_registry_text(_text(element, "Exclusion_Criteria"))
    for name, value in (("Inclusion_Criteria", inclusion), ("Exclusion_Criteria", exclusion)):
        if not value:
            warnings.append(f"{name} is empty.")
    parts = []
    if inclusion:
        parts.append(
            inclusion if re.match(r"\W*inclusion", inclusion, re.I) else f"Inclusion criteria:\n{inclusion}"
        )
    if exclusion:
        parts.append(
            exclusion if re.match(r"\W*exclusion", exclusion, re.I) else f"Exclusion criteria:\n{exclusion}"
        )

    register = _text(element, "Source_Register")
    registry = _REGISTERS.get(register.lower(), register)
    if not registry and trial_id.startswith("NCT"):
        registry = "ClinicalTrials.gov"
    target = re.findall(r"\d+", _text(element, "Target_size"))
    countries = [c.strip() for c in re.split(r"[;\n]", _text(element, "Countries")) if c.strip()]
    conditions = [
        line.strip()
        for line in re.split(r"[;\n]", _text(element, "Condition"))
        if line.strip() and not re.match(r"(meddra|therapeutic area|classification code)", line.strip(), re.I)
    ]
    return RegistryRecord(
        trial_id=trial_id,
        registry=registry,
        public_title=title[:500],
        scientific_title=_text(element, "Scientific_title"),
        acronym=_text(element, "Acronym")[:64],
        sponsor=_text(element, "Primary_sponsor")[:300],
        status=status,
        phase=_phase(_text(element, "Phase"))[:64],
        conditions=conditions,
        target_enrollment=int(target[0]) if len(target) == 1 else (sum(map(int, target)) if target else None),
        source_url=_text(element, "web_address")[:500],
        other_ids=[i.strip() for i in re.split(r"[;\n]", _text(element, "Secondary_ID")) if i.strip()],
        eligibility_text="\n\n".join(parts),
        inclusion_text=inclusion,
        exclusion_text=exclusion,
        minimum_age=parse_age(_text(element, "Inclusion_agemin"), "Inclusion_agemin", warnings),
        maximum_age=parse_age(_text(element, "Inclusion_agemax"), "Inclusion_agemax", warnings),
        sex=_sex(_text(element, "Inclusion_gender")),
        sites=_sites(element, countries),
        warnings=warnings,
    )  # fmt: skip


def _phase(raw: str) -> str:
    """ "Phase 1/Phase 2", or the EU CTR form "Human pharmacology (Phase I): yes …"."""
    ticked = re.findall(r"\(Phase (I{1,3}|IV)\):\s*yes", raw, re.I)
    if ticked:
        return "/".join(f"Phase {_ROMAN[p.upper()]}" for p in ticked)
    return re.sub(r"\s+", " ", raw)


def _sex(raw: str) -> str:
    text = raw.lower()
    female = re.search(r"female(:\s*yes)?", text)
    male = re.search(r"(?<!fe)male(:\s*yes)?", text)
    if ":" in text:  # EU CTR form: "Female: yes / Male: yes"
        female = re.search(r"female:\s*yes", text)
        male = re.search(r"(?<!fe)male:\s*yes", text)
    if female and not male:
        return "female"
    if male and not female:
        return "male"
    return ""


def _split(element: ET.Element, name: str) -> list[str]:
    return [part.strip() for part in _text(element, name).split(";")]


def _sites(element: ET.Element, countries: list[str]) -> list[dict]:
    """One site per distinct contact affiliation: ICTRP has no site list, only contacts."""
    contacts: list[dict] = []
    nested = element.findall("Contacts/Contact")
    if nested:
        for contact in nested:
            name = " ".join(p for p in (_text(contact, "Firstname"), _text(contact, "Lastname")) if p)
            contacts.append(
                {
                    "name": name,
                    "address": _text(contact, "Address"),
                    "city": _text(contact, "City"),
                    "country": _text(contact, "Country1") or _text(contact, "Country"),
                    "email": _text(contact, "Email"),
                    "phone": _text(contact, "Telephone") or _text(contact, "Tel"),
                    "affiliation": _text(contact, "Affiliation"),
                }
            )
    else:
        columns = {
            key: _split(element, name)
            for key, name in (
                ("first", "Contact_Firstname"), ("last", "Contact_Lastname"), ("address", "Contact_Address"),
                ("email", "Contact_Email"), ("phone", "Contact_Tel"), ("affiliation", "Contact_Affiliation"),
            )
        }  # fmt: skip
        for i in range(max(len(v) for v in columns.values())):

            def get(key: str, i: int = i) -> str:
                values = columns[key]
                return values[i] if i < len(values) else ""

            contacts.append(
                {
                    "name": " ".join(p for p in (get("first"), get("last")) if p),
                    "address": get("address"),
                    "city": "",
                    "country": "",
                    "email": get("email"),
                    "phone": get("phone"),
                    "affiliation": get("affiliation"),
                }
            )
    sites: list[dict] = []
    seen = set()
    for contact in contacts:
        facility = contact["affiliation"] or contact["name"]
        if not facility:
            continue
        city = contact["city"] or _city_from_address(contact["address"], countries)
        key = (facility.lower(), city.lower())
        if key in seen:
            continue
        seen.add(key)
        sites.append(
            {
                "facility": facility[:300],
                "city": city[:120],
                "country": (contact["country"] or (countries[0] if countries else ""))[:120],
                "contact_name": contact["name"][:200],
                "contact_email": contact["email"] if "@" in contact["email"] else "",
                "contact_phone": contact["phone"][:64],
            }
        )
    return sites


def _city_from_address(address: str, countries: list[str]) -> str:
    """ "1 av. Claude Vellefaux 75010 PARIS France" → "Paris"."""
    text = address.strip()
    for country in countries:
        if text.lower().endswith(country.lower()):
            text = text[: -len(country)].strip(" ,")
    match = re.search(r"\b\d{4,5}\s+([^\d,]+)$", text)
    return match.group(1).strip().title() if match else ""
