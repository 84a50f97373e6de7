"""Every CSV the app exports: a UTF-8 byte order mark (so Excel reads "—" and "é" as written)
and cells that a spreadsheet cannot run as formulas.

Spreadsheets treat a cell starting with =, +, -, @, a tab or a carriage return as a formula
(CSV injection, OWASP); a leading apostrophe makes them show it as text. Every cell is
escaped, the header row included, whatever its type: "-2" is shown as '-2, never evaluated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> HttpResponse:
    """An attachment named `filename` (made of letters, digits, - _ . only)."""
    safe_name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
