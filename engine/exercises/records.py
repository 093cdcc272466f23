"""What the student has done with the exercises: passes, last attempts, hints shown.

One JSON file, `<data dir>/exercises/records.json`, written atomically (a temporary file
renamed over it), so the app and `dlearn exercise` can both write it and a crash never
leaves half a file. A pass records the file's sha256: `load_passed` refuses a file that
changed since, so a lab never trains code that was not graded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.exercises.grader import exercise, file_sha256
from engine.exercises.report import ExerciseError, GradeReport
from engine.exercises.tasks import EXERCISES
from engine.exercises.workspace import folder, path_for

FILE = "records.json"


def _path(data_dir: Path) -> Path:
    return folder(data_dir) / FILE


def _read(data_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads(_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data_dir: Path, data: dict[str, Any]) -> None:
    path = _path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".records-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record(report: GradeReport, data_dir: Path) -> None:
    """Keep the last attempt of every exercise, and its pass when it passed."""
    data = _read(data_dir)
    failed = report.failed
    data.setdefault("last", {})[report.exercise_id] = {
        "sha256": report.sha256,
        "path": str(report.path),
        "at": _now(),
        "passed": report.passed,
        "failed_stage": failed.key if failed else None,
    }
    if report.passed:
        data.setdefault("passed", {})[report.exercise_id] = {
            "sha256": report.sha256,
            "path": str(report.path),
            "at": _now(),
        }
    _write(data_dir, data)


def passed(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Exercise id -> {"sha256", "path", "at"} of its latest pass."""
    out = _read(data_dir).get("passed", {})
    return out if isinstance(out, dict) else {}


def last(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Exercise id -> its last attempt {"sha256", "path", "at", "passed", "failed_stage"}."""
    out = _read(data_dir).get("last", {})
    return out if isinstance(out, dict) else {}


def hints_shown(data_dir: Path, exercise_id: str) -> int:
    return int(_read(data_dir).get("hints", {}).get(exercise_id, 0))


def show_hint(data_dir: Path, exercise_id: str) -> int:
    """Reveal one more hint (up to all of them); returns how many are now shown."""
    total = len(exercise(exercise_id).hints)
    data = _read(data_dir)
    hints = data.setdefault("hints", {})
    hints[exercise_id] = min(int(hints.get(exercise_id, 0)) + 1, total)
    _write(data_dir, data)
    return int(hints[exercise_id])


def status(exercise_id: str, data_dir: Path) -> str:
    """ "passed" (at least once), "failed" (checked, never passed), "started" (a file, never
    checked) or "new"."""
    if exercise_id in passed(data_dir):
        return "passed"
    if exercise_id in last(data_dir):
        return "failed"
    return "started" if path_for(exercise_id, data_dir).exists() else "new"


def by_section(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Lecture section -> (exercises passed, exercises) for the sections that have any."""
    done = passed(data_dir)
    out: dict[str, tuple[int, int]] = {}
    for ex in EXERCISES.values():
        n, total = out.get(ex.section, (0, 0))
        out[ex.section] = (n + (ex.id in done), total + 1)
    return out


@dataclass(frozen=True)
class Passed:
    """A student's implementation that passed and has not changed since."""

    exercise_id: str
    path: Path
    sha256: str

    def entry(self) -> Any:
        """Import the student's file in this process and return its entry (function or
        class). The caller has torch loaded: the file imports it."""
        name = f"dlearn_mine_{self.exercise_id}"
        spec = importlib.util.spec_from_file_location(name, self.path)
        if spec is None or spec.loader is None:
            raise ExerciseError(f"cannot import {self.path}", f"{self.path}를 불러올 수 없습니다")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return getattr(module, exercise(self.exercise_id).entry)


def load_passed(exercise_id: str, data_dir: Path) -> Passed:
    """The student's passed implementation of `exercise_id`, or an ExerciseError saying it
    never passed, or that the file is gone or changed since it passed."""
    exercise(exercise_id)
    entry = passed(data_dir).get(exercise_id)
    if not entry:
        raise ExerciseError(
            f"exercise '{exercise_id}' has not passed yet; grade it with "
            f"`dlearn exercise check {exercise_id}`",
            f"'{exercise_id}' 연습 문제를 아직 통과하지 않았습니다. "
            f"`dlearn exercise check {exercise_id}`로 채점하세요",
        )
    path = Path(entry["path"])
    if not path.is_file():
        raise ExerciseError(
            f"the file that passed '{exercise_id}' is gone ({path}); start again with "
            f"`dlearn exercise start {exercise_id}`",
            f"'{exercise_id}'를 통과한 파일이 없습니다 ({path}). "
            f"`dlearn exercise start {exercise_id}`로 다시 시작하세요",
        )
    sha = file_sha256(path)
    if sha != entry.get("sha256"):
        raise ExerciseError(
            f"{path} changed since it passed '{exercise_id}'; grade it again with "
            f"`dlearn exercise check {exercise_id}`",
            f"{path}가 '{exercise_id}' 통과 뒤에 바뀌었습니다. "
            f"`dlearn exercise check {exercise_id}`로 다시 채점하세요",
        )
    return Passed(exercise_id=exercise_id, path=path, sha256=sha)
