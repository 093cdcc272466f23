"""Run one lab's preset for several seeds in this process and print each arm's figures.

Shared by the lab benchmarks (`bench/memory_quick.py`, `bench/forecast_quick.py`): the
command-line flags, the seed loop, the verdict and the load average before and after are the
same for every lab; only the line printed per arm differs. Runs one after another (never two
trainings at once on 2 cores).

The benchmarks that print each arm's own wall time (`resnet_quick`, `seq2seq_quick`,
`transformer_quick`) train the arms here with the engine's `Trainer` instead: `parse`,
`start` and `run_seed`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from engine import catalogue  # noqa: E402
from engine.device import configure, describe, precision_for  # noqa: E402
from engine.runs.verdicts import MARKS  # noqa: E402
from engine.training.context import RunContext  # noqa: E402
from engine.training.loop import Trainer  # noqa: E402

ArmLine = Callable[[str, dict[str, Any]], str]


def bench_seeds(lab_id: str, description: str, arm_line: ArmLine) -> int:
    """Parse the common flags, run `lab_id` once per seed, print `arm_line` for every arm."""
    parser = argparse.ArgumentParser(description=description)
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

    from engine.training.lab_run import run  # imports torch

    lab = catalogue.get_lab(lab_id)
    params = catalogue.resolve_params(lab, args.preset, catalogue.parse_assignments(args.set))
    print(f"load average before: {os.getloadavg()}; threads: {args.threads or 'default'}")
    print("params:", json.dumps(params))
    shown = 0
    for seed in args.seeds:
        run_dir = Path(tempfile.mkdtemp(prefix=f"{lab_id}-s{seed}-"))
        spec = {"lab": lab_id, "params": params, "seed": seed, "device": args.device}
        start = time.perf_counter()
        code = run(spec, run_dir)
        wall = time.perf_counter() - start
        summary = json.loads((run_dir / "summary.json").read_text())
        print(f"\nseed {seed}: exit {code}, wall {wall:.1f} s, run dir {run_dir}")
        for arm, metrics in summary["arms"].items():
            print(arm_line(arm, metrics))
        verdict = summary["verdict"]
        shown += bool(verdict.get("shown"))
        print(f"  verdict: shown={verdict.get('shown')}")
        print_claims(verdict, args.lang)
        print(f"  {verdict['evidence'][args.lang]}")
    print(f"\nshown for {shown} of {len(args.seeds)} seeds")
    print(f"load average after: {os.getloadavg()}")
    return 0


def run_seed(
    lab: ModuleType, arms: list[str], params: dict, seed: int, device: torch.device
) -> tuple[dict, dict, dict]:
    """Train every arm with `seed`; return (metrics per arm, seconds per arm, verdict)."""
    seconds = {}
    run = RunContext(lab.__name__.split(".")[2], params, seed, str(device), describe(device))

    def emit(*_: object, **__: object) -> None:
        pass

    for arm in arms:
        start = time.perf_counter()
        torch.manual_seed(seed)  # as the run process does before each arm
        setup = lab.setup(arm, run, device)
        run.finals[arm] = Trainer(arm, setup, emit, precision_for(device), seed).fit()
        seconds[arm] = time.perf_counter() - start
    if hasattr(lab, "measure"):  # the side-by-side timings, after training, as a run does
        start = time.perf_counter()
        lab.measure(run, device)
        seconds["timing"] = time.perf_counter() - start
    return run.finals, seconds, lab.verdict(run)


def print_claims(verdict: dict, lang: str = "en") -> None:
    """Each claim's mark, id, status and figures (what a note about a verdict quotes)."""
    for claim in verdict.get("claims") or []:
        figures = json.dumps(claim.get("figures") or {}, ensure_ascii=False)
        print(f"  {MARKS[claim['status']]} {claim['id']:<18} {claim['status']:<13} {figures}")


def parse(doc: str, lab_id: str, argv: list[str] | None) -> tuple[catalogue.Lab, dict, Any]:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds to run")
    parser.add_argument("--preset", default="quick", help="the preset to start from")
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], help="override a parameter: name=value"
    )
    parser.add_argument("--device", default="cpu", help="cpu, cuda, ... (default cpu)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: the engine's)")
    args = parser.parse_args(argv)
    lab = catalogue.get_lab(lab_id)
    params = catalogue.resolve_params(lab, args.preset, catalogue.parse_assignments(args.sets))
    return lab, params, args


def start(params: dict, args: Any) -> torch.device:
    device = torch.device(args.device)
    info = configure(device)
    if args.threads:
        torch.set_num_threads(args.threads)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"device {info.get('device_name')} threads {torch.get_num_threads()} load {load:.2f}")
    print("params " + " ".join(f"{k}={v}" for k, v in params.items() if v != ""))
    return device
