"""Server-side SVG charts: geometry is computed here, markup is in impact/_chart.html.

Bars of suppressed counts are drawn at the length of SMALL_COUNT with a dashed outline, so
the picture never reveals a count the labels hide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from impact.privacy import SMALL_COUNT, count_display, is_suppressed

LABEL_WIDTH = 150
BAR_AREA = 400
VALUE_WIDTH = 60
ROW = 26
BAR = 18


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
    height: float = BAR


@dataclass
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    width: int = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height: int = 0
    bar_x: int = LABEL_WIDTH
    legend: list[tuple[str, str]] = field(default_factory=list)


def _layout(chart: Chart, values: list[tuple[str, int, str, bool]], scale_max: int, row: float) -> Chart:
    """values: (label, count, series, starts a new row)."""
    y = 4.0
    first = True
    for label, count, series, new_row in values:
        if new_row and not first:
            y += row - BAR
        suppressed = is_suppressed(count)
        shown = SMALL_COUNT if suppressed else count
        width = 0 if scale_max <= 0 else max(1.0, BAR_AREA * min(shown, scale_max) / scale_max)
        bar = Bar(label if new_row else "", count_display(count), series, y, round(width, 1), suppressed)
        bar.label_y = y + BAR * 0.7
        bar.value_x = LABEL_WIDTH + bar.width + 6
        chart.bars.append(bar)
        y += BAR
        first = False
    chart.height = int(y + 8)
    return chart


def funnel_chart(payload: dict) -> Chart:
    screened = payload["screened"]
    steps = [("All screened", screened, "screened", True)]
    for number, passing in enumerate(payload["passing"], start=1):
        steps.append((f"After C1–C{number}" if number > 1 else "After C1", passing, "passing", True))
    steps.append(("Eligible", payload["eligible"], "eligible", True))
    description = "; ".join(f"{label}: {count_display(n)}" for label, n, _, _ in steps)
    chart = Chart("funnel-chart", "Attrition funnel, in criteria order", description)
    return _layout(chart, steps, max(screened, SMALL_COUNT), ROW)


def criteria_chart(payload: dict) -> Chart:
    rows = []
    parts = []
    for number, c in enumerate(payload["criteria"], start=1):
        label = f"C{number} ({c['kind'][:3]}.)"
        rows.append((label, c["excluded"], "excluded", True))
        rows.append(("", c["alone"], "alone", False))
        rows.append(("", c["unknown"], "unknown", False))
        parts.append(
            f"C{number}: excluded {count_display(c['excluded'])}, alone {count_display(c['alone'])}, "
            f"unknown {count_display(c['unknown'])}"
        )
    chart = Chart(
        "criteria-chart", "Patients excluded, excluded by this criterion alone, and unknown", "; ".join(parts)
    )
    chart.legend = [("excluded", "Excluded"), ("alone", "Excluded by it alone"), ("unknown", "Unknown")]
    return _layout(chart, rows, max(payload["screened"], SMALL_COUNT), ROW + 8)
