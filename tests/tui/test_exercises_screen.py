"""The Exercises screen: start a file, get a wrong answer's message, fix it, pass; hints, the
solution after a pass, the editor, and the marks on Home and Progress.

Grading is real (the grader's child process imports torch, a few seconds a file); the
screen is told to look at the file (`poll`, what its one-second timer calls) rather than
waiting for the timer, and the tests wait for the grading worker, never for a time.
"""

from __future__ import annotations

import io
import shutil
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot

from engine.exercises import EXERCISES, GradeReport, records, workspace
from engine.exercises.grader import file_sha256
from tests.tui.conftest import AppFactory, screen_text
from tui.screens.exercise_marks import blend, by_section
from tui.screens.exercises import ExercisesScreen

WRONG_RNN = """
import torch


def rnn_cell(x, h, W_x, W_h, b):
    return torch.relu(x @ W_x.T + h @ W_h.T + b)
"""
RIGHT_RNN = """
import torch


def rnn_cell(x, h, W_x, W_h, b):
    return torch.tanh(x @ W_x.T + h @ W_h.T + b)
"""


async def graded(pilot: Pilot[None]) -> ExercisesScreen:
    """Wait for the grading worker to finish and its result to be drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExercisesScreen) and screen.grading is None
    return screen


def stages(screen: ExercisesScreen) -> str:
    """The stages pane's text, scrolled into view or not."""
    return "\n".join(t.plain for t in screen._stages_text().renderables)  # type: ignore[union-attr]


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


async def test_start_fail_fix_pass(make_app: AppFactory, data_dir: Path) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")  # from Home
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        assert screen.current == "rnn_cell" and "0/9 passed" in screen.sub_title
        text = screen_text(app)
        assert "No file yet" in text and "tanh" in text  # the lecture's formula is there
        await pilot.press("s")
        path = workspace.path_for("rnn_cell", data_dir)
        assert path.exists() and "NotImplementedError" in path.read_text()
        screen.poll()  # the starter itself is not graded
        assert screen.grading is None and "rnn_cell" not in screen.reports

        write(path, WRONG_RNN)  # edited elsewhere: the poll sees it and grades
        screen.poll()
        assert screen.grading == "rnn_cell"
        await graded(pilot)
        report = screen.reports["rnn_cell"]
        assert not report.passed
        assert "✗" in screen_text(app) and "Not yet" in stages(screen)
        assert report.failed is not None and report.failed.message is not None
        assert report.failed.message.en in stages(screen)  # what is wrong, in words

        write(path, RIGHT_RNN)
        screen.poll()
        await graded(pilot)
        assert screen.reports["rnn_cell"].passed
        assert "rnn_cell" in records.passed(data_dir)
        assert "Passed!" in stages(screen) and "--preset mine" in stages(screen)
        assert "1/9 passed" in screen.sub_title
        assert "✓ " + EXERCISES["rnn_cell"].title.en in screen_text(app)  # the list marks it

        await pilot.press("v")  # the solution, now that it passed
        await pilot.pause()
        assert "reference solution" in screen_text(app)


async def test_hints_one_at_a_time_and_the_solution_stays_locked(
    make_app: AppFactory, data_dir: Path
) -> None:
    app = make_app(lang="ko", start="exercises")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        total = len(EXERCISES["rnn_cell"].hints)
        await pilot.press("h")
        assert records.hints_shown(data_dir, "rnn_cell") == 1
        first = EXERCISES["rnn_cell"].hints[0].ko
        assert first[:10] in screen_text(app).replace("\n", "")
        for _ in range(total + 1):
            await pilot.press("h")
        assert records.hints_shown(data_dir, "rnn_cell") == total  # never more than there are
        await pilot.press("v")
        assert "모범 답안은 내 파일이 통과한 뒤에" in screen_text(app)
        assert not app.screen.query_one("#ex-solution").display


