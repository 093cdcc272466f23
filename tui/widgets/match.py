"""Matching: for each left item, press the letter of its right-hand partner.

The right-hand items are shuffled and lettered A, B, C...; ↑/↓ pick a left item, a letter
pairs it (and moves on; a letter already in use moves to this item), Backspace clears,
Enter submits when every item is paired.
"""

from __future__ import annotations

import string
from typing import Any

from rich.text import Text
from textual.binding import Binding

from tui.i18n import tr
from tui.keys import jamo
from tui.widgets.answer import OptionLines
from tui.widgets.order import shuffled

LETTERS = string.ascii_uppercase


class MatchPairs(OptionLines):
    """Left items in order, right items shuffled; response[i] = original right index."""

    BINDINGS = [
        Binding(jamo(c.lower()), f"assign({i})", show=False) for i, c in enumerate(LETTERS[:8])
    ]
    BINDINGS += [Binding("backspace,delete", "clear", show=False)]

    KEYS_HINT = "keys_match"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        n = len(self.question.pairs)
        self.right_order = shuffled(n, self.rng)  # display position -> original right index
        initial = self._initial
        if isinstance(initial, list) and len(initial) == n:
            self.chosen: list[int | None] = list(initial)
        else:
            self.chosen = [None] * n

    def letter(self, right_index: int | None) -> str:
        if right_index is None:
            return "?"
        return LETTERS[self.right_order.index(right_index)]

    def line_count(self) -> int:
        return len(self.chosen)

    def lines(self) -> list[tuple[str, Text]]:
        rows = []
        for i, pair in enumerate(self.question.pairs):
            text = Text(pair.left.get(self.lang))
            text.append(f"  → {self.letter(self.chosen[i])}", style="bold")
            mark = f"{i + 1}."
            if self.revealed:
                right = self.chosen[i] == i
                mark = ("✓" if right else "✗") + mark
                if not right:
                    text.append(f"  ({self.letter(i)})")
            rows.append((mark, text))
        return rows

    def footer_lines(self) -> list[Text]:
        out = [Text(tr("match_hint", self.lang), style="dim")]
        for pos, original in enumerate(self.right_order):
            out.append(
                Text(f"{LETTERS[pos]}. {self.question.pairs[original].right.get(self.lang)}")
            )
        return out

    def action_assign(self, position: int) -> None:
        if position < len(self.right_order) and self.chosen:
            right = self.right_order[position]
            # each right-hand item pairs with one left item: taking it frees its old partner
            self.chosen = [None if c == right else c for c in self.chosen]
            self.chosen[self.cursor] = right
            if self.cursor < len(self.chosen) - 1:
                self.cursor += 1
            self.changed()

    def action_clear(self) -> None:
        if self.chosen:
            self.chosen[self.cursor] = None
            self.changed()

    def incomplete_reason(self) -> str:
        return "match_all"

    def response(self) -> list[int] | None:
        if any(c is None for c in self.chosen):
            return None
        return [c for c in self.chosen if c is not None]

    def describe(self, response: Any, lang: str) -> str:
        pairs = self.question.pairs
        return " / ".join(
            f"{pairs[i].left.get(lang)} → {pairs[r].right.get(lang)}"
            for i, r in enumerate(response)
        )
