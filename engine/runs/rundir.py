"""Reading run directories: listing runs, tailing their events, telling their status.

Torch-free: the UI and `dlearn runs list` use it. Every function here tolerates what a
crash, a full disk or `kill -9` leaves behind (a missing file, a half-written last line,
garbage JSON) and reports it as a problem of that run instead of raising.

Status of a run:
  running    its process is alive (pid file + a live process running the engine)
  finished / failed / cancelled   from `summary.json`, else from the last final event
  damaged    files missing or unreadable, or the process is gone without a final event
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.runs.events import (
    CHECKPOINT_FILE,
    EVENTS_FILE,
    FINAL_TYPES,
    PID_FILE,
    PREDICTION_FILE,
    SPEC_FILE,
    SUMMARY_FILE,
    write_json_atomic,
)

STATUSES = ("running", "finished", "cancelled", "failed", "damaged")
TAIL_BYTES = 256 * 1024  # enough to find the last step and final event of any run


@dataclass
class RunInfo:
    """What a listing needs to know about one run directory."""

    path: Path
    status: str
    spec: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    last_step: dict[str, Any] | None = None
    final: dict[str, Any] | None = None  # the final event, if any
    pid: int | None = None
    has_checkpoint: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def lab(self) -> str:
        return str((self.spec or {}).get("lab") or (self.summary or {}).get("lab") or "?")

    @property
    def created(self) -> float:
        try:
            return (self.path / SPEC_FILE).stat().st_mtime
        except OSError:
            try:
                return self.path.stat().st_mtime
            except OSError:
                return 0.0

    @property
    def resumable(self) -> bool:
        """A stopped run with a readable spec can continue (from its checkpoint, if any).

        A failed run may be retried too: after a fix to the code, or on a machine with the
        device it asked for.
        """
        return self.spec is not None and self.status in ("cancelled", "damaged", "failed")


def read_json(path: Path) -> tuple[Any, str | None]:
    """(data, None), or (None, problem) when the file is missing or not valid JSON."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, f"{path.name} is missing"
    except OSError as exc:
        return None, f"{path.name} cannot be read ({exc.strerror})"
    try:
        return json.loads(data.decode("utf-8")), None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, f"{path.name} is not valid JSON (truncated or overwritten?)"


def parse_lines(data: bytes) -> tuple[list[dict[str, Any]], int, int]:
    """Events in the complete lines of `data`: (events, bytes consumed, bad lines).

    A last line without its newline is not consumed: its writer may still be writing it.
    """
    end = data.rfind(b"\n") + 1
    events: list[dict[str, Any]] = []
    bad = 0
    for line in data[:end].splitlines():
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            bad += 1
            continue
        if isinstance(event, dict) and "type" in event:
            events.append(event)
        else:
            bad += 1
    return events, end, bad


class EventTail:
    """Follows `events.jsonl` as it grows; `poll()` returns the events added since last time."""

    def __init__(self, run_dir: Path, offset: int = 0) -> None:
        self.path = Path(run_dir) / EVENTS_FILE
        self.offset = offset
        self.bad_lines = 0

    def poll(self) -> list[dict[str, Any]]:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return []
        events, used, bad = parse_lines(data)
        self.offset += used
        self.bad_lines += bad
        return events

    def pending_partial(self) -> bool:
        """True when the file ends in a line without its newline (a write cut short)."""
        try:
            return self.path.stat().st_size > self.offset
        except OSError:
            return False


def read_events(run_dir: Path) -> list[dict[str, Any]]:
    """Every readable event of a run (damaged lines skipped)."""
    return EventTail(run_dir).poll()


