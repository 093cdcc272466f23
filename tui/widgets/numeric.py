"""Numeric: type a number (commas and the question's own units are fine), Enter submits.

Text the grader cannot read as a number, or a unit the question does not take, comes back
from `content.answers.grade` as `InvalidResponse`; the screen shows its message and the
learner tries again, ungraded. The line under the box says which units are accepted.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from content.answers import accepted_units, unit_label
from tui.i18n import tr
from tui.widgets.answer import AnswerInput


class NumberAnswer(AnswerInput):
    """A number within the question's tolerance."""

    DEFAULT_CSS = """
    NumberAnswer .unit-hint { color: $text-muted; }
    """

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
                yield Label(unit_label(self.question, self.lang), classes="unit")
        yield Label(self.units_hint(), classes="unit-hint", markup=False)

    def units_hint(self) -> str:
        """Which units the box takes, in the current language."""
        if not self.question.unit:
            return tr("units_none", self.lang)
        label = unit_label(self.question, self.lang)
        spelled = ", ".join(list(dict.fromkeys([label, *accepted_units(self.question)]))[:3])
        return tr("units_accepted", self.lang, units=spelled)

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
        text = str(response).strip()
        if not self.question.unit or not text[-1:].isdigit():
            return text  # no unit, or the learner wrote one
        label = unit_label(self.question, lang)
        return f"{text}{label}" if label in ("%", "개") else f"{text} {label}"

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.box().placeholder = tr("type_number", self.lang)
            for label in self.query(".unit").results(Label):
                label.update(unit_label(self.question, self.lang))
            self.query_one(".unit-hint", Label).update(self.units_hint())
