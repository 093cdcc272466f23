"""`python -m engine run SPEC.json --dir RUN_DIR [--resume]`: one lab run in this process.

The signal handlers and the pid file go in before torch is imported (a second or two), so
a run is listed as running, and stoppable, from its first moment.
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from engine.events import EVENTS_FILE
    from engine.rundir import write_pid
    from engine.signals import STOP

    STOP.install()
    try:
        spec = json.loads(args.spec.read_text(encoding="utf-8"))
        if not isinstance(spec, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        print(f"dlearn engine: cannot read spec {args.spec}: {exc}", file=sys.stderr)
        return 2
    events = args.dir / EVENTS_FILE
    if not args.resume and events.exists() and events.stat().st_size > 0:
        print(
            f"dlearn engine: {args.dir} already holds a run; resume it with --resume "
            "or choose another directory",
            file=sys.stderr,
        )
        return 2
    args.dir.mkdir(parents=True, exist_ok=True)
    write_pid(args.dir, os.getpid())

    from engine.events import PID_FILE
    from engine.run import run  # imports torch

    try:
        return run(spec, args.dir, resume=args.resume)
    finally:  # the final event says how it ended; a stale pid could be recycled
        (args.dir / PID_FILE).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