def _tail(path: Path, max_bytes: int = TAIL_BYTES) -> tuple[list[dict[str, Any]], bool]:
    """The events in the last `max_bytes` of `path`, and whether it ends in a partial line."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        start = max(0, size - max_bytes)
        f.seek(start)
        data = f.read()
    if start > 0:  # drop the first, probably cut, line
        data = data[data.find(b"\n") + 1 :]
    events, used, _ = parse_lines(data)
    return events, used < len(data)


def read_pid(run_dir: Path) -> dict[str, Any] | None:
    data, _ = read_json(Path(run_dir) / PID_FILE)
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def _proc_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (Linux), which tells a recycled pid from the original."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[19] if len(fields) > 19 else None


def pid_alive(pid: int, start: str | None = None) -> bool:
    """True if `pid` is a live (not zombie) process that runs the engine.

    `start`, when known, must match the process's start time: a recycled pid is not our run.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    proc = Path("/proc") / str(pid)
    if not proc.exists():
        return True  # no /proc (macOS): trust kill(0)
    try:
        stat = (proc / "stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
    except (OSError, IndexError):
        return False
    if start is not None and _proc_start(pid) != start:
        return False
    return b"engine" in cmdline  # a recycled pid belongs to some other program


def write_pid(run_dir: Path, pid: int) -> None:
    """Record the run's process so listings can tell a live run from a dead one."""
    info = {"pid": pid, "host": socket.gethostname(), "start": _proc_start(pid)}
    write_json_atomic(Path(run_dir) / PID_FILE, info)


def is_alive(run_dir: Path) -> tuple[bool, int | None]:
    info = read_pid(run_dir)
    if info is None:
        return False, None
    pid = int(info["pid"])
    if info.get("host") not in (None, socket.gethostname()):
        return True, pid  # started on another machine sharing this disk: cannot tell
    start = info.get("start")
    return pid_alive(pid, start if isinstance(start, str) else None), pid


def inspect(run_dir: Path) -> RunInfo:
    """Everything a listing shows about `run_dir`; never raises for a damaged directory."""
    run_dir = Path(run_dir)
    info = RunInfo(path=run_dir, status="damaged")
    try:
        _inspect(run_dir, info)
    except Exception as exc:  # a listing must survive anything on disk
        info.status = "damaged"
        info.problems.append(f"unreadable: {exc}")
    return info


def _inspect(run_dir: Path, info: RunInfo) -> None:
    spec, problem = read_json(run_dir / SPEC_FILE)
    if isinstance(spec, dict):
        info.spec = spec
    else:
        info.problems.append(problem or "spec.json is not an object")
    info.has_checkpoint = (run_dir / CHECKPOINT_FILE).exists()
    alive, info.pid = is_alive(run_dir)

    events: list[dict[str, Any]] = []
    partial = False
    if (run_dir / EVENTS_FILE).exists():
        events, partial = _tail(run_dir / EVENTS_FILE)
    elif not alive:
        info.problems.append("events.jsonl is missing")
    for event in reversed(events):
        if event.get("type") == "step" and info.last_step is None:
            info.last_step = event
        if event.get("type") == "started":
            break  # a final event before the last start belongs to an earlier attempt
        if event.get("type") in FINAL_TYPES and info.final is None:
            info.final = event

    if alive:
        info.status = "running"
        return
    if partial:
        info.problems.append("events.jsonl ends in a half-written line")

    summary_present = (run_dir / SUMMARY_FILE).exists()
    summary, problem = read_json(run_dir / SUMMARY_FILE)
    if summary_present and not isinstance(summary, dict):
        info.problems.append(problem or "summary.json is not an object")
        info.status = "damaged"
        return
    if isinstance(summary, dict) and summary.get("status") in FINAL_TYPES:
        info.summary = summary
        status = str(summary["status"])
    elif info.final is not None:
        status = str(info.final["type"])
        if isinstance(info.final.get("summary"), dict):
            info.summary = info.final["summary"]
    else:
        info.problems.append("the run process is gone without a final event (killed?)")
        status = "damaged"
    info.status = "damaged" if info.spec is None else status


def list_runs(runs_root: Path) -> list[RunInfo]:
    """Every run under `runs_root`, newest first. A missing root is an empty list."""
    try:
        dirs = [p for p in Path(runs_root).iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []
    runs = [inspect(d) for d in dirs]
    runs.sort(key=lambda r: (r.created, r.name), reverse=True)
    return runs


def find_run(runs_root: Path, ref: str | None) -> Path | None:
    """A run named by path, by directory name, by a unique name prefix, or (None) the newest."""
    if ref is None:
        runs = list_runs(runs_root)
        return runs[0].path if runs else None
    path = Path(ref).expanduser()
    if path.is_dir():
        return path
    candidate = Path(runs_root) / ref
    if candidate.is_dir():
        return candidate
    try:
        matches = [p for p in Path(runs_root).iterdir() if p.is_dir() and ref in p.name]
    except OSError:
        return None
    return matches[0] if len(matches) == 1 else None


def runs_root(data_dir: Path) -> Path:
    """Where the runs of a data directory live (the app and `dlearn lab run` alike)."""
    return Path(data_dir) / "runs"


def running_runs(root: Path) -> list[RunInfo]:
    """Runs whose process is alive: only one should train at a time on a small machine."""
    return [r for r in list_runs(root) if r.status == "running"]


def last_verdicts(root: Path) -> dict[str, dict[str, Any]]:
    """For each lab, the verdict of its newest finished run: {lab: {"shown", "evidence", "run"}}."""
    out: dict[str, dict[str, Any]] = {}
    for info in list_runs(root):  # newest first
        if info.status != "finished" or info.lab in out:
            continue
        verdict = (info.summary or {}).get("verdict")
        if isinstance(verdict, dict):
            out[info.lab] = {**verdict, "run": info.name}
    return out


def read_prediction(run_dir: Path) -> dict[str, Any] | None:
    data, _ = read_json(Path(run_dir) / PREDICTION_FILE)
    return data if isinstance(data, dict) and isinstance(data.get("shown"), bool) else None


def write_prediction(run_dir: Path, lab: str, shown: bool) -> None:
    """Keep the student's prediction beside the run, to hold the verdict against it."""
    write_json_atomic(
        Path(run_dir) / PREDICTION_FILE, {"shown": shown, "lab": lab, "at": time.time()}
    )
