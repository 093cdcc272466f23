"""`dlearn runs list|show|compare|export`: every run's status, one run's record, runs side
by side, and a run's steps and metrics as CSV or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from engine.runs import export, rundir
from engine.runs.verdicts import MARKS, WORDS, claims_of, status_counts
from tui.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err, find, fmt, say
from tui.commands.lab_run import Follower, print_summary


def cmd_runs_list(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    root = rundir.runs_root(data_dir)
    runs = rundir.list_runs(root)
    if args.json:
        print(json.dumps([_run_row(r) for r in runs], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not runs:
        print(say(lang, "no_runs", root=root))
        return EXIT_OK
    table = Table(title=str(root))
    for col in ("run", "lab", "status", "progress", "result", "note"):
        table.add_column(col)
    colour = {"running": "cyan", "finished": "green", "failed": "red", "damaged": "red"}
    for r in runs:
        row = _run_row(r)
        status = f"[{colour.get(r.status, 'yellow')}]{r.status}[/]"
        table.add_row(r.name, r.lab, status, row["progress"], row["result"], row["note"])
    Console(highlight=False).print(table)
    return EXIT_OK


def _run_row(r: rundir.RunInfo) -> dict[str, Any]:
    progress = ""
    if r.last_step:
        progress = (
            f"{r.last_step.get('arm', '')} {r.last_step.get('step')}/{r.last_step.get('total')}"
        )
    result = ""
    verdict = (r.summary or {}).get("verdict") or {}
    if r.status == "finished":
        result = ("shown" if verdict.get("shown") else "not shown") + f" {status_counts(verdict)}"
    note = "; ".join(r.problems)
    if r.resumable:
        note = (note + "; " if note else "") + f"resume: dlearn lab resume {r.name}"
    return {
        "run": r.name,
        "path": str(r.path),
        "lab": r.lab,
        "status": r.status,
        "progress": progress,
        "result": result,
        "note": note,
        "resumable": r.resumable,
        "problems": r.problems,
    }


def cmd_runs_show(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    info = rundir.inspect(path)
    if info.status == "running" or args.json:
        follower = Follower(path, lang, args.json)

        def detach() -> bool:
            print(say(lang, "detach_follow", dir=path), file=sys.stderr)
            return False

        return follower.follow(lambda: rundir.is_alive(path)[0], detach)
    console = Console(highlight=False)
    console.print(f"[bold]{info.name}[/]  {info.lab}  {info.status}")
    if info.spec:
        params = info.spec.get("params") or {}
        console.print("  " + "  ".join(f"{k}={v}" for k, v in params.items()))
        console.print(f"  seed={info.spec.get('seed')}  device={info.spec.get('device')}")
    for problem in info.problems:
        console.print(f"  [red]{problem}[/]")
    if info.summary:
        print_summary(console, info.summary, lang)
    if info.resumable:
        console.print(f"  dlearn lab resume {path}")
    return EXIT_OK if info.status == "finished" else EXIT_FAILED


def cmd_runs_compare(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    infos = []
    for ref in args.runs:
        path = find(ref, data_dir, lang)
        if path is None:
            return EXIT_USAGE
        infos.append(rundir.inspect(path))
    table = Table(title="compare")
    table.add_column("")
    for info in infos:
        table.add_column(info.name, justify="right")
    table.add_row("lab", *(i.lab for i in infos))
    table.add_row("status", *(i.status for i in infos))
    specs = [i.spec or {} for i in infos]
    for key in dict.fromkeys(k for s in specs for k in (s.get("params") or {})):
        table.add_row(key, *(fmt((s.get("params") or {}).get(key)) for s in specs))
    table.add_row("seed", *(fmt(s.get("seed")) for s in specs))
    arms = [(i.summary or {}).get("arms") or {} for i in infos]
    for arm in dict.fromkeys(a for a_map in arms for a in a_map):
        metrics = dict.fromkeys(k for a_map in arms for k in (a_map.get(arm) or {}))
        for key in metrics:
            table.add_row(f"{arm}.{key}", *(fmt((a.get(arm) or {}).get(key)) for a in arms))
    verdicts = [(i.summary or {}).get("verdict") for i in infos]
    table.add_row(
        "verdict",
        *(
            "-" if not isinstance(v, dict) else "shown" if v.get("shown") else "not shown"
            for v in verdicts
        ),
    )
    by_run = [{c["id"]: c["status"] for c in claims_of(v)} for v in verdicts]
    for claim_id in dict.fromkeys(k for found in by_run for k in found):
        table.add_row(
            f"claim {claim_id}",
            *(
                f"{MARKS[s]} {WORDS[s].get(lang)}" if (s := found.get(claim_id)) else "-"
                for found in by_run
            ),
        )
    Console(highlight=False).print(table)
    return EXIT_OK


def cmd_runs_export(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    text = export.export_text(path, args.format)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        err(f"cannot write {args.output}: {exc.strerror}")
        return EXIT_FAILED
    print(say(lang, "written", path=args.output), file=sys.stderr)
    return EXIT_OK
