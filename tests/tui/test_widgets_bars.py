"""Bars: lengths proportional to the values, a log scale when they span decades."""

from __future__ import annotations

from tui.widgets.bars import bar_cells, fractions, render_bars, uses_log


def test_bar_cells_use_eighths() -> None:
    assert bar_cells(1.0, 4) == "████"
    assert bar_cells(0.5, 4) == "██"
    assert bar_cells(1 / 32, 4) == "▏"
    assert bar_cells(0.0, 4) == ""


def test_linear_bars_are_proportional() -> None:
    lines = render_bars({"labels": ["conv1", "fc"], "values": [1.0, 2.0], "unit": ""}, 25)
    one, two = (line.plain.count("█") for line in lines)
    assert two == 2 * one and lines[0].plain.startswith("conv1 ")
    assert lines[1].plain.rstrip().endswith("2")


def test_values_spanning_decades_switch_to_log_scale() -> None:
    values = [1e-6, 1e-3, 1.0]
    assert uses_log(values) and not uses_log([1.0, 50.0])
    f = fractions(values, log=True)
    assert f[0] > 0 and abs(f[1] - (0.05 + 0.95 * 0.5)) < 1e-9 and abs(f[2] - 1.0) < 1e-9
    lines = render_bars({"labels": ["a", "b", "c"], "values": values, "unit": "||dL/dW||"}, 30)
    assert lines[-1].plain == "||dL/dW|| (log scale)"
    assert lines[0].plain.count("█") + lines[0].plain.count("▏") >= 1  # the tiny one is visible


def test_missing_values_draw_no_bar() -> None:
    lines = render_bars({"labels": ["a", "b"], "values": [None, 1.0]}, 20)
    assert "█" not in lines[0].plain and lines[0].plain.rstrip().endswith("-")
