"""Every probe kind renders without the UI knowing the lab; tables show their numbers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from tests.tui.fixtures import FEATURES_RUN
from tui.widgets.probe_table import cell, render_table
from tui.widgets.probe_view import KINDS, probe_title, render_probe


def plain(renderable: object, width: int = 60) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def recorded_probes() -> dict[str, dict]:
    """The last probe of each kind in the recorded features run."""
    out: dict[str, dict] = {}
    for line in (FEATURES_RUN / "events.jsonl").read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event["type"] == "probe":
            out[event["kind"]] = event
    return out


def test_the_recorded_run_has_every_kind() -> None:
    assert set(recorded_probes()) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_recorded_kind_renders(kind: str) -> None:
    probe = recorded_probes()[kind]
    text = plain(render_probe(probe, 60, 20, color=False))
    assert text.strip()
    if kind == "table":
        assert "selectivity" in text and "conv1" in text
    if kind == "text":
        assert "→ predicted" in text
    if kind == "bars":
        assert "conv1" in text and "fc" in text


def test_unknown_kind_is_named_not_fatal() -> None:
    text = plain(render_probe({"kind": "sound", "data": {"wave": []}}, 40, 5))
    assert "sound" in text and "wave" in text


def test_titles_follow_the_language() -> None:
    probe = {"name": "gates", "title": {"ko": "게이트", "en": "gates"}}
    assert probe_title(probe, "ko") == "게이트" and probe_title(probe, "en") == "gates"
    assert probe_title({"name": "x"}, "ko") == "x"


def test_table_cells_and_alignment() -> None:
    assert [cell(v) for v in (0.123456, 3, None, True, "conv1")] == [
        "0.1235",
        "3",
        "-",
        "true",
        "conv1",
    ]
    table = render_table({"columns": ["layer", "acc"], "rows": [["conv1", 0.5], ["fc", 0.25]]})
    text = plain(table)
    assert "layer" in text and "0.25" in text


def test_narrow_table_wraps_between_words_not_inside_numbers() -> None:
    """The seq2seq results table in a half-width pane: labels wrap at spaces, numbers whole."""
    columns = ["model", "1-5", "6-10", "11-15", "16-20", "21-25", "26-30"]
    rows = [
        ["GRU, no attention", 1.0, 0.86, 0.31, 0.0176, 0.0, 0.0],
        ["GRU + dot attention", 0.99, 0.95, 0.94, 0.91, 0.86, 0.79],
    ]
    text = plain(render_table({"columns": columns, "rows": rows}), width=48)
    assert "attention" in text and "0.0176" in text  # not folded into pieces
    assert "26-30" in text and "0.79" in text  # and the longest bucket still fits


def test_probe_view_heatmap_fits_its_height(tmp_path: Path) -> None:
    probe = {"kind": "heatmap", "data": {"matrix": [[0.5] * 8] * 64, "range": [0, 1]}}
    text = plain(render_probe(probe, 20, 10, color=True))
    assert len(text.splitlines()) <= 10
