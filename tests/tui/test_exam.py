"""The mock exam: answer, go back and change, submit, score, breakdown, walkthrough, time-out."""

from __future__ import annotations

from datetime import timedelta

from tests.tui.answering import answer_keys
from tests.tui.conftest import AppFactory, Clock, screen_text, wait_until
from tui.screens.confirm import ConfirmScreen
from tui.screens.exam import ExamScreen
from tui.screens.exam_result import ExamResultScreen
from tui.screens.home import HomeScreen
from tui.screens.progress import ProgressScreen
from tui.screens.review import ReviewScreen
from tui.screens.wrong_answers import WrongAnswersScreen

FOUR = {"t-single", "t-ox", "t-numeric", "t-multi"}
OPTIONS = ("forget gate", "reset gate", "output gate", "attention gate")  # t-multi's, in the file


def exam_screen(app) -> ExamScreen:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, ExamScreen), f"expected the exam, got {app.screen!r}"
    return app.screen


async def answer(pilot, right: bool) -> None:  # type: ignore[no-untyped-def]
    screen = exam_screen(pilot.app)
    widget = screen.widgets()[screen.current]
    await pilot.press(*answer_keys(widget, screen.questions[screen.current], right))
    await pilot.pause()


async def test_exam_flow_scores_saves_and_walks_the_wrong_answers(
    make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(start="exam", only=FOUR, exam_questions=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        assert [q.id for q in screen.questions] == ["t-single", "t-ox", "t-numeric", "t-multi"]
        assert screen.time_limit_s == 4 * 90
        assert "6:00 left" in screen_text(app)

        await answer(pilot, right=True)  # single; Enter moves on
        await answer(pilot, right=False)  # ox
        assert "✓" not in screen_text(app) and "✗" not in screen_text(app)  # no feedback yet
        await answer(pilot, right=True)  # numeric
        assert screen.current == 3  # the multi question is left unanswered
        assert "answered 3/4" in screen_text(app)

        await pilot.press("pageup", "pageup")  # back to the O/X question, and change the answer
        await pilot.pause()
        assert screen.current == 1
        assert screen.widgets()[1].response() is True  # the wrong "O" is still there
        await pilot.press("x")
        clock.advance(150)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 question(s) unanswered" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()

        assert isinstance(app.screen, ExamResultScreen)
        text = screen_text(app)
        assert "Score 3/4 (75%)" in text
        assert "Time 2:30 of 6:00" in text
        assert "The residual block" in text and "2/2" in text  # per-section breakdown
        assert "LSTM" in text and "0/1" in text

        (saved,) = app.store.exams()
        assert (saved.correct, saved.total, saved.time_limit_s) == (3, 4, 360)
        assert [a.correct for a in saved.answers] == [True, True, True, False]
        assert saved.answers[3].response == ""  # unanswered

        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WrongAnswersScreen)
        text = screen_text(app)
        assert "Wrong answer 1/1" in text and "(no answer)" in text
        # the answer line names exactly the right options (the options list itself names all four)
        (answer_line,) = [line for line in text.splitlines() if "Answer:" in line]
        named = {o for o in OPTIONS if o in answer_line.split("Answer:", 1)[1]}
        assert named == {"forget gate", "output gate"}
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Last exam 75%" in screen_text(app)


async def test_time_out_submits_by_itself(make_app: AppFactory, clock: Clock) -> None:
    app = make_app(start="exam", only=FOUR, exam_questions=2, exam_minutes=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answer(pilot, right=True)
        await pilot.press("ctrl+s")  # the dialog is open when time runs out
        await pilot.pause()
        clock.advance(61)
        # the countdown's next tick (twice a second) notices the time is up
        await wait_until(pilot, lambda: isinstance(app.screen, ExamResultScreen))
        # drawn, not just pushed
        await wait_until(pilot, lambda: "Time ran out" in screen_text(app))
        text = screen_text(app)
        assert "Time ran out" in text and "Score 1/2 (50%)" in text
        assert "Time 1:00 of 1:00" in text  # not 1:01: the clock ran past the limit
        (saved,) = app.store.exams()
        assert saved.time_limit_s == 60 and saved.correct == 1
        await pilot.pause()  # let the closed screens' last callbacks run before the app exits


async def test_leaving_an_exam_asks_first(make_app: AppFactory) -> None:
    app = make_app(start="exam", only=FOUR, exam_questions=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.exams() == []


async def test_missed_questions_come_back_in_review_and_a_past_exam_reopens(
    make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(start="exam", only=FOUR, exam_questions=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answer(pilot, right=True)  # single
        await answer(pilot, right=False)  # ox: missed
        await answer(pilot, right=True)  # numeric
        screen = exam_screen(app)
        multi, order = screen.questions[3], screen.orders[3]
        assert isinstance(multi.answer, tuple)
        ticked = order.shown[multi.answer[0]]  # the bank index of the one right option ticked
        await answer(pilot, right=False)  # multi: half right, so missed
        await pilot.pause()
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        (saved,) = app.store.exams()
        # saved in the bank's option indices, whatever order the exam showed them in
        assert [a.raw for a in saved.answers][:3] == ["1", "true", '"25.03"']
        assert saved.answers[3].raw == f"[{ticked}]"
        # every answer became a review: the two missed ones are due again soon
        assert saved.id is not None
        assert sorted(app.store.exam_review_ids(saved.id)) == sorted(FOUR)
        states = app.store.card_states()
        missed = {qid for qid, s in states.items() if s.due <= clock.time + timedelta(minutes=2)}
        assert missed == {"t-ox", "t-multi"}

        await pilot.press("escape")  # home
        await pilot.pause()
        clock.advance(120)  # the missed ones are due, the right ones not yet
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert [q.id for q in review.queue] == ["t-ox", "t-multi"]  # the missed ones

        await pilot.press("escape", "p")  # progress: the exam is a row to reopen
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        assert "Score 2/4 (50%)" in screen_text(app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WrongAnswersScreen)
        text = screen_text(app)
        assert "Wrong answer 1/2" in text and "Your answer: O" in text
        await pilot.press("right")
        await pilot.pause()
        # reopened in the bank's order: the ticked option under its bank number
        assert f"Your answer: {ticked + 1}. {OPTIONS[ticked]}" in screen_text(app)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)  # back where the exam was picked
