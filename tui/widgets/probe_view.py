"""Any probe, drawn by its kind: the UI renders a lab it has never seen (DESIGN.md).

`heatmap`, `series`, `bars`, `table` and `text` go to their renderers; an unknown kind
shows its name and keys instead of failing, so a newer engine never breaks an older app.
One widget draws whichever kind it holds (no child widgets are mounted and removed as the
student steps through snapshots), sized to the space it is given.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.bars import render_bars
from tui.widgets.heatmap import color_mode, render_heatmap
from tui.widgets.linechart import lines_from_series, render_chart
from tui.widgets.probe_table import render_table

KINDS = ("heatmap", "series", "bars", "table", "text")


def probe_title(probe: dict[str, Any], lang: str) -> str:
    title = probe.get("title")
    if isinstance(title, dict):
        return str(title.get(lang) or title.get("en") or probe.get("name", ""))
    return str(title or probe.get("name", ""))


def render_probe(
    probe: dict[str, Any], width: int, height: int, *, color: bool = True
) -> RenderableType:
    """The body of `probe` (without its title) in about `width` x `height` cells."""
    kind, data = probe.get("kind"), probe.get("data") or {}
    if kind == "heatmap":
        lines = render_heatmap(data, width, color=color, max_lines=max(height - 2, 2))
        return Text("\n").join(lines)
    if kind == "series":
        chart = render_chart(
            lines_from_series(data),
            width,
            max(height, 5),
            log_y=bool(data.get("log_y")),
            x_label=str(data.get("x_label") or ""),
        )
        return Text("\n").join(chart)
    if kind == "bars":
        return Text("\n").join(render_bars(data, width))
    if kind == "table":
        return render_table(data)
    if kind == "text":
        out = Text(str(data.get("input", "")))
        output = str(data.get("output", ""))
        if output:
            out.append("\n→ " + output, style="bold")
        return out
    return Text(f"({kind}: {', '.join(sorted(data))})", style="dim")


class ProbeView(Widget):
    """A titled probe, with a caption (arm, step, position in the snapshots) under the title.

    It redraws only when `probe`, `caption` or `lang` change (reactives compare the new value
    with the old): a live screen may set the same snapshot many times a second.
    """

    DEFAULT_CSS = """
    ProbeView { height: 1fr; }
    """

    probe: reactive[dict[str, Any] | None] = reactive(None)
    """The probe event (kind, name, title, data, arm, step) to draw; None draws nothing."""
    caption: reactive[str] = reactive("")
    """A dim line under the title, e.g. "cnn · step 46 · 3/4"."""
    lang: reactive[str] = reactive("en")
    """Language of the probe's title."""

    renders = 0  # how often the probe was drawn (set per instance on the first draw)

    def render(self) -> RenderableType:
        self.renders += 1
        probe = self.probe
        if probe is None:
            return Text(self.caption, style="dim")
        width, height = self.size
        head = Text(probe_title(probe, self.lang), style="bold")
        parts: list[RenderableType] = [head]
        if self.caption:
            parts.append(Text(self.caption, style="dim"))
        body = render_probe(probe, width, height - len(parts), color=color_mode(self.app))
        parts.append(body)
        return Group(*parts)
