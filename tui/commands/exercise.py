"""`dlearn exercise list|show|start|check|hint|solution`: the exercises, headless.

A student starts an exercise (its starter file lands in `<data dir>/exercises/<id>.py`),
edits it in any editor, and checks it: the grader runs it in a separate process and the
stages come back with ✓/✗ and what is wrong. Exit codes: 0 passed, 1 not passed,
2 a usage error (unknown id, missing file). Tables and reports go to stdout, errors to
stderr, as for `dlearn lab`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from engine.exercises import EXERCISES, ExerciseError, GradeReport, grade, records, workspace
from engine.exercises.grader import exercise
from engine.text import Text
from tui.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err

SAY = {
    "created": Text(
        en="started {id}: edit {path}, then run `dlearn exercise check {id}`",
        ko="{id} 시작: {path}를 고친 뒤 `dlearn exercise check {id}`를 실행하세요",
    ),
    "exists": Text(
        en="{path} already exists; it was left as it is (your work is kept)",
        ko="{path}가 이미 있어 그대로 두었습니다 (작업한 내용은 보존됩니다)",
    ),
    "not_started": Text(
        en="no file for {id} yet at {path}: run `dlearn exercise start {id}` or pass --file",
        ko="{path}에 {id} 파일이 아직 없습니다: `dlearn exercise start {id}`를 실행하거나 "
        "--file을 주세요",
    ),
    "passed": Text(
        en="passed in {s:.1f} s. See the reference with `dlearn exercise solution {id}`",
        ko="{s:.1f}초 만에 통과했습니다. 참고 답안: `dlearn exercise solution {id}`",
    ),
    "train": Text(
        en="train your own code: dlearn lab run {lab} --set impl=mine",
        ko="내 코드로 훈련하기: dlearn lab run {lab} --set impl=mine",
    ),
    "failed": Text(
        en="not passed yet ({s:.1f} s). Fix it and check again; a hint: `dlearn exercise hint {id}`",
        ko="아직 통과하지 못했습니다 ({s:.1f}초). 고친 뒤 다시 채점하세요. "
        "힌트: `dlearn exercise hint {id}`",
    ),
    "all_hints": Text(
        en="that was the last hint ({n} of {n})",
        ko="마지막 힌트였습니다 ({n}/{n})",
    ),
    "no_solution": Text(
        en="the reference solution of {id} opens once your file passes: "
        "`dlearn exercise check {id}`",
        ko="{id}의 참고 답안은 파일이 통과하면 열립니다: `dlearn exercise check {id}`",
    ),
    "file": Text(en="file: {path} ({status})", ko="파일: {path} ({status})"),
    "bad_timeout": Text(
        en="--timeout must be a positive number of seconds, got {t}",
        ko="--timeout은 0보다 큰 초 단위 수여야 합니다 (받은 값: {t})",
    ),
    "status_passed": Text(en="✓ passed", ko="✓ 통과"),
    "status_failed": Text(en="✗ not yet", ko="✗ 아직"),
    "status_started": Text(en="started", ko="시작함"),
    "status_new": Text(en="not started", ko="시작 전"),
    "head": Text(en="id|exercise|section|status", ko="id|연습 문제|절|상태"),
}


def _say(lang: str, key: str, **fields: object) -> str:
    return SAY[key].get(lang).format(**fields)


def cmd_list(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    rows = [(ex, records.status(ex.id, data_dir)) for ex in EXERCISES.values()]
    if args.json:
        out = [
            {
                "id": ex.id,
                "entry": ex.entry,
                "title": ex.title.as_dict(),
                "section": ex.section,
                "status": status,
                "path": str(workspace.path_for(ex.id, data_dir)),
            }
            for ex, status in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in SAY["head"].get(lang).split("|"):
        table.add_column(name, style="bold" if name == "id" else None)
    for ex, status in rows:
        table.add_row(ex.id, ex.title.get(lang), ex.section, _say(lang, f"status_{status}"))
    Console(highlight=False).print(table)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    try:
        ex = exercise(args.id)
    except ExerciseError as e:
        err(e.text(lang))
        return EXIT_USAGE
    console = Console(highlight=False)
    console.print(f"[bold]{escape(ex.title.get(lang))}[/] ({ex.id}, {ex.section})")
    console.print(escape(ex.statement.get(lang).replace("\n", " ")))
    console.print(Padding(escape(ex.formula), (1, 0, 1, 4), expand=False), style="cyan")
    path = workspace.path_for(ex.id, data_dir)
    status = records.status(ex.id, data_dir)
    console.print(_say(lang, "file", path=path, status=_say(lang, f"status_{status}")))
    for n, hint in enumerate(ex.hints[: records.hints_shown(data_dir, ex.id)], 1):
        console.print(f"{n}/{len(ex.hints)}  {escape(hint.get(lang))}", style="dim")
    if status == "new":
        console.print(f"dlearn exercise start {ex.id}")
    return EXIT_OK


def cmd_start(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    try:
        path, created = workspace.start(args.id, data_dir, lang)
    except ExerciseError as e:
        err(e.text(lang))
        return EXIT_USAGE
    print(path)
    err(_say(lang, "created" if created else "exists", id=args.id, path=path))
    return EXIT_OK


def cmd_check(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    if not args.timeout > 0:
        err(_say(lang, "bad_timeout", t=args.timeout))
        return EXIT_USAGE
    try:
        exercise(args.id)
        path = args.file or workspace.path_for(args.id, data_dir)
        if args.file is None and not path.exists():
            err(_say(lang, "not_started", id=args.id, path=path))
            return EXIT_USAGE
        report = grade(args.id, path, timeout_s=args.timeout)
    except ExerciseError as e:
        err(e.text(lang))
        return EXIT_USAGE
    records.record(report, data_dir)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report, lang)
    return EXIT_OK if report.passed else EXIT_FAILED


def print_report(report: GradeReport, lang: str) -> None:
    console = Console(highlight=False)
    console.print(f"[bold]{report.exercise_id}[/] — {escape(str(report.path))}")
    for stage in report.stages:
        mark = "[green]✓[/]" if stage.ok else "[red]✗[/]"
        console.print(f" {mark} {escape(stage.name.get(lang))}")
        if stage.message is not None:
            console.print(Padding(escape(stage.message.get(lang)), (0, 0, 0, 5), expand=False))
    key = "passed" if report.passed else "failed"
    console.print(_say(lang, key, id=report.exercise_id, s=report.seconds))
    lab = exercise(report.exercise_id).lab
    if report.passed and lab:
        console.print(_say(lang, "train", lab=lab))


def cmd_hint(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    try:
        ex = exercise(args.id)
    except ExerciseError as e:
        err(e.text(lang))
        return EXIT_USAGE
    before = records.hints_shown(data_dir, ex.id)
    shown = records.show_hint(data_dir, ex.id)
    for n, hint in enumerate(ex.hints[:shown], 1):
        print(f"{n}/{len(ex.hints)}  {hint.get(lang)}")
    if before >= len(ex.hints):
        err(_say(lang, "all_hints", n=len(ex.hints)))
    return EXIT_OK


def cmd_solution(args: argparse.Namespace, data_dir: Path, lang: str) -> int:
    try:
        ex = exercise(args.id)
    except ExerciseError as e:
        err(e.text(lang))
        return EXIT_USAGE
    if ex.id not in records.passed(data_dir):
        err(_say(lang, "no_solution", id=ex.id))
        return EXIT_FAILED
    print(workspace.solution_path(ex.id).read_text(encoding="utf-8"), end="")
    return EXIT_OK
