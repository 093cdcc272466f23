"""Choosing the mock exam's length and time in the app, and decimal minutes on the CLI."""

from __future__ import annotations

from tests.tui.conftest import AppFactory, screen_text
from tui.cli import build_parser
from tui.screens.exam import ExamScreen
from tui.screens.exam_setup import ExamSetupScreen, exam_choices


def test_choices_start_with_the_apps_own_and_fit_the_bank() -> None:
    assert exam_choices(100, 25, None)[:3] == [(25, None), (10, None), (40, None)]
    assert (10, 10.0) in exam_choices(100, 25, None)
    assert exam_choices(100, 5, 0.4)[0] == (5, 0.4)
    # a bank of 8: every length is the whole bank, each time offered once
    assert exam_choices(8, 25, None) == [(8, None), (8, 8.0), (8, 16.0)]


def test_minutes_take_decimals() -> None:
    args = build_parser().parse_args(["exam", "--minutes", "0.4", "-n", "2"])
    assert args.minutes == 0.4


async def test_key_e_asks_how_long_then_starts(make_app: AppFactory) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ㄷ")  # e, with the Korean input method on
        await pilot.pause()
        assert isinstance(app.screen, ExamSetupScreen)
        text = screen_text(app)
        assert "8문항 · 제한 12:00" in text  # the whole test bank at the default pace
        await pilot.press("down", "enter")  # the next choice: 8 questions, 1 minute each
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert len(screen.questions) == 8 and screen.time_limit_s == 8 * 60


async def test_a_decimal_time_limit_runs(make_app: AppFactory) -> None:
    app = make_app(start="exam", exam_questions=2, exam_minutes=0.4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen) and app.screen.time_limit_s == 24
        assert "0:24 left" in screen_text(app)
