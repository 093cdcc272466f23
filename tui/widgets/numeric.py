"""Numeric: type a number (units, commas and % are fine), Enter submits.

Text the grader cannot read as a number comes back from `content.answers.grade` as
`InvalidResponse`; the screen shows its message and the learner tries again, ungraded.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from tui.i18n import tr
from tui.widgets.answer import AnswerInput


class NumberAnswer(AnswerInput):
    """A number within the question's tolerance."""

    KEYS_HINT = "keys_numeric"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = self._initial if isinstance(self._initial, str) else ""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="number-row"):
            yield Input(
                value=self.text,
                placeholder=tr("type_number", self.lang),
                id="number",
                select_on_focus=False,
            )
            if self.question.unit:
                yield Label(self.question.unit, classes="unit")

    def box(self) -> Input:
        return self.query_one("#number", Input)

    def focus_input(self) -> None:
        self.box().focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.text = event.value
        self.changed()

    def response(self) -> str | None:
        return self.text.strip() or None

    def describe(self, response: Any, lang: str) -> str:
        unit = self.question.unit
        text = str(response).strip()
        return f"{text} {unit}" if unit and not text.endswith(unit) else text

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.box().placeholder = tr("type_number", self.lang)
