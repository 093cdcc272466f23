"""The common shape of every answer input, one subclass per question type.

An input holds one concrete question (generated ones are instantiated before they get
here) and keeps the learner's answer as state, so the mock exam can leave it and come
back. Enter posts `AnswerSubmitted` with a response in `content.answers.grade`'s shape,
or `AnswerRejected` saying what is missing. The screen grades; the input only collects.
"""

from __future__ import annotations

import json
import random
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

from content.model import Question
from tui.i18n import tr
from tui.messages import AnswerChanged, AnswerRejected, AnswerSubmitted


class AnswerInput(Widget):
    """Base class: a question's answer input. Subclasses fill in the per-type parts."""

    DEFAULT_CSS = """
    AnswerInput { height: auto; }
    """

    lang: reactive[str] = reactive("en")
    """Language of the options and hints; set by `tui.i18n.relabel`."""

    KEYS_HINT = "answer_first"  # i18n key of the one-line key help for this type

    def __init__(
        self,
        question: Question,
        *,
        lang: str,
        rng: random.Random,
        initial: Any = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.question = question
        self.rng = rng
        self._initial = initial  # a response to start from (exam revisit, walkthrough)
        self.set_reactive(AnswerInput.lang, lang)
        self.revealed = False  # True once graded: show the right answer, take no input

    def response(self) -> Any | None:
        """The learner's answer, or None while it is incomplete."""
        raise NotImplementedError

    def describe(self, response: Any, lang: str) -> str:
        """`response` written out for people, in `lang`."""
        raise NotImplementedError

    def incomplete_reason(self) -> str:
        """i18n key of the message shown when Enter is pressed on an incomplete answer."""
        return "answer_first"

    def keys_hint(self) -> str:
        """The key help line for this input, in the current language."""
        return tr(self.KEYS_HINT, self.lang)

    @staticmethod
    def canonical(response: Any) -> str:
        """`response` as compact JSON, language-free, for the review log."""
        if isinstance(response, (set, frozenset)):
            response = sorted(response)
        return json.dumps(response, ensure_ascii=False)

    def reveal(self) -> None:
        """Show which parts were right and take no more input (after grading)."""
        self.revealed = True
        self.disabled = True
        self.refresh(layout=True)

    def focus_input(self) -> None:
        """Put the keyboard focus where typing the answer starts."""
        self.focus()

    def submit(self) -> None:
        response = self.response()
        if response is None:
            self.post_message(AnswerRejected(self.incomplete_reason()))
        else:
            self.post_message(AnswerSubmitted(response))

    def changed(self) -> None:
        """Tell the screen the answer changed (the exam keeps count of answered questions)."""
        self.refresh(layout=True)
        self.post_message(AnswerChanged(self.response() is not None))

    def watch_lang(self) -> None:
        self.refresh(layout=True)


class HangingRows:
    """Rows of `marker  text`, the text wrapped under itself (a hanging indent).

    Rich's table layout crops a wide (Korean) character that lands on a column's edge and
    shows "…" instead: the option's text silently changes. Here each text is wrapped with
    `Text.wrap`, which counts terminal cells, at the width left after the marker column,
    so every character of every option reaches the screen.
    """

    def __init__(self, rows: list[tuple[Text, Text, str]]) -> None:
        self.rows = rows  # (marker, text, row style)

    def marker_width(self) -> int:
        return max((cell_len(m.plain) for m, _, _ in self.rows), default=0)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.marker_width() + 2, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        gap = self.marker_width() + 1
        room = max(width - gap, 1)
        for marker, text, style in self.rows:
            lines = text.wrap(console, room, overflow="fold") if text.plain else [Text("")]
            for n, line in enumerate(lines):
                line.rstrip()
                lead = marker.copy() if n == 0 else Text("")
                lead.pad_right(gap - cell_len(lead.plain))
                row = lead + line
                row.pad_right(max(width - cell_len(row.plain), 0))
                if style:
                    row.stylize(style)
                yield from row.render(console)
                yield Segment.line()


class OptionLines(AnswerInput, can_focus=True):
    """An answer shown as lines with a cursor: choices, items to order, pairs to match."""

    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("enter", "submit", show=False),
    ]

    cursor: reactive[int] = reactive(0)
    """Index of the line the cursor is on."""

    def line_count(self) -> int:
        raise NotImplementedError

    def lines(self) -> list[tuple[str, Text]]:
        """(marker, text) for each line; the marker column never wraps."""
        raise NotImplementedError

    def footer_lines(self) -> list[Text]:
        """Extra lines under the options (e.g. the right-hand items of a match)."""
        return []

    def render(self) -> HangingRows:
        show_cursor = self.has_focus and not self.revealed
        rows: list[tuple[Text, Text, str]] = []
        for i, (marker, text) in enumerate(self.lines()):
            here = show_cursor and i == self.cursor
            mark = Text(("›" if here else " ") + marker)  # Text: "[x]" is not markup
            rows.append((mark, text, "reverse" if here else ""))
        for extra in self.footer_lines():
            rows.append((Text(""), extra, ""))
        return HangingRows(rows)

    def action_cursor(self, step: int) -> None:
        if self.line_count():
            self.cursor = (self.cursor + step) % self.line_count()

    def action_submit(self) -> None:
        self.submit()

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()
