"""FHIR R4 bundles turned into concept answers: the one mapping behind the screening API's
POST /api/v1/screen/fhir and the clinician's FHIR import.

`map_bundle` parses and checks the bundle (bundle.py), reads the code tables of
trials.TerminologyCode (codes.py) and maps the patient's resources (mapping.py). It raises
BundleError when the bundle cannot be screened at all; everything it could not use is in the
result's `unused`, with its reason.
"""

from __future__ import annotations

from datetime import date

from screening.catalog import Catalog
from screening.fhir.bundle import BundleError, InvalidResource, parse_bundle
from screening.fhir.codes import CodeTable
from screening.fhir.mapping import FhirImport, ImportedValue, Unused, map_parsed

# Older patients' exports run to several megabytes; beyond this, a bundle is refused whole.
MAX_BUNDLE_BYTES = 20 * 1024 * 1024

__all__ = [
    "MAX_BUNDLE_BYTES",
    "BundleError",
    "FhirImport",
    "ImportedValue",
    "InvalidResource",
    "Unused",
    "map_bundle",
]


def map_bundle(raw: bytes | str | dict, *, catalog: Catalog, as_of: date) -> FhirImport:
    """Raises BundleError for unreadable bundles, none or several patients, a deceased patient."""
    return map_parsed(parse_bundle(raw), catalog=catalog, codes=CodeTable.load(), as_of=as_of)
