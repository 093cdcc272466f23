"""The nine exercises in the order the lecture meets them: `EXERCISES`, id -> Exercise."""

from __future__ import annotations

from engine.exercises import tasks_attention, tasks_recurrent
from engine.exercises.exercise import Exercise

EXERCISES: dict[str, Exercise] = {
    ex.id: ex for ex in (*tasks_recurrent.EXERCISES, *tasks_attention.EXERCISES)
}
