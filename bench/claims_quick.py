"""Every lab's quick preset, as a student runs it, with each claim's status: the figures a
note about the labs' verdicts gives.

    .venv/bin/python bench/claims_quick.py [--labs features memory ...] [--seeds 11 12 13]

Each run is its own `python -m engine run` process, one after another (never two at once:
two torch processes slow each other many times over), in a fresh data directory, so the
Transformer lab trains its short GRU baseline unless `--share` keeps one directory for all
(then it reuses the seq2seq run's). Prints per lab and seed: wall time (process start to
exit), and each claim's status with the figures it rests on; then the load average, since
a busy machine is the first suspect for a slow run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import catalogue  # noqa: E402
from engine.runs import launch, rundir  # noqa: E402
from engine.runs.verdicts import MARKS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--labs", nargs="+", default=list(catalogue.LABS), help="lab ids")
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13], help="seeds")
    parser.add_argument("--preset", default="quick", help="preset (default quick)")
    parser.add_argument("--device", default="cpu", help="device (default cpu)")
    parser.add_argument("--share", action="store_true", help="one data directory for all runs")
    args = parser.parse_args(argv)
    shared = Path(tempfile.mkdtemp(prefix="claims-")) if args.share else None
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for seed in args.seeds:
        for lab in args.labs:
            root = (shared or Path(tempfile.mkdtemp(prefix=f"claims-{lab}-"))) / "runs"
            run_dir = launch.prepare(lab, root, args.preset, {}, seed, args.device)
            start = time.perf_counter()
            code = launch.start(run_dir).wait()
            wall = time.perf_counter() - start
            summary = rundir.inspect(run_dir).summary or {}
            verdict = summary.get("verdict") or {}
            mark = "shown" if verdict.get("shown") else "NOT shown"
            print(f"\n{lab} seed {seed}: exit {code}, {wall:.1f} s wall, {mark}  ({run_dir})")
            for claim in verdict.get("claims") or []:
                figures = json.dumps(claim.get("figures") or {}, ensure_ascii=False)
                print(
                    f"  {MARKS[claim['status']]} {claim['id']:<18} {claim['status']:<13} {figures}"
                )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
