"""Starting runs: a run directory, its spec, and the detached `python -m engine` process.

Torch-free: `dlearn lab run` and the app's lab screen start runs through here (and follow
them with `engine.rundir`). Everything that can be wrong with a request — an unknown lab, a
parameter out of range, a device name that cannot exist, a directory that already holds a
run — is a `ParamError` raised before any process starts.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import catalogue, rundir
from engine.catalogue import ParamError
from engine.events import EVENTS_FILE, LOG_FILE, SPEC_FILE, write_json_atomic

DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def new_run_dir(root: Path, lab_id: str) -> Path:
    """A fresh directory `root/<date>-<time>-<lab>` (suffixed when two start in one second)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = Path(root) / (f"{stamp}-{lab_id}" + (f"-{n}" if n else ""))
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a run directory under {root}")


def prepare(
    lab_id: str,
    runs_root: Path,
    preset: str | None = "quick",
    overrides: dict[str, Any] | None = None,
    seed: int = 0,
    device: str = "auto",
    run_dir: Path | None = None,
) -> Path:
    """Validate a run request and write its `spec.json`; return the run directory."""
    lab = catalogue.get_lab(lab_id)
    params = catalogue.resolve_params(lab, preset, overrides)
    if not DEVICE_PATTERN.match(device):
        raise ParamError(
            f"unknown device '{device}'; use auto, cpu, cuda, cuda:N or mps",
            f"'{device}'는 알 수 없는 장치입니다. auto, cpu, cuda, cuda:N, mps 중에서 고르세요",
        )
    if run_dir is not None:
        run_dir = Path(run_dir)
        if (run_dir / SPEC_FILE).exists() or (run_dir / EVENTS_FILE).exists():
            raise ParamError(
                f"{run_dir} already holds a run; pick another --dir or resume it with "
                f"`dlearn lab resume {run_dir}`",
                f"{run_dir}에는 이미 실행이 있습니다. 다른 --dir를 주거나 "
                f"`dlearn lab resume {run_dir}`으로 이어서 하세요",
            )
        run_dir.mkdir(parents=True, exist_ok=True)
    else:
        run_dir = new_run_dir(runs_root, lab.id)
    spec = {
        "lab": lab.id,
        "preset": preset,
        "params": params,
        "seed": seed,
        "device": device,
        "created": time.time(),
    }
    write_json_atomic(run_dir / SPEC_FILE, spec)
    return run_dir


def start(run_dir: Path, resume: bool = False) -> subprocess.Popen[bytes]:
    """Start `python -m engine run` in its own session; its output goes to engine.log.

    A new session means no terminal signals: closing the terminal or the SSH link leaves
    the run going. The pid file is written here at once, so the run lists as running
    while the process is still importing torch.
    """
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "engine", "run", str(run_dir / SPEC_FILE), "--dir", str(run_dir)]
    if resume:
        cmd.append("--resume")
    with open(run_dir / LOG_FILE, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    rundir.write_pid(run_dir, proc.pid)
    return proc


def events_end(run_dir: Path) -> int:
    """Where the next complete event line will start (after any half-written line).

    Follow a resumed run from here to see only the new attempt's events.
    """
    try:
        data = (Path(run_dir) / EVENTS_FILE).read_bytes()
    except OSError:
        return 0
    return data.rfind(b"\n") + 1


def events_csv(events: list[dict[str, Any]]) -> str:
    """Step and eval events as one table: a row per event, a column per field or metric."""
    base = ["type", "arm", "step", "epoch", "t", "loss", "lr", "samples_per_s"]
    rows: list[dict[str, Any]] = []
    extra: dict[str, None] = {}
    for e in events:
        if e.get("type") not in ("step", "eval"):
            continue
        row = {k: e.get(k) for k in base}
        for k, v in (e.get("metrics") or {}).items():
            row[k] = v
            extra[k] = None
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=base + list(extra), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
