"""Registry markup as people read it: the text stored, shown and drafted from.

ClinicalTrials.gov API v2 writes its eligibility text as markdown and escapes every
character markdown could read as syntax ("Age \\>= 18", "=\\<", "\\*"); ICTRP exports carry
HTML entities and <br> tags. Both are removed here, once, before anything stores or reads
the text; list markers and their indentation are kept, because they carry the structure.
"""

from __future__ import annotations

import html
import re

# A backslash before ASCII punctuation is a markdown escape (CommonMark); a backslash before
# a letter or a digit is text and stays.
_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~])")
_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|ul|ol|tr|table)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_SUPERSCRIPT = re.compile(r"<sup>\s*([^<]{1,6}?)\s*</sup>", re.I)
_INLINE_TAG = re.compile(r"</?(?:b|i|u|em|strong|sub|span|font|li|td|th)\b[^>]*>", re.I)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_SPACES = re.compile("[\u00a0\u2007\u2009\u202f\t]")


def clean_registry_text(text: str | None) -> str:
    """The text without markdown escapes, HTML entities or tags; line breaks, list markers and
    indentation kept. Applying it twice changes nothing more."""
    if not text:
        return ""
    t = text.replace("\r\n", "\n").replace("\r", "\n")
    # Entities first: ICTRP writes its line breaks as "&lt;br&gt;".
    t = html.unescape(t)
    t = _SUPERSCRIPT.sub(r"^\1", t)
    t = _BREAK.sub("\n", t)
    t = _LIST_ITEM.sub("\n* ", t)
    t = _INLINE_TAG.sub("", t)
    t = _ESCAPE.sub(r"\1", t)
    t = _INVISIBLE.sub("", t)
    t = _SPACES.sub(" ", t)
    lines = [line.rstrip() for line in t.split("\n")]
    t = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return t.strip("\n").strip()
