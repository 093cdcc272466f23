"""`dlearn lab run` and `dlearn lab resume`: start a run's process and follow it to the end.

A run is always a separate process (`python -m engine run ...`) in its own session, so
closing the terminal or dropping an SSH link does not stop it; this module starts it and
follows its `events.jsonl`, as JSON lines or as a progress display that ends with the
verdict. `dlearn runs show` follows a running run with the same `Follower`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from engine import catalogue
from engine.errors import ParamError
from engine.runs import launch, rundir
from engine.runs.events import FINAL_TYPES, LOG_FILE
from engine.runs.verdicts import MARKS, WORDS, claims_of
from tui.commands.common import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    err,
    find,
    fmt,
    say,
)

POLL_S = 0.1  # tail the event file at ~10 Hz


class Follower:
    """Tails a run's events to the end, as JSON lines or as a rich progress display."""

    def __init__(self, run_dir: Path, lang: str, as_json: bool, offset: int = 0) -> None:
        self.dir, self.lang, self.as_json = run_dir, lang, as_json
        self.console = Console(highlight=False)
        self.tail = rundir.EventTail(run_dir, offset)
        self.final: dict[str, Any] | None = None
        self.seen_any = False
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def follow(self, alive: Callable[[], bool], on_interrupt: Callable[[], bool]) -> int:
        """Follow until a final event or the process is gone; return the exit code.

        `on_interrupt` handles Ctrl+C and returns True to keep following.
        """
        if not self.as_json:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TextColumn("loss {task.fields[loss]}"),
                TextColumn("{task.fields[speed]} samples/s"),
                TextColumn("{task.fields[acc]}"),
                TimeElapsedColumn(),
                console=self.console,
            )
            self.progress.start()
        try:
            while True:
                try:
                    # a final event ends the wait only once the process is gone: a resumed
                    # run's file still holds the earlier attempt's final event until the new
                    # `started` arrives
                    self._drain()
                    if not alive():
                        self._drain()
                        break
                    time.sleep(POLL_S)
                except KeyboardInterrupt:
                    if not on_interrupt():
                        return EXIT_CANCELLED
        finally:
            if self.progress is not None:
                self.progress.stop()
        return self._finish()

    def _drain(self) -> None:
        for event in self.tail.poll():
            self.seen_any = True
            kind = event.get("type")
            if kind in FINAL_TYPES:
                self.final = event
            elif kind == "started":
                self.final = None
            if self.as_json:
                print(json.dumps(event, ensure_ascii=False), flush=True)
            else:
                self._render(event)

    def _render(self, event: dict[str, Any]) -> None:
        assert self.progress is not None
        arm = str(event.get("arm") or "")
        if event.get("type") == "started":
            where = f"{event.get('device')} ({event.get('precision')})"
            resumed = " resumed" if event.get("resumed") else ""
            procs = int(event.get("procs") or 1)
            if procs > 1:
                where += f" x {procs} processes"
            self.progress.console.print(f"{event.get('lab')}{resumed} on {where}: {self.dir}")
            for note in event.get("notes") or []:
                if isinstance(note, dict):
                    self.progress.console.print(f"  {note.get(self.lang) or note.get('en')}")
        elif event.get("type") == "step":
            if arm not in self.tasks:
                self.tasks[arm] = self.progress.add_task(
                    arm, total=event.get("total"), loss="-", speed="-", acc=""
                )
            self.progress.update(
                self.tasks[arm],
                completed=event.get("step", 0),
                loss=f"{event.get('loss', float('nan')):.4f}",
                speed=f"{event.get('samples_per_s', 0):,.0f}",
            )
        elif event.get("type") == "eval" and arm in self.tasks:
            metrics = event.get("metrics") or {}
            if "test_acc" in metrics:
                self.progress.update(self.tasks[arm], acc=f"test acc {metrics['test_acc']:.3f}")

    def _finish(self) -> int:
        final = self.final
        if final is None:
            if not self.as_json:
                key = "damaged" if self.seen_any else "no_events"
                err(say(self.lang, key, dir=self.dir, log=self.dir / LOG_FILE))
                _print_log_tail(self.dir)
            return EXIT_FAILED
        kind = final["type"]
        if not self.as_json:
            if kind == "finished" and isinstance(final.get("summary"), dict):
                print_summary(self.console, final["summary"], self.lang)
            if kind == "failed":
                text = final.get("message_ko") if self.lang == "ko" else None
                err(say(self.lang, "failed", msg=text or final.get("message")))
            elif kind == "cancelled":
                self.console.print(say(self.lang, "cancelled", dir=self.dir))
        return {"finished": EXIT_OK, "failed": EXIT_FAILED}.get(kind, EXIT_CANCELLED)


