"""Review sessions driven through key presses: every question type, right and wrong."""

from __future__ import annotations

import pytest

from content.scheduler import Rating
from tests.tui.answering import answer_keys, type_text
from tests.tui.conftest import QUESTION_IDS, AppFactory, Clock, screen_text
from tui.app import create_app
from tui.screens.home import HomeScreen
from tui.screens.notes import NotesScreen
from tui.screens.review import ReviewScreen


def review_screen(app) -> ReviewScreen:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, ReviewScreen), f"expected the review screen, got {screen!r}"
    return screen


async def answer_current(pilot, right: bool) -> ReviewScreen:  # type: ignore[no-untyped-def]
    screen = review_screen(pilot.app)
    assert screen.attempt is not None
    await pilot.press(*answer_keys(screen.answer_widget(), screen.attempt.concrete, right))
    await pilot.pause()
    return screen


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("qtype", sorted(QUESTION_IDS))
async def test_answer_each_type_and_store_the_review(
    make_app: AppFactory, qtype: str, right: bool
) -> None:
    qid = QUESTION_IDS[qtype]
    app = make_app(start="review", only={qid})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await answer_current(pilot, right)
        assert screen.phase == "feedback"
        text = screen_text(app)
        assert ("✓ Correct" if right else "✗ Wrong") in text
        assert "Answer:" in text and "Explanation" in text
        feedback_rating = screen.query_one("Feedback").rating  # type: ignore[attr-defined]
        # a right answer at once (the test clock does not move) is suggested EASY
        if right:
            assert feedback_rating == Rating.EASY
        else:
            # the wrong multi answer ticks half the right options: partial credit, HARD;
            # every other wrong answer earns nothing, AGAIN
            assert feedback_rating == (Rating.HARD if qtype == "multi" else Rating.AGAIN)

        await pilot.press("enter")
        await pilot.pause()
        reviews = app.store.reviews()
        assert [(r.question_id, r.correct, int(r.rating)) for r in reviews] == [
            (qid, right, feedback_rating)
        ]
        state = app.store.card_states()[qid]
        assert state.reps == 1 and state.last_review is not None
        if right or feedback_rating != Rating.AGAIN:
            assert screen.phase == "done"
            assert "Session done" in screen_text(app)
        else:  # graded Again: the question comes back once at the end of the session
            assert screen.phase == "answer"
            assert screen.attempt is not None and screen.attempt.bank.id == qid


async def test_keys_1_to_4_override_the_suggested_grade(make_app: AppFactory) -> None:
    app = make_app(start="review", only={"t-single"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answer_current(pilot, right=True)
        await pilot.press("2", "enter")
        await pilot.pause()
        (review,) = app.store.reviews()
        assert review.rating == Rating.HARD and review.correct


async def test_unreadable_number_is_explained_and_not_graded(make_app: AppFactory) -> None:
    app = make_app(start="review", only={"t-numeric"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*type_text("abc"), "enter")
        await pilot.pause()
        screen = review_screen(app)
        assert screen.phase == "answer"
        assert "! " in screen_text(app)  # the grader's message, shown inline
        assert app.store.reviews() == []
        await pilot.press(*["backspace"] * 3, *type_text("25.03%"), "enter")
        await pilot.pause()
        assert screen.phase == "feedback" and "✓ Correct" in screen_text(app)


async def test_incomplete_answer_asks_for_one(make_app: AppFactory) -> None:
    app = make_app(start="review", only={"t-match"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a", "enter")
        await pilot.pause()
        assert review_screen(app).phase == "answer"
        assert "Pick a letter for every left item" in screen_text(app)


async def test_order_moves_with_shift_arrows(make_app: AppFactory) -> None:
    app = make_app(start="review", only={"t-order"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = review_screen(app).answer_widget()
        before = list(widget.arrangement)  # type: ignore[attr-defined]
        await pilot.press("down", "shift+up")
        assert widget.arrangement == [before[1], before[0], *before[2:]]  # type: ignore[attr-defined]


async def test_note_opens_from_feedback_and_returns(make_app: AppFactory) -> None:
    app = make_app(start="review", only={"t-cloze"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answer_current(pilot, right=False)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.page == ("section", "residual-block")
        assert "1x1" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert review_screen(app).phase == "feedback"


async def test_session_orders_due_before_new_and_escape_goes_home(
    make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = review_screen(app).queue
        assert first[0].id == "t-single"  # all new: lecture order
        await answer_current(pilot, right=False)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        clock.advance(3600)  # an hour later the Again card is due
        await pilot.press("r")
        await pilot.pause()
        queue = review_screen(app).queue
        assert queue[0].id == "t-single"
        assert len(app.store.reviews()) == 1


async def test_nothing_due_says_so(make_app: AppFactory, clock: Clock) -> None:
    app = make_app(start="review", only={"t-ox"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answer_current(pilot, right=True)
        await pilot.press("enter", "r")
        await pilot.pause()
        text = screen_text(app)
        assert "Nothing to review right now" in text and "Next review:" in text


async def test_no_color_still_marks_right_and_wrong(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(start="review", only={"t-single"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        await answer_current(pilot, right=False)
        text = screen_text(app)
        assert "✗●" in text  # the chosen wrong option
        assert "✓○ 2. F(x) + x" in text  # the right one
        assert "[1 Again (suggested)]" in text  # the grade is bracketed, not just coloured


async def test_real_bank_smoke(data_dir, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """The bundled course loads and its first questions can be answered and stored."""
    app = create_app(
        lang="ko", data_dir=data_dir, content_dir=None, start="review", now=clock, seed=3
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.startup_error is None
        for right in (True, False, True):
            screen = await answer_current(pilot, right)
            assert screen.phase == "feedback"
            assert ("✓ 맞았습니다" if right else "✗ 틀렸습니다") in screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
        assert [r.correct for r in app.store.reviews()] == [True, False, True]


async def test_due_cards_come_first_even_with_an_exam_date_and_again_is_not_new(
    make_app: AppFactory, clock: Clock
) -> None:
    from datetime import timedelta

    from content.scheduler import Scheduler

    app = make_app(lang="ko", start="home", only={"t-single", "t-ox", "t-multi"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.set_exam_date((clock.time + timedelta(days=7)).date())
        app.store.record_review(
            question_id="t-multi",
            section="lstm",
            rating=Rating.AGAIN,
            correct=False,
            response="[1]",
            duration_s=5.0,
            now=clock.time - timedelta(minutes=5),
            scheduler=Scheduler(),
        )
        await pilot.press("r")
        await pilot.pause()
        screen = review_screen(app)
        assert [q.id for q in screen.queue] == ["t-multi", "t-single", "t-ox"]
        assert "1/3" in screen_text(app) and "· 복습" in screen_text(app)  # the due card's label
        assert "새 문항" not in screen_text(app)
        await answer_current(pilot, right=False)
        await pilot.press("1", "enter")  # Again: it comes back at the end
        await pilot.pause()
        for _ in range(2):
            await answer_current(pilot, right=True)
            await pilot.press("enter")
            await pilot.pause()
        assert screen.attempt is not None and screen.attempt.bank.id == "t-multi"
        assert "새 문항" not in screen_text(app) and "다시 보기" in screen_text(app)
