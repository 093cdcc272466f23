"""A heatmap of a probe's matrix: gates over time, attention weights, feature maps.

In colour, each terminal cell shows two matrix rows with the upper half block `▀`: its
foreground is the upper row's colour and its background the lower row's, so a 64x64
attention map fits in 32 lines. Under NO_COLOR or a 16-colour terminal, colour cannot carry
the value, so each matrix row gets its own line of shade characters ` ░▒▓█`. Row labels sit
in a gutter at the left, column labels under the map, and a colour scale with the value
range at the bottom: the map is readable without knowing the lab that sent it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.reactive import reactive
from textual.widget import Widget

from engine.text import BLOCKS, shade
from tui.widgets.rows import fit

UPPER_HALF = "▀"
LOWER_HALF = "▄"
GUTTER_MAX = 8  # cells for row labels
SCALE_CELLS = 12
# viridis at ten evenly spaced points: dark (low) to bright (high), readable for colour-blind eyes
VIRIDIS = (
    (68, 1, 84),
    (72, 40, 120),
    (62, 74, 137),
    (49, 104, 142),
    (38, 130, 142),
    (31, 158, 137),
    (53, 183, 121),
    (109, 205, 89),
    (180, 222, 44),
    (253, 231, 37),
)

Matrix = Sequence[Sequence[float | None]]

COLOR_OVERRIDE: bool | None = None
"""Force colour (True) or shades (False); tests pin it so snapshots do not depend on TERM."""


def color_mode(app: App[Any] | None) -> bool:
    """True when values may be shown by colour: colour allowed and more than 16 colours."""
    if COLOR_OVERRIDE is not None:
        return COLOR_OVERRIDE
    if app is None:
        return True
    if getattr(app, "no_color", False):
        return False
    return app.console.color_system not in (None, "standard", "windows")


def scale(value: float | None, low: float, high: float) -> float | None:
    """`value` mapped to 0..1 within [low, high] (clamped); None stays None."""
    if value is None or not math.isfinite(value):
        return None
    if high <= low:
        return 0.5
    return min(max((value - low) / (high - low), 0.0), 1.0)


def colour(t: float) -> Color:
    """The colour of a scaled value `t` in 0..1 (viridis, linearly interpolated)."""
    return _colour(round(t * 255))


@lru_cache(maxsize=256)
def _colour(level: int) -> Color:
    """Colours are computed once for each of 256 levels: a heatmap redraws often."""
    pos = level / 255 * (len(VIRIDIS) - 1)
    i = min(int(pos), len(VIRIDIS) - 2)
    f = pos - i
    a, b = VIRIDIS[i], VIRIDIS[i + 1]
    r, g, bl = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return Color.from_rgb(r, g, bl)


def _pool(values: Sequence[float | None], n: int) -> list[float | None]:
    """`values` averaged into `n` bins (gaps ignored), for a matrix wider than the screen."""
    out: list[float | None] = []
    for k in range(n):
        lo, hi = k * len(values) // n, max((k + 1) * len(values) // n, k * len(values) // n + 1)
        chunk = [v for v in values[lo:hi] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out


def fit_matrix(matrix: Matrix, max_cols: int, max_rows: int) -> list[list[float | None]]:
    """The matrix pooled down to at most `max_cols` x `max_rows` (unchanged if it fits)."""
    rows = [list(r) for r in matrix]
    if rows and len(rows[0]) > max_cols > 0:
        rows = [_pool(r, max_cols) for r in rows]
    if len(rows) > max_rows > 0:
        columns = list(zip(*rows, strict=True))
        pooled = [_pool(c, max_rows) for c in columns]
        rows = [list(r) for r in zip(*pooled, strict=True)]
    return rows


def _fmt(v: float | None) -> str:
    return "?" if v is None else f"{v:.3g}"


def render_heatmap(
    data: dict[str, Any], width: int, *, color: bool = True, max_lines: int = 0
) -> list[Text]:
    """The heatmap probe's `data` as lines of at most `width` cells.

    `max_lines` (0 = no limit) bounds the map's own lines; larger matrices are pooled.
    """
    matrix: Matrix = data.get("matrix") or []
    if not matrix or not matrix[0]:
        return [Text("(empty)", style="dim")]
    row_labels = [str(x) for x in data.get("rows") or []]
    col_labels = [str(x) for x in data.get("cols") or []]
    gutter = min(max((cell_len(x) for x in row_labels), default=0), GUTTER_MAX)
    gutter = gutter + 1 if gutter else 0
    room = max(width - gutter, 1)
    per_line = 2 if color else 1
    max_rows = max_lines * per_line if max_lines > 0 else 0
    shown = fit_matrix(matrix, room, max_rows)
    n_rows, n_cols = len(shown), len(shown[0])
    pooled = n_rows != len(matrix) or n_cols != len(matrix[0])
    if pooled:  # labels no longer line up with cells
        row_labels, col_labels = [], []
    cell_w = max(1, min(2, room // n_cols))
    finite = [v for row in matrix for v in row if v is not None]
    low, high = (data.get("range") or [None, None])[:2]
    low = min(finite, default=0.0) if low is None else float(low)
    high = max(finite, default=1.0) if high is None else float(high)
    scaled = [[scale(v, low, high) for v in row] for row in shown]

    lines: list[Text] = []
    for i in range(0, n_rows, per_line):
        line = Text(fit(row_labels[i], gutter - 1) + " " if gutter and i < len(row_labels) else "")
        if gutter and i >= len(row_labels):
            line.append(" " * gutter)
        if color:
            upper = scaled[i]
            lower = scaled[i + 1] if i + 1 < n_rows else [None] * n_cols
            for top, bottom in zip(upper, lower, strict=True):
                line.append(*_half_cell(top, bottom, cell_w))
        else:
            line.append("".join(shade(t, BLOCKS) * cell_w for t in scaled[i]))
        lines.append(line)
    if col_labels:
        lines.append(Text(" " * gutter + _axis(col_labels, cell_w), style="dim"))
    lines.append(_scale_line(low, high, color, gutter))
    return lines


def _half_cell(top: float | None, bottom: float | None, cell_w: int) -> tuple[str, Style]:
    if top is None and bottom is None:
        return " " * cell_w, Style()
    if top is None:
        assert bottom is not None
        return LOWER_HALF * cell_w, Style(color=colour(bottom))
    bg = colour(bottom) if bottom is not None else None
    return UPPER_HALF * cell_w, Style(color=colour(top), bgcolor=bg)


def _axis(labels: list[str], cell_w: int) -> str:
    """Column labels: all of them when each fits its cell, else spaced ticks with their text."""
    if all(cell_len(x) <= cell_w for x in labels):
        return "".join(fit(x, cell_w) for x in labels)
    out = ""
    for k, label in enumerate(labels):
        pos = k * cell_w
        if pos >= cell_len(out) + (1 if out else 0):
            out += " " * (pos - cell_len(out)) + label
    return out


def _scale_line(low: float, high: float, color: bool, gutter: int) -> Text:
    line = Text(" " * gutter + _fmt(low) + " ", style="dim")
    if color:
        for k in range(SCALE_CELLS):
            line.append("█", Style(color=colour(k / (SCALE_CELLS - 1))))
    else:
        line.append("[" + BLOCKS + "]")
    line.append(" " + _fmt(high), style="dim")
    return line


class Heatmap(Widget):
    """A heatmap probe (its `data` dict) drawn to fit the widget's width and height."""

    DEFAULT_CSS = """
    Heatmap { height: auto; }
    """

    data: reactive[dict[str, Any] | None] = reactive(None, layout=True)
    """The probe's data: matrix, rows, cols, range."""

    def __init__(self, data: dict[str, Any] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(Heatmap.data, data)

    def lines(self, width: int) -> list[Text]:
        if self.data is None:
            return []
        return render_heatmap(self.data, width, color=color_mode(self.app))

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.size.width))
