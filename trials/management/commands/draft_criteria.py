import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trials.registry.drafting import EXCLUSION, INCLUSION, draft_eligibility


class Command(BaseCommand):
    help = (
        "Drafts structured criteria from a plain-text eligibility section (with or without "
        "'Inclusion/Exclusion criteria' headings) and prints them; nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A text file, or - for standard input.")
        parser.add_argument("--json", action="store_true", help="Print the items as a JSON list.")
        parser.add_argument(
            "--kind",
            choices=[INCLUSION, EXCLUSION],
            default=INCLUSION,
            help="How to read text before any heading (default inclusion).",
        )

    def handle(self, *args, path, json: bool = False, kind: str = INCLUSION, **options):
        as_json = json
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"path: cannot read {path}: {exc}") from None
        draft = draft_eligibility(text, default_kind=kind)
        if as_json:
            self.stdout.write(_json.dumps(draft.as_list(), ensure_ascii=False, indent=2))
            for warning in draft.warnings:
                self.stderr.write(f"warning: {warning}")
            return
        for warning in draft.warnings:
            self.stdout.write(f"warning: {warning}")
        structured = sum(1 for item in draft.items if item.criteria)
        for item in draft.items:
            self.stdout.write(f"[{item.kind}] {item.source_text}")
            if len(item.criteria) > 1:
                self.stdout.write(f"    ({item.combine} of:)")
            for criterion in item.criteria:
                self.stdout.write(f"    → {_line(criterion.as_dict())}")
            if item.confirmed_at_visit:
                self.stdout.write("    → confirmed at the visit")
            for warning in item.warnings:
                self.stdout.write(f"    ! {warning}")
        self.stdout.write(f"{structured} of {len(draft.items)} item(s) drafted as structured criteria.")


def _line(data: dict) -> str:
    """One drafted criterion, with the rule that drafted it."""
    if "group" in data:
        inner = " OR " if data["group"] == "any" else " AND "
        text = inner.join(_line(c) for c in data["criteria"])
        return f"NOT ({text})" if data["group"] == "not" else f"({text})"
    drugs = f" [{', '.join(data['drugs'])}]" if data.get("drugs") else ""
    values = " ".join(map(str, data["values"]))
    line = f"{', '.join(data['concepts'])} {data['operator']} {values} {data['unit']}".rstrip()
    return f"{line}{drugs}  ({data['rule']})"


_json = json
