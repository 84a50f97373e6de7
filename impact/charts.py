"""Server-side SVG charts: geometry is computed here, markup is in impact/_chart.html.

Each bar's label sits on its own line above it, so a criterion is named in words (its short
name: the concepts it reads) rather than only by its number. Bars of suppressed counts are
drawn at the length of SMALL_COUNT with a dashed outline, so the picture never reveals a count
the labels hide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from impact.privacy import SMALL_COUNT, count_display, is_suppressed

BAR_AREA = 440
VALUE_WIDTH = 130  # "fewer than 5" / "moins de 5" after the longest bar
LABEL_LINE = 16
BAR = 16
BAR_GAP = 2
GROUP_GAP = 8


@dataclass
class Bar:
    label: str
    value: str
    series: str  # CSS modifier: screened, passing, eligible, excluded, alone, unknown
    y: float = 0
    width: float = 0
    suppressed: bool = False
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0
    height: float = BAR


@dataclass
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    width: int = BAR_AREA + VALUE_WIDTH
    height: int = 0
    bar_x: int = 0
    legend: list[tuple[str, str]] = field(default_factory=list)


def _layout(chart: Chart, values: list[tuple[str, int, str, bool]], scale_max: int) -> Chart:
    """values: (label, count, series, starts a new group); a group's label is drawn above it."""
    y = 2.0
    first = True
    for label, count, series, new_group in values:
        if new_group and not first:
            y += GROUP_GAP
        elif not first:
            y += BAR_GAP
        shown_label = label if new_group else ""
        label_y = 0.0
        if shown_label:
            label_y = y + LABEL_LINE * 0.75
            y += LABEL_LINE
        suppressed = is_suppressed(count)
        shown = SMALL_COUNT if suppressed else count
        width = 0 if scale_max <= 0 else max(1.0, BAR_AREA * min(shown, scale_max) / scale_max)
        bar = Bar(shown_label, count_display(count), series, y, round(width, 1), suppressed, label_y)
        bar.value_x = chart.bar_x + bar.width + 6
        bar.value_y = y + BAR * 0.78
        chart.bars.append(bar)
        y += BAR
        first = False
    chart.height = int(y + 4)
    return chart


def criterion_label(number: int, name: str) -> str:
    return f"C{number} · {name}" if name else f"C{number}"


def funnel_chart(payload: dict, names: Sequence[str]) -> Chart:
    """`names`: each criterion's short name, in the payload's criteria order."""
    screened = payload["screened"]
    steps = [(_("All screened"), screened, "screened", True)]
    for number, passing in enumerate(payload["passing"], start=1):
        name = names[number - 1] if number <= len(names) else ""
        steps.append(
            (
                _("After %(criterion)s") % {"criterion": criterion_label(number, name)},
                passing,
                "passing",
                True,
            )
        )
    steps.append((_("Eligible"), payload["eligible"], "eligible", True))
    description = "; ".join(f"{label}: {count_display(n)}" for label, n, _series, _new in steps)
    chart = Chart("funnel-chart", _("Attrition funnel, in criteria order"), description)
    return _layout(chart, steps, max(screened, SMALL_COUNT))


def criteria_chart(payload: dict, names: Sequence[str]) -> Chart:
    rows = []
    parts = []
    kinds = {"inclusion": _("inclusion"), "exclusion": _("exclusion")}
    for number, c in enumerate(payload["criteria"], start=1):
        name = names[number - 1] if number <= len(names) else ""
        label = f"{criterion_label(number, name)} ({kinds.get(c['kind'], c['kind'])})"
        rows.append((label, c["excluded"], "excluded", True))
        rows.append(("", c["alone"], "alone", False))
        rows.append(("", c["unknown"], "unknown", False))
        parts.append(
            _("%(criterion)s: excluded %(excluded)s, alone %(alone)s, unknown %(unknown)s")
            % {
                "criterion": criterion_label(number, name),
                "excluded": count_display(c["excluded"]),
                "alone": count_display(c["alone"]),
                "unknown": count_display(c["unknown"]),
            }
        )
    chart = Chart(
        "criteria-chart",
        _("Patients excluded, excluded by this criterion alone, and unknown"),
        "; ".join(parts),
    )
    chart.legend = [
        ("excluded", _("Excluded")),
        ("alone", _("Excluded by it alone")),
        ("unknown", _("Unknown")),
    ]
    return _layout(chart, rows, max(payload["screened"], SMALL_COUNT))
