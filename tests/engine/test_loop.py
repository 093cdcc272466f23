"""The generic loop and the run around it, in-process: events, checkpoints, resume, failure."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from torch import nn

from engine import catalogue, checkpoint
from engine.data.korean_numbers import length_order
from engine.device import precision_for
from engine.labs.features import FEATURES, features_lab
from engine.runs.signals import StopRequest
from engine.training.context import RunContext
from engine.training.lab_run import LabRun, run
from engine.training.loop import ArmSetup, Trainer

from .conftest import TINY


def toy_setup(arm: str, run: RunContext, device: torch.device) -> ArmSetup:
    """Two-class toy data; dropout makes the result depend on the global RNG too."""
    params = run.params
    g = torch.Generator().manual_seed(123)
    x = torch.randn(300, 4, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    hidden = {"small": 8, "big": 16}[arm]
    model = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, 2))
    opt = torch.optim.SGD(model.parameters(), lr=params["lr"], momentum=0.9)
    epochs = 3
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, params["lr"], total_steps=epochs * 10)
    mse = params["loss"] == "mse"

    def loss_fn(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if mse:
            return ((out[:, 1] - target.float() * 1e3) ** 2).mean()
        return nn.functional.cross_entropy(out, target)

    def probe(ctx: Any) -> list[dict[str, Any]]:
        w = ctx.model[0].weight
        return [
            {
                "kind": "bars",
                "name": "w",
                "title": {"ko": "w", "en": "w"},
                "data": {"labels": ["norm"], "values": [float(w.detach().norm())]},
            }
        ]

    return ArmSetup(
        model=model,
        train=(x[:300], y[:300]),
        test=(x[:100], y[:100]),
        optimizer=opt,
        epochs=epochs,
        batch_size=30,
        scheduler=sched,
        loss_fn=loss_fn,
        classify=not mse,
        log_every=4,
        probe=probe,
        # the big arm batches similar values of x[:, 2] together: resume must repeat that too
        order=length_order((x[:, 2] * 4).round().long(), 30, pool=3) if arm == "big" else None,
    )


def toy_verdict(run: RunContext) -> dict[str, Any]:
    arms = run.finals
    shown = arms["big"]["test_acc"] >= arms["small"]["test_acc"] - 0.5
    return {"shown": shown, "evidence": {"ko": "장난감", "en": "toy"}}


TOY = catalogue.Lab(
    id="features",  # reuses a real id so that spec validation passes; params are the toy's
    title={"ko": "장난감", "en": "toy"},
    claim={"ko": "-", "en": "-"},
    params=(
        catalogue.Param("lr", "float", 0.1, {"ko": "", "en": ""}, 1e-6, 1e9),
        catalogue.Param("loss", "str", "ce", {"ko": "", "en": ""}, choices=("ce", "mse")),
    ),
    presets={"quick": {}},
    arms=("small", "big"),
    module="-",
)
TOY_MODULE = SimpleNamespace(setup=toy_setup, verdict=toy_verdict)


def toy(arm: str) -> ArmSetup:
    """One toy arm at the default parameters, outside a run."""
    return toy_setup(arm, RunContext("toy", {"lr": 0.1, "loss": "ce"}), torch.device("cpu"))


class StopAfter(StopRequest):
    """Asks to stop after `n` polls: the loop polls once per step (and once per arm)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.polls, self.n = 0, n

    def __bool__(self) -> bool:
        self.polls += 1
        if self.polls > self.n:
            self.request("test")
        return self.reason is not None


def run_toy(
    run_dir: Path, stop: StopRequest | None = None, resume: bool = False, **params: Any
) -> int:
    lab_params = catalogue.resolve_params(TOY, None, params)
    spec = {"lab": "features", "params": lab_params, "seed": 7, "device": "cpu"}
    job = LabRun(
        run_dir, spec, TOY, lab_params, TOY_MODULE, stop if stop is not None else StopRequest()
    )
    run_dir.mkdir(parents=True, exist_ok=True)
    return job.execute(resume)


def read_events(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]


def summary(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "summary.json").read_text())


def test_a_run_emits_the_protocol(tmp_path: Path) -> None:
    assert run_toy(tmp_path) == 0
    events = read_events(tmp_path)
    types = [e["type"] for e in events]
    assert types[0] == "started" and types[-1] == "finished"
    assert events[0]["device"] == "cpu" and events[0]["arms"] == ["small", "big"]
    assert all(e["v"] == 1 and isinstance(e["t"], float) for e in events)
    for e in events:
        if e["type"] in ("step", "eval", "probe"):
            assert e["arm"] in ("small", "big")
    steps = [e for e in events if e["type"] == "step"]
    assert {"loss", "lr", "samples_per_s", "epoch", "step", "total"} <= set(steps[0])
    evals = [e for e in events if e["type"] == "eval"]
    assert len(evals) == 6 and {"train_loss", "test_acc"} <= set(evals[0]["metrics"])
    kinds = {e["kind"] for e in events if e["type"] == "probe"}
    assert kinds == {"bars", "series"}
    s = summary(tmp_path)
    assert s["status"] == "finished" and set(s["arms"]) == {"small", "big"}
    assert s["verdict"]["shown"] is True and s["verdict"]["evidence"]["en"] == "toy"
    assert events[-1]["summary"] == s
    assert json.loads((tmp_path / "spec.json").read_text())["device"] == "cpu"


