"""Single choice: four options, keys 1-4 (or arrows) pick one, Enter submits."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive

from tui.i18n import tr
from tui.widgets.answer import OptionLines


class SingleChoice(OptionLines):
    """One right option out of (usually) four."""

    BINDINGS = [Binding(str(i + 1), f"pick({i})", show=False) for i in range(9)]

    KEYS_HINT = "keys_choice"

    selected: reactive[int | None] = reactive(None)
    """Index of the chosen option, None until the learner picks one."""

    def on_mount(self) -> None:
        if isinstance(self._initial, int):
            self.selected = self.cursor = self._initial

    def keys_hint(self) -> str:
        return tr(self.KEYS_HINT, self.lang, n=len(self.question.options))

    def line_count(self) -> int:
        return len(self.question.options)

    def lines(self) -> list[tuple[str, Text]]:
        answer = self.question.answer
        rows = []
        for i, option in enumerate(self.question.options):
            chosen = i == self.selected
            if self.revealed:
                mark = "✓" if i == answer else ("✗" if chosen else " ")
                mark += "●" if chosen else "○"
            else:
                mark = "●" if chosen else "○"
            style = "bold" if chosen else ""
            rows.append((f"{mark} {i + 1}.", Text(option.get(self.lang), style=style)))
        return rows

    def action_pick(self, index: int) -> None:
        if index < self.line_count():
            self.selected = self.cursor = index
            self.changed()

    def action_cursor(self, step: int) -> None:
        super().action_cursor(step)
        self.selected = self.cursor
        self.changed()

    def response(self) -> int | None:
        return self.selected

    def describe(self, response: Any, lang: str) -> str:
        return f"{response + 1}. {self.question.options[response].get(lang)}"
