"""Run the `seq2seq` lab's quick preset for several seeds and print what the verdict rests on.

    PYTHONPATH=. .venv/bin/python bench/seq2seq_quick.py [--seeds 0 1 2] [--set name=value ...]

For each seed and arm: exact match by input-length bucket on the whole test set, per task
kind, and the wall time of the arm (training, probes and the final decoding); then the
verdict. Arms train one after another in this process with the engine's own `Trainer`
(events are counted, not written), as `python -m engine run` trains them. Run it on an
otherwise idle machine: two torch processes at once slow each other down many times.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from types import ModuleType
from typing import Any

import torch

from engine.catalogue import Lab, get_lab, parse_assignments, resolve_params
from engine.device import configure, precision_for
from engine.labs import seq2seq as s2s
from engine.loop import Trainer


def run_seed(
    lab: ModuleType, arms: list[str], params: dict, seed: int, device: torch.device
) -> tuple[dict, dict, dict]:
    """Train every arm with `seed`; return (metrics per arm, seconds per arm, verdict)."""
    metrics, seconds = {}, {}

    def emit(*_: object, **__: object) -> None:
        pass

    for arm in arms:
        start = time.perf_counter()
        torch.manual_seed(seed)  # as the run process does before each arm
        setup = lab.setup(arm, params, device, seed)
        metrics[arm] = Trainer(arm, setup, emit, precision_for(device), seed).fit()
        seconds[arm] = time.perf_counter() - start
    return metrics, seconds, lab.verdict(metrics, params)


def parse(doc: str, lab_id: str, argv: list[str] | None) -> tuple[Lab, dict, Any]:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds to run")
    parser.add_argument("--preset", default="quick", help="the preset to start from")
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], help="override a parameter: name=value"
    )
    parser.add_argument("--device", default="cpu", help="cpu, cuda, ... (default cpu)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: the engine's)")
    args = parser.parse_args(argv)
    lab = get_lab(lab_id)
    params = resolve_params(lab, args.preset, parse_assignments(args.sets))
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


def print_arm(label: str, m: dict, seconds: float) -> None:
    buckets = s2s.buckets_of(m)
    cells = " ".join(f"{acc:5.2f}" if n else "    -" for acc, n in buckets.values())
    kinds = " ".join(f"{k[6:]}={v:.2f}" for k, v in m.items() if k[6:] in s2s.KIND_NAMES)
    print(f"  {label:<26}{cells}   all={m['exact']:.2f} {kinds}  {seconds:6.1f} s")


def main(argv: list[str] | None = None) -> int:
    _, params, args = parse(__doc__ or "", "seq2seq", argv)
    device = start(params, args)
    arms = s2s.arms(params)
    shown = 0
    for seed in args.seeds:
        metrics, seconds, verdict = run_seed(s2s, arms, params, seed, device)
        shown += bool(verdict["shown"])
        labels = " ".join(f"{k:>5}" for k in s2s.buckets_of(metrics[arms[0]]))
        print(f"\nseed {seed}: shown={verdict['shown']}  total {sum(seconds.values()):.1f} s")
        print(f"  {'arm':<26}{labels}")
        for arm in arms:
            print_arm(s2s.ARM_LABELS[arm], metrics[arm], seconds[arm])
        print("  " + verdict["evidence"]["en"])
    print(f"\nshown for {shown} of {len(args.seeds)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
