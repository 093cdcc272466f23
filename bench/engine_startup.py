"""How long from starting `python -m engine run` to its first `step` event, on the CPU.

Also measures, in fresh interpreters, what that time is made of: the bare interpreter,
`import torch`, and `import torch._dynamo` (which every torch optimiser's first `step()`
imports). Prints figures (median of --repeat runs), asserts nothing.

    .venv/bin/python bench/engine_startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def timed_import(code: str) -> float:
    """Seconds a fresh interpreter spends on `code` (after its own start)."""
    probe = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", probe], env=ENV, capture_output=True, text=True)
    return float(out.stdout.strip())


def bare_interpreter() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=ENV, check=True)
    return time.perf_counter() - t


def first_step(tmp: Path) -> dict[str, float]:
    """Wall time from Popen to the first step event (and to `started`), polling every 2 ms."""
    run_dir = tmp / f"run{time.monotonic_ns()}"
    run_dir.mkdir()
    spec = {"lab": "features", "params": {"epochs": 1, "width": 8}, "seed": 0, "device": "cpu"}
    (run_dir / "spec.json").write_text(json.dumps(spec))
    events = run_dir / "events.jsonl"
    cmd = [sys.executable, "-m", "engine", "run", str(run_dir / "spec.json"), "--dir", str(run_dir)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marks: dict[str, float] = {}
    while "step" not in marks and proc.poll() is None:
        if events.exists():
            text = events.read_text()
            if '"type":"started"' in text and "started" not in marks:
                marks["started"] = time.perf_counter() - t0
            if '"type":"step"' in text:
                marks["step"] = time.perf_counter() - t0
        time.sleep(0.002)
    proc.wait()
    lines = events.read_text().splitlines()
    first = next(e for e in map(json.loads, lines) if e["type"] == "step")
    marks["steps_in_first_event"] = float(first["step"])
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    med = statistics.median
    interp = med(bare_interpreter() for _ in range(args.repeat))
    torch_import = med(timed_import("import torch") for _ in range(args.repeat))
    # `t` is reset after `import torch`, so this times `import torch._dynamo` alone
    dynamo = med(
        timed_import("import torch; t = time.perf_counter(); import torch._dynamo")
        for _ in range(args.repeat)
    )
    with tempfile.TemporaryDirectory() as tmp:
        runs = [first_step(Path(tmp)) for _ in range(args.repeat)]
    started = med(r["started"] for r in runs)
    step = med(r["step"] for r in runs)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"bare interpreter start:              {interp:6.2f} s")
    print(f"import torch:                        {torch_import:6.2f} s")
    print(f"then import torch._dynamo:           {dynamo:6.2f} s  (by the first optimiser step)")
    print(f"process start -> `started` event:    {started:6.2f} s")
    print(
        f"process start -> first `step` event: {step:6.2f} s  "
        f"(after {runs[0]['steps_in_first_event']:.0f} training steps)"
    )
    share = (interp + torch_import + dynamo) / step
    print(f"interpreter + torch imports are {share:.0%} of the time to the first step")


if __name__ == "__main__":
    main()
