"""Data-parallel training: 2 gloo processes match 1, and a real lab runs, stops and resumes.

Every process here binds to the loopback only: the ranks rendezvous through a FileStore in
the test's directory and gloo's sockets use `lo`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import torch

from engine.runs import launch, rundir, supervise
from engine.training.distributed import shard
from tests.engine.conftest import ROOT, TINY

# One arm trained by the generic Trainer: no BatchNorm, no dropout, so that the gradient of
# the whole batch is the mean of the ranks' gradients. 100 samples at batch 15: six batches
# of 15 (8 + 7 per rank) and a ragged one of 10; every step is logged.
WORKER = """
import json, sys, torch
from torch import nn
from engine.device import precision_for
from engine.training import distributed
from engine.training.loop import ArmSetup, Trainer

torch.set_num_threads(1)
ranks = distributed.from_env()
device = torch.device("cpu")
distributed.join(ranks, device)
torch.manual_seed(0)
g = torch.Generator().manual_seed(1)
x = torch.randn(100, 8, generator=g)
y = x[:, :3].argmax(1)  # learnable: the loss must fall
model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
setup = ArmSetup(model, (x, y), (x[:45], y[:45]), optimizer, epochs=3, batch_size=15,
                 log_every=1, probes_per_epoch=0)
events = []
Trainer("a", setup, lambda type_, **e: events.append([type_, e]), precision_for(device), 0,
        ranks=ranks).fit()
if ranks.is_main:
    with open(sys.argv[1], "w") as f:
        json.dump(events, f)
