"""A finished run keeps every arm's trained weights; a lab that cannot set up fails cleanly."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch

from engine import catalogue
from engine.errors import RunError
from engine.runs.signals import StopRequest
from engine.training.context import RunContext
from engine.training.lab_run import LabRun

from .test_loop import TOY, TOY_MODULE, StopAfter, read_events, run_toy, summary, toy, toy_setup


def saved_models(run_dir: Path) -> dict[str, dict[str, torch.Tensor]]:
    state = torch.load(run_dir / "checkpoint.pt", map_location="cpu", weights_only=True)
    return state["models"]


def test_a_finished_run_keeps_every_arms_weights(tmp_path: Path) -> None:
    assert run_toy(tmp_path) == 0
    models = saved_models(tmp_path)
    assert set(models) == {"small", "big"}
    for arm, hidden in (("small", 8), ("big", 16)):
        fresh = toy(arm).model
        fresh.load_state_dict(models[arm])  # the shapes fit this arm's model
        assert models[arm]["0.weight"].shape == (hidden, 4)
        assert all(t.device.type == "cpu" and not t.requires_grad for t in models[arm].values())
    # trained, not the initial weights
    init = toy("small").model
    assert not torch.equal(init[0].weight, models["small"]["0.weight"])
    assert read_events(tmp_path)[-2]["type"] == "checkpoint"  # saved after the last arm


def test_a_resumed_run_keeps_the_arms_finished_before_the_stop(tmp_path: Path) -> None:
    assert run_toy(tmp_path / "a") == 0
    assert run_toy(tmp_path / "b", StopAfter(35)) == 130  # stopped inside the second arm
    assert set(saved_models(tmp_path / "b")) == {"small"}
    assert run_toy(tmp_path / "b", resume=True) == 0
    a, b = saved_models(tmp_path / "a"), saved_models(tmp_path / "b")
    assert set(b) == {"small", "big"}
    for arm in a:
        for key in a[arm]:
            assert torch.equal(a[arm][key], b[arm][key]), (arm, key)


def failing_setup(arm: str, run: RunContext, device: torch.device) -> Any:
    if arm == "big":
        raise RunError("depth 7 is not 6n+2; use --set depth=20", "깊이 7은 6n+2가 아닙니다")
    return toy_setup(arm, run, device)


def test_a_setup_error_ends_with_a_failed_event_and_summary(tmp_path: Path) -> None:
    params = catalogue.resolve_params(TOY, None, {})
    spec = {"lab": "features", "params": params, "seed": 7, "device": "cpu"}
    module = SimpleNamespace(setup=failing_setup, verdict=TOY_MODULE.verdict)
    job = LabRun(tmp_path, spec, TOY, params, module, StopRequest())
    assert job.execute(False) == 1
    last = read_events(tmp_path)[-1]
    assert last["type"] == "failed" and "6n+2" in last["message"] and last["arm"] == "big"
    s = summary(tmp_path)
    assert s["status"] == "failed" and "small" in s["arms"]
    assert s["message"] == {
        "en": "depth 7 is not 6n+2; use --set depth=20",
        "ko": "깊이 7은 6n+2가 아닙니다",
    }
    assert json.loads((tmp_path / "summary.json").read_text()) == last["summary"]
