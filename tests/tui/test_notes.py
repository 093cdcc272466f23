"""Notes: table-of-contents navigation, glossary, summary, opening at a section."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown, Tree

from tests.tui.conftest import AppFactory, screen_text
from tui.screens.notes import NotesScreen


def notes(app) -> NotesScreen:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, NotesScreen)
    return app.screen


async def test_toc_navigation_by_arrows_and_brackets(make_app: AppFactory) -> None:
    app = make_app(start="notes")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = notes(app)
        assert screen.page == ("section", "residual-block")
        assert "Matching shapes" in screen_text(app)
        await pilot.press("down")
        await pilot.pause()
        assert screen.page == ("section", "resnet-results")
        assert "25.03%" in screen_text(app)
        await pilot.press("down")  # the next line is the "Recurrent networks" part
        await pilot.pause()
        assert screen.page == ("part", "rnn")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.page == ("section", "lstm")
        assert "Related lab: features" in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert screen.page == ("section", "residual-block")
        tree = screen.query_one("#toc", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == screen.page


async def test_glossary_and_summary_pages(make_app: AppFactory) -> None:
    app = make_app(start="notes")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        text = screen_text(app)
        assert "residual block ↔ 잔차 블록" in text and "forget gate ↔ 삭제 게이트" in text
        await pilot.press("s")
        await pilot.pause()
        assert "A residual block learns the difference" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "1. 잔차 블록은 입력과 원하는 출력의 차이를" in screen_text(app)
        assert "핵심 정리" in screen_text(app)  # the contents are relabelled too


async def test_tab_moves_to_the_text_and_t_hides_the_contents(make_app: AppFactory) -> None:
    app = make_app(start="notes")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "page"
        await pilot.press("t")
        await pilot.pause()
        assert not notes(app).query_one("#toc").display
        assert notes(app).query_one("#note", Markdown).source.startswith("# The residual block")


def test_the_glossary_shows_each_terms_synonyms() -> None:
    from content.loader import load_course
    from tui.screens.notes import page_markdown

    lecture = load_course().lectures[0]
    ko = page_markdown(lecture, ("glossary", ""), "ko")
    assert "**경사** ↔ **gradient**" in ko and "(같은 뜻으로 쓰이는 말: 기울기)" in ko
    en = page_markdown(lecture, ("glossary", ""), "en")
    assert "*(also written in Korean as: 지름길)*" in en


async def test_a_long_korean_title_in_the_contents_ends_in_an_ellipsis(
    make_app: AppFactory, course_dir: Path
) -> None:
    lecture = course_dir / "lecture15" / "lecture.toml"
    text = lecture.read_text(encoding="utf-8")
    lecture.write_text(
        text.replace("트랜스포머의 핵심 아이디어", "층만 쌓으면 될까: 성능 저하 문제"),
        encoding="utf-8",
    )
    app = make_app(lang="ko", start="notes")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        line = next(row for row in screen_text(app).splitlines() if "층만 쌓으면" in row)
        contents = line.split("▕")[0]
        assert "…" in contents  # cut, and said so (it stopped at "성능 저" before)
