"""An eligibility text as sections (inclusion, exclusion) of items.

Bullets ("*", "•", "-"), numbers ("1.", "2)"), letters ("a)") and roman numerals ("i.") start
items; wrapped lines are joined. A list nested under an item (indented deeper, or lettered
under a numbered item) stays with its parent: the parent says how its sub-items combine
("one of the following", "all of", "except:"), so they are drafted together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trials.registry.drafting.model import EXCLUSION, INCLUSION

_HEADING = re.compile(
    r"^[\s•*\-–#]*(?:key\s+|principaux\s+|main\s+)?(?P<h>inclusion\s+criteria|exclusion\s+criteria"
    r"|crit[eè]res?\s+d['’]\s*inclusion|crit[eè]res?\s+de\s+non[-\s]inclusion"
    r"|crit[eè]res?\s+d['’]\s*exclusion|inclusion(?=\s*:)|exclusion(?=\s*:))\s*:*\s*",
    re.I,
)
_BOTH_HEADING = re.compile(r"^\W*(key\s+)?inclusion\s*(&|and|et)\s*(exclusion|non)", re.I)
_MARKER = re.compile(
    r"^(?P<indent>\s*)(?:(?P<bullet>[•·▪◦‣*\-–—])|(?P<number>\d{1,2})\s*[.)\-–]"
    r"|\(?(?P<letter>[a-h][.)]|[A-H]\))|\(?(?P<roman>i{1,3}|iv|vi{0,3}|ix|x)[.)])\s+"
)
# How a parent combines its nested list: one of them, all of them, or exceptions to it.
ANY_SIGNAL = re.compile(
    r"\b(one|1|any|at least one|one or more|either)\s+(of\s+)?(the\s+)?(following|criteria|below)\b"
    r"|\bany of\b|\bone of\b|\beither\b|\bat least one\b|\bone or more\b|\bau moins un\b|\bl['’]un des\b",
    re.I,
)
ALL_SIGNAL = re.compile(
    r"\b(all|both|each)\s+(of\s+)?(the\s+)?(following|criteria|below)\b|\bboth\b|\btous les\b", re.I
)
EXCEPT_SIGNAL = re.compile(
    r"\b(except(?:ion)?s?|other than|unless|excluding|apart from|with the exception of|sauf|hormis|"
    r"à l['’]exception)\b[^.;]*$",
    re.I,
)
_EU_AGE_LINE = re.compile(
    r"^(are the trial subjects under 18\?|number of subjects for this age range|f\.1\.)", re.I
)
_CONJUNCTION = re.compile(r"^(or|and|ou|et)\b", re.I)
_OPEN_END = re.compile(r"(,|\bor|\band|\bwith|\bof|\bthe|\bto|\bin|\bfor|\bby)$", re.I)


@dataclass
class RawItem:
    """An item as written: its own text and the sub-items nested under it."""

    style: str
    text: str
    indent: int = 0
    children: list[RawItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        """The item with its sub-items, as one line ("parent: child; child")."""
        if not self.children:
            return self.text
        parts = "; ".join(child.full_text.rstrip(" ;.") for child in self.children)
        head = self.text.rstrip()
        return f"{head} {parts}" if head.endswith(":") else f"{head}: {parts}"


def split_sections(text: str, default_kind: str = INCLUSION) -> tuple[list[tuple[str, list[str]]], bool]:
    """The text's sections as (kind, lines), in order, and whether any heading was found."""
    sections: list[tuple[str, list[str]]] = [(default_kind, [])]
    found = False
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if _BOTH_HEADING.match(line):
            continue
        match = _HEADING.match(line)
        if match:
            heading = match.group("h").lower()
            kind = EXCLUSION if ("exclusion" in heading or "non" in heading) else INCLUSION
            if not found and not any(existing.strip() for existing in sections[0][1]):
                sections.pop()  # nothing before the first heading
            found = True
            sections.append((kind, []))
            rest = line[match.end() :]
            if rest.strip():
                sections[-1][1].append(rest)
            continue
        sections[-1][1].append(line)
    return sections, found


def _style(marker: re.Match) -> str:
    for style in ("bullet", "number", "letter", "roman"):
        if marker.group(style):
            return style
    return "plain"


def split_items(lines: list[str]) -> list[RawItem]:
    """The section's items, each with its nested sub-items. Short headings ("Subjects:") are
    dropped; "Presence of:" intros are folded into their a) b) items."""
    flat = _lines_to_items(lines)
    items = [part for item in _nest(flat) for part in _expand(item)]
    return _fold(items)


