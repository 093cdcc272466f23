"""The review cards made from the learner's own finished lab runs (`content.run_questions`).

Run directories are read here (through the torch-free `engine.runs`), so `content` stays
free of the engine. A run's questions exist while its directory does: deleting the run (the
Runs screen, or by hand) drops their cards from the schedule; their reviews stay in the log,
which is the learner's history (and the memory model's data).
"""

from __future__ import annotations

from pathlib import Path

from content.model import Lecture, Question
from content.run_questions import PREFIX, questions_from_summary, run_of
from content.store import ProgressStore
from engine.runs.rundir import list_runs, runs_root


def run_questions(data_dir: Path, lecture: Lecture) -> list[Question]:
    """Every finished run's questions, newest run first."""
    out: list[Question] = []
    for info in list_runs(runs_root(data_dir)):
        if info.status == "finished" and isinstance(info.summary, dict):
            out += questions_from_summary(info.name, info.summary, lecture)
    return out


def forget_missing_runs(store: ProgressStore, questions: list[Question]) -> int:
    """Drop the cards of run questions whose run is gone; returns how many were dropped."""
    current = {q.id for q in questions}
    stale = [qid for qid in store.card_states() if qid.startswith(PREFIX) and qid not in current]
    return store.forget_cards(stale)


def forget_run(store: ProgressStore, run_name: str) -> int:
    """Drop the cards of one deleted run's questions."""
    return store.forget_cards([q for q in store.card_states() if run_of(q) == run_name])
