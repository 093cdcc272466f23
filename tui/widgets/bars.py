"""Horizontal bars for a `bars` probe: one labelled value per row (gradient norm per layer).

Gradient norms through a deep plain net span many decades, and on a linear scale all but
the largest bar would be empty. So when the largest value is more than 100x the smallest
positive one, the bars switch to a log scale and say so; every bar also prints its value.
Eighth blocks give sub-cell resolution; the bars are block characters, so NO_COLOR keeps them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.rows import fit

EIGHTHS = " ▏▎▍▌▋▊▉█"
LOG_RATIO = 100.0  # max/min beyond which the bars use a log scale
LABEL_MAX = 14


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3g}"


def bar_cells(fraction: float, width: int) -> str:
    """A bar `fraction` (0..1) of `width` cells long, in eighths of a cell."""
    eighths = round(min(max(fraction, 0.0), 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def uses_log(values: Sequence[float | None]) -> bool:
    positive = [v for v in values if v is not None and v > 0]
    return len(positive) >= 2 and max(positive) / min(positive) > LOG_RATIO


def fractions(values: Sequence[float | None], log: bool) -> list[float]:
    """Each value's bar length in 0..1 (log scale: the smallest positive gets a sliver)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return [0.0] * len(values)
    if log:
        logs = [math.log10(v) for v in finite if v > 0]
        lo, hi = min(logs), max(logs)
        span = (hi - lo) or 1.0
        return [
            0.0 if v is None or v <= 0 else 0.05 + 0.95 * (math.log10(v) - lo) / span
            for v in values
        ]
    top = max(abs(v) for v in finite) or 1.0
    return [0.0 if v is None else abs(v) / top for v in values]


def render_bars(data: dict[str, Any], width: int) -> list[Text]:
    """The bars probe's `data` (labels, values, unit) as one line per bar, plus a scale note."""
    labels = [str(x) for x in data.get("labels") or []]
    values: list[float | None] = list(data.get("values") or [])
    if not labels:
        return [Text("(empty)", style="dim")]
    log = uses_log(values)
    label_w = min(max(cell_len(x) for x in labels), LABEL_MAX)
    value_w = max(cell_len(_fmt(v)) for v in values)
    bar_w = max(width - label_w - value_w - 3, 1)
    lines = []
    for label, value, frac in zip(labels, values, fractions(values, log), strict=False):
        line = Text(fit(label, label_w) + " ")
        cells = bar_cells(frac, bar_w)
        line.append(cells, style="bold")
        line.append(" " * (bar_w - cell_len(cells) + 1))
        line.append(_fmt(value).rjust(value_w))
        lines.append(line)
    unit = str(data.get("unit") or "")
    note = (unit + " " if unit else "") + ("(log scale)" if log else "")
    if note.strip():
        lines.append(Text(note.strip(), style="dim"))
    return lines


class Bars(Widget):
    """A bars probe drawn to the widget's width."""

    DEFAULT_CSS = """
    Bars { height: auto; }
    """

    data: reactive[dict[str, Any] | None] = reactive(None, layout=True)
    """The probe's data: labels, values, unit."""

    def __init__(self, data: dict[str, Any] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(Bars.data, data)

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(render_bars(self.data, width)) if self.data else 0

    def render(self) -> Text:
        if self.data is None:
            return Text()
        return Text("\n").join(render_bars(self.data, self.size.width))
