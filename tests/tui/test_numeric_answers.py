"""Numbers in the exam and in review: unreadable text is not an answer, units are checked."""

from __future__ import annotations

from tests.tui.answering import type_text
from tests.tui.conftest import AppFactory, screen_text
from tui.screens.exam import ExamScreen
from tui.screens.exam_result import ExamResultScreen
from tui.widgets.numeric import NumberAnswer


async def test_text_that_is_not_a_number_does_not_count_as_answered(make_app: AppFactory) -> None:
    app = make_app(lang="ko", start="exam", only={"t-numeric", "t-ox"}, exam_questions=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        screen.current = [q.id for q in screen.questions].index("t-numeric")
        await pilot.pause()
        await pilot.press(*type_text("abc"), "enter")
        await pilot.pause()
        assert "답함 0/2" in screen_text(app)
        assert "! 숫자를 입력하세요" in screen_text(app)
        screen.tick()  # the countdown's redraw keeps the warning
        await pilot.pause()
        assert "! 숫자를 입력하세요" in screen_text(app)
        assert screen.answered(screen.current) is False

        await pilot.press(*["backspace"] * 3, *type_text("25.03 kg"), "enter")
        await pilot.pause()
        assert "답함 0/2" in screen_text(app)
        assert "'kg'" in screen_text(app)  # a wrong unit, said so

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "2개" in screen_text(app)  # both still unanswered
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        saved = app.store.exams()[0]
        numeric = next(a for a in saved.answers if a.question_id == "t-numeric")
        assert "25.03 kg" in numeric.response and "채점할 수 없는 답" in numeric.response


async def test_the_units_accepted_are_said_under_the_box(make_app: AppFactory) -> None:
    app = make_app(lang="ko", start="review", only={"t-numeric"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "단위: %" in screen_text(app)
        await pilot.press(*type_text("25.03%p"), "enter")
        await pilot.pause()
        assert "'%p'" in screen_text(app) and app.screen.phase == "answer"  # type: ignore[attr-defined]
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Unit: %" in str(app.screen.query_one(NumberAnswer).units_hint())
