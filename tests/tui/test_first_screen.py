"""A returning student's first frame is drawn from cached words; the rest loads right after."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.tui.conftest import AppFactory, screen_text
from tui.screens.home import HomeScreen
from tui.startup_cache import FIRST_SCREEN_CACHE, read_first_screen


async def test_second_start_defers_the_course_and_store_until_after_the_first_frame(
    make_app: AppFactory, data_dir: Path, course_dir: Path
) -> None:
    first = make_app()
    assert first.loaded and first.lecture is not None  # nothing cached yet: loaded up front
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert (data_dir / "cache" / FIRST_SCREEN_CACHE).is_file()

    again = make_app()
    assert not again.loaded and again.lecture is None and again._store is None
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert again.loaded and again.lecture is not None
        assert isinstance(again.screen, HomeScreen)
        ids = [o.id for o in again.screen.query_one("#sections", OptionList).options]
        assert "section:residual-block" in ids and not any(
            i and i.startswith("first:") for i in ids
        )
        text = screen_text(again)
        assert "residual block" in text and "New 8" in text


def test_an_edited_bank_invalidates_the_cached_words(
    make_app: AppFactory, data_dir: Path, course_dir: Path
) -> None:
    make_app()  # writes the cache
    assert read_first_screen(course_dir, data_dir / "cache") is not None
    bank = course_dir / "lecture15" / "questions" / "bank.toml"
    bank.write_text(bank.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert read_first_screen(course_dir, data_dir / "cache") is None


async def test_a_store_that_fails_after_the_first_frame_exits_with_its_reason(
    make_app: AppFactory, data_dir: Path
) -> None:
    import sqlite3

    make_app()  # a first start writes the cached words
    db = sqlite3.connect(data_dir / "progress.sqlite3")
    db.execute("PRAGMA user_version = 99")  # as if a newer dlearn wrote it
    db.commit()
    db.close()
    app = make_app()
    assert not app.loaded
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
    assert app.return_code == 1
    assert app.startup_error is not None and "newer dlearn" in app.startup_error
