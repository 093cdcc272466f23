"""Items beyond the lecture: marked as enrichment in review and exam, and in the mock exam
only when the learner asks (exam set-up's `a`, or `dlearn exam --enrichment`)."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import AppFactory, screen_text, wait_until
from tui.app import DlearnApp, create_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.exam import ExamScreen
from tui.screens.exam_setup import ExamSetupScreen
from tui.screens.review import ReviewScreen


def course_with_enrichment(course_dir: Path) -> Path:
    """The test course with t-single marked as going beyond the lecture."""
    questions = course_dir / "lecture15" / "questions"
    for path in questions.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if 'id = "t-single"' in text:
            text = text.replace('id = "t-single"\n', 'id = "t-single"\nenrichment = true\n')
            path.write_text(text, encoding="utf-8")
            return course_dir
    raise AssertionError("the test course has no t-single")


def app_on(course: Path, data_dir: Path, clock, **options) -> DlearnApp:  # type: ignore[no-untyped-def]
    options.setdefault("lang", "en")
    return create_app(data_dir=data_dir, content_dir=course, now=clock, seed=7, **options)


async def test_review_marks_an_enrichment_item(course_dir: Path, data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    course = course_with_enrichment(course_dir)
    app = app_on(course, data_dir, clock, start="review", lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for _ in range(len(screen.queue)):  # walk to t-single, checking each header
            current = screen.queue[screen.position]
            tagged = "심화 (강의 밖 내용)" in screen_text(app)
            assert tagged == (current.id == "t-single"), current.id
            if current.id == "t-single":
                break
            screen.position += 1
            await screen.show_question()
            await pilot.pause()
        else:
            raise AssertionError("t-single never came up")


async def test_the_exam_leaves_enrichment_out_unless_asked(
    course_dir: Path,
    data_dir: Path,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    course = course_with_enrichment(course_dir)
    app = app_on(course, data_dir, clock, exam_questions=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExamSetupScreen))
        assert "Enrichment items (beyond the lecture): left out" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ExamScreen))
        await pilot.pause()
        ids = {q.id for q in app.screen.questions}  # type: ignore[attr-defined]
        assert "t-single" not in ids and ids  # the other items are there

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("ㅛ")  # y with the Korean input method on: still yes
        await wait_until(pilot, lambda: not isinstance(app.screen, (ConfirmScreen, ExamScreen)))

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExamSetupScreen))
        await pilot.press("ㅁ")  # a, in the 2-set layout: include them
        assert app.exam_enrichment is True
        assert "Enrichment items (beyond the lecture): included" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ExamScreen))
        await pilot.pause()
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        assert "t-single" in {q.id for q in exam.questions}
        exam.current = [q.id for q in exam.questions].index("t-single")
        await pilot.pause()
        assert "[enrichment (beyond the lecture)]" in screen_text(app)


async def test_confirm_takes_the_korean_n_for_no(make_app: AppFactory) -> None:
    app = make_app(start="exam", only={"t-ox", "t-single"}, exam_questions=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("ㅜ")  # n
        await wait_until(pilot, lambda: isinstance(app.screen, ExamScreen))