ranks.leave()
"""


def _worker_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env.update(PYTHONPATH=str(ROOT), GLOO_SOCKET_IFNAME="lo", MASTER_ADDR="127.0.0.1", **extra)
    return env


def _events(tmp: Path, world: int) -> list[list[Any]]:
    out = tmp / f"events-{world}.json"
    procs = []
    for rank in range(world):
        extra = {}
        if world > 1:
            extra = {
                "RANK": str(rank),
                "LOCAL_RANK": str(rank),
                "WORLD_SIZE": str(world),
                "LOCAL_WORLD_SIZE": str(world),
                "DLEARN_DIST_STORE": str(tmp / "store"),
            }
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(out)],
                cwd=ROOT,
                env=_worker_env(extra),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
    for proc in procs:
        text, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, text.decode(errors="replace")
    return list(json.loads(out.read_text()))


def test_two_processes_at_half_batch_train_like_one_at_full_batch(tmp_path: Path) -> None:
    one = _events(tmp_path, 1)
    two = _events(tmp_path, 2)
    steps1 = [e for kind, e in one if kind == "step"]
    steps2 = [e for kind, e in two if kind == "step"]
    assert len(steps1) == len(steps2) == 3 * 7  # ceil(100 / 15) steps an epoch, 3 epochs
    for a, b in zip(steps1, steps2, strict=True):
        assert a["step"] == b["step"]
        assert b["loss"] == pytest.approx(a["loss"], rel=1e-4, abs=1e-5), a["step"]
    # the loss moved, so agreeing is not trivially true
    assert steps1[-1]["loss"] < 0.8 * steps1[0]["loss"]
    evals1 = [e["metrics"] for kind, e in one if kind == "eval"]
    evals2 = [e["metrics"] for kind, e in two if kind == "eval"]
    assert len(evals1) == len(evals2) == 3
    for a, b in zip(evals1, evals2, strict=True):
        for key in ("train_loss", "train_acc", "test_loss", "test_acc"):
            assert b[key] == pytest.approx(a[key], rel=1e-4, abs=1e-5), key


def test_shard_splits_a_batch_like_distributed_sampler() -> None:
    order = torch.arange(100, 200)
    batch = order[:15]
    parts = [shard(batch, order, r, 2) for r in range(2)]
    assert parts[0][0].tolist() == batch[0::2].tolist()
    assert sorted(parts[0][0].tolist() + parts[1][0].tolist()) == batch.tolist()
    assert parts[0][1] + parts[1][1] == pytest.approx(1.0)
    # a batch smaller than the world is padded from the epoch's start: nobody steps empty
    tiny, share = shard(order[99:], order, 2, 3)
    assert len(tiny) == 1 and share == pytest.approx(1 / 3)


def test_one_node_binds_to_the_loopback_only(tmp_path: Path) -> None:
    spec = {"lab": "features", "procs": 2}
    cmd, env = supervise.torchrun_command(
        spec, tmp_path / "spec.json", tmp_path, False, tmp_path / "store"
    )
    assert "--nproc-per-node=2" in cmd and "--local-addr=127.0.0.1" in cmd
    assert "--rdzv-conf=store_type=file" in cmd  # no TCP store for the rendezvous
    assert env["TORCH_DISABLE_SHARE_RDZV_TCP_STORE"] == "1"  # nor torchrun's shared one
    assert env["GLOO_SOCKET_IFNAME"] == "lo" and env["MASTER_ADDR"] == "127.0.0.1"
    assert cmd[cmd.index("-m", 3) :][:3] == ["-m", "engine", "run"]


def test_nodes_pass_through_to_torchrun(tmp_path: Path) -> None:
    spec = {"procs": 4, "nnodes": 2, "node_rank": 1, "rdzv_endpoint": "node0.lab:29400"}
    cmd, env = supervise.torchrun_command(spec, tmp_path / "s.json", tmp_path, True, tmp_path)
    assert {"--nnodes=2", "--node-rank=1", "--master-addr=node0.lab", "--master-port=29400"} <= set(
        cmd
    )
    assert cmd[-1] == "--resume" and "DLEARN_DIST_STORE" not in env


def test_parallel_requests_are_checked_before_anything_starts(tmp_path: Path) -> None:
    from engine.errors import ParamError

    with pytest.raises(ParamError, match="--procs 0"):
        launch.prepare("features", tmp_path, "quick", procs=0)
    with pytest.raises(ParamError, match="rdzv-endpoint"):
        launch.prepare("features", tmp_path, "quick", procs=2, nodes={"nnodes": 2})
    with pytest.raises(ParamError, match="node-rank"):
        launch.prepare("features", tmp_path, "quick", nodes={"nnodes": 2, "node_rank": 2})
    run_dir = launch.prepare("features", tmp_path, "quick", procs=2)
    assert json.loads((run_dir / "spec.json").read_text())["procs"] == 2
    one = launch.prepare("features", tmp_path, "quick")
    assert "procs" not in json.loads((one / "spec.json").read_text())


def test_supervisor_ends_a_run_whose_ranks_wrote_no_final_event(tmp_path: Path) -> None:
    spec = {"lab": "features", "params": {}, "procs": 2}
    (tmp_path / "events.jsonl").write_text('{"v":1,"type":"started","t":0.5}\n')
    assert supervise.final_after(tmp_path, 0) is None
    assert supervise.write_final(tmp_path, spec, None, 1) == "failed"
    info = rundir.inspect(tmp_path)
    assert info.final is not None and "dlearn lab resume" in info.final["message"]
    assert info.summary is not None and info.summary["status"] == "failed"
    assert supervise.write_final(tmp_path, spec, "SIGTERM", 1) == "cancelled"


# --- a real lab across 2 processes, end to end ------------------------------------------------


def _start(run_dir: Path, resume: bool = False) -> subprocess.Popen[bytes]:
    proc = launch.start(run_dir, resume=resume)
    return proc


def _wait_for(run_dir: Path, kind: str, proc: subprocess.Popen[bytes], after: int = 0) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if any(e["type"] == kind for e in rundir.EventTail(run_dir, after).poll()):
            return
        assert proc.poll() is None, (run_dir / "engine.log").read_text()
        time.sleep(0.2)
    raise AssertionError(f"no {kind} event")


def _steps(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(e["arm"], e["step"]) for e in events if e["type"] == "step"]


def _end(proc: subprocess.Popen[bytes], run_dir: Path) -> int:
    try:
        return proc.wait(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError((run_dir / "engine.log").read_text()) from None


def test_procs_2_runs_a_lab_stops_and_resumes(tmp_path: Path) -> None:
    params = {**TINY, "epochs": 6, "batch_size": 32}
    run_dir = launch.prepare("features", tmp_path, None, params, 0, "cpu", procs=2)
    proc = _start(run_dir)
    _wait_for(run_dir, "step", proc)
    assert launch.stop_run(run_dir)  # what `c` in the app and Ctrl+C do: SIGINT
    assert _end(proc, run_dir) == 130
    stopped = rundir.inspect(run_dir)
    assert stopped.status == "cancelled" and stopped.has_checkpoint and stopped.pid is None
    events = rundir.read_events(run_dir)
    assert [e["type"] for e in events].count("started") == 1
    assert events[0]["procs"] == 2 and events[0]["threads"] >= 1

    offset = launch.events_end(run_dir)
    proc = _start(run_dir, resume=True)
    assert _end(proc, run_dir) == 0
    events = rundir.read_events(run_dir)
    kinds = [e["type"] for e in events]
    assert kinds.count("started") == 2 and kinds[-1] == "finished"
    again = [e for e in rundir.EventTail(run_dir, offset).poll() if e["type"] == "started"]
    assert again[0]["resumed"] and again[0]["resume_from"]["step"] > 0
    steps = _steps(events)
    assert len(steps) == len(set(steps))  # no rank wrote, and no resume repeated, a step
    assert steps[-1][1] == max(s for _, s in steps)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "finished" and summary["procs"] == 2
    assert rundir.inspect(run_dir).status == "finished"


def test_a_killed_rank_fails_the_run_with_a_way_to_resume(tmp_path: Path) -> None:
    params = {**TINY, "epochs": 30, "batch_size": 32}
    run_dir = launch.prepare("features", tmp_path, None, params, 0, "cpu", procs=2)
    proc = _start(run_dir)
    _wait_for(run_dir, "step", proc)
    torchrun = [p for p in supervise.descendants(proc.pid) if _parent(p) == proc.pid]
    ranks = supervise.descendants(torchrun[0])
    assert len(ranks) == 2
    os.kill(ranks[-1], signal.SIGKILL)
    assert _end(proc, run_dir) == 1  # bounded by _end's timeout: never a hang
    info = rundir.inspect(run_dir)
    assert info.status == "failed" and info.resumable
    assert info.final is not None and "dlearn lab resume" in info.final["message"]
    assert not any(rundir.pid_alive(p) for p in ranks)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
