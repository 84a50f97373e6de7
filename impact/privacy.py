"""Small-count suppression: the one place that decides how a count of patients is shown.

Counts under SMALL_COUNT could identify a patient in a small clinic, so every table, chart
label and export shows them as "< 5" (zero included, so a suppressed cell says nothing about
whether it is empty). Percentages of a suppressed count are not shown either.
"""

from __future__ import annotations

SMALL_COUNT = 5
SUPPRESSED = f"< {SMALL_COUNT}"


def is_suppressed(n: int) -> bool:
    return n < SMALL_COUNT


def count_display(n: int) -> str:
    return SUPPRESSED if is_suppressed(n) else str(n)


def delta_display(before: int, after: int) -> str:
    """A change between two counts: the difference itself is a count of patients."""
    change = after - before
    if abs(change) < SMALL_COUNT:
        return "±" + SUPPRESSED if change else "0"
    return f"{change:+d}"


def share_display(n: int, total: int) -> str:
    if is_suppressed(n) or total <= 0:
        return "—"
    return f"{round(100 * n / total)} %"
