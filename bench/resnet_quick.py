"""Run the `resnet` lab's quick preset for several seeds and print what the verdict rests on.

    PYTHONPATH=. .venv/bin/python bench/resnet_quick.py [--seeds 0 1 2] [--set name=value ...]

For each seed: the four final training losses (whole training set, eval mode), test
accuracies, whether the verdict showed the claim, and the wall time of each arm and of all
four together. Arms train one after another in this process with the engine's own `Trainer`
(events are counted, not written), exactly as `python -m engine run` trains them. Run it on
an otherwise idle machine: two torch processes at once slow each other down many times.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch

from engine.catalogue import parse_assignments, resolve_params
from engine.device import configure, precision_for
from engine.labs import resnet as lab
from engine.labs.resnet_decl import ARMS, RESNET
from engine.loop import Trainer


def run_seed(params: dict, seed: int, device: torch.device) -> tuple[dict, dict, dict]:
    """Train the four arms with `seed`; return (metrics per arm, seconds per arm, verdict)."""
    metrics, seconds = {}, {}
    count = {"events": 0}

    def emit(*_: object, **__: object) -> None:
        count["events"] += 1

    for arm in ARMS:
        start = time.perf_counter()
        torch.manual_seed(seed)  # as the run process does before each arm
        setup = lab.setup(arm, params, device, seed)
        metrics[arm] = Trainer(arm, setup, emit, precision_for(device), seed).fit()
        seconds[arm] = time.perf_counter() - start
    return metrics, seconds, lab.verdict(metrics, params)


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds to run")
    parser.add_argument("--preset", default="quick", help="the preset to start from")
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], help="override a parameter: name=value"
    )
    parser.add_argument("--device", default="cpu", help="cpu, cuda, ... (default cpu)")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch CPU threads (default: as a run sets them)"
    )
    args = parser.parse_args(argv)
    params = resolve_params(RESNET, args.preset, parse_assignments(args.sets))
    device = torch.device(args.device)
    info = configure(device)
    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    print(f"device {info.get('device_name')} threads {threads} load average {_load():.2f}")
    print("params " + " ".join(f"{k}={v}" for k, v in params.items() if v != ""))
    labels = [lab.arm_label(arm, params) for arm in ARMS]
    shown = 0
    for seed in args.seeds:
        metrics, seconds, verdict = run_seed(params, seed, device)
        shown += bool(verdict["shown"])
        print(f"\nseed {seed}: shown={verdict['shown']}  total {sum(seconds.values()):.1f} s")
        print(f"  {'arm':<14}{'train loss':>12}{'train acc':>11}{'test acc':>10}{'seconds':>9}")
        for arm, label in zip(ARMS, labels, strict=True):
            m = metrics[arm]
            print(
                f"  {label:<14}{m['final_train_loss']:>12.4f}{m['final_train_acc']:>11.3f}"
                f"{m['final_test_acc']:>10.3f}{seconds[arm]:>9.1f}"
            )
        print("  " + verdict["evidence"]["en"])
    print(f"\nshown for {shown} of {len(args.seeds)} seeds; load average now {_load():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
