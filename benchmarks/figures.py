"""The machine-readable side of `make bench`: every figure a benchmark prints can also be
recorded here by name, and `python -m benchmarks` writes them all to var/bench/figures.json
(merged into what an earlier run of other benchmarks left there)."""

from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "var" / "bench" / "figures.json"

_recorded: dict[str, float | int | None] = {}


def record(name: str, value: float | int | None) -> None:
    """Keeps one named figure of this run (a number, or None when it could not be measured)."""
    _recorded[name] = value


def recorded(name: str) -> float | int | None:
    """A figure recorded earlier in this run (None if not)."""
    return _recorded.get(name)


def write() -> Path:
    """Merges this run's figures into var/bench/figures.json and returns its path."""
    PATH.parent.mkdir(parents=True, exist_ok=True)
    figures = json.loads(PATH.read_text()) if PATH.exists() else {}
    figures.update(_recorded)
    PATH.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return PATH
