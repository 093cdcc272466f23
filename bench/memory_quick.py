"""Run the `memory` lab's quick preset for several seeds and print what it measured.

    .venv/bin/python bench/memory_quick.py [--seeds 0 1 2] [--set seq_len=50] [--device cpu]

Per seed: each arm's test accuracy, fused time per epoch and hand-written ms per step, the
BPTT gradient ratio, the run's wall time and its verdict; then how many seeds showed the
claim. Runs in this process, one after another (never two trainings at once on 2 cores).
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds to run")
    parser.add_argument("--preset", default="quick", help="preset to start from")
    parser.add_argument("--set", action="append", default=[], help="override, name=value")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, mps or auto")
    parser.add_argument("--lang", default="en", choices=("en", "ko"), help="verdict language")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="CPU threads (0 = one per physical core, as a run uses; 1 helps on a busy machine)",
    )
    args = parser.parse_args()
    if args.threads:
        from engine import device

        device.physical_cores = lambda: args.threads  # configure() reads it

    from engine.run import run  # imports torch

    lab = catalogue.get_lab("memory")
    params = catalogue.resolve_params(lab, args.preset, catalogue.parse_assignments(args.set))
    print(f"load average before: {os.getloadavg()}; threads: {args.threads or 'default'}")
    print("params:", json.dumps(params))
    shown = 0
    for seed in args.seeds:
        run_dir = Path(tempfile.mkdtemp(prefix=f"memory-s{seed}-"))
        spec = {"lab": "memory", "params": params, "seed": seed, "device": args.device}
        start = time.perf_counter()
        code = run(spec, run_dir)
        wall = time.perf_counter() - start
        summary = json.loads((run_dir / "summary.json").read_text())
        print(f"\nseed {seed}: exit {code}, wall {wall:.1f} s, run dir {run_dir}")
        for arm, m in summary["arms"].items():
            print(
                f"  {arm:5s} test acc {m.get('test_acc', float('nan')):.3f}  "
                f"fused {m.get('epoch_s', float('nan')):.2f} s/epoch  "
                f"hand-written {1000 * m.get('scratch_step_s', float('nan')):.1f} ms/step  "
                f"||dL/dh_1||/||dL/dh_T|| {m.get('grad_ratio_first_last', float('nan')):.2e}"
            )
        verdict = summary["verdict"]
        shown += bool(verdict.get("shown"))
        print(f"  verdict: shown={verdict.get('shown')}")
        print(f"  {verdict['evidence'][args.lang]}")
    print(f"\nshown for {shown} of {len(args.seeds)} seeds")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
