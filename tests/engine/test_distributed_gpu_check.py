"""bench/gpu_check.py's steps, run tiny on the CPU (`--cpu-smoke`): the GPU check's logic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.conftest import ROOT


@pytest.mark.slow
def test_gpu_check_runs_its_steps_tiny_on_the_cpu(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    cmd = [sys.executable, str(ROOT / "bench" / "gpu_check.py"), "--cpu-smoke", "--labs", "resnet"]
    cmd += ["--data-dir", str(tmp_path), "--json", str(out), "--budget-s", "900"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "torch" in proc.stdout and "device: CPU" in proc.stdout
    rows = json.loads(out.read_text())["rows"]
    steps = [(r["step"], r["preset"], r["procs"]) for r in rows]
    assert steps == [
        ("quick", "quick", 1),
        ("full", "full", 1),
        ("precision", "quick", 1),
        ("precision", "quick", 1),
        ("procs", "quick", 2),
    ]
    assert all(r["status"] == "finished" and r["wall_s"] > 0 for r in rows)
    assert all(r["claims"] for r in rows)  # each run's verdict names its claims
    assert rows[-1]["precision"] == "fp32"  # the CPU trains in fp32 whatever is asked
