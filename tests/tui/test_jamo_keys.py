"""With a Korean input method on, the letter keys still do what the footer says."""

from __future__ import annotations

from tests.tui.conftest import AppFactory, screen_text
from tui.keys import TWO_SET, jamo
from tui.screens.review import ReviewScreen
from tui.widgets.match import MatchPairs
from tui.widgets.order import OrderItems
from tui.widgets.ox import TrueFalse


def test_the_table_is_the_standard_2_set_layout() -> None:
    assert (TWO_SET["o"], TWO_SET["x"], TWO_SET["r"], TWO_SET["u"], TWO_SET["d"]) == (
        "ㅐ",
        "ㅌ",
        "ㄱ",
        "ㅕ",
        "ㅇ",
    )
    assert len(set(TWO_SET.values())) == 26
    assert jamo("o,1") == "o,1,ㅐ" and jamo("shift+up,u") == "shift+up,u,ㅕ"


async def test_jamo_pick_o_and_x_and_open_screens_from_home(make_app: AppFactory) -> None:
    app = make_app(lang="ko", only={"t-ox"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ㄱ")  # r: review
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        widget = app.screen.query_one(TrueFalse)
        await pilot.press("ㅐ")  # o
        assert widget.response() is True
        await pilot.press("ㅌ")  # x
        assert widget.response() is False
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.phase == "feedback"
        assert "✓ 맞았습니다" in screen_text(app)


async def test_jamo_letters_pair_a_match_and_move_an_order_item(make_app: AppFactory) -> None:
    app = make_app(lang="ko", start="review", only={"t-match"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        match = app.screen.query_one(MatchPairs)
        await pilot.press("ㅁ", "ㅠ")  # a, b
        assert match.chosen[:2] == [match.right_order[0], match.right_order[1]]
    app = make_app(lang="ko", start="review", only={"t-order"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        order = app.screen.query_one(OrderItems)
        before = list(order.arrangement)
        await pilot.press("ㅇ")  # d: carry the first item down
        assert order.arrangement == [before[1], before[0], *before[2:]]
        await pilot.press("ㅕ")  # u: and back up
        assert order.arrangement == before
