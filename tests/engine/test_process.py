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


MEMORY_TINY = {
    "seq_len": 12,
    "hidden": 8,
    "embed": 4,
    "epochs": 1,
    "batches_per_epoch": 3,
    "speed_hidden": 16,
}
DETERMINISTIC = ("test_acc", "test_loss", "train_loss", "train_acc", "recurrent_params")


def memory_spec(run_dir: Path) -> None:
    run_dir.mkdir(parents=True)
    spec = {"lab": "memory", "params": MEMORY_TINY, "seed": 0, "device": "cpu"}
    (run_dir / "spec.json").write_text(json.dumps(spec))


def test_a_multi_arm_run_killed_between_arms_resumes_knowing_every_arm(tmp_path: Path) -> None:
    """kill -9 after the first arm; the resumed process trains the rest, and its verdict,
    results table and overlaid curves still hold the arm that finished before the kill."""
    reference = tmp_path / "reference"
    memory_spec(reference)
    assert finish(start_engine(reference)) == 0
    killed = tmp_path / "killed"
    memory_spec(killed)
    proc = start_engine(killed)
    wait_for(killed, proc, lambda e: e["type"] == "checkpoint" and e.get("arm") == "lstm")
    proc.kill()
    proc.wait()
    assert rundir.inspect(killed).status == "damaged"

    assert finish(start_engine(killed, resume=True)) == 0
    started = [e for e in events(killed) if e["type"] == "started"]
    assert started[-1]["resumed"] and started[-1]["resume_from"]["arm_index"] == 1
    trained = [e["arm"] for e in events(killed) if e["type"] == "step"]
    assert trained.count("rnn") == [
        e["arm"] for e in events(reference) if e["type"] == "step"
    ].count("rnn")

    summary = json.loads((killed / "summary.json").read_text())
    expected = json.loads((reference / "summary.json").read_text())
    assert list(summary["arms"]) == ["rnn", "lstm", "gru"]
    for arm, metrics in expected["arms"].items():
        for key in DETERMINISTIC:
            assert summary["arms"][arm][key] == metrics[key], (arm, key)
    evidence = summary["verdict"]["evidence"]["en"]
    acc = {arm: summary["arms"][arm]["test_acc"] for arm in summary["arms"]}
    assert f"RNN {acc['rnn']:.3f}, LSTM {acc['lstm']:.3f}, GRU {acc['gru']:.3f}" in evidence
    assert "RNN" in evidence.split("BPTT")[1]  # the RNN's gradient ratio, from before the kill

    last = {e["name"]: e for e in events(killed) if e["type"] == "probe"}
    assert [row[0] for row in last["results"]["data"]["rows"]] == ["RNN", "LSTM", "GRU"]
    overlay = {line["label"] for line in last["memory/train_loss"]["data"]["lines"]}
    assert overlay == {"RNN", "LSTM", "GRU"}
    bptt = {line["label"] for line in last["bptt/compare"]["data"]["lines"]}
    assert bptt == {"RNN", "LSTM", "GRU"}
