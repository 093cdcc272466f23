"""Following a run from its files: the state folded from events, and the tailing loop."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from engine.runs import export, follow, rundir
from tests.tui.fixtures import FEATURES_RUN, install_run


def test_replay_of_the_recorded_run() -> None:
    state, offset = follow.load(FEATURES_RUN)
    assert offset == (FEATURES_RUN / "events.jsonl").stat().st_size
    assert state.arms == ["cnn"] and state.final is not None
    assert state.final["type"] == "finished" and state.progress() == 1.0
    xs, ys = state.curves["cnn"]
    assert xs[-1] == 69 and len(xs) == len(ys) == 9
    assert len(state.probes["features/conv1"]) == 4  # untrained + one per epoch
    assert state.summary is not None and state.summary["verdict"]["shown"] is False
    assert rundir.read_prediction(FEATURES_RUN) == {
        "shown": True,
        "lab": "features",
        "at": 1795756830.0,
    }


def test_progress_and_remaining_across_arms() -> None:
    state = follow.RunState()
    state.apply([{"type": "started", "t": 0, "arms": ["plain-8", "plain-32"]}])
    state.apply([{"type": "step", "t": 10, "arm": "plain-32", "step": 50, "total": 100}])
    assert state.progress() == 0.75  # the second of two arms, half done
    assert state.remaining(30.0) == 10.0


def test_a_resumed_attempt_clears_the_old_final_event() -> None:
    state = follow.RunState()
    state.apply([{"type": "started", "t": 0, "arms": ["a"]}, {"type": "cancelled", "t": 5}])
    assert state.final is not None
    state.apply([{"type": "started", "t": 5, "arms": ["a"], "resumed": True}])
    assert state.final is None and state.t == 5


def test_memory_stays_flat_over_a_long_run() -> None:
    state = follow.RunState()
    steps = [{"type": "step", "t": i, "arm": "a", "step": i, "loss": 1.0} for i in range(20000)]
    probes = [{"type": "probe", "name": "p", "step": i, "arm": "a"} for i in range(2000)]
    state.apply(steps + probes)
    xs, _ = state.curves["a"]
    assert len(xs) <= follow.MAX_POINTS and xs[-1] == 19999
    assert len(state.probes["p"]) <= follow.MAX_SNAPSHOTS
    assert state.probes["p"][-1]["step"] == 1999


def test_last_verdicts_take_the_newest_finished_run(tmp_path: Path) -> None:
    install_run(tmp_path)
    verdicts = rundir.last_verdicts(tmp_path / "runs")
    assert verdicts["features"]["shown"] is False
    assert verdicts["features"]["run"] == "20250602-100000-features"


def test_follow_delivers_batches_until_the_process_ends(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    events_file = run_dir / "events.jsonl"
    events_file.write_text("")
    # a stand-in run process: its command line names the engine, as a real run's does
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)  # engine"])
    try:
        rundir.write_pid(run_dir, proc.pid)
        batches: list[tuple[list[dict[str, Any]], bool]] = []
        thread = threading.Thread(
            target=follow.follow,
            args=(run_dir, lambda e, a: batches.append((e, a)), lambda: False),
            kwargs={"poll_s": 0.02},
        )
        thread.start()
        with events_file.open("a") as f:
            for i in range(5):
                f.write(json.dumps({"type": "step", "t": i, "arm": "a", "step": i}) + "\n")
                f.flush()
                time.sleep(0.05)
            f.write('{"type": "step", "t": 5')  # half a line: not delivered
            f.flush()
        deadline = time.monotonic() + 10
        while sum(len(e) for e, _ in batches) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(alive for _, alive in batches)
        proc.kill()
        proc.wait()
        thread.join(timeout=10)
        assert not thread.is_alive()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    steps = [e["step"] for events, _ in batches for e in events]
    assert steps == [0, 1, 2, 3, 4]
    assert batches[-1][1] is False  # the last batch says the process is gone


def test_export_writes_csv_and_json(tmp_path: Path) -> None:
    run = install_run(tmp_path)
    csv_path = export.export(run, tmp_path / "out", "csv")
    header = csv_path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("type,arm,step") and "test_acc" in header
    doc = json.loads(export.export(run, tmp_path / "out", "json").read_text(encoding="utf-8"))
    assert doc["status"] == "finished" and doc["events"][-1]["type"] == "finished"
