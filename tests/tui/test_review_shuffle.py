"""Choice options come in a new order at each start of a review, and are logged as in the bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tui.answering import answer_keys
from tests.tui.conftest import Clock, write_course
from tui.app import DlearnApp, create_app
from tui.screens.review import ReviewScreen


@pytest.fixture
def start_review(tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    """`start_review(qid)`: a review app on a course of that one question, fresh data dir."""
    made: dict[str, Path] = {}
    starts = iter(range(1000))

    def start(qid: str, data: str | None = None) -> DlearnApp:
        if qid not in made:
            made[qid] = write_course(tmp_path / f"course-{qid}", {qid})
        data_dir = tmp_path / (data or f"data-{next(starts)}")
        return create_app(
            lang="en", data_dir=data_dir, content_dir=made[qid], start="review", now=clock, seed=7
        )

    return start


async def _first_order(start_review, qid: str) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    app = start_review(qid)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.attempt is not None
        return tuple(o.en for o in screen.answer_widget().question.options)


async def test_three_starts_show_the_options_in_more_than_one_order(
    start_review, clock: Clock
) -> None:
    orders = []
    for _ in range(3):
        orders.append(await _first_order(start_review, "t-single"))
        clock.advance(60)  # a later start on a fresh data dir (nothing was answered)
    assert all(sorted(o) == sorted(orders[0]) for o in orders)
    assert len(set(orders)) >= 2, orders


async def test_the_same_seed_and_clock_repeat_the_order(start_review) -> None:
    first = await _first_order(start_review, "t-multi")
    assert await _first_order(start_review, "t-multi") == first


async def test_a_right_answer_in_the_shown_order_is_logged_in_bank_indices(
    start_review, clock: Clock
) -> None:
    orders: set[tuple[str, ...]] = set()
    for _ in range(4):  # several orders: the log must not depend on which one was shown
        app = start_review("t-multi", data="one-learner")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.attempt is not None
            shown = screen.attempt.concrete
            await pilot.press(*answer_keys(screen.answer_widget(), shown, right=True))
            await pilot.pause()
            assert screen.attempt.verdict is not None and screen.attempt.verdict.correct
            await pilot.press("2", "enter")  # Hard: back soon
            await pilot.pause()
            logged = app.store.reviews()[-1]
            orders.add(tuple(o.en for o in shown.options))
            assert logged.correct and json.loads(logged.response) == [0, 2]  # the bank's answer
        clock.advance(60 * 86400)  # due again
    assert len(orders) >= 2
