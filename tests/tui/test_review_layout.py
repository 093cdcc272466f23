"""After answering at 80x24 the question, the verdict and the grade row all stay on screen."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import Clock, screen_text, write_course
from tui.app import create_app

LONG = " ".join(["잔차 연결은 기울기가 지나갈 지름길을 열어 깊은 망도 학습되게 한다."] * 14)


async def test_feedback_keeps_the_question_and_the_grade_row_in_view(
    tmp_path: Path, clock: Clock
) -> None:
    root = write_course(tmp_path / "course", only={"t-single"})
    bank = root / "lecture15" / "questions" / "bank.toml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("항등 연결이 x를 더한다.", LONG), encoding="utf-8")
    app = create_app(
        lang="ko", data_dir=tmp_path / "data", content_dir=root, start="review", now=clock, seed=1
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert "잔차 블록의 출력은?" in shown  # the question did not scroll away
        assert "✗" in shown  # the verdict is in view
        assert "평가 (1-4" in shown and "1 다시" in shown and "4 쉬움" in shown
        assert "PgUp/PgDn 스크롤" in shown  # the footer says how to read the rest
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        shown = screen_text(app)
        assert "관련 노트" in shown and "평가 (1-4" in shown
        await pilot.press("3")
        await pilot.pause()
        assert "[3 알맞음]" in screen_text(app)
