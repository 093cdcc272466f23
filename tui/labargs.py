"""The arguments of `dlearn lab ...` and `dlearn runs ...`, without their weight.

Every `dlearn` start builds this parser, so it imports nothing but argparse: each leaf names
its handler as "module:function" in `tui.commands` (rich, the run reader), and `tui.cli`
imports that module only when a lab or runs command is really run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the `lab` and `runs` commands to `dlearn`'s subparsers."""
    lab = sub.add_parser("lab", help="list and run the PyTorch labs headless")
    lab_sub = lab.add_subparsers(dest="lab_command", metavar="ACTION", required=True)
    p = lab_sub.add_parser("list", help="the labs, their claims, parameters and presets")
    p.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    p.set_defaults(handler="lab_list:cmd_lab_list")

    p = lab_sub.add_parser("run", help="run a lab (in a detached process) and follow it")
    p.add_argument("lab", help="lab id (see `dlearn lab list`)")
    p.add_argument("--preset", default="quick", help="quick (2-core CPU) or full (GPU)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, e.g. --set lr=0.05 (repeatable)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:N or mps")
    _follow_flags(p)
    p.add_argument("--dir", type=Path, default=None, help="run directory (default: a new one)")
    _parallel_flags(p)
    p.set_defaults(handler="lab_run:cmd_lab_run")

    p = lab_sub.add_parser("resume", help="continue a cancelled or interrupted run")
    p.add_argument("run", help="run directory or name (see `dlearn runs list`)")
    _follow_flags(p)
    p.set_defaults(handler="lab_run:cmd_lab_resume")

    p = lab_sub.add_parser(
        "translate", help="translate your own input with a finished seq2seq/transformer run"
    )
    p.add_argument("run", help="run directory or name (see `dlearn runs list`)")
    p.add_argument("text", help="what to translate, e.g. 삼일사일오 or '이만 오천'")
    p.add_argument("--arm", default=None, help="which trained model (default: the attention one)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler="translate:cmd_lab_translate")

    runs = sub.add_parser("runs", help="list, follow, compare and export lab runs")
    runs_sub = runs.add_subparsers(dest="runs_command", metavar="ACTION", required=True)
    p = runs_sub.add_parser("list", help="every run with its status")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler="runs:cmd_runs_list")
    p = runs_sub.add_parser("show", help="show a run; follow it to the end if it is running")
    p.add_argument("run", nargs="?", default=None, help="run directory or name (default: newest)")
    p.add_argument("--json", action="store_true", help="print its events as JSON lines")
    p.set_defaults(handler="runs:cmd_runs_show")
    p = runs_sub.add_parser("compare", help="runs' parameters and metrics side by side")
    p.add_argument("runs", nargs="+", help="run directories or names")
    p.set_defaults(handler="runs:cmd_runs_compare")
    p = runs_sub.add_parser("export", help="write a run's steps and metrics as CSV or JSON")
    p.add_argument("run", help="run directory or name")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default)")
    p.add_argument("-o", "--output", type=Path, default=None, help="file (default: stdout)")
    p.set_defaults(handler="runs:cmd_runs_export")


def _follow_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the event stream as JSON lines")
    p.add_argument(
        "--detach", action="store_true", help="start in the background, print the run directory"
    )


# --- dlearn exercise ... (issue 13) ------------------------------------------------------


def register_exercise(sub: Any) -> None:
    """Add `dlearn exercise list|show|start|check|hint|solution`."""
    ex = sub.add_parser(
        "exercise", help="write the lecture's building blocks, graded against PyTorch"
    )
    ex_sub = ex.add_subparsers(dest="exercise_command", metavar="ACTION", required=True)
    p = ex_sub.add_parser("list", help="the exercises, their lecture section and what you passed")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler="exercise:cmd_list")
    p = ex_sub.add_parser("show", help="an exercise's task, formula, file and the hints so far")
    p.add_argument("id", help="exercise id (see `dlearn exercise list`)")
    p.set_defaults(handler="exercise:cmd_show")
    p = ex_sub.add_parser("start", help="copy an exercise's starter file into the data directory")
    p.add_argument("id", help="exercise id (see `dlearn exercise list`)")
    p.set_defaults(handler="exercise:cmd_start")
    p = ex_sub.add_parser("check", help="grade your file: exit 0 when it passes, 1 when not")
    p.add_argument("id", help="exercise id (see `dlearn exercise list`)")
    p.add_argument(
        "--file", type=Path, default=None, help="the file to grade (default: the started one)"
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, help="seconds your code may run (default 60)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler="exercise:cmd_check")
    p = ex_sub.add_parser("hint", help="show the next hint of an exercise")
    p.add_argument("id", help="exercise id (see `dlearn exercise list`)")
    p.set_defaults(handler="exercise:cmd_hint")
    p = ex_sub.add_parser("solution", help="show the reference solution (after you passed)")
    p.add_argument("id", help="exercise id (see `dlearn exercise list`)")
    p.set_defaults(handler="exercise:cmd_solution")


def register_serve(sub: Any) -> None:
    """Add `dlearn serve`: the app in a web browser (handler: `tui.serve.server.serve`)."""
    p = sub.add_parser("serve", help="serve the app to a web browser (one app per tab)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; there is no login)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--lang",
        dest="serve_lang",
        choices=("ko", "en"),
        default=None,
        help="interface language (default: the one saved with Ctrl+L, else the locale's)",
    )
    p.add_argument(
        "--data-dir",
        dest="serve_data_dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="where progress and runs are kept (default: as for dlearn)",
    )


def _parallel_flags(p: argparse.ArgumentParser) -> None:
    """`--procs` and the flags passed through to torchrun for a run across nodes."""
    p.add_argument(
        "--procs",
        type=int,
        default=1,
        help="processes per node, data-parallel under torchrun: one per GPU (default 1; "
        "on a 2-core CPU more do not help)",
    )
    p.add_argument("--nnodes", type=int, default=1, help="machines in the run (default 1)")
    p.add_argument("--node-rank", type=int, default=0, help="this machine's rank, 0..nnodes-1")
    p.add_argument(
        "--rdzv-endpoint",
        default=None,
        metavar="HOST:PORT",
        help="node 0's address for a run across nodes (torchrun --master-addr/--master-port)",
    )
