"""Snapshots of every screen in both languages at 80x24.

The clock, the seed, local time (UTC) and the progress data are fixed, so the pictures
change only when the screens do. Update with `pytest tests/tui --snapshot-update` and look
at the SVGs under __snapshots__/ before committing them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from content.scheduler import Rating, Scheduler
from content.session import ExamAnswer, ExamResult
from content.store import ProgressStore
from tests.tui.conftest import START, AppFactory

LANGS = pytest.mark.parametrize("lang", ["ko", "en"])


def seed_progress(data_dir: Path, *, exam_date: str | None = None) -> None:
    """A few days of study: reviews of three questions and one finished mock exam."""
    day = timedelta(days=1)
    history = [
        ("t-single", "residual-block", Rating.GOOD, True, START - 3 * day),
        ("t-single", "residual-block", Rating.EASY, True, START - 2 * day),
        ("t-multi", "lstm", Rating.HARD, False, START - 2 * day),
        ("t-ox", "residual-block", Rating.AGAIN, False, START - day),
    ]
    with ProgressStore.open(data_dir) as store:
        for qid, section, rating, correct, at in history:
            store.record_review(
                question_id=qid,
                section=section,
                rating=rating,
                correct=correct,
                response="0",
                duration_s=6.0,
                now=at,
                scheduler=Scheduler(),
            )
        answers = [
            ExamAnswer("t-single", "residual-block", True, "2. F(x) + x", "2. F(x) + x"),
            ExamAnswer("t-ox", "residual-block", True, "X", "X"),
            ExamAnswer("t-numeric", "resnet-results", True, "25.03", "25.03 %"),
            ExamAnswer("t-multi", "lstm", False, "", "1, 3"),
        ]
        store.save_exam(
            ExamResult(
                None,
                "lecture15",
                START - day,
                START - day + 300 * timedelta(seconds=1),
                360,
                answers,
            )
        )
        if exam_date:
            store.set_setting("exam_date", exam_date)


async def steady(pilot: Pilot[None]) -> None:
    """No blinking text cursor, so a snapshot does not depend on when it is taken."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@LANGS
def test_home(snap_compare, make_app: AppFactory, data_dir: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    seed_progress(data_dir, exam_date="2025-06-20")
    assert snap_compare(make_app(lang=lang), run_before=steady)


@LANGS
def test_notes(snap_compare, make_app: AppFactory, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(lang=lang, start="notes"), run_before=steady)


@LANGS
def test_review_question(snap_compare, make_app: AppFactory, data_dir: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    seed_progress(data_dir)
    assert snap_compare(make_app(lang=lang, start="review"), run_before=steady)


@LANGS
def test_review_feedback(snap_compare, make_app: AppFactory, data_dir: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    seed_progress(data_dir)
    app = make_app(lang=lang, start="review")
    assert snap_compare(app, press=["1", "enter"], run_before=steady)  # half right


@LANGS
def test_exam(snap_compare, make_app: AppFactory, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(lang=lang, start="exam", exam_questions=5)
    assert snap_compare(app, press=["2"], run_before=steady)


@LANGS
def test_exam_result(snap_compare, make_app: AppFactory, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(lang=lang, start="exam", exam_questions=5)
    press = ["2", "enter", "x", "enter", "ctrl+s", "enter"]
    assert snap_compare(app, press=press, run_before=steady)


@LANGS
def test_progress(snap_compare, make_app: AppFactory, data_dir: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    seed_progress(data_dir)
    assert snap_compare(make_app(lang=lang, start="progress"), run_before=steady)


@LANGS
def test_exam_setup(snap_compare, make_app: AppFactory, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Key e on home: the exam's length and time, at 80x24."""
    assert snap_compare(make_app(lang=lang), press=["e"], run_before=steady)


@LANGS
def test_review_numeric_units(snap_compare, make_app: AppFactory, lang: str) -> None:  # type: ignore[no-untyped-def]
    """A numeric question says which units it takes; a wrong one is refused with why."""
    app = make_app(lang=lang, start="review", only={"t-numeric"})
    assert snap_compare(app, press=[*"25.03%p", "enter"], run_before=steady)
