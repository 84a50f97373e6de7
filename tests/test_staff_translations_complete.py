"""Every string the staff apps (clinic, impact, the workspace frame) mark for translation has
a French translation in locale/fr/LC_MESSAGES/django.po: a string added without one would
show in English to a French team."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted([*ROOT.glob("clinic/templates/**/*.html"), *ROOT.glob("impact/templates/**/*.html")]) + [
    ROOT / "templates" / "workspace_base.html"
]
SOURCES = sorted([*ROOT.glob("clinic/*.py"), *ROOT.glob("impact/*.py")])
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}

TRANSLATE = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
UNDERSCORE = re.compile(r"""_\((["'])(.+?)\1\)""")
BLOCK = re.compile(r"\{%\s*blocktranslate(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktranslate\s*%\}", re.S)


def _block_message(args: str, body: str) -> list[str]:
    parts = re.split(r"\{%\s*plural\s*%\}", body)
    texts = []
    for part in parts:
        text = " ".join(part.split()) if "trimmed" in args else part
        texts.append(re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", text))
    return texts


def template_messages(path: Path) -> list[str]:
    source = path.read_text()
    found = [m.group(2) for m in TRANSLATE.finditer(source)]
    found += [m.group(2) for m in UNDERSCORE.finditer(source)]
    for block in BLOCK.finditer(source):
        found += _block_message(block.group("args"), block.group("body"))
    return found


def python_messages(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT:
            found += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return found


def _french() -> dict[str, object]:
    with (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalogue = read_po(po)
    strings = {}
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for english in ids:
            strings[english] = message.string
    return strings


FRENCH = _french()
FILES = [*TEMPLATES, *SOURCES]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_marked_string_has_a_french_translation(path):
    messages = template_messages(path) if path.suffix == ".html" else python_messages(path)
    untranslated = [
        m for m in messages if not FRENCH.get(m) or (isinstance(FRENCH[m], tuple) and not all(FRENCH[m]))
    ]
    assert untranslated == []


def test_the_check_reads_trimmed_blocks_with_plurals_and_variables():
    body = "\n  {{ n }} patient\n{% plural %}\n  {{ n }} patients\n"
    assert _block_message(" trimmed count n=x ", body) == ["%(n)s patient", "%(n)s patients"]
    assert "Screening logs" in template_messages(ROOT / "clinic/templates/clinic/dashboard.html")