async def test_choosing_another_exercise_shows_it_and_does_not_grade(
    make_app: AppFactory, data_dir: Path
) -> None:
    path = workspace.path_for("lstm_cell", data_dir)
    path.parent.mkdir(parents=True)
    write(path, "def lstm_cell(x, h, c, W_x, W_h, b):\n    raise NotImplementedError\n")
    app = make_app(lang="en", start="exercises")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        await pilot.press("down")
        assert screen.current == "lstm_cell"
        screen.poll()
        assert screen.grading is None  # unchanged since chosen
        await pilot.pause()
        console = Console(width=300, record=True, file=io.StringIO())
        console.print(screen._file_text())  # what the file line shows, unwrapped
        assert str(path) in console.export_text()  # the chosen exercise's own file


async def test_the_editor_is_run_with_the_app_suspended(
    make_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_editor(cmd: list[str], check: bool = False) -> Any:
        calls.append(cmd)
        write(Path(cmd[-1]), RIGHT_RNN)  # the student saves a right answer and quits

    monkeypatch.setenv("EDITOR", "myeditor --wait")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr("tui.screens.exercises.subprocess.run", fake_editor)
    app = make_app(lang="en", start="exercises")
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)
        await pilot.press("o")
        path = workspace.path_for("rnn_cell", data_dir)
        assert calls == [["myeditor", "--wait", str(path)]]  # the starter was written first
        screen = await graded(pilot)  # back from the editor: graded at once
        assert screen.reports["rnn_cell"].passed


async def test_without_an_editor_the_screen_says_what_to_do(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(lang="en", start="exercises")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        assert "$EDITOR is not set" in screen_text(app)
        monkeypatch.setenv("EDITOR", "vi")  # the test terminal cannot be handed over
        await pilot.press("o")
        assert "cannot hand over" in screen_text(app)


def record_pass(data_dir: Path, exercise_id: str) -> None:
    path = workspace.path_for(exercise_id, data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(workspace.solution_path(exercise_id), path)
    records.record(GradeReport(exercise_id, path, file_sha256(path), (), True, 0.1), data_dir)


def test_a_passed_exercise_counts_for_its_section(data_dir: Path) -> None:
    assert blend({"lstm": 0.5}, {"lstm": 2}, by_section(data_dir)) == {"lstm": 0.5}  # none yet
    record_pass(data_dir, "lstm_cell")
    counts = by_section(data_dir)
    section = EXERCISES["lstm_cell"].section
    assert counts[section][0] == 1
    mastery = blend({section: 0.5, "other": 0.2}, {section: 2, "other": 3}, counts)
    _, e = counts[section]
    assert mastery[section] == pytest.approx((0.5 * 2 + 1) / (2 + e))
    assert mastery["other"] == 0.2  # a section without exercises keeps its mastery


async def test_home_and_progress_show_exercises_passed(
    make_app: AppFactory, data_dir: Path
) -> None:
    record_pass(data_dir, "lstm_cell")  # the test course has an "lstm" section
    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "exercises 1/" in screen_text(app)
        await pilot.press("p")
        assert "exercises 1/" in screen_text(app)


SNAP_DATA = Path("/tmp/dlearn-test-exercises-snapshot")  # fixed: the file's path is on screen


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_exercises_snapshot(snap_compare, course_dir: Path, clock: Any, lang: str) -> None:  # type: ignore[no-untyped-def]
    from tui.app import create_app

    shutil.rmtree(SNAP_DATA, ignore_errors=True)
    SNAP_DATA.mkdir(parents=True)
    record_pass(SNAP_DATA, "rnn_cell")
    app = create_app(
        lang=lang, data_dir=SNAP_DATA, content_dir=course_dir, now=clock, seed=7, start="exercises"
    )
    assert snap_compare(app, press=["down", "h"], terminal_size=(80, 24))


async def test_the_lab_form_refuses_impl_mine_until_the_exercises_pass(
    make_app: AppFactory, data_dir: Path
) -> None:
    from textual.widgets import Input

    from tui.screens.lab_form import LabForm

    record_pass(data_dir, "rnn_cell")
    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.open_screen("labs", "memory")
        await pilot.pause()
        app.screen.query_one("#param-impl", Input).value = "mine"
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("s")  # run without predicting
        await pilot.pause()
        await pilot.pause()
        error = str(app.screen.query_one(LabForm).query_one("#form-error").render())
        assert "lstm_cell" in error and "gru_cell" in error and "dlearn exercise check" in error
        runs = data_dir / "runs"
        assert not runs.exists() or not any(runs.iterdir())  # nothing started
