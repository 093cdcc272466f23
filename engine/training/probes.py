"""Probe payloads: labelled data the UI can draw without knowing the lab.

A probe is one of five kinds (see DESIGN.md, "Probes are data"):
  heatmap  matrix + row/column labels + value range (feature maps, gates, attention)
  series   named x/y lines (loss and accuracy curves)
  bars     labelled values (gradient norm per layer)
  table    columns and rows (the lab's numbers beside the lecture's)
  text     a sample input and what the model made of it
Matrices are clipped to MAX_SIDE x MAX_SIDE and numbers rounded, so an event stays a few KB.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

MAX_SIDE = 64
MAX_POINTS = 400


def _num(x: float | None, digits: int = 4) -> float | None:
    """`x` to `digits` significant digits; None for a gap, NaN or infinity."""
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def _clip_tensor(matrix: Any) -> list[list[float | None]]:
    """A 2-D tensor clipped to MAX_SIDE and rounded in one vectorised pass (fast probes)."""
    import torch  # only a tensor gets here, so torch is already loaded

    m = matrix[:MAX_SIDE, :MAX_SIDE].detach().double().cpu()
    finite = torch.isfinite(m)
    peak = float(m[finite].abs().max()) if bool(finite.any()) else 0.0
    decimals = 4 - math.ceil(math.log10(peak)) if peak > 0 else 4
    scale = 10.0**decimals
    m = torch.where(finite, torch.round(m * scale) / scale, m)
    return [[v if math.isfinite(v) else None for v in row] for row in m.tolist()]


def _title(title: str | dict[str, str]) -> dict[str, str]:
    return dict(title) if isinstance(title, dict) else {"ko": title, "en": title}


def heatmap(
    name: str,
    title: str | dict[str, str],
    matrix: Any,
    rows: Sequence[str] | None = None,
    cols: Sequence[str] | None = None,
    value_range: tuple[float, float] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A matrix (nested lists or a 2-D tensor/array) clipped to MAX_SIDE on each side."""
    if hasattr(matrix, "detach"):  # a tensor
        n_rows, n_cols = int(matrix.shape[0]), int(matrix.shape[1])
        clipped = _clip_tensor(matrix)
    else:
        n_rows, n_cols = len(matrix), len(matrix[0]) if matrix else 0
        clipped = [[_num(v) for v in row[:MAX_SIDE]] for row in matrix[:MAX_SIDE]]
    finite = [v for row in clipped for v in row if v is not None]
    if value_range is None:
        value_range = (min(finite, default=0.0), max(finite, default=0.0))
    data: dict[str, Any] = {
        "matrix": clipped,
        "rows": list(rows or [])[:MAX_SIDE],
        "cols": list(cols or [])[:MAX_SIDE],
        "range": [_num(value_range[0]), _num(value_range[1])],
        "shape": [n_rows, n_cols],
    }
    data["clipped"] = n_rows > MAX_SIDE or n_cols > MAX_SIDE
    data.update(extra)
    return {"kind": "heatmap", "name": name, "title": _title(title), "data": data}


def _thin(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """Keep at most MAX_POINTS points, evenly spaced, always keeping the last."""
    if len(xs) <= MAX_POINTS:
        return xs, ys
    stride = math.ceil(len(xs) / MAX_POINTS)
    keep = list(range(0, len(xs), stride))
    if keep[-1] != len(xs) - 1:
        keep.append(len(xs) - 1)
    return [xs[i] for i in keep], [ys[i] for i in keep]


def series(
    name: str,
    title: str | dict[str, str],
    lines: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    x_label: str = "step",
    y_label: str = "",
) -> dict[str, Any]:
    """Named lines, each (xs, ys); long lines are thinned to MAX_POINTS."""
    out = []
    for label, (xs, ys) in lines.items():
        tx, ty = _thin([float(x) for x in xs], [float(y) for y in ys])
        out.append({"label": label, "x": [_num(x, 6) for x in tx], "y": [_num(y) for y in ty]})
    return {
        "kind": "series",
        "name": name,
        "title": _title(title),
        "data": {"lines": out, "x_label": x_label, "y_label": y_label},
    }


def bars(
    name: str,
    title: str | dict[str, str],
    labels: Sequence[str],
    values: Sequence[float],
    unit: str = "",
) -> dict[str, Any]:
    return {
        "kind": "bars",
        "name": name,
        "title": _title(title),
        "data": {"labels": list(labels), "values": [_num(v) for v in values], "unit": unit},
    }


def table(
    name: str,
    title: str | dict[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> dict[str, Any]:
    def cell(v: Any) -> Any:
        return _num(v) if isinstance(v, float) else v

    return {
        "kind": "table",
        "name": name,
        "title": _title(title),
        "data": {"columns": list(columns), "rows": [[cell(v) for v in row] for row in rows]},
    }


def text(
    name: str, title: str | dict[str, str], input: str, output: str, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "text",
        "name": name,
        "title": _title(title),
        "data": {"input": input, "output": output, **extra},
    }


def mosaic(maps: Any, max_tiles: int | None = None, max_map_side: int | None = None) -> dict:
    """A heatmap payload's matrix and tile layout for feature maps (C, H, W), a tensor.

    Channels are tiled row by row into a grid that fits MAX_SIDE, with a blank (NaN) line
    between tiles; each tile is scaled to its own maximum, so a weak channel's pattern still
    shows. Maps wider than `max_map_side` are average-pooled 2x2 first. Returns
    {"matrix": (rows, cols) tensor, "tiles": {"rows", "cols", "size", "shown", "of"}}.
    """
    import torch  # a tensor got here, so torch is loaded already
    import torch.nn.functional as F

    while max_map_side is not None and maps.shape[-1] > max_map_side:
        maps = F.avg_pool2d(maps.unsqueeze(0), 2).squeeze(0)  # (C, H/2, W/2)
    c, h, w = maps.shape
    per_side = (MAX_SIDE + 1) // (h + 1)
    k = min(c, per_side * per_side, max_tiles or c)
    cols = min(per_side, math.ceil(math.sqrt(k)))
    rows = math.ceil(k / cols)
    peak = maps[:k].flatten(1).amax(1).clamp_min(1e-12)  # (k,)
    tiles = torch.full((rows * cols, h + 1, w + 1), float("nan"))
    tiles[:k, :h, :w] = maps[:k] / peak[:, None, None]  # each tile in [0, 1], NaN margin
    grid = tiles.reshape(rows, cols, h + 1, w + 1).permute(0, 2, 1, 3)  # (rows, H+1, cols, W+1)
    grid = grid.reshape(rows * (h + 1), cols * (w + 1))[:-1, :-1]
    layout = {"rows": rows, "cols": cols, "size": [h, w], "shown": k, "of": c}
    return {"matrix": grid, "tiles": layout}
