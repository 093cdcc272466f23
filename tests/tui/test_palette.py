"""The command palette in Korean: Textual's own entries translated, glossary and wrong answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.conftest import AppFactory, screen_text
from tui.screens.notes import NotesScreen
from tui.screens.wrong_answers import WrongAnswersScreen


async def until(pilot, condition: Callable[[], bool], tries: int = 100) -> None:  # type: ignore[no-untyped-def]
    """Wait for `condition` (the palette searches in a worker), a bounded number of frames."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not met")


async def test_textual_entries_speak_korean(make_app: AppFactory) -> None:
    app = make_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for english in ("Theme", "Quit", "Keys", "Screenshot"):
            assert english not in commands
        assert commands["테마"] == "화면 색 테마 바꾸기" and "스크린샷" in commands
        await pilot.press("ctrl+p", *"zzqqzz")
        await until(pilot, lambda: "찾는 명령이 없습니다" in screen_text(app))
        assert "No matches" not in screen_text(app)


@pytest.mark.parametrize(
    ("lang", "typed"), [("ko", "용어"), ("ko", "glossary"), ("en", "glossary")]
)
async def test_glossary_is_found_by_its_korean_and_english_name(
    make_app: AppFactory, lang: str, typed: str
) -> None:
    app = make_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *typed)
        await until(pilot, lambda: "용어집" in screen_text(app) or "Glossary" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, NotesScreen))
        assert app.screen.page == ("glossary", "")  # type: ignore[attr-defined]


async def test_wrong_answers_of_the_last_exam_from_the_palette(make_app: AppFactory) -> None:
    app = make_app(lang="ko", start="exam", only={"t-ox", "t-single"}, exam_questions=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s", "enter")  # submit blank: both wrong
        await until(pilot, lambda: bool(app.store.exams()))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p", *"오답")
        await until(pilot, lambda: "최근 모의고사에서 틀린 문제" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, WrongAnswersScreen))
        assert "1/2" in screen_text(app)