@pytest.mark.parametrize("stop_after", [5, 10, 16, 31, 45])
def test_resume_ends_exactly_where_an_uninterrupted_run_ends(
    tmp_path: Path, stop_after: int
) -> None:
    """Stops mid-epoch, at an epoch end, between arms and inside the second arm."""
    assert run_toy(tmp_path / "a") == 0
    assert run_toy(tmp_path / "b", StopAfter(stop_after)) == 130
    stopped = summary(tmp_path / "b")
    assert stopped["status"] == "cancelled"
    assert read_events(tmp_path / "b")[-2]["type"] == "checkpoint"
    assert run_toy(tmp_path / "b", resume=True) == 0
    assert summary(tmp_path / "b")["arms"] == summary(tmp_path / "a")["arms"]
    started = [e for e in read_events(tmp_path / "b") if e["type"] == "started"]
    assert [s["resumed"] for s in started] == [False, True]


def test_features_lab_resumes_to_the_same_loss(tmp_path: Path) -> None:
    params = catalogue.resolve_params(FEATURES, None, TINY)
    spec = {"lab": "features", "params": params, "seed": 3, "device": "cpu"}
    codes = []
    for name, stop, resume in [
        ("a", StopRequest(), False),
        ("b", StopAfter(40), False),
        ("b", StopRequest(), True),
    ]:
        job = LabRun(tmp_path / name, spec, FEATURES, params, features_lab, stop)
        (tmp_path / name).mkdir(exist_ok=True)
        codes.append(job.execute(resume))
    assert codes == [0, 130, 0]
    a, b = summary(tmp_path / "a")["arms"]["cnn"], summary(tmp_path / "b")["arms"]["cnn"]
    assert a["train_loss"] == b["train_loss"] and a["test_loss"] == b["test_loss"]
    assert a == b


def test_checkpoint_round_trip_with_weights_only(tmp_path: Path) -> None:
    torch.manual_seed(0)
    setup = toy("small")
    trainer = Trainer("small", setup, lambda *a, **k: None, precision_for(torch.device("cpu")), 0)
    trainer.train_epoch()
    path = tmp_path / "checkpoint.pt"
    checkpoint.save_atomic({"arm": trainer.state_dict(), "rng": checkpoint.rng_state()}, path)
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed away
    state = torch.load(path, weights_only=True)  # plain tensors and containers only
    torch.manual_seed(99)
    fresh = Trainer(
        "small",
        toy("small"),
        lambda *a, **k: None,
        precision_for(torch.device("cpu")),
        0,
    )
    fresh.load_state_dict(checkpoint.load(path)["arm"])
    for p, q in zip(setup.model.parameters(), fresh.s.model.parameters(), strict=True):
        assert torch.equal(p, q)
    assert fresh.pos.global_step == trainer.pos.global_step == 10
    assert fresh.s.optimizer.state_dict()["state"][0]["momentum_buffer"].equal(
        setup.optimizer.state_dict()["state"][0]["momentum_buffer"]
    )
    assert state["arm"]["scheduler"]["last_epoch"] == 10


def train_reporting(report: Any) -> tuple[list[float], dict[str, float], list[torch.Tensor]]:
    """The toy's small arm trained with `report`: step-event losses, metrics, weights."""
    torch.manual_seed(0)
    setup = toy("small")
    setup.report = report
    events: list[tuple[str, dict[str, Any]]] = []
    cpu = precision_for(torch.device("cpu"))
    metrics = Trainer("small", setup, lambda t, **e: events.append((t, e)), cpu, 0).fit()
    steps = [e["loss"] for t, e in events if t == "step"]
    return steps, metrics, [p.detach().clone() for p in setup.model.parameters()]


def test_step_events_report_what_the_arm_asks_and_training_is_unchanged() -> None:
    """`ArmSetup.report` changes what the curve shows, never what is trained."""
    plain, m1, w1 = train_reporting(None)
    reported, m2, w2 = train_reporting(lambda out, y: out.sum() * 0 + 7.0)
    assert len(plain) == len(reported) > 0 and len(set(plain)) > 1
    assert reported == pytest.approx([7.0] * len(reported))
    assert m1 == m2 and all(torch.equal(a, b) for a, b in zip(w1, w2, strict=True))


def test_divergence_fails_with_advice(tmp_path: Path) -> None:
    assert run_toy(tmp_path, lr=1e6, loss="mse") == 1
    last = read_events(tmp_path)[-1]
    assert last["type"] == "failed"
    assert "diverged" in last["message"] and "lower learning rate" in last["message"]
    assert "발산" in last["message_ko"]
    s = summary(tmp_path)
    assert s["status"] == "failed" and s["verdict"]["shown"] is False


def test_bad_spec_and_missing_device_fail_with_a_message(tmp_path: Path) -> None:
    code = run({"lab": "features", "params": {"lr": 99}, "seed": 0}, tmp_path / "bad")
    assert code == 2
    last = read_events(tmp_path / "bad")[-1]
    assert last["type"] == "failed" and "'lr'" in last["message"]
    if not torch.cuda.is_available():
        spec = {"lab": "features", "params": TINY, "seed": 0, "device": "cuda"}
        assert run(spec, tmp_path / "gpu") == 1
        last = read_events(tmp_path / "gpu")[-1]
        assert last["type"] == "failed" and "CUDA is not available" in last["message"]
