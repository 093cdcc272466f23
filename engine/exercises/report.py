"""What grading says: the stages, one report per graded file, and the exercises' error.

Torch-free: the grading child sends its stages as JSON lines (`key`, `ok`, `message` as a
{"ko", "en"} object) and the parent turns them into these, naming each stage from `STAGES`
so a stage the child never finished (a time limit, a crash) still has its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import DlearnError
from engine.text import Text

STAGES: dict[str, Text] = {
    "load": Text(en="file loads, entry and signature", ko="파일 불러오기, 진입점과 시그니처"),
    "modules": Text(en="submodules", ko="하위 모듈"),
    "shapes": Text(en="output shapes and dtype", ko="출력 모양과 dtype"),
    "values": Text(en="values against PyTorch", ko="PyTorch와 값 비교"),
    "modes": Text(en="train and eval mode", ko="훈련 모드와 평가 모드"),
    "gradients": Text(en="gradients", ko="기울기"),
}


class ExerciseError(DlearnError):
    """An exercise that does not exist, a file that is missing, or one that has not passed."""


@dataclass(frozen=True)
class Stage:
    """One step of grading: passed or not, and what is wrong when not."""

    name: Text
    ok: bool
    message: Text | None = None
    key: str = ""  # one of STAGES

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name.as_dict(),
            "ok": self.ok,
            "message": self.message.as_dict() if self.message else None,
        }


@dataclass(frozen=True)
class GradeReport:
    """The stages one file reached, in order; grading stops at the first that fails."""

    exercise_id: str
    path: Path
    sha256: str
    stages: tuple[Stage, ...]
    passed: bool
    seconds: float

    @property
    def failed(self) -> Stage | None:
        """The stage that failed, if one did."""
        return next((s for s in self.stages if not s.ok), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise_id,
            "path": str(self.path),
            "sha256": self.sha256,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "stages": [s.as_dict() for s in self.stages],
        }


def stage(key: str, ok: bool, message: Text | None = None) -> Stage:
    return Stage(name=STAGES.get(key, Text.same(key)), ok=ok, message=message, key=key)
