"""A small vocabulary for writing curated criteria as reviewable Python data.

Each function returns a plain dict in the shape `trials.seeding` loads into Criterion
rows; nothing here touches the database.
"""

from __future__ import annotations

from pathlib import Path

RECORDS = Path(__file__).parent / "records"


def _node(node_type: str, source: str, note: str, note_fr: str, visit: bool = False, **fields) -> dict:
    return {
        "node_type": node_type,
        "source_text": source,
        "explanation_en": note,
        "explanation_fr": note_fr,
        "confirmed_at_visit": visit,
        "children": [],
        **fields,
    }


def leaf(
    concept: str,
    operator: str,
    *values,
    unit: str = "",
    drugs: tuple[str, ...] | list[str] = (),
    source: str = "",
    note: str = "",
    note_fr: str = "",
) -> dict:
    return _node(
        "leaf",
        source,
        note,
        note_fr,
        concept=concept,
        operator=operator,
        values=list(values),
        unit=unit,
        drugs=list(drugs),
    )


def all_of(*children: dict, source: str = "", note: str = "", note_fr: str = "") -> dict:
    return {**_node("and", source, note, note_fr), "children": list(children)}


def any_of(*children: dict, source: str = "", note: str = "", note_fr: str = "") -> dict:
    return {**_node("or", source, note, note_fr), "children": list(children)}


def not_(child: dict, *, source: str = "", note: str = "", note_fr: str = "") -> dict:
    return {**_node("not", source, note, note_fr), "children": [child]}


def visit(source: str, note: str = "", note_fr: str = "") -> dict:
    """A criterion the study team confirms at the visit: shown to the patient, never asked."""
    return _node("visit", source, note, note_fr, visit=True)


def inclusion(node: dict) -> dict:
    return {**node, "kind": "inclusion"}


def exclusion(node: dict) -> dict:
    return {**node, "kind": "exclusion"}


def record_text(filename: str) -> str:
    return (RECORDS / filename).read_text(encoding="utf-8")


def section(filename: str, start: str, end: str | None) -> str:
    """The record's eligibility text, verbatim, from the `start` marker to before `end`."""
    text = record_text(filename)
    begin = text.index(start)
    finish = text.index(end, begin) if end else len(text)
    return text[begin:finish].strip()
