"""The GPU check: one command that shows the CUDA paths work, in under 8 minutes.

    python bench/gpu_check.py [--data-dir DIR] [--budget-s 460] [--json OUT]
    python bench/gpu_check.py --cpu-smoke      # the same steps, tiny, on the CPU (a test)

It prints the device, torch and CUDA versions, then runs, each as a real `python -m engine`
run (through `engine.runs.launch`, as `dlearn lab run` does):

1. every lab's `quick` preset on cuda: wall time, verdict, each claim's status;
2. every lab's `full` preset: wall time and verdict (the `full` presets are meant to take
   about a minute each on one current data-centre GPU);
3. one lab (resnet quick) in mixed precision (bf16 where the GPU has it) against fp32;
4. the same lab with `--procs` = the number of GPUs (DDP over NCCL), if there are two or more.

A run that would overrun the budget is stopped (it ends `cancelled`) and the rest are
skipped, so the command itself ends in time. `--cpu-smoke` runs every step on the CPU with
tiny parameters and `--procs 2` (gloo): the logic of the check, not its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import catalogue  # noqa: E402
from engine.runs import launch, rundir  # noqa: E402
from engine.runs.events import SPEC_FILE, SUMMARY_FILE, write_json_atomic  # noqa: E402

ONE_LAB = "resnet"  # the lab of the precision and multi-GPU steps
RUN_LIMIT_S = 150.0  # the most one run may take before it is stopped
# tiny parameters per lab for --cpu-smoke (laid over either preset)
SMOKE: dict[str, dict[str, Any]] = {
    "features": {"epochs": 1, "width": 2, "batch_size": 64},
    "resnet": {
        "dataset": "digits",
        "depth_shallow": 8,
        "depth_deep": 14,
        "width": 4,
        "epochs": 1,
        "batch_size": 64,
        "train_size": 320,
    },
    "memory": {
        "seq_len": 12,
        "hidden": 8,
        "embed": 4,
        "epochs": 1,
        "batches_per_epoch": 3,
        "speed_hidden": 16,
    },
    "seq2seq": {
        "task": "digits",
        "examples": 400,
        "max_len": 10,
        "embed": 8,
        "hidden": 16,
        "epochs": 1,
        "batch_size": 64,
    },
    "transformer": {
        "task": "digits",
        "examples": 400,
        "max_len": 10,
        "embed": 8,
        "hidden": 16,
        "epochs": 1,
        "batch_size": 64,
        "d_model": 16,
        "heads": 2,
        "ff": 32,
        "speed_max_len": 16,
        "baseline_epochs": 1,
        "baseline": "small",
    },
    "forecast": {"cell": "gru", "hidden": 4, "epochs": 1},
}


def versions() -> dict[str, Any]:
    import torch

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(),
        "gpus": torch.cuda.device_count() if torch.cuda.is_available() else 0,
    }
    if info["cuda_available"]:
        info["device"] = torch.cuda.get_device_name(0)
        info["bf16"] = torch.cuda.is_bf16_supported()
        info["cudnn"] = torch.backends.cudnn.version()
    else:
        info["device"] = "CPU"
    return info


class Check:
    """Runs the steps one after another within one time budget."""

    def __init__(self, root: Path, device: str, smoke: bool, budget_s: float) -> None:
        self.root, self.device, self.smoke = root, device, smoke
        self.deadline = time.monotonic() + budget_s
        self.rows: list[dict[str, Any]] = []
        self.run_limit_s = RUN_LIMIT_S

    def run(
        self,
        step: str,
        lab: str,
        preset: str,
        procs: int = 1,
        mixed: bool = True,
        overrides: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        row: dict[str, Any] = {"step": step, "lab": lab, "preset": preset, "procs": procs}
        left = self.deadline - time.monotonic()
        if left < 20:
            row.update(status="skipped", note="the check's time budget is spent")
            self.rows.append(row)
            return row
        extra = dict(SMOKE.get(lab, {})) if self.smoke else {}
        extra.update(overrides or {})
        try:
            run_dir = launch.prepare(lab, self.root, preset, extra, 0, self.device, procs=procs)
        except catalogue.ParamError as exc:
            row.update(status="refused", note=exc.en)
            self.rows.append(row)
            return row
        spec = json.loads((run_dir / SPEC_FILE).read_text())
        spec["mixed_precision"] = mixed
        write_json_atomic(run_dir / SPEC_FILE, spec)
        start = time.monotonic()
        proc = launch.start(run_dir)
        limit = min(left - 10, self.run_limit_s)
        stopped = False
        while proc.poll() is None:
            if not stopped and time.monotonic() - start > limit:
                launch.stop_run(run_dir)  # ends `cancelled` after a checkpoint
                stopped = True
            time.sleep(0.2)
        row["wall_s"] = round(time.monotonic() - start, 1)
        info = rundir.inspect(run_dir)
        summary = info.summary or _read(run_dir / SUMMARY_FILE) or {}
        started = next((e for e in rundir.read_events(run_dir) if e.get("type") == "started"), {})
        verdict = summary.get("verdict") or {}
        row.update(
            status=info.status,
            device=started.get("device_name") or started.get("device"),
            precision=started.get("precision"),
            shown=verdict.get("shown"),
            claims={c.get("id"): c.get("status") for c in verdict.get("claims") or []},
            elapsed_s=summary.get("elapsed_s"),
            run=str(run_dir),
        )
        if stopped:
            row["note"] = f"stopped after {limit:.0f} s"
        elif info.status == "failed":
            row["note"] = str((info.final or {}).get("message") or "see engine.log")[:200]
        self.rows.append(row)
        return row


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def show(row: dict[str, Any]) -> str:
    claims = " ".join(f"{k}={v}" for k, v in (row.get("claims") or {}).items())
    wall = f"{row['wall_s']:7.1f} s" if "wall_s" in row else "      - "
    verdict = {True: "shown", False: "not shown", None: "-"}[row.get("shown")]
    where = f"{row.get('precision') or '-'} x{row['procs']}"
    text = f"{row['step']:<10} {row['lab']:<12} {row['preset']:<6} {where:<9} {wall}"
    text += f"  {row['status']:<9} {verdict:<9} {claims}"
    return text + (f"  [{row['note']}]" if row.get("note") else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cpu-smoke", action="store_true", help="every step tiny, on the CPU")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the runs go")
    parser.add_argument(
        "--budget-s", type=float, default=None, help="total time (s; 460, or 1800 with --cpu-smoke)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--labs", default="", help="comma-separated labs (default: all)")
    args = parser.parse_args(argv)

    info = versions()
    print(f"device: {info['device']}  GPUs: {info['gpus']}  bf16: {info.get('bf16', '-')}")
    print(f"python {info['python']}  torch {info['torch']}  CUDA {info['cuda']}")
    if not args.cpu_smoke and not info["cuda_available"]:
        print("no CUDA device here: run it on a GPU machine, or use --cpu-smoke", file=sys.stderr)
        return 2
    device = "cpu" if args.cpu_smoke else "cuda"
    root = args.data_dir or Path(tempfile.mkdtemp(prefix="dlearn-gpu-check-"))
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    labs = sorted(catalogue.lab_ids())
    if args.labs:
        labs = [lab for lab in labs if lab in args.labs.split(",")]
    budget = args.budget_s or (1800.0 if args.cpu_smoke else 460.0)
    check = Check(root / "runs", device, args.cpu_smoke, budget)
    if args.cpu_smoke:  # a busy 2-core machine: give each tiny run room
        check.run_limit_s = 400.0
    print(f"runs in {root / 'runs'}")
    print(
        f"{'step':<10} {'lab':<12} {'preset':<6} {'prec/procs':<9} {'wall':>9}  status    verdict   claims"
    )
    for preset in ("quick", "full"):
        for lab in labs:
            print(show(check.run(preset, lab, preset)), flush=True)
    if ONE_LAB in labs:
        for mixed in (True, False):
            print(show(check.run("precision", ONE_LAB, "quick", mixed=mixed)), flush=True)
        gpus = 2 if args.cpu_smoke else int(info["gpus"])
        if gpus >= 2:
            print(show(check.run("procs", ONE_LAB, "quick", procs=gpus)), flush=True)
        else:
            print(f"{'procs':<10} {ONE_LAB:<12} skipped: one GPU (the quick row is --procs 1)")
    if args.json is not None:
        args.json.write_text(json.dumps({"versions": info, "rows": check.rows}, indent=2))
    bad = [r for r in check.rows if r["status"] not in ("finished", "skipped", "cancelled")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
