"""Reading run directories: statuses, and damage that must never crash a listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.runs import rundir
from engine.runs.events import EventWriter, write_json_atomic

SPEC = {"lab": "features", "params": {"epochs": 1}, "seed": 0, "device": "cpu"}


def make_run(root: Path, name: str, *, final: str | None = "finished", spec: bool = True) -> Path:
    run = root / name
    run.mkdir(parents=True)
    if spec:
        write_json_atomic(run / "spec.json", SPEC)
    writer = EventWriter(run)
    writer.emit("started", lab="features", arms=["cnn"])
    writer.emit("step", arm="cnn", step=10, total=20, loss=1.0)
    if final:
        summary = {"lab": "features", "status": final, "arms": {"cnn": {"test_acc": 0.9}}}
        summary["verdict"] = {"shown": True, "evidence": {"ko": "예", "en": "yes"}}
        write_json_atomic(run / "summary.json", summary)
        writer.emit(final, summary=summary)
    writer.close()
    return run


def test_final_statuses_are_read_from_the_summary(tmp_path: Path) -> None:
    for status in ("finished", "failed", "cancelled"):
        info = rundir.inspect(make_run(tmp_path, status, final=status))
        assert info.status == status
        assert info.summary is not None and info.summary["status"] == status
        assert info.last_step is not None and info.last_step["step"] == 10
        assert info.resumable == (status in ("cancelled", "failed"))


def test_killed_run_with_truncated_events_is_damaged_and_resumable(tmp_path: Path) -> None:
    run = make_run(tmp_path, "killed", final=None)
    with open(run / "events.jsonl", "a") as f:
        f.write('{"v":1,"type":"st')  # what kill -9 mid-write leaves
    info = rundir.inspect(run)
    assert info.status == "damaged"
    assert info.resumable
    assert any("half-written" in p for p in info.problems)
    assert any("without a final event" in p for p in info.problems)
    assert info.last_step is not None  # the complete lines are still read


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("no_spec", "spec.json is missing"),
        ("garbage_summary", "summary.json is not valid JSON"),
        ("garbage_spec", "spec.json is not valid JSON"),
        ("no_events", "events.jsonl is missing"),
        ("binary_events", "without a final event"),
    ],
)
def test_damaged_directories_are_listed_not_raised(
    tmp_path: Path, damage: str, problem: str
) -> None:
    run = make_run(tmp_path, damage)
    if damage == "no_spec":
        (run / "spec.json").unlink()
    elif damage == "garbage_summary":
        (run / "summary.json").write_bytes(b"\x00\xff{not json")
    elif damage == "garbage_spec":
        (run / "spec.json").write_text("{")
    elif damage == "no_events":
        (run / "events.jsonl").unlink()
        (run / "summary.json").unlink()
    elif damage == "binary_events":
        (run / "summary.json").unlink()
        (run / "events.jsonl").write_bytes(b"\xff\xfe\x00garbage\n" * 10)
    runs = rundir.list_runs(tmp_path)
    assert [r.name for r in runs] == [damage]
    assert runs[0].status == "damaged"
    assert any(problem in p for p in runs[0].problems), runs[0].problems


def test_listing_survives_stray_files_and_a_missing_root(tmp_path: Path) -> None:
    assert rundir.list_runs(tmp_path / "nowhere") == []
    (tmp_path / "notes.txt").write_text("not a run")
    (tmp_path / "empty").mkdir()
    make_run(tmp_path, "ok")
    statuses = {r.name: r.status for r in rundir.list_runs(tmp_path)}
    assert statuses == {"empty": "damaged", "ok": "finished"}


def test_a_live_engine_process_means_running(tmp_path: Path) -> None:
    run = make_run(tmp_path, "live", final=None)
    # a stand-in process whose command line names the engine, as `python -m engine` does
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "engine"])
    try:
        rundir.write_pid(run, proc.pid)
        assert rundir.inspect(run).status == "running"
    finally:
        proc.kill()
        proc.wait()
    assert rundir.inspect(run).status == "damaged"  # gone without a final event


def test_a_recycled_pid_is_not_our_run(tmp_path: Path) -> None:
    run = make_run(tmp_path, "recycled", final=None)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "engine"])
    try:
        info = {"pid": proc.pid, "host": None, "start": "1"}  # started at another time
        (run / "run.pid").write_text(json.dumps(info))
        assert rundir.inspect(run).status == "damaged"
    finally:
        proc.kill()
        proc.wait()


def test_a_resumed_run_ignores_the_earlier_attempts_final_event(tmp_path: Path) -> None:
    run = make_run(tmp_path, "resumed", final="cancelled")
    (run / "summary.json").unlink()  # the engine drops the stale summary on resume
    writer = EventWriter(run)
    writer.emit("started", lab="features", resumed=True)
    writer.close()
    info = rundir.inspect(run)
    assert info.status == "damaged" and info.final is None


def test_event_tail_returns_only_complete_new_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"type":"a"}\n{"type":"b"')
    tail = rundir.EventTail(tmp_path)
    assert [e["type"] for e in tail.poll()] == ["a"]
    assert tail.pending_partial()
    with open(path, "a") as f:
        f.write('}\nnot json\n{"type":"c"}\n')
    assert [e["type"] for e in tail.poll()] == ["b", "c"]
    assert tail.bad_lines == 1
    assert tail.poll() == []


def test_writer_ends_a_cut_line_before_appending(tmp_path: Path) -> None:
    (tmp_path / "events.jsonl").write_text('{"type":"a"}\n{"type":"b","x":')
    writer = EventWriter(tmp_path, elapsed=5.0)
    writer.emit("started")
    writer.close()
    events = rundir.read_events(tmp_path)
    assert [e["type"] for e in events] == ["a", "started"]
    assert events[-1]["v"] == 1 and events[-1]["t"] >= 5.0


def test_find_run_by_path_name_fragment_or_newest(tmp_path: Path) -> None:
    a = make_run(tmp_path, "20240101-000000-features")
    b = make_run(tmp_path, "20240102-000000-features")
    assert rundir.find_run(tmp_path, str(a)) == a
    assert rundir.find_run(tmp_path, a.name) == a
    assert rundir.find_run(tmp_path, "0102") == b
    assert rundir.find_run(tmp_path, "features") is None  # ambiguous
    # None is the newest run by when it was made (its spec's time), whatever the names say
    os.utime(a / "spec.json", (2_000_000_000, 2_000_000_000))
    os.utime(b / "spec.json", (1_000_000_000, 1_000_000_000))
    assert rundir.find_run(tmp_path, None) == a
    os.utime(b / "spec.json", (3_000_000_000, 3_000_000_000))
    assert rundir.find_run(tmp_path, None) == b
