"""Real `python -m engine run` processes: SIGTERM, kill -9, resume, and the same final loss.

One uninterrupted run is the reference; a second is stopped by SIGTERM and resumed, a third
is killed with SIGKILL after a checkpoint and resumed. Both must end exactly where the
reference ends (CPU, same seed).
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from engine.runs import rundir

from .conftest import events, finish, start_engine, wait_for, write_spec

# long enough that a signal sent at the first step event lands mid-training
PARAMS = {"epochs": 5, "width": 4, "batch_size": 32}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    run_dir = tmp_path_factory.mktemp("reference")
    write_spec(run_dir, PARAMS)
    assert finish(start_engine(run_dir)) == 0
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "finished"
    assert not (run_dir / "run.pid").exists()
    return summary


def test_sigterm_checkpoints_cancels_and_resumes_to_the_same_loss(
    tmp_path: Path, reference: dict
) -> None:
    write_spec(tmp_path, PARAMS)
    proc = start_engine(tmp_path)
    wait_for(tmp_path, proc, lambda e: e["type"] == "step")
    proc.send_signal(signal.SIGTERM)
    assert finish(proc) == 130
    last = events(tmp_path)[-1]
    assert last["type"] == "cancelled" and last["reason"] == "SIGTERM"
    assert (tmp_path / "checkpoint.pt").exists()
    info = rundir.inspect(tmp_path)
    assert info.status == "cancelled" and info.resumable and info.has_checkpoint
    stopped_at = [e for e in events(tmp_path) if e["type"] == "checkpoint"][-1]["step"]
    assert 0 < stopped_at < 5 * 45  # it really stopped part-way

    assert finish(start_engine(tmp_path, resume=True)) == 0
    assert rundir.inspect(tmp_path).status == "finished"
    resumed = json.loads((tmp_path / "summary.json").read_text())
    assert resumed["arms"]["cnn"]["train_loss"] == reference["arms"]["cnn"]["train_loss"]
    assert resumed["arms"] == reference["arms"]
    assert resumed["verdict"] == reference["verdict"]


def test_kill_9_leaves_a_listable_resumable_run(tmp_path: Path, reference: dict) -> None:
    write_spec(tmp_path, PARAMS, checkpoint_every_s=0.2)
    proc = start_engine(tmp_path)
    wait_for(tmp_path, proc, lambda e: e["type"] == "checkpoint")
    proc.kill()
    proc.wait()
    info = rundir.list_runs(tmp_path.parent)
    mine = next(r for r in info if r.path == tmp_path)
    assert mine.status == "damaged" and mine.resumable and mine.has_checkpoint

    assert finish(start_engine(tmp_path, resume=True)) == 0
    started = [e for e in events(tmp_path) if e["type"] == "started"]
    assert started[-1]["resumed"] and started[-1]["resume_from"]["step"] > 0
    resumed = json.loads((tmp_path / "summary.json").read_text())
    assert resumed["arms"] == reference["arms"]


def test_a_directory_holding_a_run_is_not_overwritten(tmp_path: Path) -> None:
    write_spec(tmp_path, PARAMS)
    (tmp_path / "events.jsonl").write_text('{"v":1,"type":"started","t":0}\n')
    proc = start_engine(tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and b"already holds a run" in out
    assert (tmp_path / "events.jsonl").read_text() == '{"v":1,"type":"started","t":0}\n'
