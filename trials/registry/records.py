"""What every registry parser returns: one plain record, independent of the source format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class RegistryError(Exception):
    """A record that cannot be imported; the message names the registry id or the field."""


class RecordNotFound(RegistryError):
    pass


class MalformedRecord(RegistryError):
    pass


class RegistryUnavailable(RegistryError):
    """A network failure, a timeout or a server error: worth retrying later."""


@dataclass
class RegistryRecord:
    trial_id: str
    registry: str
    public_title: str
    scientific_title: str = ""
    acronym: str = ""
    sponsor: str = ""
    status: str = "unknown"
    phase: str = ""
    conditions: list[str] = field(default_factory=list)
    target_enrollment: int | None = None
    source_url: str = ""
    other_ids: list[str] = field(default_factory=list)
    # The eligibility text as the registry words it (headings included), kept verbatim.
    eligibility_text: str = ""
    # ICTRP gives inclusion and exclusion as separate fields; None when the registry does not.
    inclusion_text: str | None = None
    exclusion_text: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    sex: str = ""  # "female", "male" or "" for both / not stated
    sites: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # Fields the registry owns: a re-import updates them, curators' work stays untouched.
    REGISTRY_FIELDS = (
        "registry", "public_title", "scientific_title", "acronym", "sponsor", "status", "phase",
        "conditions", "target_enrollment", "source_url", "other_ids",
    )  # fmt: skip

    def registry_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.REGISTRY_FIELDS}


_AGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)", re.I)
_AGE_UNITS = {"": 1, "y": 1, "year": 1, "years": 1, "month": 1 / 12, "months": 1 / 12, "m": 1 / 12,
              "week": 7 / 365.25, "weeks": 7 / 365.25, "w": 7 / 365.25, "day": 1 / 365.25,
              "days": 1 / 365.25, "d": 1 / 365.25}  # fmt: skip


def parse_age(raw: str | None, field_name: str, warnings: list[str]) -> float | None:
    """ "18 Years", "18Y", "6 Months" → years; "N/A", "no limit", "" → None."""
    if (
        raw is None
        or not raw.strip()
        or raw.strip().lower() in {"n/a", "na", "no limit", "none", "not stated"}
    ):
        return None
    match = _AGE.match(raw)
    unit = match.group(2).lower() if match else None
    if not match or unit not in _AGE_UNITS:
        warnings.append(f"{field_name}: unreadable age {raw!r}, ignored.")
        return None
    years = float(match.group(1).replace(",", ".")) * _AGE_UNITS[unit]
    return round(years, 2)
