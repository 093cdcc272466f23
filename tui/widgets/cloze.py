"""Cloze: one text box per blank; Enter moves to the next blank, then submits."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from tui.i18n import tr
from tui.widgets.answer import AnswerInput


class ClozeBlanks(AnswerInput):
    """Fill-in-the-blank; spelling variants (Korean or English) are accepted by the grader."""

    KEYS_HINT = "keys_cloze"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self._initial if isinstance(self._initial, list) else []
        n = len(self.question.blanks)
        self.values = [str(initial[i]) if i < len(initial) else "" for i in range(n)]

    def compose(self) -> ComposeResult:
        for i, value in enumerate(self.values):
            with Horizontal(classes="blank-row"):
                yield Label(tr("type_blank", self.lang, i=i + 1), classes="blank-label")
                yield Input(value=value, id=f"blank-{i}", select_on_focus=False)

    def inputs(self) -> list[Input]:
        return list(self.query(Input))

    def focus_input(self) -> None:
        boxes = self.inputs()
        empty = [box for box in boxes if not box.value.strip()]
        target = (empty or boxes)[0] if boxes else None
        if target is not None:
            target.focus()

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        boxes = self.inputs()
        index = boxes.index(event.input)
        if index < len(boxes) - 1 and not boxes[index + 1].value.strip():
            boxes[index + 1].focus()
        else:
            self.submit()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.values[self.inputs().index(event.input)] = event.value
        self.changed()

    def incomplete_reason(self) -> str:
        return "fill_all_blanks"

    def response(self) -> list[str] | None:
        if not self.values or any(not v.strip() for v in self.values):
            return None
        return list(self.values)

    def describe(self, response: Any, lang: str) -> str:
        return " / ".join(str(v).strip() for v in response)

    def watch_lang(self) -> None:
        for i, label in enumerate(self.query(".blank-label").results(Label)):
            label.update(tr("type_blank", self.lang, i=i + 1))
