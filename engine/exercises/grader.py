"""`grade(id, path)`: run a student's file in a separate process, under a time limit.

The child (`python -m engine.exercises.child ID PATH`) imports torch and the student's
file, runs the exercise's stages and writes one JSON line per stage on its stdout
(`{"begin": key}` when a stage starts, `{"key", "ok", "message"}` when it ends, `{"done":
true}` at the end). This side stays torch-free: it waits, stops the child's whole process
group when the time is up, and turns whatever arrived into a `GradeReport`. An endless
loop, a crash or a killed child is a failed stage, never an exception here.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from engine.exercises.exercise import Exercise
from engine.exercises.report import ExerciseError, GradeReport, Stage, stage
from engine.exercises.tasks import EXERCISES
from engine.text import Text

ROOT = Path(__file__).resolve().parents[2]  # the directory holding the `engine` package


def exercise(exercise_id: str) -> Exercise:
    """The exercise `exercise_id`, or an ExerciseError naming the ones there are."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        names = ", ".join(EXERCISES)
        raise ExerciseError(
            f"no exercise '{exercise_id}'; there are: {names} (see `dlearn exercise list`)",
            f"'{exercise_id}' 연습 문제는 없습니다. 있는 것: {names} (`dlearn exercise list` 참고)",
        ) from None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grade(exercise_id: str, path: Path, *, timeout_s: float = 60.0) -> GradeReport:
    """Grade the file at `path` for `exercise_id`; raises ExerciseError only for an unknown
    exercise or a file that is not there."""
    exercise(exercise_id)
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise ExerciseError(
            f"no file at {path}; start one with `dlearn exercise start {exercise_id}`",
            f"{path}에 파일이 없습니다. `dlearn exercise start {exercise_id}`로 시작하세요",
        )
    sha = file_sha256(path)
    started = time.monotonic()
    out, rc, timed_out, err_tail = _run_child(exercise_id, path, timeout_s)
    stages, begun, done = parse_events(out)
    if not done:
        key = begun or "load"
        if timed_out:
            message = Text(
                en=f"your code was still running after {timeout_s:g} s and was stopped "
                "(an endless loop? a huge tensor?)",
                ko=f"{timeout_s:g}초가 지나도 코드가 끝나지 않아 중지했습니다 "
                "(무한 루프? 너무 큰 텐서?)",
            )
        else:
            message = Text(
                en=f"the grading process ended without a result (exit code {rc}). {err_tail}",
                ko=f"채점 프로세스가 결과 없이 끝났습니다 (종료 코드 {rc}). {err_tail}",
            )
        stages = [s for s in stages if s.key != key] + [stage(key, False, message)]
    passed = done and bool(stages) and all(s.ok for s in stages)
    return GradeReport(
        exercise_id=exercise_id,
        path=path,
        sha256=sha,
        stages=tuple(stages),
        passed=passed,
        seconds=time.monotonic() - started,
    )


def _run_child(exercise_id: str, path: Path, timeout_s: float) -> tuple[str, int, bool, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("OMP_NUM_THREADS", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # never leave __pycache__ beside a student's file
    env["PYTHONSAFEPATH"] = "1"  # 3.11+: no working directory at the head of sys.path
    cmd = [sys.executable, "-m", "engine.exercises.child", exercise_id, str(path)]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            cwd=str(ROOT),  # not the student's folder: a torch.py there must not shadow torch
            start_new_session=True,  # so a time limit stops whatever the student started too
        )
        timed_out = False
        try:
            out, _ = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc)
            out, _ = proc.communicate()
        err.seek(0)
        tail = err.read()[-600:].decode("utf-8", errors="replace").strip()
    return out.decode("utf-8", errors="replace"), proc.returncode, timed_out, tail


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except ProcessLookupError:
        pass


def parse_events(out: str) -> tuple[list[Stage], str | None, bool]:
    stages: list[Stage] = []
    begun: str | None = None
    done = False
    for line in out.splitlines():
        try:
            item: dict[str, Any] = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict):
            continue
        if "begin" in item:
            begun = str(item["begin"])
        elif "key" in item:
            msg = item.get("message")
            stages.append(
                stage(str(item["key"]), bool(item.get("ok")), Text.of(msg) if msg else None)
            )
            begun = None
        elif item.get("done"):
            done = True
    return stages, begun, done
