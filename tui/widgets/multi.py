"""Multiple select: toggle options with 1-6 or Space, Enter submits the set."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from tui.i18n import tr
from tui.widgets.answer import OptionLines


class MultiChoice(OptionLines):
    """Every right option must be ticked, and no wrong one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(i + 1), f"tick({i})", show=False) for i in range(9)
    ]
    BINDINGS += [Binding("space", "tick_cursor", show=False)]

    KEYS_HINT = "keys_multi"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial
        self.ticked: set[int] = (
            set(initial) if isinstance(initial, (set, frozenset, list)) else set()
        )

    def keys_hint(self) -> str:
        return tr(self.KEYS_HINT, self.lang, n=len(self.question.options))

    def line_count(self) -> int:
        return len(self.question.options)

    def lines(self) -> list[tuple[str, Text]]:
        answer = self.question.answer
        right = set(answer) if isinstance(answer, tuple) else set()
        rows = []
        for i, option in enumerate(self.question.options):
            box = "[x]" if i in self.ticked else "[ ]"
            if self.revealed:
                box = ("✓" if i in right else ("✗" if i in self.ticked else " ")) + box
            style = "bold" if i in self.ticked else ""
            rows.append((f"{box} {i + 1}.", Text(option.get(self.lang), style=style)))
        return rows

    def action_tick(self, index: int) -> None:
        if index < self.line_count():
            self.cursor = index
            self.ticked ^= {index}
            self.changed()

    def action_tick_cursor(self) -> None:
        self.action_tick(self.cursor)

    def response(self) -> frozenset[int] | None:
        return frozenset(self.ticked) if self.ticked else None

    def describe(self, response: Any, lang: str) -> str:
        return " / ".join(
            f"{i + 1}. {self.question.options[i].get(lang)}" for i in sorted(response)
        )
