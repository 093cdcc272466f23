"""Helpers for engine tests: tiny specs and real `python -m engine` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A features run small enough for a test: ~90 steps, a second or two of training on 2 cores.
TINY = {"epochs": 4, "width": 4, "batch_size": 64}


def write_spec(run_dir: Path, params: dict[str, Any] | None = None, **extra: Any) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    spec = {"lab": "features", "params": {**TINY, **(params or {})}, "seed": 0, "device": "cpu"}
    spec.update(extra)
    path = run_dir / "spec.json"
    path.write_text(json.dumps(spec))
    return path


_STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_leftover_runs() -> Any:
    """A failed test must not leave a training process behind on a shared 2-core machine."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def start_engine(run_dir: Path, resume: bool = False) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "engine", "run", str(run_dir / "spec.json"), "--dir", str(run_dir)]
    if resume:
        cmd.append("--resume")
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    _STARTED.append(proc)
    return proc


def finish(proc: subprocess.Popen[bytes], timeout: float = 900) -> int:
    out, _ = proc.communicate(timeout=timeout)
    if proc.returncode not in (0, 130):
        print(out.decode(errors="replace"))
    return proc.returncode


def events(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def wait_for(
    run_dir: Path,
    proc: subprocess.Popen[bytes],
    match: Callable[[dict[str, Any]], bool],
    timeout: float = 600,  # generous: other jobs on a 2-core machine can slow a start 20x
) -> dict[str, Any]:
    """Block until an event matching `match` appears (fails if the process ends first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (run_dir / "events.jsonl").exists():
            for line in (run_dir / "events.jsonl").read_text().splitlines():
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if match(event):
                    return event
        assert proc.poll() is None, "the run ended before the awaited event"
        time.sleep(0.02)
    raise AssertionError("timed out waiting for an event")