def _print_log_tail(run_dir: Path, lines: int = 15) -> None:
    try:
        text = (run_dir / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for line in text.splitlines()[-lines:]:
        print(f"  | {line}", file=sys.stderr)


def print_summary(console: Console, summary: dict[str, Any], lang: str) -> None:
    """Arms' final metrics and the verdict on the lab's claim."""
    arms = summary.get("arms") or {}
    if arms:
        table = Table(title=f"{summary.get('lab', '')}: {summary.get('status', '')}")
        table.add_column("metric")
        names = list(arms)
        for name in names:
            table.add_column(name, justify="right")
        keys = list(dict.fromkeys(k for m in arms.values() for k in m))
        for key in keys:
            table.add_row(key, *(fmt(arms[n].get(key)) for n in names))
        console.print(table)
    verdict = summary.get("verdict") or {}
    shown = bool(verdict.get("shown"))
    style = "green" if shown else "yellow"
    word = WORDS["shown" if shown else "not_shown"].get(lang)
    console.print(
        f"[bold {style}]{say(lang, 'verdict')}: {MARKS['shown' if shown else 'not_shown']} {word}[/]"
    )
    for claim in claims_of(verdict):
        status, said = claim["status"], claim["claim"].get(lang)
        if said:  # a summary from before claims has its evidence only
            line = Text(f"  {MARKS[status]} {said}", style="bold")
            line.append(f"  ({WORDS[status].get(lang)})", style="not bold")
            console.print(line)
        console.print(Padding(claim["evidence"].get(lang), (0, 0, 0, 4), expand=False))


def run_and_follow(run_dir: Path, args: argparse.Namespace, lang: str, resume: bool = False) -> int:
    offset = launch.events_end(run_dir) if resume else 0  # follow only the new attempt
    proc = launch.start(run_dir, resume=resume)
    if args.detach:
        print(run_dir)
        print(say(lang, "detached", dir=run_dir), file=sys.stderr)
        return EXIT_OK
    if not args.json:
        print(say(lang, "run_dir", dir=run_dir), file=sys.stderr)
    follower = Follower(run_dir, lang, args.json, offset)
    asked = {"n": 0}

    def interrupt() -> bool:
        asked["n"] += 1
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGINT if asked["n"] == 1 else signal.SIGTERM)
        if asked["n"] == 1:
            print(say(lang, "stopping"), file=sys.stderr)
        return asked["n"] < 3  # a third Ctrl+C stops waiting; the run still ends cleanly

    return follower.follow(lambda: proc.poll() is None, interrupt)


def cmd_lab_run(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    try:
        overrides = catalogue.parse_assignments(args.set)
        run_dir = launch.prepare(
            args.lab,
            rundir.runs_root(data_dir),
            args.preset,
            overrides,
            args.seed,
            args.device,
            args.dir,
            procs=getattr(args, "procs", 1),
            nodes={
                "nnodes": getattr(args, "nnodes", 1),
                "node_rank": getattr(args, "node_rank", 0),
                "rdzv_endpoint": getattr(args, "rdzv_endpoint", None),
            },
        )
    except ParamError as exc:
        err(exc.text(lang))
        return EXIT_USAGE
    return run_and_follow(run_dir, args, lang)


def cmd_lab_resume(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    info = rundir.inspect(path)
    if info.status == "running":
        err(say(lang, "running", pid=info.pid, dir=path))
        return EXIT_USAGE
    if info.spec is None:
        err(say(lang, "no_spec", dir=path))
        return EXIT_USAGE
    if info.status == "finished":
        err(say(lang, "finished", lab=info.lab))
        return EXIT_USAGE
    return run_and_follow(path, args, lang, resume=True)
