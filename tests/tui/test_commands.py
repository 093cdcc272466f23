"""`dlearn lab ...` and `dlearn runs ...`: real runs through the CLI, and its error messages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from engine import catalogue
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--set", "epochs=2", "--set", "width=4"]


def dlearn(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), "--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """One quick-preset run (made smaller with --set), its events as printed by --json."""
    data = tmp_path_factory.mktemp("data")
    cmd = [
        sys.executable,
        "-m",
        "tui.cli",
        "--data-dir",
        str(data),
        "lab",
        "run",
        "features",
        "--preset",
        "quick",
        *SMALL,
        "--json",
    ]
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    finally:
        _stop_runs(data)
    assert out.returncode == 0, out.stderr
    return data, [json.loads(line) for line in out.stdout.splitlines()]


def test_lab_run_json_prints_the_event_stream(finished_run: tuple[Path, list[dict]]) -> None:
    data, events = finished_run
    types = [e["type"] for e in events]
    assert types[0] == "started" and types[-1] == "finished"
    assert {"step", "eval", "probe"} <= set(types)
    kinds = {e["kind"] for e in events if e["type"] == "probe"}
    assert kinds == {"heatmap", "series", "bars", "table", "text"}
    verdict = events[-1]["summary"]["verdict"]
    assert isinstance(verdict["shown"], bool) and verdict["evidence"]["ko"]
    (run_dir,) = (data / "runs").iterdir()
    written = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    assert written == events  # --json prints exactly what the run wrote


def test_runs_list_show_compare_export(
    finished_run: tuple[Path, list[dict]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, _ = finished_run
    code, out, _ = dlearn(capsys, data, "runs", "list", "--json")
    (row,) = json.loads(out)
    assert code == 0 and row["status"] == "finished" and row["lab"] == "features"
    code, out, _ = dlearn(capsys, data, "runs", "show", row["run"])
    assert code == 0 and "Verdict" in out and "test_acc" in out
    code, out, _ = dlearn(capsys, data, "runs", "compare", row["run"], row["run"])
    assert code == 0 and "cnn.test_acc" in out
    code, out, _ = dlearn(capsys, data, "runs", "export", row["run"])
    header, *rows = out.splitlines()
    assert header.startswith("type,arm,step") and "test_acc" in header and rows
    target = tmp_path / "run.json"
    code, _, err = dlearn(
        capsys, data, "runs", "export", row["run"], "--format", "json", "-o", str(target)
    )
    doc = json.loads(target.read_text())
    assert code == 0 and doc["summary"]["status"] == "finished" and doc["events"]
    code, _, err = dlearn(capsys, data, "lab", "resume", row["run"])
    assert code == 2 and "already finished" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--set", "lr=50"], ["'lr'", "50", "1e-05 .. 10"]),
        (["--set", "epochs=zero"], ["'epochs'", "integer", "zero"]),
        (["--set", "dropout=0.5"], ["'dropout'", "epochs"]),
        (["--set", "lr"], ["name=value"]),
        (["--preset", "huge"], ["preset 'huge'"]),
        (["--device", "tpu"], ["'tpu'", "cpu"]),
    ],
)
def test_validation_errors_exit_2_before_anything_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], words: list[str]
) -> None:
    code, out, err = dlearn(capsys, tmp_path, "lab", "run", "features", *args)
    assert code == 2
    for word in words:
        assert word in err
    assert not (tmp_path / "runs").exists()  # no run directory, no process


def test_unknown_lab_and_missing_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = dlearn(capsys, tmp_path, "lab", "run", "no-such-lab")
    assert code == 2 and "available labs:" in err and "features" in err
    code, _, err = dlearn(capsys, tmp_path, "runs", "show", "nope")
    assert code == 2 and "no run matches 'nope'" in err
    code, out, _ = dlearn(capsys, tmp_path, "runs", "list")
    assert code == 0 and "no runs yet" in out


def test_lab_list_and_runs_list_do_not_import_torch(tmp_path: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    main(['--data-dir', {str(tmp_path)!r}, 'lab', 'list', '--json'])\n"
        f"    main(['--data-dir', {str(tmp_path)!r}, 'runs', 'list'])\n"
        "assert 'features' in out.getvalue()\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_detach_then_runs_show_reattaches_and_follows_to_the_end(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    try:
        code, out, _ = dlearn(capsys, tmp_path, "lab", "run", "features", *SMALL, "--detach")
        run_dir = Path(out.strip())
        assert code == 0 and run_dir.is_dir()
        code, out, _ = dlearn(capsys, tmp_path, "runs", "show", run_dir.name, "--json")
    finally:
        _stop_runs(tmp_path)
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and events[-1]["type"] == "finished"
    assert [e["type"] for e in events].count("started") == 1


def _stop_runs(data: Path) -> None:
    """Kill any run a failed test left going (its process is in its own session)."""
    from engine.runs import rundir

    for pid_file in data.rglob("run.pid"):
        alive, pid = rundir.is_alive(pid_file.parent)
        if alive and pid:
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_cancels_the_run_and_says_how_to_resume(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    cmd = [sys.executable, "-m", "tui.cli", "--data-dir", str(tmp_path), "--lang", "en"]
    cmd += ["lab", "run", "features", "--set", "epochs=30", "--set", "width=4"]
    cmd += ["--dir", str(run_dir)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    events = run_dir / "events.jsonl"
    try:
        deadline = time.monotonic() + 600  # other jobs on this machine can slow a start 20x
        while not (events.exists() and '"type":"step"' in events.read_text()):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGINT)  # what Ctrl+C sends to the foreground CLI
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
        _stop_runs(tmp_path)
    assert proc.returncode == 130, err
    assert "dlearn lab resume" in out + err
    last = json.loads(events.read_text().splitlines()[-1])
    assert last["type"] == "cancelled" and last["reason"] == "SIGINT"
    assert (run_dir / "checkpoint.pt").exists()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lab_list_keeps_each_help_text_whole_at_80_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = dlearn(capsys, tmp_path, "--lang", lang, "lab", "list")
    assert code == 0
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    flat = " ".join(line.strip() for line in lines)
    for lab in catalogue.LABS.values():
        for p in lab.params:
            assert p.help[lang] in flat, (lab.id, p.name)  # every word kept, in order
    # a help text is as wide as the terminal: every line of it but its last is well filled
    paragraphs: list[list[str]] = []
    for before, line in zip(["", *lines], lines, strict=False):
        if line.startswith("      "):
            if not before.startswith("      "):
                paragraphs.append([])
            paragraphs[-1].append(line)
    assert len(paragraphs) == sum(len(lab.params) for lab in catalogue.LABS.values())
    for paragraph in paragraphs:
        assert all(cell_len(line) > 60 for line in paragraph[:-1]), paragraph
