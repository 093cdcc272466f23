"""Probe payloads: kinds, labelled data, clipping, strict JSON."""

from __future__ import annotations

import json
import math

import torch

from engine.training import probes


def strict(payload: dict) -> dict:
    return json.loads(json.dumps(payload, allow_nan=False))


def test_heatmap_from_a_tensor_is_clipped_rounded_and_keeps_its_shape() -> None:
    matrix = torch.rand(100, 70) * 3
    matrix[0, 0] = float("nan")
    p = strict(probes.heatmap("h", "title", matrix, rows=[str(i) for i in range(100)]))
    data = p["data"]
    assert p["kind"] == "heatmap" and p["title"] == {"ko": "title", "en": "title"}
    assert len(data["matrix"]) == probes.MAX_SIDE
    assert all(len(row) == probes.MAX_SIDE for row in data["matrix"])
    assert data["shape"] == [100, 70] and data["clipped"] is True
    assert len(data["rows"]) == probes.MAX_SIDE
    assert data["matrix"][0][0] is None  # NaN becomes a gap, never invalid JSON
    assert abs(data["matrix"][1][1] - float(matrix[1, 1])) < 1e-3
    lo, hi = data["range"]
    assert 0 <= lo <= hi <= 3


def test_heatmap_from_lists_keeps_gaps_and_small_matrices_whole() -> None:
    p = strict(
        probes.heatmap("h", {"ko": "가", "en": "a"}, [[0.0, None], [1.0, 2.0]], value_range=(0, 2))
    )
    assert p["data"]["matrix"] == [[0.0, None], [1.0, 2.0]]
    assert p["data"]["clipped"] is False and p["data"]["range"] == [0, 2]


def test_series_are_thinned_but_keep_their_last_point() -> None:
    xs = list(range(1001))
    p = strict(probes.series("s", "loss", {"train": (xs, [math.exp(-x / 100) for x in xs])}))
    line = p["data"]["lines"][0]
    assert p["kind"] == "series" and line["label"] == "train"
    assert len(line["x"]) <= probes.MAX_POINTS + 1
    assert line["x"][-1] == 1000 and line["x"][0] == 0


def test_bars_table_and_text() -> None:
    bars = strict(probes.bars("g", "grad", ["conv1", "fc"], [0.5, float("inf")]))
    assert bars["data"]["labels"] == ["conv1", "fc"] and bars["data"]["values"] == [0.5, None]
    table = strict(probes.table("t", "tab", ["layer", "si"], [["conv1", 0.123456]]))
    assert table["data"]["rows"] == [["conv1", 0.1235]]
    text = strict(probes.text("x", "sample", "##\n##", "predicted 3"))
    assert text["kind"] == "text" and text["data"]["output"] == "predicted 3"
