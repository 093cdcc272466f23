"""The heatmap draws a known matrix to the expected cells, in colour and in shades."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from rich.text import Text

from engine.text import BLOCKS, shade
from tui.widgets.heatmap import (
    LOWER_HALF,
    UPPER_HALF,
    colour,
    fit_matrix,
    render_heatmap,
    scale,
)

# 4 rows x 3 columns on the range 0..1: rows 0/1 share a terminal line in colour
MATRIX = [
    [0.0, 0.5, 1.0],
    [1.0, 0.5, 0.0],
    [0.25, None, 0.75],
    [None, None, 1.0],
]


def styled(line: Text) -> list[tuple[str, Color | None, Color | None]]:
    """(character, foreground, background) of every cell of a rendered line."""
    out = []
    for k, ch in enumerate(line.plain):
        style = Style()
        for span in line.spans:
            if span.start <= k < span.end:
                style += span.style if isinstance(span.style, Style) else Style.parse(span.style)
        out.append((ch, style.color, style.bgcolor))
    return out


def test_colour_map_runs_dark_to_bright() -> None:
    assert colour(0.0) == Color.from_rgb(68, 1, 84)
    assert colour(1.0) == Color.from_rgb(253, 231, 37)
    low, high = colour(0.1).triplet, colour(0.9).triplet
    assert low is not None and high is not None and sum(high) > sum(low)


def test_scale_and_shades() -> None:
    assert scale(5.0, 0.0, 10.0) == 0.5
    assert scale(-3.0, 0.0, 10.0) == 0.0 and scale(30.0, 0.0, 10.0) == 1.0
    assert scale(None, 0.0, 1.0) is None
    assert [shade(t, BLOCKS) for t in (0.0, 0.25, 0.5, 0.75, 1.0, None)] == list(" ░▒▓█") + [" "]
    assert [shade(t) for t in (0.0, 0.5, 1.0)] == [" ", "=", "@"]  # the ASCII ramp


def test_colour_mode_packs_two_rows_per_line_with_half_blocks() -> None:
    data = {"matrix": MATRIX, "range": [0.0, 1.0]}
    lines = render_heatmap(data, 3, color=True)
    assert len(lines) == 3  # two map lines (4 rows) + the colour scale
    first = styled(lines[0])
    assert [c[0] for c in first] == [UPPER_HALF] * 3
    # upper row 0 in the foreground, row 1 in the background
    assert first[0][1:] == (colour(0.0), colour(1.0))
    assert first[1][1:] == (colour(0.5), colour(0.5))
    assert first[2][1:] == (colour(1.0), colour(0.0))
    second = styled(lines[1])
    # (0.25 over None) -> upper half only; (None over None) -> blank; (None over 1.0) -> lower half
    assert second[0][0] == UPPER_HALF and second[0][1:] == (colour(0.25), None)
    assert second[1][0] == " "
    assert second[2][0] == UPPER_HALF and second[2][1:] == (colour(0.75), colour(1.0))
    assert lines[2].plain.startswith("0 ") and lines[2].plain.endswith(" 1")


def test_lower_half_block_when_only_the_lower_row_has_a_value() -> None:
    lines = render_heatmap({"matrix": [[None], [1.0]], "range": [0, 1]}, 1, color=True)
    (cell,) = styled(lines[0])
    assert cell == (LOWER_HALF, colour(1.0), None)


def test_shade_mode_draws_one_row_per_line_two_cells_per_value() -> None:
    data = {"matrix": MATRIX, "range": [0.0, 1.0]}
    lines = render_heatmap(data, 6, color=False)
    assert [line.plain for line in lines[:4]] == ["  ▒▒██", "██▒▒  ", "░░  ▓▓", "    ██"]
    assert lines[4].plain == "0 [ ░▒▓█] 1"


def test_labels_and_range_from_the_data() -> None:
    data = {
        "matrix": [[0.0, 2.0], [4.0, 8.0]],
        "rows": ["the", "cat"],
        "cols": ["a", "b"],
        "range": [None, None],
    }
    lines = render_heatmap(data, 20, color=False)
    assert lines[0].plain.startswith("the ") and lines[1].plain.startswith("cat ")
    assert lines[2].plain == "    a b "  # gutter, then each label over its two-cell column
    assert lines[3].plain.startswith("    0 ") and lines[3].plain.endswith(" 8")


def test_long_column_labels_become_spaced_ticks() -> None:
    data = {"matrix": [[0.0] * 6], "cols": ["seven", "two", "x", "y", "z", "w"], "range": [0, 1]}
    axis = render_heatmap(data, 6, color=False)[1].plain
    assert axis.startswith("seven") and "two" not in axis


def test_wide_matrix_is_pooled_to_fit() -> None:
    matrix = [[float(c) for c in range(8)]]
    assert fit_matrix(matrix, 4, 0) == [[0.5, 2.5, 4.5, 6.5]]
    lines = render_heatmap({"matrix": matrix, "cols": list("abcdefgh"), "range": [0, 7]}, 4)
    assert len(lines[0].plain) == 4
    assert len(lines) == 2  # labels dropped once cells no longer match columns


def test_empty_matrix_says_so() -> None:
    assert render_heatmap({"matrix": []}, 10)[0].plain == "(empty)"
