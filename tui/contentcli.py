"""`dlearn content check [PATH]`: validate a course and list every problem, one per line.

Headless and light (no textual, no rich, no torch) so an instructor can run it in CI on a
question bank. Lines read `file [question-id] field: message`, files relative to the current
folder when they are under it, so an editor can jump to them. Warnings (a question without a
summary point, a Korean text using a glossary synonym) follow as `... field: warning: message`
and do not change the exit status.
"""

from __future__ import annotations

import sys
from pathlib import Path

from content.loader import BUNDLED
from content.model import Problem
from content.validate import check

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def _known_labs() -> set[str] | None:
    """Lab ids from the torch-free catalogue; None (links not checked) if it cannot load."""
    try:
        from engine.catalogue import lab_ids
    except ImportError:
        return None
    return set(lab_ids())


def _shown(problem: Problem, prefix: str = "") -> str:
    """The problem's line, its file relative to the current folder when it lies under it."""
    path = Path(problem.file)
    try:
        file = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:  # outside the current folder: the path as the loader saw it
        file = problem.file
    return str(Problem(file, prefix + problem.message, problem.question, problem.field))


def run_check(path: Path | None, lang: str) -> int:
    """Print the problems of `path` (default: the bundled course); 0 clean, 1 problems,
    2 when the path does not exist or is not a lecture folder / .toml file."""
    ko = lang == "ko"
    target = BUNDLED if path is None else path
    if not target.exists():
        print(
            (
                f"dlearn content check: '{target}' 파일이나 폴더가 없습니다. 강의 폴더"
                "(lecture.toml이 있는 폴더), 강의 폴더들을 담은 폴더, 또는 .toml 파일 하나를 "
                "지정하세요. 생략하면 기본 강의를 검사합니다."
            )
            if ko
            else (
                f"dlearn content check: no such file or folder: '{target}'. Pass a lecture "
                "folder (one with lecture.toml), a folder of lecture folders, or one .toml "
                "file; without PATH the bundled course is checked."
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if target.is_file() and target.suffix != ".toml":
        print(
            f"dlearn content check: '{target}'은(는) .toml 파일이 아닙니다."
            if ko
            else f"dlearn content check: '{target}' is not a .toml file.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = check(target, _known_labs())
    for problem in result.problems:
        print(_shown(problem))
    for warning in result.warnings:
        print(_shown(warning, "warning: " if not ko else "경고: "))
    n_lec, n_q, n_p = len(result.lectures), result.questions, len(result.problems)
    n_w = len(result.warnings)
    if ko:
        verdict = "문제 없음" if not n_p else f"문제 {n_p}개"
        warned = f", 경고 {n_w}개" if n_w else ""
        print(f"강의 {n_lec}개, 문항 {n_q}개 검사: {verdict}{warned}")
    else:
        warned = f", {n_w} {_plural(n_w, 'warning')}" if n_w else ""
        print(
            f"{n_lec} {_plural(n_lec, 'lecture')}, {n_q} {_plural(n_q, 'question')}, "
            f"{n_p} {_plural(n_p, 'problem')}{warned}"
        )
    return EXIT_PROBLEMS if n_p else EXIT_OK


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
