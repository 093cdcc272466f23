"""Option order per attempt: a permutation as data, graded and logged in the bank's terms."""

from __future__ import annotations

import random

from content.answers import grade
from content.model import Question, Text
from content.shuffle import OptionOrder, attempt_seed, is_pinned, option_order, shuffled


def _q(kind: str, options: list[str], answer: object) -> Question:
    return Question(
        id="q",
        section="s",
        type=kind,  # type: ignore[arg-type]
        text=Text("?", "?"),
        explanation=Text("", ""),
        options=tuple(Text(o, o) for o in options),
        answer=answer,  # type: ignore[arg-type]
    )


def test_shown_question_grades_like_the_bank_and_maps_back() -> None:
    bank = _q("multi", ["a", "b", "c", "d", "e"], (0, 1, 4))
    order = OptionOrder((3, 4, 0, 2, 1))
    shown = order.apply(bank)
    assert [o.en for o in shown.options] == ["d", "e", "a", "c", "b"]
    assert shown.answer == (1, 2, 4)
    right = frozenset({1, 2, 4})
    assert grade(shown, right).correct
    assert order.to_bank(right) == frozenset({0, 1, 4})
    assert grade(bank, order.to_bank(right)).correct


def test_single_answer_follows_its_option() -> None:
    bank = _q("single", ["a", "b", "c", "d"], 1)
    shown, order = shuffled(bank, random.Random(3))
    assert shown.options[shown.answer].en == "b"  # type: ignore[index]
    assert order.to_bank(shown.answer) == 1


def test_same_seed_same_order_other_attempt_other_order() -> None:
    bank = _q("single", ["a", "b", "c", "d"], 0)
    again = {option_order(bank, attempt_seed(7, "q", 0)).shown for _ in range(3)}
    assert len(again) == 1
    orders = {option_order(bank, attempt_seed(7, "q", n)).shown for n in range(20)}
    assert len(orders) > 5


def test_all_of_the_above_stays_last() -> None:
    bank = Question(
        id="q",
        section="s",
        type="single",
        text=Text("?", "?"),
        explanation=Text("", ""),
        options=(
            Text("가", "a"),
            Text("나", "b"),
            Text("다", "c"),
            Text("위의 보기 모두", "All of the above"),
        ),
        answer=3,
    )
    for n in range(30):
        order = option_order(bank, attempt_seed(n))
        assert order.shown[-1] == 3
    assert is_pinned(Text("모두 옳다", "")) and is_pinned(Text("", "None of the above"))
    assert not is_pinned(Text("모두 0 이상이다", "They are all non-negative"))


def test_other_types_keep_their_order() -> None:
    ox = Question(id="o", section="s", type="ox", text=Text("?", "?"), explanation=Text("", ""))
    shown, order = shuffled(ox, random.Random(1))
    assert shown is ox and order.shown == ()
