"""Starting runs (torch-free): requests validated before a process exists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import ParamError
from engine.runs import export, launch


def test_prepare_writes_a_validated_spec(tmp_path: Path) -> None:
    run_dir = launch.prepare("features", tmp_path, "quick", {"lr": "0.05"}, seed=4, device="cpu")
    assert run_dir.parent == tmp_path and run_dir.name.endswith("-features")
    spec = json.loads((run_dir / "spec.json").read_text())
    assert spec["lab"] == "features" and spec["seed"] == 4 and spec["device"] == "cpu"
    assert spec["params"]["lr"] == 0.05 and spec["params"]["epochs"] == 12
    second = launch.prepare("features", tmp_path)  # same second: a new directory anyway
    assert second != run_dir


def test_prepare_refuses_bad_requests_before_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(ParamError, match="unknown device 'gpu0'"):
        launch.prepare("features", tmp_path / "a", device="gpu0")
    with pytest.raises(ParamError, match="'width'"):
        launch.prepare("features", tmp_path / "a", overrides={"width": "0"})
    assert not (tmp_path / "a").exists()
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "events.jsonl").write_text("{}\n")
    with pytest.raises(ParamError, match="already holds a run"):
        launch.prepare("features", tmp_path, run_dir=taken)
    assert (taken / "events.jsonl").read_text() == "{}\n"


def test_events_end_skips_a_half_written_line(tmp_path: Path) -> None:
    assert launch.events_end(tmp_path) == 0
    (tmp_path / "events.jsonl").write_bytes(b'{"type":"a"}\n{"type":')
    assert launch.events_end(tmp_path) == len(b'{"type":"a"}\n')


def test_events_csv_has_a_column_per_metric() -> None:
    events: list[dict[str, Any]] = [
        {"type": "started"},
        {"type": "step", "arm": "cnn", "step": 10, "loss": 0.5, "lr": 0.1},
        {"type": "eval", "arm": "cnn", "step": 23, "metrics": {"test_acc": 0.9}},
        {"type": "probe", "kind": "text"},
    ]
    header, step, evaluation = export.events_csv(events).splitlines()
    assert header.split(",")[-1] == "test_acc"
    assert step.startswith("step,cnn,10,") and evaluation.endswith(",0.9")
