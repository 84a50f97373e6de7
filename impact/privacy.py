"""Small-count suppression: the one place that decides how a count of patients is shown.

Counts under SMALL_COUNT could identify a patient in a small clinic, so every table, chart
label and export shows them as "fewer than 5" (zero included, so a suppressed cell says nothing
about whether it is empty). Percentages of a suppressed count are not shown either; shown
counts are written as the reader's language writes numbers.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

SMALL_COUNT = 5


def is_suppressed(n: int) -> bool:
    return n < SMALL_COUNT


def suppressed_text() -> str:
    return _("fewer than %(n)s") % {"n": SMALL_COUNT}


def count_display(n: int) -> str:
    return suppressed_text() if is_suppressed(n) else number_format(n, force_grouping=True)


def delta_display(before: int, after: int) -> str:
    """A change between two counts: the difference itself is a count of patients, so a small
    one hides its size and its direction."""
    change = after - before
    if change and abs(change) < SMALL_COUNT:
        return _("changed by fewer than %(n)s") % {"n": SMALL_COUNT}
    if not change:
        return "0"
    return ("+" if change > 0 else "-") + number_format(abs(change), force_grouping=True)


def share_display(n: int, total: int) -> str:
    if is_suppressed(n) or total <= 0:
        return "—"
    return f"{number_format(round(100 * n / total))} %"
