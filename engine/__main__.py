"""`python -m engine run SPEC.json --dir RUN_DIR [--resume]`: one lab run in this process.

The signal handlers and the pid file go in before torch is imported (a second or two), so
a run is listed as running, and stoppable, from its first moment.

`python -m engine supervise SPEC.json --dir RUN_DIR [--resume]` runs the same run across
several processes (the spec's `procs`): it starts torchrun, passes a stop on to every
rank, and writes the final event if the ranks could not (`engine.runs.supervise`). Under
torchrun each rank is a `python -m engine run`; the supervisor owns the pid file.

`python -m engine translate RUN_DIR TEXT [--arm ARM] [--json]` runs a finished seq2seq or
transformer run's model on the student's own input (`engine.inference`).
With `--json` the result, or the error as {"error": {"en": ..., "ko": ...}}, is one JSON
object on stdout, for the CLI and the app (which never import torch themselves).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one lab run into a run directory")
    run.add_argument("spec", type=Path, help="the run's spec.json (lab, params, seed, device)")
    run.add_argument("--dir", type=Path, required=True, help="the run directory to write")
    run.add_argument(
        "--resume", action="store_true", help="continue from the directory's checkpoint.pt"
    )
    sup = sub.add_parser("supervise", help="run one lab run across processes with torchrun")
    sup.add_argument("spec", type=Path, help="the run's spec.json (with procs, nnodes, ...)")
    sup.add_argument("--dir", type=Path, required=True, help="the run directory to write")
    sup.add_argument("--resume", action="store_true", help="continue from checkpoint.pt")
    tr = sub.add_parser("translate", help="translate your own input with a finished run")
    tr.add_argument("run_dir", type=Path, help="a seq2seq or transformer run directory")
    tr.add_argument("text", help="what to translate, e.g. 삼일사일오 or '이만 오천'")
    tr.add_argument("--arm", help="which trained model (default: the lab's attention model)")
    tr.add_argument("--json", action="store_true", help="print the result as one JSON object")
    return parser


def translate_main(args: argparse.Namespace) -> int:
    from engine.errors import InferenceError
    from engine.inference import shade_map, translate_run  # imports torch

    try:
        result = translate_run(args.run_dir, args.text, args.arm)
    except InferenceError as exc:
        if args.json:
            print(json.dumps({"error": {"en": exc.en, "ko": exc.ko}}, ensure_ascii=False))
        else:
            print(f"dlearn engine: {exc.en}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{result['input']} -> {result['output']}  ({result['arm']})")
    if isinstance(result.get("attention"), dict):
        print(shade_map(result["attention"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "translate":
        return translate_main(args)
    if args.command == "supervise":
        from engine.runs.supervise import main as supervise_main  # torch-free

        return supervise_main(args.spec, args.dir, args.resume)
    from engine.runs.events import EVENTS_FILE
    from engine.runs.rundir import write_pid
    from engine.runs.signals import STOP

    STOP.install()
    try:
        spec = json.loads(args.spec.read_text(encoding="utf-8"))
        if not isinstance(spec, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        print(f"dlearn engine: cannot read spec {args.spec}: {exc}", file=sys.stderr)
        return 2
    under_torchrun = "LOCAL_RANK" in os.environ  # a rank: the supervisor owns the pid file
    events = args.dir / EVENTS_FILE
    exists = events.exists() and events.stat().st_size > 0
    if not args.resume and exists and not under_torchrun:
        print(
            f"dlearn engine: {args.dir} already holds a run; resume it with --resume "
            "or choose another directory",
            file=sys.stderr,
        )
        return 2
    args.dir.mkdir(parents=True, exist_ok=True)
    if not under_torchrun:
        write_pid(args.dir, os.getpid())

    from engine.runs.events import PID_FILE
    from engine.training.lab_run import run  # imports torch

    try:
        return run(spec, args.dir, resume=args.resume)
    finally:  # the final event says how it ended; a stale pid could be recycled
        if not under_torchrun:
            (args.dir / PID_FILE).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
