"""Key presses that answer the question on screen, right or wrong, as a learner would.

The presses are worked out from the widget's visible state (the shuffled order, the
lettered right-hand items), never by calling into the grader.
"""

from __future__ import annotations

from content.model import Question
from tui.widgets.answer import AnswerInput
from tui.widgets.match import LETTERS, MatchPairs
from tui.widgets.order import OrderItems


def type_text(text: str) -> list[str]:
    return list(text)


def order_keys(arrangement: list[int], target: list[int]) -> list[str]:
    """Cursor moves and `u` presses that turn `arrangement` into `target` (cursor at 0)."""
    items, cursor, keys = list(arrangement), 0, []
    for place, item in enumerate(target):
        j = items.index(item)
        keys += ["down"] * (j - cursor) if j > cursor else ["up"] * (cursor - j)
        cursor = j
        while cursor > place:
            items[cursor - 1], items[cursor] = items[cursor], items[cursor - 1]
            cursor -= 1
            keys.append("u")
    return keys


def answer_keys(widget: AnswerInput, question: Question, right: bool) -> list[str]:
    """Presses, ending with the submitting Enter, that answer `question` in `widget`."""
    kind = question.type
    if kind == "single":
        assert isinstance(question.answer, int)
        pick = question.answer if right else (question.answer + 1) % len(question.options)
        return [str(pick + 1), "enter"]
    if kind == "multi":
        assert isinstance(question.answer, tuple)
        ticks = question.answer if right else question.answer[:1]  # half right: partial credit
        return [str(i + 1) for i in ticks] + ["enter"]
    if kind == "ox":
        return ["o" if question.answer is right else "x", "enter"]
    if kind == "cloze":
        keys: list[str] = []
        for variants in question.blanks:
            keys += type_text(variants[-1] if right else "nothing") + ["enter"]
        return keys
    if kind == "numeric":
        assert isinstance(question.answer, float | int)
        value = float(question.answer) if right else float(question.answer) + 1000
        return type_text(format(value, ".10g")) + ["enter"]
    if kind == "order":
        assert isinstance(widget, OrderItems)
        n = len(question.items)
        target = list(range(n)) if right else list(reversed(range(n)))
        if target == widget.arrangement:  # already there: move something so it counts
            target = [1, 0, *range(2, n)]
        return order_keys(widget.arrangement, target) + ["enter"]
    if kind == "match":
        assert isinstance(widget, MatchPairs)
        n = len(question.pairs)
        partner = list(range(n)) if right else [(i + 1) % n for i in range(n)]
        letters = [LETTERS[widget.right_order.index(p)].lower() for p in partner]
        return letters + ["enter"]
    raise AssertionError(f"no keys for a {kind} question")
