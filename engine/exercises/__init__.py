"""The exercises: the lecture's building blocks, written by the student, graded against PyTorch.

Torch-free at import: `grade` runs the student's file in a child process
(`engine.exercises.child`) that alone loads torch, the checks (`check_*.py`) and the
reference solutions (`solutions/<id>.py`, shown after a pass).

- `tasks`      the nine `Exercise`s: statement, formula, hints, starter file
- `grader`     `grade(id, path)`: the child process, its time limit, the `GradeReport`
- `report`     `Stage`, `GradeReport`, `ExerciseError`, the stages' names
- `workspace`  the student's files under the data directory; `start` never overwrites
- `records`    passes, last attempts and hints in `records.json`; `load_passed` for the labs
- `child`, `check_common`, `check_recurrent`, `check_resnet`, `check_attention`: the grading
  child and its stages (torch)
"""

from __future__ import annotations

from engine.exercises import records, workspace
from engine.exercises.exercise import Exercise
from engine.exercises.grader import grade
from engine.exercises.records import Passed
from engine.exercises.report import ExerciseError, GradeReport, Stage
from engine.exercises.tasks import EXERCISES

__all__ = [
    "EXERCISES",
    "Exercise",
    "ExerciseError",
    "GradeReport",
    "Passed",
    "Stage",
    "grade",
    "records",
    "workspace",
]
