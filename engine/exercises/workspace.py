"""Where a student's exercise files live: `<data dir>/exercises/<id>.py`.

`start` writes the starter there once and never overwrites: a second start returns the
same path with `created=False`, so a student's work is never lost.
"""

from __future__ import annotations

from pathlib import Path

from engine.exercises.grader import exercise


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / "exercises"


def path_for(exercise_id: str, data_dir: Path) -> Path:
    exercise(exercise_id)  # an unknown id is an ExerciseError, not a stray path
    return folder(data_dir) / f"{exercise_id}.py"


def start(exercise_id: str, data_dir: Path, lang: str) -> tuple[Path, bool]:
    """The student's file for `exercise_id`, written from the starter if it is not there."""
    path = path_for(exercise_id, data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as f:  # "x": fails if it exists, no race
            f.write(exercise(exercise_id).starter(lang))
    except FileExistsError:
        return path, False
    return path, True


def solution_path(exercise_id: str) -> Path:
    """The reference solution's file (shown only after a pass)."""
    exercise(exercise_id)
    return Path(__file__).resolve().parent / "solutions" / f"{exercise_id}.py"
