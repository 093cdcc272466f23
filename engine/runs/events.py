"""Writing a run's files: the append-only event stream and atomically replaced JSON files.

Torch-free. Readers (the UI, `dlearn runs`, other processes) may open these files at any
moment, so every event is one line flushed as soon as it is written, and `spec.json` /
`summary.json` are replaced by rename, never seen half-written.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import IO, Any

PROTOCOL_VERSION = 1
FINAL_TYPES = ("finished", "failed", "cancelled")

SPEC_FILE = "spec.json"
EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "summary.json"
CHECKPOINT_FILE = "checkpoint.pt"
PID_FILE = "run.pid"
LOG_FILE = "engine.log"
PREDICTION_FILE = "prediction.json"  # the student's prediction, written by the app


def clean(value: Any) -> Any:
    """`value` with NaN/inf replaced by None, so every line is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def write_json_atomic(path: Path, data: Any) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(clean(data), f, ensure_ascii=False, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class EventWriter:
    """Appends events to `events.jsonl`, one flushed line each, stamped with `v` and `t`.

    `t` counts seconds since the run first started: a resumed run passes the time already
    spent as `elapsed`, so its clock continues instead of restarting at zero.
    """

    def __init__(self, run_dir: Path, elapsed: float = 0.0) -> None:
        self.path = run_dir / EVENTS_FILE
        ends_cut = False
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                ends_cut = f.read(1) != b"\n"
        self._file: IO[str] = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        if ends_cut:  # a killed writer left half a line: end it so ours starts clean
            self._file.write("\n")
        self._t0 = time.monotonic() - elapsed

    def elapsed(self) -> float:
        return time.monotonic() - self._t0

    def emit(self, type_: str, **payload: Any) -> dict[str, Any]:
        event = {"v": PROTOCOL_VERSION, "type": type_, "t": round(self.elapsed(), 4)}
        event.update(payload)
        try:  # the fast path: payloads are usually clean already (probes round their numbers)
            line = json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError:
            line = json.dumps(clean(event), ensure_ascii=False, separators=(",", ":"))
        self._file.write(line + "\n")
        self._file.flush()
        return event

    def close(self) -> None:
        self._file.close()
