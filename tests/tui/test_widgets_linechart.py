"""The braille line chart: dots where the data are, debiased smoothing, log y, overlays."""

from __future__ import annotations

import math

from tui.widgets.linechart import BRAILLE, Canvas, Line, ema, lines_from_series, render_chart


def test_debiased_ema_does_not_start_near_zero() -> None:
    smooth = ema([2.0, 2.0, 2.0], 0.9)
    assert all(s is not None and math.isclose(s, 2.0) for s in smooth)  # no bias toward 0
    assert ema([1.0, None, 3.0], 0.5) == [1.0, None, (0.25 * 1.0 + 0.5 * 3.0) / 0.75]


def test_canvas_sets_braille_dots() -> None:
    canvas = Canvas(1, 1)
    canvas.dot(0, 0, "")  # top-left dot
    canvas.dot(1, 3, "")  # bottom-right dot
    assert canvas.row(0).plain == chr(BRAILLE + 0x01 + 0x80)
    canvas.dot(5, 5, "")  # outside: ignored
    assert canvas.row(0).plain == chr(BRAILLE + 0x81)


def test_a_falling_line_runs_from_top_left_to_bottom_right() -> None:
    rows = render_chart([Line("loss", [0, 1, 2, 3], [3.0, 2.0, 1.0, 0.0])], 20, 8)
    plot = [r.plain[9:] for r in rows[1:-2]]  # past the y-axis gutter
    assert plot[0][0] != " " and plot[0][-1] == " "
    assert plot[-1][-1] != " " and plot[-1][0] == " "
    assert rows[1].plain.startswith("       3┤") and rows[-3].plain.startswith("       0┤")
    # the x axis: the first step under the plot's first column, the last at its right edge
    assert rows[-1].plain == " " * 8 + "0" + " " * 10 + "3"


def test_log_y_labels_the_axis_in_data_units() -> None:
    rows = render_chart([Line("loss", [0, 1, 2], [100.0, 10.0, 1.0])], 30, 8, log_y=True)
    assert "log y" in rows[0].plain
    assert rows[1].plain.strip().startswith("100┤") and rows[-3].plain.strip().startswith("1┤")
    middle = [r.plain for r in rows if "┤" in r.plain][1]
    assert middle.strip().startswith("10┤")  # log scale: 10 halfway between 1 and 100


def test_log_y_skips_values_that_have_no_logarithm() -> None:
    rows = render_chart([Line("l", [0, 1, 2], [0.0, -1.0, 10.0])], 20, 6, log_y=True)
    assert sum(ch != " " for r in rows[1:-2] for ch in r.plain[9:]) == 1


def test_several_lines_are_numbered_at_their_ends_and_in_the_legend() -> None:
    lines = [Line("plain-8", [0, 10], [2.0, 0.1]), Line("plain-56", [0, 10], [2.0, 1.5])]
    rows = render_chart(lines, 40, 10)
    assert "1 plain-8" in rows[0].plain and "2 plain-56" in rows[0].plain
    plot = "".join(r.plain[9:] for r in rows[1:-2])
    assert "1" in plot and "2" in plot


def test_smoothing_draws_the_raw_curve_faint_behind() -> None:
    ys = [1.0, 3.0] * 10
    rows = render_chart([Line("loss", list(range(20)), ys)], 30, 8, smoothing=0.9)
    assert "EMA 0.9" in rows[0].plain
    styles = {str(span.style) for r in rows[1:-2] for span in r.spans}
    assert any(s.startswith("dim ") for s in styles) and "cyan" in styles


def test_no_data_draws_empty_axes() -> None:
    rows = render_chart([], 20, 6)
    assert len(rows) == 6 and rows[-2].plain.strip().startswith("└")


def test_series_probe_lines() -> None:
    data = {"lines": [{"label": "train_loss", "x": [0, 1], "y": [2.0, None]}]}
    (line,) = lines_from_series(data)
    assert line.label == "train_loss" and list(line.ys) == [2.0, None]
