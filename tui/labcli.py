"""Headless labs: `dlearn lab list|run|resume|translate` and `dlearn runs list|show|compare|export`.

A run is always a separate process (`python -m engine run ...`) in its own session, so
closing the terminal or dropping an SSH link does not stop it; this module starts it and
follows its `events.jsonl`. Only torch-free engine modules are imported here (the catalogue
and the run-directory reader): `dlearn lab list` and `dlearn runs list` start instantly.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from engine import catalogue, launch, rundir
from engine.events import FINAL_TYPES, LOG_FILE

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130
POLL_S = 0.1  # tail the event file at ~10 Hz

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "run_dir": "run directory: {dir}",
        "detached": "started in the background. Follow it with: dlearn runs show {dir}",
        "stopping": "stopping: the run saves a checkpoint, then ends as cancelled ...",
        "cancelled": "cancelled. Continue it with: dlearn lab resume {dir}",
        "failed": "failed: {msg}",
        "damaged": "the run ended without a final event (killed?). Resume it with: "
        "dlearn lab resume {dir}",
        "verdict": "Verdict",
        "no_runs": "no runs yet under {root}. Start one with: dlearn lab run features",
        "no_run": "no run matches '{ref}' under {root}; see `dlearn runs list`",
        "running": "already running (pid {pid}); follow it with: dlearn runs show {dir}",
        "finished": "this run already finished; start a new one with `dlearn lab run {lab}`",
        "no_spec": "{dir} has no readable spec.json, so it cannot be resumed",
        "detach_follow": "detached from the run; it continues. Follow it with: "
        "dlearn runs show {dir}",
        "no_events": "the run process exited without writing events; see {log}",
        "written": "wrote {path}",
        "no_attention": "this model ({arm}) has no attention: one context vector carries the "
        "whole input (try --arm dot)",
        "attention_legend": "attention: rows = output, columns = input (darker = more weight)",
        "engine_broke": "the translation process failed (exit {code}): {tail}",
    },
    "ko": {
        "run_dir": "실행 디렉터리: {dir}",
        "detached": "백그라운드에서 시작했습니다. 따라가려면: dlearn runs show {dir}",
        "stopping": "중지하는 중: 체크포인트를 저장한 뒤 취소 상태로 끝냅니다 ...",
        "cancelled": "취소되었습니다. 이어서 하려면: dlearn lab resume {dir}",
        "failed": "실패: {msg}",
        "damaged": "마지막 이벤트 없이 끝났습니다 (강제 종료?). 이어서 하려면: "
        "dlearn lab resume {dir}",
        "verdict": "판정",
        "no_runs": "{root} 아래에 실행 기록이 없습니다. 시작하려면: dlearn lab run features",
        "no_run": "{root} 아래에 '{ref}'에 맞는 실행이 없습니다. `dlearn runs list`를 보세요",
        "running": "이미 실행 중입니다 (pid {pid}). 따라가려면: dlearn runs show {dir}",
        "finished": "이미 끝난 실행입니다. 새로 하려면 `dlearn lab run {lab}`",
        "no_spec": "{dir}에 읽을 수 있는 spec.json이 없어 이어서 할 수 없습니다",
        "detach_follow": "실행에서 떨어졌습니다. 실행은 계속됩니다. 따라가려면: "
        "dlearn runs show {dir}",
        "no_events": "실행 프로세스가 이벤트를 남기지 않고 끝났습니다. {log}를 보세요",
        "written": "{path}에 썼습니다",
        "no_attention": "이 모델({arm})에는 어텐션이 없습니다: 문맥 벡터 하나가 입력 전체를 "
        "담습니다 (--arm dot을 써 보세요)",
        "attention_legend": "어텐션: 행 = 출력, 열 = 입력 (진할수록 가중치가 큼)",
        "engine_broke": "번역 프로세스가 실패했습니다 (종료 코드 {code}): {tail}",
    },
}


def msg(lang: str, key: str, **kw: Any) -> str:
    return MESSAGES.get(lang, MESSAGES["en"])[key].format(**kw)


def err(text: str) -> None:
    print(f"dlearn: {text}", file=sys.stderr)


# --- the argument parser ------------------------------------------------------------------


# --- starting and following runs ----------------------------------------------------------


def runs_root(data_dir: Path) -> Path:
    return Path(data_dir) / "runs"


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
            self.progress.console.print(f"{event.get('lab')}{resumed} on {where}: {self.dir}")
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
                err(msg(self.lang, key, dir=self.dir, log=self.dir / LOG_FILE))
                _print_log_tail(self.dir)
            return EXIT_FAILED
        kind = final["type"]
        if not self.as_json:
            if kind == "finished" and isinstance(final.get("summary"), dict):
                print_summary(self.console, final["summary"], self.lang)
            if kind == "failed":
                text = final.get("message_ko") if self.lang == "ko" else None
                err(msg(self.lang, "failed", msg=text or final.get("message")))
            elif kind == "cancelled":
                self.console.print(msg(self.lang, "cancelled", dir=self.dir))
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
            table.add_row(key, *(_fmt(arms[n].get(key)) for n in names))
        console.print(table)
    verdict = summary.get("verdict") or {}
    evidence = (verdict.get("evidence") or {}).get(lang) or ""
    head = msg(lang, "verdict")
    style = "green" if verdict.get("shown") else "yellow"
    console.print(f"[bold {style}]{head}[/]: {evidence}")


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "-" if v is None else str(v)


def run_and_follow(run_dir: Path, args: argparse.Namespace, lang: str, resume: bool = False) -> int:
    offset = launch.events_end(run_dir) if resume else 0  # follow only the new attempt
    proc = launch.start(run_dir, resume=resume)
    if args.detach:
        print(run_dir)
        print(msg(lang, "detached", dir=run_dir), file=sys.stderr)
        return EXIT_OK
    if not args.json:
        print(msg(lang, "run_dir", dir=run_dir), file=sys.stderr)
    follower = Follower(run_dir, lang, args.json, offset)
    asked = {"n": 0}

    def interrupt() -> bool:
        asked["n"] += 1
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGINT if asked["n"] == 1 else signal.SIGTERM)
        if asked["n"] == 1:
            print(msg(lang, "stopping"), file=sys.stderr)
        return asked["n"] < 3  # a third Ctrl+C stops waiting; the run still ends cleanly

    return follower.follow(lambda: proc.poll() is None, interrupt)


# --- commands -----------------------------------------------------------------------------


def cmd_lab_list(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    labs = list(catalogue.LABS.values())
    if args.json:
        out = [
            {
                "id": lab.id,
                "title": lab.title,
                "claim": lab.claim,
                "arms": list(lab.arms),
                "presets": lab.presets,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "allowed": p.allowed(),
                        "help": p.help,
                    }
                    for p in lab.params
                ],
            }
            for lab in labs
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    console = Console(highlight=False)
    for lab in labs:
        console.print(f"[bold]{lab.id}[/] — {lab.title[lang]}")
        console.print(f"  {lab.claim[lang]}")
        table = Table(show_edge=False, pad_edge=False)
        for col in ("parameter", "default", *lab.presets, "allowed", "help"):
            table.add_column(col)
        for p in lab.params:
            presets = [str(lab.presets[name].get(p.name, "")) for name in lab.presets]
            table.add_row(p.name, str(p.default), *presets, p.allowed(), p.help[lang])
        console.print(table)
        console.print(f"  dlearn lab run {lab.id} --preset quick\n")
    return EXIT_OK


def cmd_lab_run(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    try:
        overrides = catalogue.parse_assignments(args.set)
        run_dir = launch.prepare(
            args.lab, runs_root(data_dir), args.preset, overrides, args.seed, args.device, args.dir
        )
    except catalogue.ParamError as exc:
        err(exc.text(lang))
        return EXIT_USAGE
    return run_and_follow(run_dir, args, lang)


def _find(ref: str | None, data_dir: Path, lang: str) -> Path | None:
    root = runs_root(data_dir)
    path = rundir.find_run(root, ref)
    if path is None:
        err(
            msg(lang, "no_run", ref=ref or "", root=root)
            if ref
            else msg(lang, "no_runs", root=root)
        )
    return path


def cmd_lab_resume(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = _find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    info = rundir.inspect(path)
    if info.status == "running":
        err(msg(lang, "running", pid=info.pid, dir=path))
        return EXIT_USAGE
    if info.spec is None:
        err(msg(lang, "no_spec", dir=path))
        return EXIT_USAGE
    if info.status == "finished":
        err(msg(lang, "finished", lab=info.lab))
        return EXIT_USAGE
    return run_and_follow(path, args, lang, resume=True)


def cmd_runs_list(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    root = runs_root(data_dir)
    runs = rundir.list_runs(root)
    if args.json:
        print(json.dumps([_run_row(r) for r in runs], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not runs:
        print(msg(lang, "no_runs", root=root))
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
        result = "shown" if verdict.get("shown") else "not shown"
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
    path = _find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    info = rundir.inspect(path)
    if info.status == "running" or args.json:
        follower = Follower(path, lang, args.json)

        def detach() -> bool:
            print(msg(lang, "detach_follow", dir=path), file=sys.stderr)
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
        path = _find(ref, data_dir, lang)
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
        table.add_row(key, *(_fmt((s.get("params") or {}).get(key)) for s in specs))
    table.add_row("seed", *(_fmt(s.get("seed")) for s in specs))
    arms = [(i.summary or {}).get("arms") or {} for i in infos]
    for arm in dict.fromkeys(a for a_map in arms for a in a_map):
        metrics = dict.fromkeys(k for a_map in arms for k in (a_map.get(arm) or {}))
        for key in metrics:
            table.add_row(f"{arm}.{key}", *(_fmt((a.get(arm) or {}).get(key)) for a in arms))
    verdicts = [((i.summary or {}).get("verdict") or {}).get("shown") for i in infos]
    table.add_row(
        "verdict", *("shown" if v else "-" if v is None else "not shown" for v in verdicts)
    )
    Console(highlight=False).print(table)
    return EXIT_OK


def cmd_runs_export(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = _find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    info = rundir.inspect(path)
    events = rundir.read_events(path)
    if args.format == "json":
        doc: dict[str, Any] = {"run": info.name, "status": info.status, "spec": info.spec}
        doc.update({"summary": info.summary, "events": events})
        text = json.dumps(doc, ensure_ascii=False, indent=1)
    else:
        text = launch.events_csv(events)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        err(f"cannot write {args.output}: {exc.strerror}")
        return EXIT_FAILED
    print(msg(lang, "written", path=args.output), file=sys.stderr)
    return EXIT_OK


# --- translating the student's own input ----------------------------------------------------

TRANSLATE_TIMEOUT_S = 300.0
SHADES = " ░▒▓█"


def translate(run_dir: Path, text: str, arm: str | None = None) -> dict[str, Any]:
    """`python -m engine translate RUN_DIR TEXT --json` in a subprocess (torch stays out of
    this process): the result, or {"error": {"en": ..., "ko": ...}} saying what to do."""
    root = str(Path(launch.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "engine", "translate", str(run_dir), text, "--json"]
    if arm:
        cmd += ["--arm", arm]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=TRANSLATE_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": {k: msg(k, "engine_broke", code="-", tail=exc) for k in ("en", "ko")}}
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = None
    if not isinstance(result, dict):
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:]) or "no output"
        code = proc.returncode
        return {"error": {k: msg(k, "engine_broke", code=code, tail=tail) for k in ("en", "ko")}}
    return result


def attention_table(heatmap: dict[str, Any]) -> Table:
    """The attention map as a compact table: one row per output character, one shaded cell
    per input character (two columns wide, so Korean headers line up)."""
    data = heatmap.get("data") or {}
    table = Table(box=None, padding=(0, 0), show_edge=False, pad_edge=False)
    table.add_column("", justify="right")
    table.add_column("", width=1)  # a gap between the labels and the map
    for col in data.get("cols") or []:
        table.add_column(f"{col:^2}" if len(col) == 1 and col.isascii() else col[:2], width=2)
    top = len(SHADES) - 1
    for label, row in zip(data.get("rows") or [], data.get("matrix") or [], strict=False):
        cells = [SHADES[min(round(float(v or 0) * top), top)] * 2 for v in row]
        table.add_row(label, "", *cells)
    return table


def cmd_lab_translate(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    path = _find(args.run, data_dir, lang)
    if path is None:
        return EXIT_USAGE
    result = translate(path, args.text, args.arm)
    error = result.get("error")
    if isinstance(error, dict):
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        err(str(error.get(lang) or error.get("en")))
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    console = Console(highlight=False)
    console.print(
        f"[bold]{result['input']}[/] → [bold green]{result['output']}[/]  ({result['arm']})"
    )
    heatmap = result.get("attention")
    if isinstance(heatmap, dict):
        console.print(msg(lang, "attention_legend"))
        console.print(attention_table(heatmap))
    else:
        console.print(msg(lang, "no_attention", arm=result["arm"]))
    return EXIT_OK
