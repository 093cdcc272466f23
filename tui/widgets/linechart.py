"""A line chart in braille dots: loss curves of every arm, overlaid.

Each terminal cell holds a 2x4 grid of braille dots, so a 40x12 chart has 80x48 points.
Options the lab screens need: a log y axis (losses span decades), and smoothing by an
exponential moving average that is *debiased* (divided by 1 - beta^n, as Adam does) so
the smoothed curve does not start near zero; the raw curve is then drawn faint behind it.
A cell takes the colour of the last line drawn through it; with several lines each one
also ends in its number, which the legend names, so NO_COLOR loses nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

BRAILLE = 0x2800
DOT = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][col] of a cell
PALETTE = ("cyan", "magenta", "yellow", "green", "red", "blue", "bright_white", "bright_cyan")
GUTTER = 8  # y-axis labels
# MASK[col][a][b]: the dots of rows a..b (0-3) in column col (0-1) of one cell
MASK = [
    [[sum(DOT[r][col] for r in range(a, b + 1)) for b in range(4)] for a in range(4)]
    for col in range(2)
]


@dataclass
class Line:
    """One named line: x values and y values (None for a gap)."""

    label: str
    xs: Sequence[float]
    ys: Sequence[float | None]


def ema(ys: Sequence[float | None], beta: float) -> list[float | None]:
    """Debiased exponential moving average: s_n = beta s_(n-1) + (1-beta) y_n, / (1-beta^n)."""
    out: list[float | None] = []
    s, n = 0.0, 0
    for y in ys:
        if y is None or not math.isfinite(y):
            out.append(None)
            continue
        n += 1
        s = beta * s + (1 - beta) * y
        out.append(s / (1 - beta**n))
    return out


def _transform(ys: Sequence[float | None], log_y: bool) -> list[float | None]:
    if not log_y:
        return [y if y is not None and math.isfinite(y) else None for y in ys]
    return [math.log10(y) if y is not None and math.isfinite(y) and y > 0 else None for y in ys]


def _fmt(v: float) -> str:
    return f"{v:.3g}"


class Canvas:
    """Braille dots with a style per cell (the last line drawn through a cell wins)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.bits = [[0] * width for _ in range(height)]
        self.styles: list[list[str]] = [[""] * width for _ in range(height)]
        self.marks: dict[tuple[int, int], str] = {}

    def dot(self, px: int, py: int, style: str) -> None:
        """Set the dot at (px, py), with (0, 0) the top-left dot."""
        if 0 <= px < self.width * 2 and 0 <= py < self.height * 4:
            cy, cx = py // 4, px // 2
            self.bits[cy][cx] |= DOT[py % 4][px % 2]
            self.styles[cy][cx] = style

    def segment(self, a: tuple[int, int], b: tuple[int, int], style: str) -> None:
        if abs(b[0] - a[0]) <= 1:  # neighbouring columns: two vertical runs meeting halfway
            mid = (a[1] + b[1]) // 2
            self.vline(a[0], min(a[1], mid), max(a[1], mid), style)
            self.vline(b[0], min(mid, b[1]), max(mid, b[1]), style)
            return
        steps = max(abs(b[0] - a[0]), abs(b[1] - a[1]), 1)
        for k in range(steps + 1):
            self.dot(
                round(a[0] + (b[0] - a[0]) * k / steps),
                round(a[1] + (b[1] - a[1]) * k / steps),
                style,
            )

    def row(self, y: int) -> Text:
        """One line of cells; runs of cells in one style become one span (fast to draw)."""
        out = Text()
        chars: list[str] = []
        style = ""
        for x in range(self.width):
            mark = self.marks.get((x, y))
            bits = self.bits[y][x]
            if mark is not None:
                ch, st = mark, f"bold {self.styles[y][x]}".strip()
            elif bits:
                ch, st = chr(BRAILLE + bits), self.styles[y][x]
            else:
                ch, st = " ", ""
            if st != style and chars:
                out.append("".join(chars), style=style or None)
                chars = []
            style = st
            chars.append(ch)
        if chars:
            out.append("".join(chars), style=style or None)
        return out

    def polyline(self, points: list[tuple[int, int]], style: str) -> None:
        """Join `points` (sorted by x); points sharing a dot column become one vertical run,
        so the work is bounded by the chart's width, not by the length of the data."""
        prev: tuple[int, int] | None = None
        k = 0
        while k < len(points):
            px = points[k][0]
            lo = hi = first = points[k][1]
            last = first
            k += 1
            while k < len(points) and points[k][0] == px:
                last = points[k][1]
                lo, hi = min(lo, last), max(hi, last)
                k += 1
            if prev is not None:
                self.segment(prev, (px, first), style)
            self.vline(px, lo, hi, style)
            prev = (px, last)

    def vline(self, px: int, lo: int, hi: int, style: str) -> None:
        """The dots (px, lo..hi), a cell at a time."""
        if not 0 <= px < self.width * 2:
            return
        cx, masks = px // 2, MASK[px % 2]
        lo, hi = max(lo, 0), min(hi, self.height * 4 - 1)
        for cy in range(lo // 4, hi // 4 + 1):
            top = cy * 4
            self.bits[cy][cx] |= masks[max(lo, top) - top][min(hi, top + 3) - top]
            self.styles[cy][cx] = style


def render_chart(
    lines: Sequence[Line],
    width: int,
    height: int,
    *,
    log_y: bool = False,
    smoothing: float = 0.0,
    x_label: str = "",
    styles: Sequence[str] = PALETTE,
) -> list[Text]:
    """The chart as `height` lines of `width` cells: legend, plot, x axis and its labels."""
    plot_w, plot_h = max(width - GUTTER - 1, 4), max(height - 3, 2)
    tys = [_transform(line.ys, log_y) for line in lines]
    finite = [y for ys in tys for y in ys if y is not None]
    xs_all = [x for line in lines for x in line.xs]
    legend = Text()
    for k, line in enumerate(lines):
        number = f"{k + 1} " if len(lines) > 1 else ""
        legend.append(f"■ {number}{line.label}  ", style=styles[k % len(styles)])
    flags = (["log y"] if log_y else []) + ([f"EMA {smoothing:g}"] if smoothing > 0 else [])
    if flags:
        legend.append("[" + ", ".join(flags) + "]", style="dim")
    if not finite or not xs_all:
        empty = [Text(" " * GUTTER + "│") for _ in range(plot_h)]
        return [legend, *empty, Text(" " * GUTTER + "└" + "─" * plot_w), Text("")]
    y_lo, y_hi = min(finite), max(finite)
    if y_hi - y_lo < 1e-12:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
    x_lo, x_hi = min(xs_all), max(xs_all)
    x_span = (x_hi - x_lo) or 1.0

    def point(x: float, y: float) -> tuple[int, int]:
        px = round((x - x_lo) / x_span * (plot_w * 2 - 1))
        py = round((y_hi - y) / (y_hi - y_lo) * (plot_h * 4 - 1))
        return px, py

    canvas = Canvas(plot_w, plot_h)
    for k, (line, ys) in enumerate(zip(lines, tys, strict=True)):
        style = styles[k % len(styles)]
        layers = [(ys, style)]
        if smoothing > 0:
            smooth = _transform(ema(line.ys, smoothing), log_y)
            layers = [(ys, f"dim {style}"), (smooth, style)]
        last: tuple[int, int] | None = None
        for values, layer_style in layers:
            run: list[tuple[int, int]] = []  # points between gaps
            for x, y in zip(line.xs, values, strict=False):
                if y is None:
                    canvas.polyline(run, layer_style)
                    run = []
                    continue
                run.append(point(x, y))
            canvas.polyline(run, layer_style)
            last = run[-1] if run else last
        if last is not None and len(lines) > 1:
            canvas.marks[(min(last[0] // 2, plot_w - 1), last[1] // 4)] = str(k + 1)[-1]

    def label(v: float) -> str:
        return _fmt(10**v if log_y else v)

    out = [legend]
    for row in range(plot_h):
        if row == 0:
            tick = label(y_hi)
        elif row == plot_h - 1:
            tick = label(y_lo)
        elif row == plot_h // 2 and plot_h >= 5:
            tick = label((y_hi + y_lo) / 2)
        else:
            tick = ""
        text = Text(tick.rjust(GUTTER)[-GUTTER:] + "┤" if tick else " " * GUTTER + "│", "dim")
        text.append_text(canvas.row(row))
        out.append(text)
    out.append(Text(" " * GUTTER + "└" + "─" * plot_w, style="dim"))
    left, right = _fmt(x_lo), _fmt(x_hi)
    gap = plot_w + 1 - cell_len(left) - cell_len(right)
    middle = x_label.center(gap) if gap >= cell_len(x_label) else " " * max(gap, 1)
    out.append(Text(" " * GUTTER + left + middle + right, style="dim"))
    return out


class LineChart(Widget):
    """Named lines drawn to fill the widget; `log_y` and `smoothing` redraw it."""

    DEFAULT_CSS = """
    LineChart { height: 1fr; min-height: 6; }
    """

    log_y: reactive[bool] = reactive(False)
    """Plot log10(y): losses that fall by decades stay readable."""
    smoothing: reactive[float] = reactive(0.0)
    """EMA factor beta (0 = raw only); the raw curve stays faint behind the smoothed one."""

    def __init__(self, *, x_label: str = "step", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []
        self.x_label = x_label
        self.revision: object = None
        self.renders = 0  # how often the chart was drawn: redraws cost the training CPU

    def set_lines(self, lines: Sequence[Line], revision: object = None) -> None:
        """Replace the data and redraw, unless `revision` is given and is the one drawn.

        A live run's curves grow in place; the caller says with `revision` whether they
        changed, so that a redraw of the screen does not redraw an unchanged chart.
        """
        if revision is not None and revision == self.revision:
            return
        self.lines, self.revision = list(lines), revision
        self.refresh()

    def render(self) -> Text:
        self.renders += 1
        width, height = self.size
        rows = render_chart(
            self.lines,
            width,
            height,
            log_y=self.log_y,
            smoothing=self.smoothing,
            x_label=self.x_label,
        )
        return Text("\n").join(rows)


def lines_from_series(data: dict[str, Any]) -> list[Line]:
    """The `lines` of a `series` probe's data as chart lines."""
    return [
        Line(str(d.get("label", "")), d.get("x") or [], d.get("y") or [])
        for d in data.get("lines") or []
    ]