def _expand(item: RawItem) -> list[RawItem]:
    """A parent whose nested list says how it combines ("one of the following:", "except:")
    stays one item with its children; a plain introduction ("Adequate organ function:") is
    folded into each child, which becomes an item of its own."""
    if not item.children:
        return [item]
    head = item.text.rstrip()
    intro_only = head.endswith(":") or re.search(
        r"\b(following|as follows|defined (as|by)|including)\s*:?$", head, re.I
    )
    if ANY_SIGNAL.search(head) or ALL_SIGNAL.search(head) or EXCEPT_SIGNAL.search(head) or not intro_only:
        return [item]
    prefix = head if head.endswith(":") else head + ":"
    expanded = []
    for child in item.children:
        for part in _expand(child):
            expanded.append(
                RawItem(part.style, f"{prefix} {part.text}", part.indent, part.children, part.warnings)
            )
    return expanded


def _lines_to_items(lines: list[str]) -> list[RawItem]:
    items: list[RawItem] = []
    eu_age: list[str] = []
    blank_before = False
    for raw in lines:
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        if _EU_AGE_LINE.match(line):
            if not line.lower().startswith(("number of subjects", "f.1.2.1", "f.1.3.1")):
                eu_age.append(line)
            blank_before = False
            continue
        marker = _MARKER.match(raw)
        if marker:
            text = raw[marker.end() :].strip()
            if text:
                indent = len(marker.group("indent").expandtabs(4))
                items.append(RawItem(_style(marker), text, indent))
        elif items and (
            _continues(items[-1].text, line, blank_before)
            or (items[-1].style != "plain" and len(raw) - len(raw.lstrip()) > items[-1].indent)
        ):
            # A wrapped line, or a paragraph indented under its list item (markdown).
            items[-1].text += " " + line
        else:
            indent = len(raw) - len(raw.lstrip())
            items.append(RawItem("plain", line, indent))
        blank_before = False
    if eu_age:
        items.append(RawItem("eu_age", " / ".join(eu_age)))
    return items


def _nest(flat: list[RawItem]) -> list[RawItem]:
    """Indented items go under the item above them; so do letters and roman numerals under a
    numbered or bulleted item that ends with a colon (their list's introduction)."""
    roots: list[RawItem] = []
    stack: list[RawItem] = []
    for item in flat:
        while stack and not _is_child(item, stack[-1]):
            stack.pop()
        if stack:
            stack[-1].children.append(item)
        else:
            roots.append(item)
        stack.append(item)
    return roots


def _is_child(item: RawItem, parent: RawItem) -> bool:
    if item.style in ("plain", "eu_age") or parent.style == "eu_age":
        return False
    if item.indent > parent.indent + 1 and parent.style != "plain":
        return True
    if item.indent > parent.indent + 1 and parent.style == "plain" and parent.text.rstrip().endswith(":"):
        return True
    deeper_style = {"number": ("letter", "roman"), "bullet": ("letter", "roman"), "letter": ("roman",)}
    return (
        item.indent >= parent.indent
        and item.style in deeper_style.get(parent.style, ())
        and (parent.text.rstrip().endswith(":") or bool(parent.children))
    )


def _fold(items: list[RawItem]) -> list[RawItem]:
    folded: list[RawItem] = []
    heading: str | None = None
    intro: RawItem | None = None
    list_intro: str | None = None
    for index, item in enumerate(items):
        nxt = items[index + 1] if index + 1 < len(items) else None
        if (
            item.text.endswith(":")
            and not item.children
            and nxt is not None
            and nxt.style == "letter"
            and item.style != "letter"
        ):
            intro = item
            continue
        if item.style != "letter":
            intro = None
        if intro is not None:
            item = RawItem(item.style, f"{intro.text} {item.text}", item.indent, item.children)
        if item.text.endswith(":") and len(item.text.split()) <= 3 and not item.children:
            # A sub-heading such as "Subjects:" or "Regulatory Criteria :"; a plain one ("Age:",
            # "Hepatic:" in older ClinicalTrials.gov texts) names what the plain lines under it are.
            plain_next = item.style == "plain" and nxt is not None and nxt.style == "plain"
            heading = item.text if plain_next and not item.text.isupper() else None
            continue
        if item.style == "plain" and heading is not None and not item.text.endswith(":"):
            item = RawItem(item.style, f"{heading} {item.text}", item.indent, item.children, item.warnings)
        elif item.style != "plain":
            heading = None
        if item.style == "plain":
            list_intro = item.text if item.text.rstrip().endswith(":") and not item.children else None
        elif list_intro is not None:
            item.warnings.append(
                f"May belong to the list introduced by “{_short(list_intro)}”: group it with that item if so."
            )
        folded.append(item)
    return folded


def _continues(previous: str, line: str, blank_before: bool) -> bool:
    if _CONJUNCTION.match(line):
        return True
    if blank_before:
        return False
    if line[0].islower() or line[0].isdigit():
        return True
    if previous.count("(") > previous.count(")"):
        return True
    return bool(_OPEN_END.search(previous))


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def is_eu_age_line(text: str) -> bool:
    return bool(_EU_AGE_LINE.match(text))
