"""Ordering: move the shuffled items into the right order, Enter submits.

↑/↓ move the cursor; Shift+↑/↓ (or u/d, for terminals that drop Shift+arrows) carry the
item under the cursor up or down.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding

from tui.keys import jamo
from tui.widgets.answer import OptionLines


def shuffled(n: int, rng: Any) -> list[int]:
    """A permutation of range(n) that is not already in order (when n > 1)."""
    order = list(range(n))
    if n < 2:
        return order
    while order == sorted(order):
        rng.shuffle(order)
    return order


class OrderItems(OptionLines):
    """Items to put in order; the response lists original indices in the learner's order."""

    BINDINGS = [
        Binding(jamo("shift+up,u"), "move(-1)", "move_up", key_display="⇧↑/u"),
        Binding(jamo("shift+down,d"), "move(1)", "move_down", key_display="⇧↓/d"),
    ]

    KEYS_HINT = "keys_order"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        n = len(self.question.items)
        initial = self._initial
        if isinstance(initial, list) and sorted(initial) == list(range(n)):
            self.arrangement, self.touched = list(initial), True
        else:
            self.arrangement, self.touched = shuffled(n, self.rng), False

    def line_count(self) -> int:
        return len(self.arrangement)

    def lines(self) -> list[tuple[str, Text]]:
        rows = []
        for position, item in enumerate(self.arrangement):
            mark = f"{position + 1}."
            if self.revealed:
                mark = ("✓" if item == position else "✗") + mark
            rows.append((mark, Text(self.question.items[item].get(self.lang))))
        return rows

    def action_move(self, step: int) -> None:
        here, there = self.cursor, self.cursor + step
        if 0 <= there < len(self.arrangement):
            items = self.arrangement
            items[here], items[there] = items[there], items[here]
            self.touched = True
            self.cursor = there
            self.changed()

    def incomplete_reason(self) -> str:
        return "order_first"

    def response(self) -> list[int] | None:
        return list(self.arrangement) if self.touched else None

    def describe(self, response: Any, lang: str) -> str:
        return " → ".join(self.question.items[i].get(lang) for i in response)
