"""O/X: is the statement true? `o` or `x` (or ←/→) picks, Enter submits."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive

from tui.i18n import tr
from tui.keys import jamo
from tui.widgets.answer import OptionLines


class TrueFalse(OptionLines):
    """O (the statement is true) or X (it is false)."""

    BINDINGS = [
        Binding(jamo("o,1"), "pick(True)", show=False),
        Binding(jamo("x,2"), "pick(False)", show=False),
        Binding("left", "cursor(-1)", show=False),
        Binding("right", "cursor(1)", show=False),
    ]

    KEYS_HINT = "keys_ox"

    selected: reactive[bool | None] = reactive(None)
    """True for O, False for X, None until the learner picks."""

    def on_mount(self) -> None:
        if isinstance(self._initial, bool):
            self.selected = self._initial
            self.cursor = 0 if self._initial else 1

    def line_count(self) -> int:
        return 2

    def lines(self) -> list[tuple[str, Text]]:
        rows = []
        for value, key in ((True, "ox_true"), (False, "ox_false")):
            chosen = self.selected is value
            mark = "●" if chosen else "○"
            if self.revealed:
                mark = ("✓" if self.question.answer is value else ("✗" if chosen else " ")) + mark
            rows.append((mark, Text(tr(key, self.lang), style="bold" if chosen else "")))
        return rows

    def action_pick(self, value: bool) -> None:
        self.selected = value
        self.cursor = 0 if value else 1
        self.changed()

    def action_cursor(self, step: int) -> None:
        super().action_cursor(step)
        self.action_pick(self.cursor == 0)

    def response(self) -> bool | None:
        return self.selected

    def describe(self, response: Any, lang: str) -> str:
        return "O" if response else "X"
